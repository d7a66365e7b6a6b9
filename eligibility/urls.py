from django.urls import path

from eligibility import views

app_name = "eligibility"

urlpatterns = [
    path("api/v1/screen", views.screen_api, name="screen"),
    path("api/v1/openapi.json", views.openapi, name="openapi"),
]
