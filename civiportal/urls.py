from django.contrib import admin
from django.urls import include, path

from civiportal import views

admin.site.site_header = "CiviPortal administration"
admin.site.site_title = "CiviPortal admin"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
