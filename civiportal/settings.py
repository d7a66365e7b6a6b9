"""CiviPortal settings: every deployment value from the environment.

With no environment set the portal runs embedded (SQLite, Celery tasks run eagerly in
process) so that `make demo` needs nothing but Python. `DJANGO_ENV=production` turns on
the HTTPS-only settings and refuses to start without a real secret key.
Celery's transport, queues and routes are in `settings_celery.py`, imported whole below.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from civiportal.settings_celery import *  # noqa: F403

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
elif IS_PRODUCTION and SECRET_KEY.strip().lower().startswith(
    ("change-me", "development-only-", "django-insecure-")
):
    # The same prefixes as civiportal/checks.py, which `check --deploy` also runs.
    raise ImproperlyConfigured(
        "SECRET_KEY is the placeholder from .env.example; production needs its own long "
        "random secret key."
    )

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
    "organizations",
    "programs",
    "eligibility",
    "applicants",
    "agencies",
    "notifications",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Broker messages a request owes are published after its response is sent.
    "civiportal.after_response.AfterResponseMiddleware",
    "civiportal.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise (static files come precompressed) and before anything that reads
    # the body; compresses only pages no other site can put text into (BREACH).
    "civiportal.middleware.ReflectionFreeGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads the body (civiportal/request_limits.py).
    "civiportal.request_limits.RequestSizeLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "civiportal.middleware.StaffIdleTimeoutMiddleware",
    # Needs the user (after an idle staff session is ended); CSRF reads the post later, in
    # process_view, so it reads this parse.
    "civiportal.request_limits.StaffFormFieldsMiddleware",
    "civiportal.middleware.PrivateByDefaultMiddleware",
    "civiportal.request_limits.GuestUploadQuotaMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A community navigator acting for a client: checked on every request.
    "applicants.navigators.acting.ActingForClientMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Turns a locked-out sign-in into the lockout page (civiportal/login_throttle.py).
    "axes.middleware.AxesMiddleware",
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
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
AUTHENTICATION_BACKENDS = [
    "civiportal.login_throttle.ThrottledBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Sign-in lockout (django-axes; docs/operations.md): after AXES_FAILURE_LIMIT wrong
# passwords for one account, or from one client address, sign-in is refused for the
# cool-off time. Counts live in the database, shared by every web process.
AXES_FAILURE_LIMIT = int(os.environ.get("SIGN_IN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("SIGN_IN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_CLIENT_IP_CALLABLE = "civiportal.login_throttle.client_ip"
AXES_USERNAME_CALLABLE = "civiportal.login_throttle.username_from"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_SENSITIVE_PARAMETERS = ["password", "password1", "password2"]
AXES_VERBOSE = False
# Password-reset emails per client address and per address asked about, per hour.
PASSWORD_RESET_LIMIT_PER_HOUR = int(os.environ.get("PASSWORD_RESET_LIMIT_PER_HOUR", "5"))

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

# Request bodies over this are refused unread (413); uploads are 10 MB each by default.
MAX_REQUEST_BYTES = int(os.environ.get("MAX_REQUEST_BYTES", str(30 * 1024 * 1024)))
# Signed-in staff may post this many form fields to the admin (everyone else: Django's
# DATA_UPLOAD_MAX_NUMBER_FIELDS, 1,000). The program builder posts a whole rule as one
# form: up to 500 condition rows of 44 fields and 500 named-value rows of 32
# (civiportal/request_limits.py; the body stays within DATA_UPLOAD_MAX_MEMORY_SIZE).
STAFF_FORM_MAX_NUMBER_FIELDS = 40_000
# Files a guest (no account) may store per session, and upload requests per address.
GUEST_UPLOAD_QUOTA = int(os.environ.get("GUEST_UPLOAD_QUOTA", "20"))
GUEST_UPLOAD_REQUESTS_PER_HOUR = int(os.environ.get("GUEST_UPLOAD_REQUESTS_PER_HOUR", "60"))

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
# Any backend by its dotted path (the file backend writes one file per message into
# EMAIL_FILE_PATH: demos and the fault tests count Message-IDs there).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", EMAIL_BACKEND)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "test-artifacts" / "email"))

# Resident notifications (notifications/, docs/operations.md): an outbox like deliveries.
# Text messages go through SMS_BACKEND (console, file, or a provider's class).
SMS_BACKEND = os.environ.get("SMS_BACKEND", "notifications.sms.ConsoleSmsBackend")
SMS_FILE_PATH = os.environ.get("SMS_FILE_PATH", str(BASE_DIR / "test-artifacts" / "sms"))
NOTIFICATION_MESSAGE_ID_DOMAIN = os.environ.get(
    "NOTIFICATION_MESSAGE_ID_DOMAIN", urlsplit(SITE_URL).hostname or "civiportal.local"
)
NOTIFICATION_EMAIL_TIMEOUT_SECONDS = float(os.environ.get("NOTIFICATION_EMAIL_TIMEOUT", "10"))
NOTIFICATION_MAX_ATTEMPTS = int(os.environ.get("NOTIFICATION_MAX_ATTEMPTS", "8"))
NOTIFICATION_RETRY_BASE_SECONDS = float(os.environ.get("NOTIFICATION_RETRY_BASE_SECONDS", "30"))
NOTIFICATION_RETRY_MAX_SECONDS = float(os.environ.get("NOTIFICATION_RETRY_MAX_SECONDS", "1800"))
# Longer than send_notification's hard time limit (30 s): a row still "sending" after
# this lost its worker, and is released at the next sweep.
NOTIFICATION_STUCK_AFTER_SECONDS = float(os.environ.get("NOTIFICATION_STUCK_AFTER_SECONDS", "35"))
NOTIFICATION_REQUEUE_AFTER_SECONDS = float(
    os.environ.get("NOTIFICATION_REQUEUE_AFTER_SECONDS", "120")
)
NOTIFICATION_SWEEP_INTERVAL_SECONDS = float(
    os.environ.get("NOTIFICATION_SWEEP_INTERVAL_SECONDS", "10")
)
NOTIFICATION_SWEEP_BATCH_SIZE = int(os.environ.get("NOTIFICATION_SWEEP_BATCH_SIZE", "1000"))

# Delivery to agencies (agencies/routing/tasks.py, docs/operations.md); Celery's own
# settings (queues, routes, time limits) are in civiportal/settings_celery.py.
DELIVERY_MAX_ATTEMPTS = int(os.environ.get("DELIVERY_MAX_ATTEMPTS", "8"))
DELIVERY_RETRY_BASE_SECONDS = float(os.environ.get("DELIVERY_RETRY_BASE_SECONDS", "30"))
# Kept below the Redis visibility timeout (one hour) so a retry message waiting for its
# countdown is never redelivered early.
DELIVERY_RETRY_MAX_SECONDS = float(os.environ.get("DELIVERY_RETRY_MAX_SECONDS", "1800"))
# Longer than the deliver task's hard time limit (30 s, agencies/routing/tasks.py): a row still
# "delivering" after this lost its worker. With a sweep every 10 s, a delivery whose
# worker was killed is attempted again within about 45 s.
DELIVERY_STUCK_AFTER_SECONDS = float(os.environ.get("DELIVERY_STUCK_AFTER_SECONDS", "35"))
# A due row whose task message has not run this long after it was due is sent again.
DELIVERY_REQUEUE_AFTER_SECONDS = float(os.environ.get("DELIVERY_REQUEUE_AFTER_SECONDS", "300"))
DELIVERY_SWEEP_INTERVAL_SECONDS = float(os.environ.get("DELIVERY_SWEEP_INTERVAL_SECONDS", "10"))
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
        # No expiry: a late sweep is still a sweep, and sweeps are idempotent.
        "options": {"queue": "sweeps"},
    },
    "sweep-notifications": {
        "task": "notifications.tasks.sweep_notifications",
        "schedule": NOTIFICATION_SWEEP_INTERVAL_SECONDS,
        "options": {"queue": "sweeps"},
    },
    "purge-expired-guests": {
        "task": "applicants.tasks.purge_guest_applicants",
        "schedule": 60 * 60 * 24,
    },
    "purge-orphaned-uploads": {
        "task": "applicants.tasks.purge_orphaned_uploads",
        "schedule": 60 * 60 * 24,
    },
    # Hourly: a reminder is due on a day, and a missed run is caught up within the hour.
    "send-renewal-reminders": {
        "task": "applicants.tasks.send_renewal_reminders",
        "schedule": 60 * 60,
        "options": {"queue": "celery", "expires": 60 * 60},
    },
    "activate-scheduled-versions": {
        "task": "programs.tasks.activate_scheduled_versions",
        "schedule": 30,
        "options": {"expires": 30},
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
# Behind a reverse proxy: the header it sets to the client's address, and how many
# proxies of ours stand in front (civiportal/ratelimit.py, docs/operations.md). Off by
# default, because without a proxy any client can forge the header.
TRUSTED_PROXY_CLIENT_IP_HEADER = os.environ.get("TRUSTED_PROXY_CLIENT_IP_HEADER", "").strip()
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1"))
# Tries at proving a guest application is yours, per account (applicants/views/claim.py).
CLAIM_ATTEMPTS_PER_HOUR = int(os.environ.get("CLAIM_ATTEMPTS_PER_HOUR", "10"))
# A guest's way back (applicants/guest_access.py): how long an emailed link stays valid,
# and tries at reference number plus date of birth per client address per hour.
GUEST_LINK_MAX_AGE_SECONDS = int(
    os.environ.get("GUEST_LINK_MAX_AGE_SECONDS", str(60 * 60 * 24 * 30))
)
GUEST_FIND_ATTEMPTS_PER_HOUR = int(os.environ.get("GUEST_FIND_ATTEMPTS_PER_HOUR", "10"))
# JSON API request limits (civiportal/json_limits.py, docs/api.md): a body over either is
# a 400 naming the limit, never parsed.
API_MAX_BODY_BYTES = int(os.environ.get("API_MAX_BODY_BYTES", str(256 * 1024)))
API_MAX_JSON_DEPTH = int(os.environ.get("API_MAX_JSON_DEPTH", "20"))

# Database sessions, updated in one statement instead of a transaction of three.
SESSION_ENGINE = "civiportal.sessions"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(60 * 60 * 24 * 14)))
SESSION_COOKIE_HTTPONLY = True
# Staff are signed out after this long without a request (civiportal/middleware.py).
STAFF_IDLE_TIMEOUT_SECONDS = int(os.environ.get("STAFF_IDLE_TIMEOUT_SECONDS", str(30 * 60)))
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
