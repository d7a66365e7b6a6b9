"""CiviPortal settings: one module, every deployment value from the environment.

With no environment set the portal runs embedded (SQLite, Celery tasks run eagerly in
process) so that `make demo` needs nothing but Python. `DJANGO_ENV=production` turns on
the HTTPS-only settings and refuses to start without a real secret key.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Exchange, Queue

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DJANGO_ENV = os.environ.get("DJANGO_ENV", "development").strip().lower()
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'.")
IS_PRODUCTION = DJANGO_ENV == "production"

DEBUG = env_bool("DJANGO_DEBUG", default=not IS_PRODUCTION)

_DEVELOPMENT_SECRET_KEY = "development-only-secret-key-never-used-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if IS_PRODUCTION or not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production needs a long random secret key in the "
            "environment, e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'."
        )
    SECRET_KEY = _DEVELOPMENT_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if IS_PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The public address of the portal, used in emails and webhook payloads.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "formtools",
    "civiportal",
    "programs",
    "eligibility",
    "applicants",
    "agencies",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "civiportal.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A community navigator acting for a client: checked on every request.
    "applicants.partner_acting.ActingForClientMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "civiportal.urls"
WSGI_APPLICATION = "civiportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "civiportal.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# One date format per language: US English "March 12, 2026" (civiportal/formats/en).
FORMAT_MODULE_PATH = ["civiportal.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "America/Los_Angeles")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Uploaded files hold residents' documents: they live outside the static tree and are
# only ever served through permission-checked views.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

# Email: console in development, SMTP when EMAIL_HOST is set.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "CiviPortal <no-reply@civiportal.local>")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
    EMAIL_TIMEOUT = 10
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Celery. With no broker configured, tasks run eagerly in the web process (demo mode).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = int(os.environ.get("CELERY_TASK_TIME_LIMIT", "300"))
CELERY_TASK_SOFT_TIME_LIMIT = int(os.environ.get("CELERY_TASK_SOFT_TIME_LIMIT", "240"))
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 3, "socket_timeout": 10}

# Delivery to agencies (agencies/tasks.py, docs/operations.md). Queues are split by
# channel kind so slow agency webhooks cannot hold up the internal queue or emails; a
# worker started without -Q consumes every queue listed here.
# Every queue is bound to one direct exchange under its own routing key (queues sharing a
# key would each get a copy of every message).
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_DEFAULT_EXCHANGE = "civiportal"
CELERY_TASK_DEFAULT_ROUTING_KEY = "celery"
_DELIVERY_QUEUES = ["deliveries.internal", "deliveries.webhook", "deliveries.email"]
_QUEUE_NAMES = ["celery", "routing", *_DELIVERY_QUEUES]
CELERY_TASK_QUEUES = [
    Queue(name, Exchange("civiportal", type="direct"), routing_key=name) for name in _QUEUE_NAMES
]
CELERY_TASK_ROUTES = {
    "agencies.tasks.route_submission": {"queue": "routing"},
    "agencies.tasks.sweep_deliveries": {"queue": "routing"},
    # deliver() is sent to deliveries.<channel kind> explicitly; this is the fallback.
    "agencies.tasks.deliver": {"queue": "deliveries.internal"},
}
DELIVERY_MAX_ATTEMPTS = int(os.environ.get("DELIVERY_MAX_ATTEMPTS", "8"))
DELIVERY_RETRY_BASE_SECONDS = float(os.environ.get("DELIVERY_RETRY_BASE_SECONDS", "30"))
# Kept below the Redis visibility timeout (one hour) so a retry message waiting for its
# countdown is never redelivered early.
DELIVERY_RETRY_MAX_SECONDS = float(os.environ.get("DELIVERY_RETRY_MAX_SECONDS", "1800"))
# Longer than the task hard time limit: a row still "delivering" after this lost its worker.
DELIVERY_STUCK_AFTER_SECONDS = float(os.environ.get("DELIVERY_STUCK_AFTER_SECONDS", "600"))
# A due row whose task message has not run this long after it was due is sent again.
DELIVERY_REQUEUE_AFTER_SECONDS = float(os.environ.get("DELIVERY_REQUEUE_AFTER_SECONDS", "300"))
DELIVERY_SWEEP_INTERVAL_SECONDS = float(os.environ.get("DELIVERY_SWEEP_INTERVAL_SECONDS", "30"))
DELIVERY_SWEEP_BATCH_SIZE = int(os.environ.get("DELIVERY_SWEEP_BATCH_SIZE", "1000"))
WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10"))
WEBHOOK_ALLOW_HTTP = env_bool("WEBHOOK_ALLOW_HTTP", default=not IS_PRODUCTION)
# Production refuses webhook hosts on loopback/private networks (agencies/channels/addresses.py).
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool(
    "WEBHOOK_ALLOW_PRIVATE_ADDRESSES", default=not IS_PRODUCTION
)
CELERY_BEAT_SCHEDULE = {
    "sweep-deliveries": {
        "task": "agencies.tasks.sweep_deliveries",
        "schedule": DELIVERY_SWEEP_INTERVAL_SECONDS,
        "options": {"queue": "routing", "expires": DELIVERY_SWEEP_INTERVAL_SECONDS},
    },
    "purge-expired-guests": {
        "task": "applicants.tasks.purge_guest_applicants",
        "schedule": 60 * 60 * 24,
    },
    "purge-orphaned-uploads": {
        "task": "applicants.tasks.purge_orphaned_uploads",
        "schedule": 60 * 60 * 24,
    },
}

# A shared cache (rate limits, compiled data) across web processes when CACHE_URL is set.
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
SCREENING_API_RATE_LIMIT_PER_MINUTE = int(os.environ.get("SCREENING_API_RATE_LIMIT", "60"))

SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(60 * 60 * 24 * 14)))
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)

if IS_PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Behind a TLS-terminating proxy (compose's or the platform's), trust its header.
    if env_bool("SECURE_PROXY_SSL_HEADER", default=True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The health check is called over plain HTTP by orchestrators inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
