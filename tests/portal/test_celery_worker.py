"""A real Celery worker process takes a task from the configured broker (the filesystem
broker by default, Redis on CI) and writes its result to the same database."""

import pytest

from portal.celery import app
from targets.models import PeriodLock
from targets.tasks import period_open as period_open_task
from tests import factories as f
from tests.worker import start_worker, wait_for


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_process_runs_a_queued_task_against_the_database():
    policy = f.PolicyFactory(code="worker-policy")
    f.AssignmentFactory(indicator=f.IndicatorFactory(task=f.TaskFactory(policy=policy)))
    app.control.purge()
    worker = start_worker("--pool=solo")
    try:
        period_open_task.delay("2025-10-03")

        done = wait_for(lambda: PeriodLock.objects.filter(policy=policy, period__year=2025, period__month=9).exists())
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0]

    assert done, f"the worker did not open the period; its log:\n{output[-3000:]}"
    assert "targets.period_open" in output
