from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from applicants.intake import intake_minutes
from civiportal import health


@require_GET
def home(request):

    return render(request, "home.html", {"minutes": intake_minutes()})


@never_cache
@require_GET
def healthz(request):
    """Liveness and readiness: 200 when every configured service answers, 503 otherwise.

    Staff may add `?worker=1` to also run a task on a Celery worker; anonymous callers
    cannot, so the endpoint cannot be used to flood the queue.
    """
    checks = {}
    checks["database"] = health.database_ok()
    checks["broker"] = health.broker_ok()
    if request.GET.get("worker") and request.user.is_staff and checks["broker"][0]:
        checks["worker"] = health.worker_ok()
    healthy = all(ok for ok, _detail in checks.values())
    body = {
        "status": "ok" if healthy else "unavailable",
        "checks": {name: {"ok": ok, "detail": detail} for name, (ok, detail) in checks.items()},
    }
    return JsonResponse(body, status=200 if healthy else 503)
