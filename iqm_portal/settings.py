"""Settings, read from the environment.

Defaults suit a developer's machine with nothing installed (SQLite and Celery's file-system broker under
``var/``); production sets ``DEBUG=false`` and the variables that ``check --deploy`` asks for.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug-mode-0123456789abcdef"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Django's admin app, with the ops site that asks staff for a second factor as admin.site.
    "accounts.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "iqm_portal",
    "accounts",
    "history",
    "notices",
    "audiences",
    "campaigns",
    "l2_ingest",
]

MIDDLEWARE = [
    "iqm_portal.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "iqm_portal.middleware.PrivateResponseMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.CurrentOrganizationMiddleware",
    # Last, as django-axes asks: it turns a sign-in it refused into the lockout answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "iqm_portal.urls"
WSGI_APPLICATION = "iqm_portal.wsgi.application"
ASGI_APPLICATION = "iqm_portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.current_organization",
                "notices.context_processors.notice_bell",
            ],
        },
    },
]

# --- Data ----------------------------------------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves a web process and a worker at once: wait for the write lock instead of
    # failing with "database is locked", and let readers run beside a writer.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that is down or hung costs a request a second at most, never a worker's whole timeout.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Uploaded and transmitted files. Web and worker may run on different machines: point both at the same
# object storage (see README) through STORAGE_BACKEND and the django-storages variables.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
# Members files hold voters' names and addresses: readable by the service's own user only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Uploads spool here, beside MEDIA_ROOT, so storing a received file is a rename, not a copy.
FILE_UPLOAD_TEMP_DIR = os.environ.get("FILE_UPLOAD_TEMP_DIR") or str(VAR_DIR / "spool")
STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage")
STORAGE_OPTIONS: dict = {}
if STORAGE_BACKEND == "storages.backends.s3.S3Storage":
    STORAGE_OPTIONS = {
        "bucket_name": os.environ.get("S3_BUCKET", ""),
        "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("S3_REGION") or None,
        "location": os.environ.get("S3_PREFIX", "transmissions"),
        "default_acl": None,
        "file_overwrite": False,
        # A worker reads a members file back through a temporary file: past this size it goes to disk
        # (FILE_UPLOAD_TEMP_DIR). django-storages' default, 0, keeps the whole file, up to 1 GiB, in memory.
        "max_memory_size": 4 * 1024**2,
    }
STORAGES = {
    "default": {"BACKEND": STORAGE_BACKEND, "OPTIONS": STORAGE_OPTIONS},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]

# --- Auth and security ----------------------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"  # the homepage, which launches the apps
LOGOUT_REDIRECT_URL = "login"

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# Cookies travel over TLS only, unless told otherwise (plain-HTTP test servers, local runs).
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False) if DEBUG else True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Sign-in lockout (django-axes): failures are counted per username *and* client address together, so
# nobody can lock an advertiser out from elsewhere. The address follows the same proxy rule as the API's
# rate limits (NUM_PROXIES below). The lockout is answered by the sign-in page itself (accounts.forms).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("SIGN_IN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("SIGN_IN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The cool-off runs from the failure that locked: attempts during it neither count nor extend it, so the
# time the page names holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "iqm_portal.client_address.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# Masked where axes logs or stores a request's fields (the password always is).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token"]

# Staff's second factor on the admin site (django-otp, TOTP): see README, "Staff two-factor sign-in".
OTP_TOTP_ISSUER = "IQM audiences portal"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Content-Security-Policy (django-csp): only our own scripts, styles and images; no inline script or
# style, no eval. A view that needs more says so with csp.decorators (the API docs pages).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- REST API -------------------------------------------------------------------------------------------

REST_FRAMEWORK = {
    # Token first: DRF takes the first class's scheme for the WWW-Authenticate header, and answers 401 only
    # when there is one (session authentication has none, so it made every signed-out call a 403).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "iqm_portal.api.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "iqm_portal.schema.ProblemAutoSchema",
    "EXCEPTION_HANDLER": "iqm_portal.api.problem_exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "l2_transmissions": os.environ.get("L2_RATE_LIMIT", "120/minute"),
        "l2_status": os.environ.get("L2_STATUS_RATE_LIMIT", "600/minute"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # Proxies in front of the web process (for the client address that rate limits count by): 0 trusts no
    # X-Forwarded-For header, which anyone could forge.
    "NUM_PROXIES": env_int("NUM_PROXIES", 0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "IQM audiences portal API",
    "DESCRIPTION": "Audiences, insertion orders, campaigns and their targeting; your notices.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs pages are for signed-in users (a session or a token).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    # The docs page's assets are served from our own static files, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a "status" with choices of their own: name each enum after its model.
    "ENUM_NAME_OVERRIDES": {
        "InsertionOrderStatusEnum": "campaigns.models.InsertionOrderStatus",
        "CampaignStatusEnum": "campaigns.models.CampaignStatus",
        "ReachStatusEnum": "campaigns.api.serializers.ReachStatus",
        "AudienceStatusEnum": "audiences.models.AudienceStatus",
        "NoticeKindEnum": "notices.models.NoticeKind",
    },
}

# --- Celery ---------------------------------------------------------------------------------------------

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or REDIS_URL or "filesystem://"
if CELERY_BROKER_URL.startswith("filesystem://"):
    # Celery's file-system transport: a real queue between processes of one machine, with nothing to
    # install. Producer and consumer share one folder.
    _broker_dir = VAR_DIR / "celery-broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        "control_folder": str(_broker_dir / "control"),
    }
else:
    # Longer than the longest task, or Redis would hand an unacknowledged ingest to a second worker.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 4 * 3600, "socket_connect_timeout": 3}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request that queues a task never waits long for a broker that is down: what it queued is swept up
# later (see l2_ingest.services.transmissions_requeue_stalled).
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 3 * 3600
CELERY_TASK_SOFT_TIME_LIMIT = 3 * 3600 - 60
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = {"ingest": {}, "default": {}}
CELERY_TASK_ROUTES = {"l2_ingest.*": {"queue": "ingest"}}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_WORKER_CONCURRENCY = env_int("CELERY_WORKER_CONCURRENCY", 2)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    # Often: a load whose worker died is found at once (its lock is free) and runs again within seconds.
    "l2-requeue-stalled-transmissions": {"task": "l2_ingest.requeue_stalled", "schedule": 15.0},
    "audiences-prune-old-versions": {"task": "audiences.prune_versions", "schedule": 15 * 60.0},
    "l2-delete-old-failed-files": {"task": "l2_ingest.delete_old_files", "schedule": 6 * 3600.0},
    "campaigns-refresh-stale-reach": {"task": "campaigns.refresh_stale_reach", "schedule": 10 * 60.0},
    "l2-expire-held-pushes": {"task": "l2_ingest.expire_held_pushes", "schedule": 3600.0},
    "l2-delete-orphan-files": {"task": "l2_ingest.delete_orphan_files", "schedule": 3600.0},
    "l2-delete-old-refused-pushes": {"task": "l2_ingest.delete_old_refused_pushes", "schedule": 3600.0},
    "notices-send-pending-emails": {"task": "notices.send_pending_emails", "schedule": 60.0},
}

# --- Email (notices: docs/notices.md) -------------------------------------------------------------------

# Under `make run` (DEBUG) emails are printed on the console; production sends them through SMTP.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "IQM audiences <no-reply@localhost>")
# Where people open the portal: the links in emails start with it.
PORTAL_URL = os.environ.get("PORTAL_URL", "http://localhost:8000")

# --- Domain settings ------------------------------------------------------------------------------------

MAX_AUDIENCES_PER_CAMPAIGN = env_int("MAX_AUDIENCES_PER_CAMPAIGN", 20)
L2_MAX_BODY_BYTES = env_int("L2_MAX_BODY_BYTES", 1024**3)
# A members file may expand (gunzip) to at most this many bytes: a decompression bomb fails at this point.
L2_MAX_EXPANDED_BYTES = env_int("L2_MAX_EXPANDED_BYTES", 20 * L2_MAX_BODY_BYTES)
L2_TIMESTAMP_TOLERANCE_SECONDS = 300
L2_MAX_REJECTED_SHARE = 0.05
# A transmission left queued, or processing without a heartbeat, for this long is re-queued by the sweeper;
# a worker that died is known at once by its free load lock (l2_ingest.load_lock), this is the last resort.
L2_STALE_AFTER_SECONDS = env_int("L2_STALE_AFTER_SECONDS", 120)
# How often a load writes its progress, which is also its heartbeat.
L2_PROGRESS_SECONDS = float(os.environ.get("L2_PROGRESS_SECONDS", "1"))
# A push whose segment is loading another one waits this long before it tries again (loads of one segment
# take turns: docs/l2-endpoint.md › What processing does).
L2_SEGMENT_BUSY_RETRY_SECONDS = env_int("L2_SEGMENT_BUSY_RETRY_SECONDS", 10)
# A transmission whose loads keep dying (a crash, an unexpected error) fails after this many attempts.
L2_MAX_ATTEMPTS = env_int("L2_MAX_ATTEMPTS", 5)
AUDIENCE_VERSIONS_KEPT = 3
# Members files of failed transmissions are kept this long for a retry, then deleted (voter data).
L2_FAILED_FILE_RETENTION_DAYS = env_int("L2_FAILED_FILE_RETENTION_DAYS", 14)
# A stored members file (or spooled body) no row points to is deleted once this old: older than any request.
L2_ORPHAN_FILE_AGE_SECONDS = env_int("L2_ORPHAN_FILE_AGE_SECONDS", 6 * 3600)
# A push held for the organization's approval is declined after this many days without an answer.
L2_HELD_PUSH_EXPIRY_DAYS = env_int("L2_HELD_PUSH_EXPIRY_DAYS", 14)
# A push refused for its name is recorded (never its file) and kept this long, for ops to help L2 with it;
# the table stays bounded whatever a signed sender sends (docs/l2-endpoint.md › Refused pushes).
L2_REFUSED_PUSH_RETENTION_DAYS = env_int("L2_REFUSED_PUSH_RETENTION_DAYS", 90)
# An organization's admins hear of a refused push naming it at most once per universe name an hour, and
# of at most this many refused pushes an hour in all, however many names an L2 user types.
L2_REFUSED_PUSH_NOTICES_PER_HOUR = env_int("L2_REFUSED_PUSH_NOTICES_PER_HOUR", 10)
L2_SPOOL_DIR = Path(FILE_UPLOAD_TEMP_DIR)
L2_SPOOL_DIR.mkdir(parents=True, exist_ok=True)

# Seconds between two checks of a shown table for changed rows (iqm_portal.tables; 0 turns them off).
TABLE_POLL_SECONDS = env_int("TABLE_POLL_SECONDS", 10)

# --- Logging --------------------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
