"""Settings for the NTM portal, read from the environment (see README and .env.example).

Every variable goes through ``ntm_portal.env.Env``, which refuses a value it cannot read.
"""

import re
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from ntm_portal.client_address import ipware_reading
from ntm_portal.env import Env

BASE_DIR = Path(__file__).resolve().parent.parent
env = Env()

DEBUG = env.bool("DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-development-only-never-deploy-this")
else:
    SECRET_KEY = env.str("SECRET_KEY")
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure"):
        raise ImproperlyConfigured("SECRET_KEY must be a random string of at least 50 characters.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS (comma-separated host names) when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "rest_framework",
    "django_filters",
    "django_htmx",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "ntm_portal.tasks_app.TasksDatabaseConfig",  # django_tasks_db, its name translated
    "ntm_portal",  # project-wide commands: backup, restore
    "communes",
    "criteria",
    "plans",
    "ocop",
    "reports",
    "demo",  # the fictional demo province (seed_demo); no models
]

MIDDLEWARE = [
    # First: /healthz/ is answered before the HTTPS redirect and the host check (ntm_portal/health.py).
    "ntm_portal.health.HealthCheckMiddleware",
    "ntm_portal.log.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "ntm_portal.middleware.RequestBodyLimitMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ntm_portal.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Before the timeout: it rewrites the timeout's redirect to sign-in as well.
    "ntm_portal.middleware.SignInRedirectMiddleware",
    "ntm_portal.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ntm_portal.middleware.PortalNotFoundMiddleware",
    # Last, as django-axes asks: it answers locked-out sign-in attempts.
    "axes.middleware.AxesMiddleware",
]
if not DEBUG:
    # Production serves the collected, hashed static files itself (runserver does it in development).
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

ROOT_URLCONF = "ntm_portal.urls"
WSGI_APPLICATION = "ntm_portal.wsgi.application"

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
                "ntm_portal.session.session_timing",
            ],
        },
    },
    {
        # Long loops only: the sheet's rows, the map's points, dashboard table rows (ntm_portal/jinja2.py); its
        # templates end in .jinja and are always fetched through engines["jinja2"].
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "ntm_portal.jinja2.environment", "keep_trailing_newline": True},
    },
]

DATABASES = {"default": env.database("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Dashboard queries are short aggregates; PostgreSQL's JIT compiler costs more (~30 ms) than it saves.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off -c random_page_cost=1.1"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # Refuses sign-in for a locked-out username + address before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "ntm_portal.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: Vietnamese first, English available.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["ntm_portal.formats"]
USE_I18N = True
# Thousand separators are applied where a figure is shown (money, counts), not globally:
# a global switch would print the year 2025 as "2.025".
USE_THOUSAND_SEPARATOR = False
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed file names in production (run collectstatic); plain files in development.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))

# Evidence files: PDF, images and office documents up to this size.
EVIDENCE_MAX_MB = env.int("EVIDENCE_MAX_MB", default=10, minimum=1)
# Form fields beyond this are refused before a view runs (files are counted below).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A request body declaring more than this is refused unread (413): the largest evidence file
# or workbook plus room for the form (ntm_portal.middleware.RequestBodyLimitMiddleware).
MAX_REQUEST_BODY_MB = EVIDENCE_MAX_MB + 2
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger uploads go to a temporary file, not memory
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "ntm_portal.uploads.SafeTemporaryFileUploadHandler",  # any file name, no OSError
]
FILE_UPLOAD_PERMISSIONS = 0o640

# Background jobs (large bulletins and imports): a queue in the database, run by
# `manage.py db_worker` (started by `make run`). Tests switch to the immediate backend.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Security. Development runs on plain HTTP; anything else is served over HTTPS.
X_FRAME_OPTIONS = "DENY"
# No inline script anywhere: scripts come from our own static files only. Inline style
# attributes are allowed because the admin and the API docs (swagger-ui) set them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Every cookie: SameSite=Lax, and Secure whenever DEBUG is off (the language cookie too).
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
# A session ends after this long without a request, and in any case this long after sign-in.
SESSION_IDLE_TIMEOUT = timedelta(minutes=env.int("SESSION_IDLE_MINUTES", default=30, minimum=1))
SESSION_MAX_AGE = timedelta(hours=env.int("SESSION_MAX_HOURS", default=10, minimum=1))
SESSION_COOKIE_AGE = int(SESSION_MAX_AGE.total_seconds())

