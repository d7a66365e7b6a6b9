from django.contrib import admin
from django.urls import include, path, register_converter

from civiportal import converters, views

# Registered before the apps' URL modules are included: they use <ref:...> and <id:...>.
register_converter(converters.SafeStringConverter, "ref")
register_converter(converters.SafeIdConverter, "id")

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
