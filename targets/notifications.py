"""Reminders and notices: in the portal and by e-mail, each sent once however often the
job that produces it runs (a unique key per user)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from policies.models import Membership, Policy, Unit

from . import calendar
from .calendar import policy_asks_for
from .completeness import due_date_of, lock_date_of
from .models import MonthlyReport, Notification

REMIND_DAYS_BEFORE = 3


def notify(*, users, kind: str, key: str, title: str, body: str = "", url: str = "") -> list[Notification]:
    """Create the notice for each user who has not had it yet; e-mail it after commit."""
    made = []
    for user in users:
        try:
            with transaction.atomic():
                made.append(Notification.objects.create(user=user, kind=kind, key=key, title=title, body=body, url=url))
        except IntegrityError:
            continue  # already sent: the key is unique per user
    if made:
        from .tasks import email_send as email_send_task

        ids = [n.pk for n in made if n.user.email]
        # robust: a broker that is down must not undo the request; the notice is in the portal anyway.
        transaction.on_commit(lambda: [email_send_task.delay(pk) for pk in ids], robust=True)
    return made


def email_send(*, notification_id: int) -> bool:
    """E-mail one notice, once; an SMTP failure raises, so that its task retries it."""
    note = Notification.objects.select_related("user").filter(pk=notification_id, emailed_at__isnull=True).first()
    if note is None or not note.user.email:
        return False
    send_mail(f"[{settings.PORTAL_SITE_NAME}] {note.title}", f"{note.body}\n\n{note.url}", None, [note.user.email])
    Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())
    return True


def notifications_mark_read(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def _reporters_of(unit_ids) -> dict[int, list]:
    rows = Membership.objects.filter(role=Membership.Role.REPORTER, unit_id__in=unit_ids).select_related("user")
    by_unit: dict[int, list] = {}
    for m in rows:
        by_unit.setdefault(m.unit_id, []).append(m.user)
    return by_unit


@transaction.atomic
def reminders_send(*, on_date: dt.date) -> int:
    """Remind units that have not submitted: some days before the due day, and from it on."""
    year, month = calendar.previous_month(on_date)
    sent = 0
    for policy in Policy.objects.filter(reporting_active=True):
        if not policy_asks_for(policy, year, month):
            continue
        due = due_date_of(policy, year, month)
        lock = lock_date_of(policy, year, month)
        if on_date < due - dt.timedelta(days=REMIND_DAYS_BEFORE) or on_date >= lock:
            continue
        kind = Notification.Kind.DUE if on_date >= due else Notification.Kind.DUE_SOON
        expected = set(Unit.objects.reporting_for(policy).values_list("pk", flat=True))
        done = set(
            MonthlyReport.objects.filter(policy=policy, period__year=year, period__month=month)
            .exclude(state__in=[MonthlyReport.State.DRAFT, MonthlyReport.State.RETURNED])
            .values_list("unit_id", flat=True)
        )
        reporters = _reporters_of(expected - done)
        units = Unit.objects.in_bulk(reporters)
        for unit_id, users in reporters.items():
            url = reverse(
                "targets:report_entry",
                kwargs={"policy": policy.code, "unit": units[unit_id].code, "month": f"{year}-{month:02d}"},
            )
            title = (
                f"{month}月报告今天截止（{due.month}月{due.day}日），请尽快报送"
                if kind == Notification.Kind.DUE and on_date == due
                else f"{month}月报告已逾期（截止{due.month}月{due.day}日），请尽快报送"
                if kind == Notification.Kind.DUE
                else f"{month}月报告将于{due.month}月{due.day}日截止"
            )
            sent += len(
                notify(
                    users=users,
                    kind=kind,
                    key=f"{kind}:{policy.pk}:{unit_id}:{year}-{month}",
                    title=title,
                    body=policy.title,
                    url=url,
                )
            )
    return sent


@transaction.atomic
def reviewer_digest_send(*, on_date: dt.date) -> int:
    """Once a day, each reviewer with reports waiting gets one notice counting them."""
    waiting = dict(MonthlyReport.objects.awaiting_review().values_list("policy_id").annotate(n=Count("id")))
    sent = 0
    reviewers = Membership.objects.filter(role=Membership.Role.REVIEWER, policy_id__in=waiting).select_related(
        "user", "policy"
    )
    for m in reviewers:
        n = waiting[m.policy_id]
        sent += len(
            notify(
                users=[m.user],
                kind=Notification.Kind.DIGEST,
                key=f"digest:{m.policy_id}:{on_date.isoformat()}",
                title=f"{n} 份月报等待您审核",
                body=m.policy.title,
                url=reverse("targets:review_queue", kwargs={"policy": m.policy.code}),
            )
        )
    return sent


def notify_returned(report: MonthlyReport) -> None:
    users = [
        m.user
        for m in Membership.objects.filter(role=Membership.Role.REPORTER, unit=report.unit).select_related("user")
    ]
    notify(
        users=users,
        kind=Notification.Kind.RETURNED,
        key=f"returned:{report.pk}:{report.version}",
        title=f"{report.unit.name}{report.period}月报被退回",
        body=report.return_reason,
        url=reverse(
            "targets:report_entry",
            kwargs={"policy": report.policy.code, "unit": report.unit.code, "month": report.period.label},
        ),
    )
