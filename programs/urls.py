from django.urls import path

from . import views

app_name = "programs"

urlpatterns = [
    path("programs/", views.catalog, name="catalog"),
    path("programs/<slug:slug>/", views.detail, name="detail"),
]
