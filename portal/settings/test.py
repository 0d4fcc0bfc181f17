import os
from pathlib import Path

from .base import *  # noqa: F403
from .base import BASE_DIR, CELERY_BROKER_URL, DATABASES, STORAGES, filesystem_broker_options

# Where the suite keeps its database file, broker folder and media; a second checkout or
# a second run at the same time points it elsewhere.
TEST_VAR = Path(os.environ.get("PORTAL_TEST_VAR", str(BASE_DIR / "var")))

# Hashing with the fastest hasher keeps the permission matrix quick.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}

# WhiteNoise checks STATIC_ROOT at start-up; the suite does not collect static files.
WHITENOISE_AUTOREFRESH = True

# The suite's own broker folder and a database file (not :memory:), so that the test
# that starts a real Celery worker process shares both with it.
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_broker_options(TEST_VAR / "test-broker")
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": str(TEST_VAR / "test-db.sqlite3")}
    # A throw-away database: no fsync, so a file costs about what :memory: does.
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "init_command": "PRAGMA synchronous=OFF; PRAGMA journal_mode=WAL;",
    }

MEDIA_ROOT = TEST_VAR / "test-media"

# django-axes stays on (tests/portal/test_login_security.py covers it); `client.login()`,
# which authenticates without a request, passes through unthrottled (tests/portal/auth_backends.py).
AUTHENTICATION_BACKENDS = ["tests.portal.auth_backends.AxesBackend", "django.contrib.auth.backends.ModelBackend"]
