"""The dev settings with scripts.bench_urls (one empty authenticated page added) and DEBUG
off, as a server under load runs: for scripts/load.py and scripts/bench.py only."""

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)

from portal.settings.dev import *  # noqa: E402, F403

ROOT_URLCONF = "scripts.bench_urls"
# Static files are not what is measured; WhiteNoise finds them without collectstatic.
WHITENOISE_USE_FINDERS = True
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
