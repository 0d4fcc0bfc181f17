"""Settings shared by every environment, read from the environment.

Development defaults are safe and need no server: SQLite in the project folder and a
filesystem Celery broker that a real worker and beat use across processes. Malformed
values fail loudly at start-up rather than being silently ignored.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DEV_SECRET_KEY = "dev-insecure-secret-key-do-not-use-in-production"


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
# Django's technical 404/500 pages under DEBUG, for a developer; otherwise the portal's own.
PORTAL_TECHNICAL_ERRORS = env_bool("PORTAL_TECHNICAL_ERRORS", False)
SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY:
    raise ImproperlyConfigured("DEBUG is off: set SECRET_KEY to a long random value (see .env.example).")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "django_celery_beat",
    "axes",
    "portal",
    "policies",
    "targets",
    "catalogue",
    "reports",
    "supervision",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Under DEBUG, the portal's 404/500 pages instead of Django's technical ones (issue 15).
    "portal.middleware.OwnErrorPages",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "django.template.context_processors.i18n",
                "portal.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        # A persistent connection is checked before a request reuses it, so a database
        # restart costs a reconnect instead of one 500 per worker.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Worker, beat and web share one SQLite file: wait for a lock instead of failing.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# SQLite cannot enforce "NULLS NOT DISTINCT"; PostgreSQL does, and the services never rely on it.
SILENCED_SYSTEM_CHECKS = ["models.W047"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Django's own, with the error message its Chinese catalogue translates (see the module).
    {"NAME": "portal.settings.auth.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username+address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"

# Sign-in throttling (django-axes): AXES_FAILURE_LIMIT wrong passwords for one username from
# one address lock that pair out for AXES_COOLOFF_MINUTES; a successful login clears the count.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
AXES_COOLOFF_MESSAGE = "登录失败次数过多，请稍后再试。"
# Behind PROXY_COUNT reverse proxies that append to X-Forwarded-For, the client's address is
# the one the outermost proxy saw; 0 (no proxy, or one that does not set it) uses REMOTE_ADDR.
PROXY_COUNT = env_int("PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "portal.settings.auth.client_ip_address"

# Sessions end after SESSION_IDLE_SECONDS without a request (every request renews them).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 8 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["portal.formats"]  # dates per language: zh_Hans without a padded month
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# Our corrections to Django's locale formats (zh_Hans: 9月5日, not 09月5日).
FORMAT_MODULE_PATH = ["portal.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # The pinned front-end libraries, installed by `npm ci` (package.json), never committed.
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules" / "bootstrap-icons" / "font"),
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "media/"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "目标任务调度平台 <noreply@localhost>")

# Celery: the filesystem transport crosses processes without a server, so `make run`
# starts a real worker and beat; production points CELERY_BROKER_URL at Redis.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_DIR = Path(env_str("CELERY_BROKER_DIR", str(BASE_DIR / "var" / "broker")))


def filesystem_broker_options(folder: Path) -> dict:
    """kombu's filesystem transport in one folder: every process that shares it shares the queue."""
    for sub in ("out", "processed", "control"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return {
        # Without it kombu keeps its exchange table in ./control, wherever the process runs.
        "control_folder": str(folder / "control"),
        "data_folder_in": str(folder / "out"),
        "data_folder_out": str(folder / "out"),
        "processed_folder": str(folder / "processed"),
        "store_processed": False,
    }


if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_broker_options(CELERY_BROKER_DIR)
else:
    # Redis redelivers a message whose worker died after this long: the time after which
    # reports.services.stale_after lets its run be claimed again, never during a live build.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_int("CELERY_TASK_TIME_LIMIT", 660) + env_int("REPORTS_RUN_GRACE", 120)
    }
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 600)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 660)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# Seconds a report build waits before starting: 0 except in the test that kills a worker
# half way through a run (it needs a run that is certainly still running).
REPORTS_BUILD_PAUSE = float(env_str("REPORTS_BUILD_PAUSE", "0") or 0)
# A build past its hard time limit plus this grace has lost its worker (reports.services.stale_after);
# a queued run not begun this long after it was sent is sent again.
REPORTS_RUN_GRACE = env_int("REPORTS_RUN_GRACE", 120)
REPORTS_RESEND_AFTER = env_int("REPORTS_RESEND_AFTER", 180)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Every job is safe to run twice; what each policy wants when (due day, lock day) is data
# on the policy, so the jobs run daily and act on the policies whose day it is.
CELERY_BEAT_SCHEDULE = {
    "open-periods": {"task": "targets.period_open", "schedule": crontab(minute=5, hour=0)},
    "lock-due-periods": {"task": "targets.period_lock_due", "schedule": crontab(minute=15, hour=0)},
    "remind-units": {"task": "targets.reminders_send", "schedule": crontab(minute=0, hour=9)},
    "review-digest": {"task": "targets.reviewer_digest_send", "schedule": crontab(minute=30, hour=8)},
    "build-dispatch-and-bulletin": {"task": "reports.runs_schedule", "schedule": crontab(minute=30, hour=1)},
    "reap-stale-runs": {"task": "reports.runs_reap_stale", "schedule": crontab(minute="*/3")},
    "remind-overdue-problems": {"task": "supervision.overdue_remind", "schedule": crontab(minute=45, hour=8)},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"
PORTAL_SITE_NAME = env_str("PORTAL_SITE_NAME", "政策目标任务调度平台")

# The web API (/api/v1/, issue 16): Django REST framework with personal tokens and the
# browser's session (CSRF kept), scoped rate limits per token, and drf-spectacular's
# OpenAPI 3 description whose docs page is served from drf-spectacular-sidecar's files.
INSTALLED_APPS += ["rest_framework", "drf_spectacular", "drf_spectacular_sidecar", "api"]
# The API's rate counts live in the default cache: one per process unless CACHE_URL names a
# Redis shared by every web process.
CACHE_URL = env_str("CACHE_URL", "")
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://")):
        raise ImproperlyConfigured(f"CACHE_URL must be a redis:// URL, not {CACHE_URL!r}")
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ApiRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "api_read": env_str("API_RATE_READ", "600/min"),
        "api_write": env_str("API_RATE_WRITE", "120/min"),
        "api_anon": env_str("API_RATE_ANON", "60/min"),
    },
    # The client's address for the anonymous rate, behind as many proxies as django-axes trusts.
    "NUM_PROXIES": PROXY_COUNT,
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": False,
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "URL_FORMAT_OVERRIDE": None,  # JSON only: no ?format=
}
SPECTACULAR_SETTINGS = {
    "TITLE": "政策目标任务调度平台 API",
    "DESCRIPTION": "政策文件、填报单位、报告期、月报、完成情况评价与印发文件的读取，月报填报与审核。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "PATH_CONVERTER_OVERRIDES": {
        "slug": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
        "id": {"type": "integer", "minimum": 0, "maximum": 999999999999999999},
    },
}
