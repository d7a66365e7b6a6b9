"""Deployment checks of our own, run by `manage.py check --deploy`."""

from django.conf import settings
from django.core import checks

# A key copied from an example or left from development is public: anyone could forge
# sessions, password-reset links and signed values with it.
PLACEHOLDER_PREFIXES = ("change-me", "development-only-", "django-insecure-")


def secret_key_problem(key: str) -> str | None:
    """Why `key` must not be used in production, or None."""
    if key.strip().lower().startswith(PLACEHOLDER_PREFIXES):
        return "SECRET_KEY is a placeholder from .env.example or development"
    if len(key) < 50 or len(set(key)) < 5:
        return "SECRET_KEY is too short or too simple: use at least 50 random characters"
    return None


@checks.register(checks.Tags.security, deploy=True)
def check_secret_key(app_configs, **kwargs):
    problem = secret_key_problem(settings.SECRET_KEY)
    if problem is None:
        return []
    return [
        checks.Error(
            problem,
            hint="Generate one: python -c 'import secrets; print(secrets.token_urlsafe(50))'",
            id="civiportal.E001",
        )
    ]
