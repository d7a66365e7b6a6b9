from django.conf import settings


def portal(request):
    return {"PORTAL_NAME": "CiviPortal", "SITE_URL": settings.SITE_URL}
