from django.contrib import admin
from django.urls import include, path

from civiportal import views

admin.site.site_header = "CiviPortal administration"
admin.site.site_title = "CiviPortal admin"

# Each app owns the full paths of its pages (e.g. programs/, api/v1/screen).
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("programs.urls")),
    path("", include("eligibility.urls")),
    path("", include("applicants.urls")),
    path("", include("agencies.urls")),
]
