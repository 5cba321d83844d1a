"""Stride settings, read from environment variables.

Local defaults make `migrate` and `runserver` work from a fresh clone. With
DEBUG off (production) the secrets must be given and the secure defaults
apply; see the README's production section for every variable.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from stride.core.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", True)
PRODUCTION = not DEBUG

_LOCAL_ONLY_SECRET = "local-development-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", None if PRODUCTION else _LOCAL_ONLY_SECRET)
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])
# Salt for the encrypted-field key (django-fernet-encrypted-fields derives it from SECRET_KEY).
SALT_KEY = env_str("STRIDE_FIELD_SALT", None if PRODUCTION else "local-field-salt")
# Key for the keyed hash that finds an exact SSN without decrypting every row.
STRIDE_LOOKUP_KEY = env_str("STRIDE_LOOKUP_KEY", None if PRODUCTION else "local-lookup-key")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_filters",
    "rest_framework",
    "knox",  # API tokens: hashed, with an expiry
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
    "anymail",  # email providers behind Django's email backend, and their delivery reports
    "stride.core",
    "stride.workers",
    "stride.people",
    "stride.guides",
    "stride.coaching",
    "stride.assessments",
    "stride.resources",
    "stride.participation",
    "stride.careers",
    "stride.benefits",
    "stride.county",
    "stride.reminders",
    "stride.webhooks",
    "stride.measures",
    "stride.casefile",
    "stride.retention",
    "stride.api",
    "stride.portal",
    "stride.staff",
]

MIDDLEWARE = [
    "stride.core.middleware.ServerTimingMiddleware",  # first: its total is the whole request
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "stride.core.middleware.NoStoreMiddleware",  # below WhiteNoise: static files stay cached
    "stride.core.middleware.IdleSessionMiddleware",  # Django's, with polls not counted as activity
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "stride.core.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "stride.urls"
FORM_RENDERER = "stride.core.forms.USWDSFormRenderer"
WSGI_APPLICATION = "stride.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "stride" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "stride.staff.menu.navigation",
                "stride.portal.menu.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60 if PRODUCTION else 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout keep the demo server and the task worker from
    # locking each other out.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "stride.core.backends.PeopleBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "home"

# The model every case record leads to; core's access rules know it by this name only.
STRIDE_PARTICIPANT_MODEL = "people.Participant"

# Where a participant's page is: the staff shell's profile. Declared here, at the top of
# the house, so that every app links to it as `person.get_absolute_url` without naming
# the shell above it.
ABSOLUTE_URL_OVERRIDES = {
    "people.participant": lambda person: reverse("staff:participant", args=[person.uuid]),
}
LOGOUT_REDIRECT_URL = "core:login"

# Proxies in front of gunicorn that append to X-Forwarded-For (nginx: 1). The
# client address for the lockout and the audit is read in core.audit.client_ip.
STRIDE_TRUSTED_PROXIES = env_int("STRIDE_TRUSTED_PROXIES", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "stride.core.audit.client_ip"

# Login throttling: five failures for the same user name from the same
# address lock that pair out for an hour; twenty failures from one address,
# whatever the user names, lock the address (core/lockout.py).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
STRIDE_ADDRESS_FAILURE_LIMIT = env_int("STRIDE_ADDRESS_FAILURE_LIMIT", 20, minimum=1)
AXES_HANDLER = "stride.core.lockout.AddressLimitHandler"
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_ENABLED = env_bool("AXES_ENABLED", True)

# One-time links to choose a password go by email (core/passwords.py); the
# console backend prints them where runserver runs.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "stride@localhost")

# Administrators must use a second factor when this is on.
STRIDE_REQUIRE_2FA = env_bool("STRIDE_REQUIRE_2FA", PRODUCTION)
OTP_TOTP_ISSUER = "Stride"

# Sessions end after 30 idle minutes and when the browser closes.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "stride" / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "America/Los_Angeles")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "build" / "static"
STATICFILES_DIRS = [
    *[
        (f"uswds/{part}", BASE_DIR / "node_modules" / "@uswds" / "uswds" / "dist" / part)
        for part in ("css", "js", "fonts", "img")
    ],
    ("htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    BASE_DIR / "stride" / "static",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        # "benefits" is served by the one worker that keeps PolicyEngine loaded
        # (manage.py benefits_worker); web processes never import it.
        "QUEUES": ["default", "benefits"],
    }
}
# A task worker renews its lease while it lives (stride/workers/leases.py); a task whose
# worker has not renewed it for this long was abandoned: it runs once more, then fails.
STRIDE_TASK_LEASE_SECONDS = env_int("STRIDE_TASK_LEASE_SECONDS", 60)
STRIDE_TASK_ATTEMPTS = env_int("STRIDE_TASK_ATTEMPTS", 2)
# Webhooks (stride/webhooks): how long a receiver has to answer one delivery, in seconds.
STRIDE_WEBHOOK_TIMEOUT = env_int("STRIDE_WEBHOOK_TIMEOUT", 5)

# Reminders (stride/reminders): texts go out through this backend; the console one prints
# them, FileSms appends them to STRIDE_SMS_FILE, TwilioSms sends them for real. Emails go
# through EMAIL_BACKEND. The inbound and status webhooks check Twilio's signature against
# STRIDE_PUBLIC_URL (the address Twilio calls) with the auth token.
STRIDE_SMS_BACKEND = env_str("STRIDE_SMS_BACKEND", "stride.reminders.channels.ConsoleSms")
STRIDE_SMS_FILE = env_str("STRIDE_SMS_FILE", str(BASE_DIR / "build" / "sms-outbox.jsonl"))
STRIDE_TWILIO_ACCOUNT_SID = env_str("STRIDE_TWILIO_ACCOUNT_SID", "")
STRIDE_TWILIO_AUTH_TOKEN = env_str("STRIDE_TWILIO_AUTH_TOKEN", "")
STRIDE_TWILIO_FROM = env_str("STRIDE_TWILIO_FROM", "")
STRIDE_PUBLIC_URL = env_str("STRIDE_PUBLIC_URL", "")
STRIDE_EMAIL_DOMAIN = env_str("STRIDE_EMAIL_DOMAIN", "stride.localhost")
# An email provider through django-anymail: EMAIL_BACKEND names its backend (such as
# anymail.backends.mailgun.EmailBackend), each ANYMAIL_<NAME> variable becomes
# ANYMAIL["<NAME>"] (ANYMAIL_MAILGUN_API_KEY, ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY,
# ANYMAIL_WEBHOOK_SECRET...), and STRIDE_EMAIL_PROVIDER (mailgun, postmark, sendgrid...:
# stride/reminders/channels.py EMAIL_TRACKING) says whose delivery reports
# /reminders/email/status/ reads; without one, that address answers 404.
ANYMAIL = {
    name.removeprefix("ANYMAIL_"): value
    for name, value in os.environ.items()
    if name.startswith("ANYMAIL_") and value
}
STRIDE_EMAIL_PROVIDER = env_str("STRIDE_EMAIL_PROVIDER", "")
# A reminder the provider refused is tried again after 1, 5, 30 minutes, 2 and 6 hours,
# then shown as failed on the coach's Today page.
STRIDE_REMINDER_ATTEMPTS = env_int("STRIDE_REMINDER_ATTEMPTS", 6, minimum=1)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First: a request without credentials, or with a bad or expired token, is answered
        # 401 with WWW-Authenticate: Token.
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "stride.api.pagination.Pages",
    "DEFAULT_FILTER_BACKENDS": ["stride.api.filtering.StrictFilters"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": env_str("API_RATE", "600/minute")},
    "EXCEPTION_HANDLER": "stride.api.preconditions.answer_with_current_etag",
}
# API tokens are made on the account page (/account/api-tokens/) and last this many hours.
REST_KNOX = {"TOKEN_TTL": timedelta(hours=env_int("STRIDE_API_TOKEN_HOURS", 10))}
SPECTACULAR_SETTINGS = {
    "TITLE": "Stride API",
    "DESCRIPTION": "Goal-driven coaching and case management for TANF agencies.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "stride.api.schema.document_errors",  # 400, 401, 403, 404 and 429 on every operation
    ],
    # Goals and steps both have a "status", with different choices.
    "ENUM_NAME_OVERRIDES": {
        "GoalStatusEnum": "stride.coaching.models.Goal.Status",
        "StepStatusEnum": "stride.coaching.models.Step.Status",
        # A pothole's kind, read and written: one name for both.
        "ObstacleKindEnum": "stride.coaching.models.Obstacle.Kind",
        "MessageStatusEnum": "stride.reminders.models.Message.Status",
        "ConsentHowEnum": "stride.reminders.models.Consent.How",
        # Hours: the kind of day, and the two answers the verify buttons give.
        "HoursKindEnum": "stride.participation.models.HoursEntry.Kind",
        "HoursCheckEnum": "stride.api.writing.CHECKED",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint logs each rendering step at INFO: keep its warnings only.
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}

# Caseload and list pages.
STRIDE_PAGE_SIZE = env_int("STRIDE_PAGE_SIZE", 25)
# Larger exports belong to the reports area, as a background task with progress.
STRIDE_EXPORT_LIMIT = env_int("STRIDE_EXPORT_LIMIT", 5000)

# Assessment instruments (YAML, one folder per instrument, one file per version). An agency
# may point this at its own folder; see stride/assessments/instruments/README.md.
ASSESSMENT_INSTRUMENTS = env_str(
    "STRIDE_ASSESSMENT_INSTRUMENTS", str(BASE_DIR / "stride" / "assessments" / "instruments")
)
# The county self-assessment (one file per version, v<N>.yaml). A state or county may point
# this at its own folder; see stride/county/self_assessment/README.md.
COUNTY_SELF_ASSESSMENT = env_str(
    "STRIDE_COUNTY_SELF_ASSESSMENT", str(BASE_DIR / "stride" / "county" / "self_assessment")
)
# The rubrics of reviews (stride/county/rubrics.py): the fidelity review and the staff skills
# and attributes matrix, one folder of versions each (see stride/county/fidelity/README.md).
COUNTY_FIDELITY = env_str(
    "STRIDE_COUNTY_FIDELITY", str(BASE_DIR / "stride" / "county" / "fidelity")
)
COUNTY_SKILLS_MATRIX = env_str(
    "STRIDE_COUNTY_SKILLS_MATRIX", str(BASE_DIR / "stride" / "county" / "skills_matrix")
)

# Job search counts for twelve weeks instead of six while the state is a "needy State"
# (45 CFR 261.34(b)); ACF publishes which states qualify, month by month.
STRIDE_NEEDY_STATE = env_bool("STRIDE_NEEDY_STATE", False)

# The state a household is in when its ZIP code does not say (two letters): the benefits
# calculator needs one. Demo households are Californian.
STRIDE_STATE = env_str("STRIDE_STATE", "CA")
# The cliff watch flags a family whose pay sits this close below a cliff (dollars a year).
STRIDE_CLIFF_DISTANCE = env_int("STRIDE_CLIFF_DISTANCE", 3000)
