"""The portal's URLs plus `bench/bare`: the cheapest Django response through the same
middleware (sessions, CSRF, CSP, locale), served by the same gunicorn workers."""

from django.http import HttpResponse
from django.urls import path

from civiportal.urls import urlpatterns as portal_urlpatterns


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare", bare, name="bench_bare"), *portal_urlpatterns]
