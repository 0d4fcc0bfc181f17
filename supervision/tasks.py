"""Celery shells: take ISO dates, call one service."""

import datetime as dt

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="supervision.overdue_remind", autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def overdue_remind(on_date: str | None = None) -> int:
    return services.overdue_remind(on_date=dt.date.fromisoformat(on_date) if on_date else timezone.localdate())
