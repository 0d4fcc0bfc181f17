"""Celery shells around the report services: ids and ISO dates in, one service call."""

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import services


@shared_task(
    name="reports.report_run_execute",
    acks_late=True,
    reject_on_worker_lost=True,  # a killed worker's run is redelivered and completed
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def report_run_execute(run_id: int) -> str:
    return services.run_execute(run_id=run_id).status


@shared_task(name="reports.runs_schedule")
def runs_schedule(on_date: str | None = None) -> int:
    day = dt.date.fromisoformat(on_date) if on_date else timezone.localdate()
    return len(services.runs_schedule(on_date=day))


# The name is kept from when it only failed stale runs: beat's stored schedule refers to it.
@shared_task(name="reports.runs_reap_stale")
def runs_sweep() -> dict:
    return services.runs_sweep()
