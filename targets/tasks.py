"""Celery shells around the calendar services: they take ISO dates and call one service."""

import datetime as dt

from celery import shared_task
from django.utils import timezone

from . import notifications, services


def _date(on_date: str | None) -> dt.date:
    return dt.date.fromisoformat(on_date) if on_date else timezone.localdate()


@shared_task(name="targets.period_open", autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def period_open(on_date: str | None = None) -> int:
    return len(services.period_open(on_date=_date(on_date)))


@shared_task(name="targets.period_lock_due", autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def period_lock_due(on_date: str | None = None) -> int:
    return len(services.period_lock_due(on_date=_date(on_date)))


@shared_task(name="targets.reminders_send", autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def reminders_send(on_date: str | None = None) -> int:
    return notifications.reminders_send(on_date=_date(on_date))


@shared_task(name="targets.reviewer_digest_send", autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def reviewer_digest_send(on_date: str | None = None) -> int:
    return notifications.reviewer_digest_send(on_date=_date(on_date))


@shared_task(
    name="targets.email_send",
    autoretry_for=(OSError,),
    retry_backoff=60,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=6,
)
def email_send(notification_id: int) -> bool:
    return notifications.email_send(notification_id=notification_id)
