"""A real Celery worker process takes a task from the configured broker (the filesystem
broker by default, Redis on CI) and writes its result to the same database."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from portal.celery import app
from targets.models import PeriodLock
from targets.tasks import period_open as period_open_task
from tests import factories as f

ROOT = Path(settings.BASE_DIR)


def database_url() -> str:
    """The URL of the database the test itself is using (the test database)."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def start_worker(*extra: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            *extra,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for(condition, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_process_runs_a_queued_task_against_the_database():
    policy = f.PolicyFactory(code="worker-policy")
    f.AssignmentFactory(indicator=f.IndicatorFactory(task=f.TaskFactory(policy=policy)))
    app.control.purge()
    worker = start_worker()
    try:
        period_open_task.delay("2025-10-03")

        done = wait_for(lambda: PeriodLock.objects.filter(policy=policy, period__year=2025, period__month=9).exists())
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0]

    assert done, f"the worker did not open the period; its log:\n{output[-3000:]}"
    assert "targets.period_open" in output
