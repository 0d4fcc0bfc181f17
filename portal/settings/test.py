from .base import *  # noqa: F403
from .base import STORAGES

# Hashing with the fastest hasher keeps the permission matrix quick.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}

# WhiteNoise checks STATIC_ROOT at start-up; the suite does not collect static files.
WHITENOISE_AUTOREFRESH = True
