import json
from pathlib import Path

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import override
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from civiportal.ratelimit import over_limit
from eligibility import screening_io

OPENAPI_PATH = Path(settings.BASE_DIR) / "docs" / "openapi.json"


def error_response(errors: list[dict], status: int = 400) -> JsonResponse:
    return JsonResponse({"errors": errors}, status=status)


# Anonymous and cookie-less: the API acts for no signed-in user, so CSRF does not apply.
@csrf_exempt
@require_POST
def screen_api(request):
    """POST /api/v1/screen: screen answers against published programs. Stores nothing."""
    if over_limit(request, scope="screen", limit=settings.SCREENING_API_RATE_LIMIT_PER_MINUTE):
        response = error_response(
            [{"path": "$", "message": "too many requests; try again in a minute"}], status=429
        )
        response["Retry-After"] = "60"
        return response
    try:
        parsed, results = screening_io.screen_request(screening_io.parse_request_json(request))
    except screening_io.ScreeningInputError as error:
        return error_response(error.errors)
    with override(parsed.language):
        body = screening_io.results_json(results, language=parsed.language, as_of=parsed.as_of)
    return JsonResponse(body)


@require_GET
@cache_control(max_age=300, public=True)
def openapi(request):
    """The OpenAPI description of every /api/v1 endpoint."""
    return JsonResponse(json.loads(OPENAPI_PATH.read_text()))
