"""A bulletin built end to end by a real worker on the real broker, and a worker killed
half way through a run: the run is redelivered and completed, not left running."""

import io
import os
import signal

import pytest
from openpyxl import load_workbook

from portal.celery import app
from reports import services
from reports.models import ReportRun
from tests.reports.test_dashboards import approve
from tests.worker import children, start_worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _status(run):
    run.refresh_from_db()
    return run.status


def test_a_worker_builds_the_bulletin_from_the_broker(world):
    approve(world.a, world.a.county, 9, {world.a.indicator.pk: "60", world.a.flow.pk: "18"}, world.users["reviewer"])
    app.control.purge()
    worker = start_worker("--pool=solo")
    try:
        run, created = services.run_request(
            kind="bulletin", policy=world.a.policy, label="2025Q3", by=world.users["reviewer"]
        )

        finished = wait_for(lambda: _status(run) in ("done", "failed"), timeout=90)
    finally:
        worker.terminate()
        log = worker.communicate(timeout=30)[0]

    assert created and finished, log[-3000:]
    assert run.status == "done", run.error
    workbook = load_workbook(io.BytesIO(run.file.read()))
    assert len(workbook.sheetnames) >= 5


def test_a_worker_killed_during_a_run_does_not_leave_it_running(world):
    app.control.purge()
    worker = start_worker("--pool=prefork", "--concurrency=1", env_extra={"REPORTS_BUILD_PAUSE": "4"})
    try:
        run, _ = services.run_request(kind="dispatch", policy=world.a.policy, label="2025-09")
        assert wait_for(lambda: _status(run) == "running", timeout=60), "the run never started"
        for child in children(worker.pid):
            os.kill(child, signal.SIGKILL)  # the pool process building the file dies

        finished = wait_for(lambda: _status(run) in ("done", "failed"), timeout=90)
    finally:
        worker.terminate()
        log = worker.communicate(timeout=30)[0]

    assert finished, f"the run stayed {run.status}; worker log:\n{log[-3000:]}"
    assert run.status == "done", run.error  # redelivered to a new pool process and completed
    assert "WorkerLostError" in log or "exited prematurely" in log
    assert ReportRun.objects.count() == 1
