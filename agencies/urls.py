from django.urls import path

from agencies.exports import api_views, views
from agencies.review import resident_views

app_name = "agencies"

urlpatterns = [
    path(
        "my/applications/<ref:reference>/pdf/",
        views.resident_application_download,
        name="resident_application_pdf",
    ),
    path(
        "my/applications/<str:reference>/respond/",
        resident_views.resident_application_respond,
        name="resident_application_respond",
    ),
    path(
        "my/applications/<str:reference>/withdraw/",
        resident_views.resident_application_withdraw,
        name="resident_application_withdraw",
    ),
    path("api/v1/applications", api_views.applications_list, name="api_applications"),
    path(
        "api/v1/applications/<ref:reference>",
        api_views.application_detail,
        name="api_application",
    ),
    path(
        "api/v1/applications/<ref:reference>/status",
        api_views.application_status,
        name="api_application_status",
    ),
]
