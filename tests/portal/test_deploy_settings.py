"""Production settings: `check --deploy` is clean, and the database and session switches.

Each case imports the settings in a fresh interpreter, with only the environment given.
"""

import json
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

POSTGRES_URL = "postgres://portal:secret@db.example.gov.cn:5432/portal"


def production_env(tmp_path, **extra) -> dict:
    keep = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "VIRTUAL_ENV") if name in os.environ}
    return {
        **keep,
        "DJANGO_SETTINGS_MODULE": "portal.settings.prod",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "portal.example.gov.cn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",  # never connected to: only named
        **extra,
    }


def settings_in(env: dict, *names: str) -> dict:
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}, default=str))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_check_deploy_finds_nothing_to_warn_about(tmp_path):
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_https_switches_default_on_and_can_be_turned_off_for_plain_http(tmp_path):
    names = ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE")
    on = settings_in(production_env(tmp_path), *names)
    assert on == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
    }

    off = settings_in(production_env(tmp_path, **dict.fromkeys(names, "0")), *names)
    assert off == dict.fromkeys(names, False) | {"SECURE_HSTS_SECONDS": 0}


@pytest.mark.parametrize("module", ["portal.settings.prod", "portal.settings.base"])
def test_postgres_connections_are_checked_before_reuse(tmp_path, module):
    env = production_env(tmp_path, DATABASE_URL=POSTGRES_URL, DJANGO_SETTINGS_MODULE=module)
    database = settings_in(env, "DATABASES")["DATABASES"]["default"]

    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["CONN_MAX_AGE"] > 0
    assert database["CONN_HEALTH_CHECKS"] is True


def test_the_session_idle_timeout_comes_from_the_environment(tmp_path):
    assert settings_in(production_env(tmp_path), "SESSION_COOKIE_AGE", "SESSION_SAVE_EVERY_REQUEST") == {
        "SESSION_COOKIE_AGE": 8 * 60 * 60,
        "SESSION_SAVE_EVERY_REQUEST": True,
    }
    assert settings_in(production_env(tmp_path, SESSION_IDLE_SECONDS="1800"), "SESSION_COOKIE_AGE") == {
        "SESSION_COOKIE_AGE": 1800
    }
