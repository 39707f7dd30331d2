"""Mosty settings: everything comes from the environment (django-environ).

Defaults serve local development; see .env.example and the README table.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=DEV_SECRET_KEY)
if not DEBUG and (SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a random value of at least 50 characters "
        "when DJANGO_DEBUG is false. Generate one with: python -c "
        "'import secrets; print(secrets.token_urlsafe(64))'"
    )

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "core.admin_site.MostyAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "core",
    "members",
    "clubs",
    "events",
    "trainings",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.middleware.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "core.context_processors.site",
                "members.context_processors.navigation",
            ],
        },
    },
]

# --- Database and cache ----------
DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://root@127.0.0.1:5432/mosty"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        # Fails open when Redis is away: a page never errors because the cache is.
        "BACKEND": "core.cache.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="mosty"),
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    },
    # Rendered template fragments that hold no personal data (the navigation
    # menu per language and set of roles): in each process's memory.
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "mosty-fragments",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Public pages (club directory, club pages) as visitors who are not signed in
# see them are rendered once and kept this long (core/pagecache.py); 0: off.
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=60)

# --- Auth ----------
AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    # Django's and allauth's backends, loading the roles with the user
    # (members/backends.py): one query less on every signed-in page.
    "members.backends.ModelBackend",
    "members.backends.AuthenticationBackend",
]
_PV = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_PV}.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:home"
ACCOUNT_SIGNUP_REDIRECT_URL = "members:application"

ACCOUNT_ADAPTER = "members.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "members.forms.SignupForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_USER_DISPLAY = "members.models.user_display"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_PREVENT_ENUMERATION = True
# Pinned, not left to allauth's defaults: an unknown address gets an email too,
# and a sign-in code is never re-sent (the resend skips unknown addresses). So
# signup, password reset and sign-in by code answer alike for known and unknown
# addresses, also when the mail server is down (members/adapter.py).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = True
ACCOUNT_LOGIN_BY_CODE_SUPPORTS_RESEND = False
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, spelled out so they are visible and reviewable.
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reset_password": "20/m/ip,5/m/key",
    "reauthenticate": "10/m/user",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "confirm_email": "1/3m/key",
    "request_login_code": "20/m/ip,3/m/key",
}
# Number of reverse proxies in front of the app that we trust to set
# X-Forwarded-For. 0 (the default) means the header is ignored entirely, so a
# forged header from a client cannot dodge the per-address rate limits.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="Mosty")
# Accept the code of the neighbouring 30-second step too (RFC 6238 allows it):
# a code typed at a step boundary is not refused. Reuse is still blocked.
MFA_TOTP_TOLERANCE = 1
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
USERSESSIONS_TRACK_ACTIVITY = False

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- I18N / time ---------------------------------------------------------------
LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static files ----------
STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "var" / "staticfiles")
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Email ----------
_mail_dir = BASE_DIR / "var" / "mail"
# django-environ drops one leading slash of a filemail path: "filemail:///abs"
# gives the relative "abs". Four slashes keep the default absolute.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default=f"filemail:///{_mail_dir}")
vars().update(EMAIL_CONFIG)
# Neutral sender: the name reveals neither a club's purpose nor a topic.
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Notifications <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = 20

# --- Celery / outbox -----------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 4
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# Celery closes the database connection around every task unless this is set:
# a new PostgreSQL connection per message. Keep it for 1000 tasks instead;
# config/celery.py still drops broken or CONN_MAX_AGE-old ones, as a request does.
CELERY_DB_REUSE_MAX = 1000
CELERY_BEAT_SCHEDULE_FILENAME = str(BASE_DIR / "var" / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "dispatch-due-notifications": {
        "task": "core.dispatch_due_notifications",
        "schedule": 60.0,
    },
    "purge-decided-applications": {
        "task": "members.purge_decided_applications",
        "schedule": 6 * 3600.0,
    },
}
# Rows a worker claimed but never finished (killed mid-send) go back to the queue
# after this many seconds.
OUTBOX_STALE_CLAIM_SECONDS = env.int("OUTBOX_STALE_CLAIM_SECONDS", default=300)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=6)
# Due rows one beat scan hands out; a full batch triggers the next scan at once.
OUTBOX_DISPATCH_BATCH = env.int("OUTBOX_DISPATCH_BATCH", default=5000)
# Ids per worker task: sent over one SMTP connection, claimed and read at once.
OUTBOX_SEND_CHUNK = env.int("OUTBOX_SEND_CHUNK", default=50)

# --- Security headers ----------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
if env.bool("DJANGO_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # data: for Bootstrap's inline SVG form icons and the MFA QR code.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

# --- Logging: ids only, never emails, names or addresses ----------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
    },
}

SITE_NAME = env.str("SITE_NAME", default="Mosty")

# security.W003 looks for Django's own CSRF middleware by name; ours subclasses
# it (core.middleware.CsrfViewMiddleware, see its docstring) and the tests in
# tests/core/test_views.py prove it rejects cross-site posts and missing tokens.
SILENCED_SYSTEM_CHECKS = ["security.W003"]

# --- Membership and vetting ----------
VETTING_REQUIRED_APPROVALS = env.int("VETTING_REQUIRED_APPROVALS", default=2)
APPLICATION_COOLING_OFF_DAYS = env.int("APPLICATION_COOLING_OFF_DAYS", default=180)
APPLICATION_RETENTION_DAYS = env.int("APPLICATION_RETENTION_DAYS", default=90)
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# --- Events ----------
VIDEO_CALL_BASE_URL = env.str("VIDEO_CALL_BASE_URL", default="https://meet.jit.si")
EVENT_PRIVATE_DETAILS_LEAD_HOURS = env.int(
    "EVENT_PRIVATE_DETAILS_LEAD_HOURS", default=24
)
EVENT_SERIES_HORIZON_DAYS = env.int("EVENT_SERIES_HORIZON_DAYS", default=90)
CELERY_BEAT_SCHEDULE["extend-series"] = {
    "task": "events.extend_series",
    "schedule": 6 * 3600.0,
}

# --- Trainings ----------
TRAINING_FOLLOWUP_DAYS = [
    int(d) for d in env.list("TRAINING_FOLLOWUP_DAYS", default=["7", "30", "90"])
]
TRAINING_CHECKIN_GRACE_DAYS = env.int("TRAINING_CHECKIN_GRACE_DAYS", default=5)

# --- Benchmark (make bench) -----------------------------------------------------
# MOSTY_BENCH=1 mounts /bench/floor, the smallest view every page is measured
# against, and reports SQL queries per request in an X-Bench-Queries header.
# Only `make bench` sets it; never set it in production.
MOSTY_BENCH = env.bool("MOSTY_BENCH", default=False)
if MOSTY_BENCH:
    MIDDLEWARE.insert(0, "bench.middleware.QueryCountMiddleware")

# --- Journal and impact ----------
# Comma-separated Fernet keys, newest first (see core/crypto.py). Generate one with:
# .venv/bin/python -c 'import cryptography.fernet as f; print(f.Fernet.generate_key())'
JOURNAL_ENCRYPTION_KEYS = env.list("JOURNAL_ENCRYPTION_KEYS", default=[])
IMPACT_MIN_GROUP_SIZE = env.int("IMPACT_MIN_GROUP_SIZE", default=5)
ATTENDANCE_RETENTION_DAYS = env.int("ATTENDANCE_RETENTION_DAYS", default=730)
CELERY_BEAT_SCHEDULE["anonymise-old-registrations"] = {
    "task": "events.anonymise_old_registrations",
    "schedule": 24 * 3600.0,
}
