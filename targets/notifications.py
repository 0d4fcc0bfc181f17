"""Reminders and notices: in the portal and by e-mail, each sent once however often the
job that produces it runs (a unique key per user)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from policies.models import Membership, Policy, Unit

from . import calendar
from .models import Assignment, MonthlyReport, Notification
from .worklists import policy_asks_for

log = logging.getLogger(__name__)
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
        ids = [n.pk for n in made]
        transaction.on_commit(lambda: notifications_email(ids=ids))
    return made


def notifications_email(*, ids: list[int]) -> int:
    sent = 0
    for note in Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).select_related("user"):
        if not note.user.email:
            continue
        try:
            send_mail(
                f"[{settings.PORTAL_SITE_NAME}] {note.title}", f"{note.body}\n\n{note.url}", None, [note.user.email]
            )
        except OSError:
            log.exception("could not e-mail notification %s", note.pk)
            continue
        note.emailed_at = timezone.now()
        note.save(update_fields=["emailed_at"])
        sent += 1
    return sent


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
        due = calendar.due_date(year, month, policy.due_day)
        lock = calendar.lock_date(year, month, policy.lock_day)
        if on_date < due - dt.timedelta(days=REMIND_DAYS_BEFORE) or on_date >= lock:
            continue
        kind = Notification.Kind.DUE if on_date >= due else Notification.Kind.DUE_SOON
        expected = set(Assignment.objects.filter(indicator__policy=policy).values_list("unit_id", flat=True))
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