# Reverse proxies in front that append to X-Forwarded-For (0: the header is ignored). The
# client address for the sign-in lockout (django-ipware) and the API throttles
# (DRF NUM_PROXIES), read the same way (ntm_portal/client_address.py).
PROXY_COUNT = env.int("PROXY_COUNT", default=0, minimum=0)
AXES_IPWARE_PROXY_COUNT, AXES_IPWARE_META_PRECEDENCE_ORDER = ipware_reading(PROXY_COUNT)
IPWARE_STRICT = False  # the n-th entry from the right, whatever a client wrote to its left

# Sign-in lockout (django-axes, ntm_portal/signin_limits.py): 5 failures for the same username
# from the same address lock that pair, 20 failures from one address over any usernames lock
# that address, for the cool-off period only; a username alone is never locked, so nobody can
# lock an officer out from somewhere else.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5, minimum=1)
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=20, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "ntm_portal.signin_limits.PortalAxesHandler"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]  # answered before the redirect anyway; belt and braces
    if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
        # Only behind a reverse proxy that sets X-Forwarded-Proto itself.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

REST_FRAMEWORK = {
    # Token first: a script with a bad token gets 401 with WWW-Authenticate, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "ntm_portal.tokens.HashedTokenAuthentication",
        "ntm_portal.api_session.PortalSessionAuthentication",  # its CSRF refusals translated
    ],
    "EXCEPTION_HANDLER": "ntm_portal.api_errors.api_exception_handler",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "ntm_portal.api_parsers.DepthLimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "ntm_portal.ratelimit.ApiAnonThrottle",
        "ntm_portal.ratelimit.ApiUserThrottle",
        "ntm_portal.ratelimit.ApiWriteThrottle",
    ],
    # The throttles' client address: as for the sign-in lockout (ntm_portal/client_address.py).
    "NUM_PROXIES": PROXY_COUNT,  # 0: X-Forwarded-For ignored (None would trust it whole)
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
# API tokens (ntm_portal/tokens.py): stored hashed, valid this many days, revoked on a password change.
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=90, minimum=1)

# Rate limits (ntm_portal/ratelimit.py), per user; "N/second|minute|hour|day".
API_THROTTLE_RATES = {
    "user": env.str("API_RATE_USER", default="300/minute"),
    "write": env.str("API_RATE_WRITE", default="60/minute"),
    "anon": env.str("API_RATE_ANON", default="30/minute"),
}
for _scope, _rate in API_THROTTLE_RATES.items():
    if not re.fullmatch(r"[0-9]+/(second|minute|hour|day)", _rate):
        raise ImproperlyConfigured(f"API_RATE_{_scope.upper()}={_rate!r}: write N/second, N/minute, N/hour or N/day.")
RATE_LIMITS = {
    "import_upload": "20/hour",
    "evidence_upload": "60/hour",
    "job_start": "10/hour",
}
# Counters shared by every node: a table in the database (created by `manage.py createcachetable`,
# part of the migrate step).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "ntm_cache"}}

SPECTACULAR_SETTINGS = {
    "TITLE": "NTM portal API",
    "DESCRIPTION": "New Rural Development (Nông thôn mới) progress: units, criteria sets, assessments, values, progress.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Interactive docs from the vendored swagger-ui of drf-spectacular-sidecar: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Every operation documents the errors it can answer (400/401/403/404/429), not only 200.
    "POSTPROCESSING_HOOKS": ["ntm_portal.api_schema.document_errors"],
    # ``<id:pk>`` (ntm_portal.api_fields.IdConverter): an id, as ``<int:pk>`` would be documented.
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer"}},
}

# A job waiting this long for a worker makes /healthz/ say the queue is stalled.
HEALTH_QUEUE_MAX_WAIT_MINUTES = env.int("HEALTH_QUEUE_MAX_WAIT_MINUTES", default=15, minimum=1)
# A job waiting this long for a worker has its page say the background service has not picked
# it up (the same rule, ntm_portal.health.tasks_waiting), and poll less often.
JOB_WAIT_NOTICE_MINUTES = env.int("JOB_WAIT_NOTICE_MINUTES", default=2, minimum=1)

# One JSON object a line (time, level, logger, request_id, message), or plain text with
# LOG_FORMAT=text; the request id follows a request into the background jobs it starts.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "ntm_portal.log.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "ntm_portal.log.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": env.str("LOG_FORMAT", default="json"),
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # django-axes logs every successful sign-in at INFO; failures and lockouts are WARNING.
    "loggers": {"axes": {"level": "WARNING"}},
}
if LOGGING["handlers"]["console"]["formatter"] not in LOGGING["formatters"]:
    raise ImproperlyConfigured("LOG_FORMAT must be json or text.")
