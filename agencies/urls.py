from django.urls import path

from agencies import api_views

app_name = "agencies"

urlpatterns = [
    path("api/v1/applications", api_views.applications_list, name="api_applications"),
    path(
        "api/v1/applications/<str:reference>",
        api_views.application_detail,
        name="api_application",
    ),
    path(
        "api/v1/applications/<str:reference>/status",
        api_views.application_status,
        name="api_application_status",
    ),
]
