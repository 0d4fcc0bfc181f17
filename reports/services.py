"""The runs of the dispatch (月调度) and bulletin (季通报): archived as ReportRun rows with
the file, its checksum and the data cut-off (their data is read in ``reports.selectors``).

A run asked for twice gives one archive; a re-run after new data gives a new version and
keeps the old one; an issued version is never overwritten.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import socket
import time

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from policies.models import Membership, Policy
from targets import calendar, completeness
from targets.audit import audit_record, field_changes, snapshot
from targets.calendar import Month
from targets.notifications import notify
from targets.worklists import policy_asks_for

from . import selectors
from .models import ReportRun

log = logging.getLogger(__name__)


class RunRefused(Exception):
    """A request that cannot be made (a month outside the plan, a malformed label)."""


# -- labels -------------------------------------------------------------------------------


def parse_month_label(label: str) -> Month:
    month = calendar.parse_month(label)
    if month is None:
        raise RunRefused(_("月份应为 YYYY-MM，而不是 %(label)r") % {"label": label})
    return month


def parse_quarter_label(label: str) -> tuple[int, int]:
    text = label.upper().replace("-", "")
    try:
        year, quarter = text.split("Q")
        year, quarter = int(year), int(quarter)
    except ValueError:
        raise RunRefused(_("季度应为 YYYYQN（如 2025Q3），而不是 %(label)r") % {"label": label}) from None
    if quarter not in (1, 2, 3, 4):
        raise RunRefused(_("季度只能是 Q1—Q4"))
    return year, quarter


# -- builds -------------------------------------------------------------------------------


def build_file(kind: str, policy: Policy, label: str, generated_at: dt.datetime) -> tuple[bytes, str]:
    """Build a dispatch or bulletin workbook (no archive): used by runs and by the commands."""
    return build_files(kind, policy, label, generated_at)[0]


def build_files(
    kind: str,
    policy: Policy,
    label: str,
    generated_at: dt.datetime,
    *,
    doc_number: str = "",
    issued_on: dt.date | None = None,
) -> list[tuple[bytes, str]]:
    """A run's files, each (bytes, name): a dispatch's workbook; a bulletin's workbook (its
    attachments) and its 通报 (.docx), from one read of the data."""
    from .builders.bulletin import build_bulletin_xlsx, bulletin_filename
    from .builders.dispatch import build_dispatch_xlsx, dispatch_filename
    from .builders.tongbao import build_tongbao_docx, tongbao_filename

    _check_in_plan(kind, policy, label)
    if kind == ReportRun.Kind.DISPATCH:
        year, month = parse_month_label(label)
        data = selectors.dispatch_data(policy, year, month, generated_at=generated_at)
        return [(build_dispatch_xlsx(data), dispatch_filename(data))]
    year, quarter = parse_quarter_label(label)
    _check_bulletin_ready(policy, year, quarter, generated_at)
    data = selectors.bulletin_data(
        policy, year, quarter, generated_at=generated_at, doc_number=doc_number, issued_on=issued_on
    )
    return [
        (build_bulletin_xlsx(data), bulletin_filename(data)),
        (build_tongbao_docx(data), tongbao_filename(data)),
    ]


def _check_bulletin_ready(policy: Policy, year: int, quarter: int, on: dt.datetime) -> Month:
    """The month the bulletin will read (selectors.bulletin_month); refused while no month
    of the quarter is locked, with the day it can first be built."""
    at = selectors.bulletin_month(policy, year, quarter, on)
    if at is None:
        first = next(m for m in calendar.quarter_months(year, quarter) if m >= _plan_start(policy))
        ready = completeness.lock_date_of(policy, *first)
        raise RunRefused(
            _(
                "%(year)s年%(quarter)s还没有已锁定的月份，季通报暂不能生成："
                "%(month)s月的数据于%(ready)s锁定（或审核员提前关闭该期）后即可生成。"
            )
            % {
                "year": year,
                "quarter": (_("第一季度"), _("第二季度"), _("第三季度"), _("第四季度"))[quarter - 1],
                "month": first[1],
                "ready": date_format(ready, "DATE_FORMAT"),
            }
        )
    return at


def _plan_start(policy: Policy) -> Month:
    return calendar.month_of(policy.start_date) if policy.start_date else (0, 1)


def _check_in_plan(kind: str, policy: Policy, label: str) -> None:
    if kind == ReportRun.Kind.DISPATCH:
        months = [parse_month_label(label)]
    else:
        months = calendar.quarter_months(*parse_quarter_label(label))
    start = calendar.month_of(policy.start_date) if policy.start_date else (0, 1)
    end = calendar.month_of(policy.end_date) if policy.end_date else (9999, 12)
    if months[-1] < start or months[0] > end:
        plan = (
            f"{date_format(policy.start_date, 'YEAR_MONTH_FORMAT')}—{date_format(policy.end_date, 'YEAR_MONTH_FORMAT')}"
            if policy.start_date and policy.end_date
            else _("计划期")
        )
        if kind == ReportRun.Kind.DISPATCH:
            message = _("%(label)s 不在该政策文件的计划期（%(plan)s）内，没有可调度的内容")
        else:
            message = _("%(label)s 不在该政策文件的计划期（%(plan)s）内，没有可通报的内容")
        raise RunRefused(message % {"label": label, "plan": plan})


@transaction.atomic
def run_request(*, kind: str, policy: Policy, label: str, by=None) -> tuple[ReportRun, bool]:
    """Ask for a dispatch or bulletin. Returns (run, created): a run already queued or
    running is returned as it is, and so is the latest finished version when no data has
    changed since its cut-off; otherwise a new version is queued."""
    _check_in_plan(kind, policy, label)
    at = None
    if kind == ReportRun.Kind.BULLETIN:
        year, quarter = parse_quarter_label(label)
        at = _check_bulletin_ready(policy, year, quarter, timezone.now())
    label = label.upper() if kind == ReportRun.Kind.BULLETIN else label
    runs = ReportRun.objects.select_for_update().filter(kind=kind, policy=policy, period_label=label)
    pending = runs.filter(status__in=[ReportRun.Status.QUEUED, ReportRun.Status.RUNNING]).first()
    if pending:
        return pending, False
    latest = runs.filter(status=ReportRun.Status.DONE).order_by("-version").first()
    cutoff = selectors.data_cutoff(policy)
    # A bulletin built before its quarter's next month locked read an earlier month: not the same file.
    same_month = at is None or (
        latest is not None
        and selectors.bulletin_month(policy, year, quarter, latest.started_at or latest.requested_at) == at
    )
    if latest and latest.cutoff_at and latest.cutoff_at >= cutoff and same_month:
        return latest, False
    version = _next_version(runs)
    try:
        with transaction.atomic():
            run = ReportRun.objects.create(
                kind=kind, policy=policy, period_label=label, version=version, requested_by=by, cutoff_at=cutoff
            )
    except IntegrityError:
        # Asked at the same moment elsewhere (two beats, a double click): with no run yet
        # there was no row to lock, and the other request made this version first.
        return ReportRun.objects.get(kind=kind, policy=policy, period_label=label, version=version), False
    transaction.on_commit(lambda: _enqueue(run.pk), robust=True)
    return run, True


def _next_version(runs) -> int:
    return (runs.aggregate(v=Max("version"))["v"] or 0) + 1


def _enqueue(run_id: int) -> bool:
    """Send a run's message. A broker that is down leaves the run queued, unsent: the
    sweeper sends it once the broker is back. Returns whether it was sent."""
    from .tasks import report_run_execute

    try:
        result = report_run_execute.delay(run_id)
    except Exception:  # kombu raises its own OperationalError, redis its ConnectionError…
        log.warning("report run %s: broker unavailable, left for the sweeper", run_id, exc_info=True)
        return False
    ReportRun.objects.filter(pk=run_id).update(task_id=result.id or "", sent_at=timezone.now())
    return True


def _progress(run: ReportRun, value: int) -> None:
    ReportRun.objects.filter(pk=run.pk).update(progress=value)


def stale_after() -> dt.timedelta:
    """How long a build may run before its worker must be dead: the hard time limit kills
    it by then. The broker's visibility timeout is set to the same, so a message whose
    worker died comes back just when its run may be claimed again."""
    return dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + settings.REPORTS_RUN_GRACE)


def _this_process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _is_gone(builder: str) -> bool:
    """Whether the process that was building a run has died (known only on its own host)."""
    host, _sep, pid = builder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


@transaction.atomic
def _claim(run_id: int, now: dt.datetime) -> bool:
    """Take a run for building: a queued run, or one whose builder is dead (its process
    gone, or past any build's time limit). A second message for the same run (resent,
    redelivered) while its build is alive finds it taken and stops."""
    run = ReportRun.objects.select_for_update().get(pk=run_id)
    dead = run.status == ReportRun.Status.RUNNING and (
        (run.started_at is not None and run.started_at < now - stale_after()) or _is_gone(run.builder)
    )
    if run.status != ReportRun.Status.QUEUED and not dead:
        return False
    ReportRun.objects.filter(pk=run_id).update(
        status=ReportRun.Status.RUNNING,
        started_at=now,
        progress=5,
        error="",
        attempts=F("attempts") + 1,
        builder=_this_process(),
    )
    return True


def run_execute(*, run_id: int) -> ReportRun:
    """Build the file of a queued run and archive it; a failure is kept with its reason.
    Only the builder that claimed the run may finish it, so however often its message is
    delivered, a request ends in one archive; a finished or failed run is never rebuilt."""
    started = timezone.now()
    if not _claim(run_id, started):
        return ReportRun.objects.get(pk=run_id)
    run = ReportRun.objects.select_related("policy__city", "policy__lead_unit").get(pk=run_id)
    mine = ReportRun.objects.filter(pk=run.pk, status=ReportRun.Status.RUNNING, started_at=started)
    try:
        _progress(run, 20)
        if settings.REPORTS_BUILD_PAUSE:
            time.sleep(settings.REPORTS_BUILD_PAUSE)
        files = build_files(run.kind, run.policy, run.period_label, started)
        _progress(run, 80)
        stored = [_store(run, data, name) for data, name in files]
        fields = {"file": stored[0], "checksum": hashlib.sha256(files[0][0]).hexdigest()}
        if len(files) > 1:
            fields |= {"document": stored[1], "document_checksum": hashlib.sha256(files[1][0]).hexdigest()}
        finished = mine.update(**fields, status=ReportRun.Status.DONE, progress=100, finished_at=timezone.now())
        if not finished:  # the sweeper gave this build up meanwhile: its files are not the archive
            for name in stored:
                run.file.storage.delete(name)
            return ReportRun.objects.get(pk=run.pk)
    except Exception as exc:
        log.exception("report run %s failed", run_id)
        mine.update(
            status=ReportRun.Status.FAILED, finished_at=timezone.now(), error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    run.refresh_from_db()
    _notify_ready(run)
    return run


def _notify_ready(run: ReportRun) -> None:
    reviewers = [m.user for m in Membership.objects.filter(role=Membership.Role.REVIEWER, policy=run.policy)]
    if run.requested_by and run.requested_by not in reviewers:
        reviewers.append(run.requested_by)
    notify(
        users=reviewers,
        kind="digest",
        key=f"run:{run.pk}",
        title=f"{run.policy.city.name}{run.get_kind_display()}（{run.period_label}，第{run.version}版）已生成",
        body=run.policy.title,
        url=reverse("reports:run_download", args=[run.pk]),
    )


MAX_ATTEMPTS = 3


def runs_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """What the broker lost, found again (beat runs this every few minutes):

    - a run queued but never sent (the broker was down) or sent long ago and still not
      begun (a broker restarted without persistence lost its message) is sent again;
    - a run "running" past any build's time limit has lost its worker: it is queued and
      sent again, or, after MAX_ATTEMPTS builds, marked failed with the reason.

    A message sent twice is harmless: only one build can claim a run."""
    now = now or timezone.now()
    Status = ReportRun.Status
    dead = ReportRun.objects.filter(status=Status.RUNNING, started_at__lt=now - stale_after())
    failed = dead.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=Status.FAILED,
        finished_at=now,
        error=f"生成进程{MAX_ATTEMPTS}次中断（超过时限仍未完成），请稍后重新生成。",
    )
    requeued = list(dead.values_list("pk", flat=True))
    ReportRun.objects.filter(pk__in=requeued, status=Status.RUNNING).update(status=Status.QUEUED, progress=0)
    resend_before = now - dt.timedelta(seconds=settings.REPORTS_RESEND_AFTER)
    waiting = ReportRun.objects.filter(status=Status.QUEUED).filter(
        Q(sent_at__isnull=True, requested_at__lt=resend_before) | Q(sent_at__lt=resend_before)
    )
    to_send = sorted(set(requeued) | set(waiting.values_list("pk", flat=True)))
    sent = sum(_enqueue(pk) for pk in to_send)
    return {"failed": failed, "requeued": len(requeued), "sent": sent}


def _store(run: ReportRun, data: bytes, name: str) -> str:
    return run.file.storage.save(run.file.field.generate_filename(run, name), ContentFile(data))


@transaction.atomic
def run_issue(*, run: ReportRun, by, doc_number: str = "", issued_on: dt.date | None = None) -> ReportRun:
    """Mark a finished version issued. A bulletin's 通报 is dated then: its document is made
    again from the same data with the 文号 and the date of issue (the workbook, which
    carries no date of issue, stays as built); refused when the data changed since the
    build, so that the 通报 and its attachments say the same."""
    # Only the run is locked: PostgreSQL refuses FOR UPDATE on the nullable side of the lead unit join.
    run = (
        ReportRun.objects.select_for_update(of=("self",))
        .select_related("policy__city", "policy__lead_unit")
        .get(pk=run.pk)
    )
    if run.status != ReportRun.Status.DONE:
        raise RunRefused(_("只有已完成的版本可以印发"))
    if run.issued_at is not None:
        return run
    now = timezone.now()
    issued_on = issued_on or timezone.localdate(now)
    doc_number = doc_number.strip()
    if run.kind == ReportRun.Kind.BULLETIN and run.document:
        if run.cutoff_at and selectors.data_cutoff(run.policy) > run.cutoff_at:
            raise RunRefused(
                _("第%(version)s版生成后数据或通报文头已有变化，请重新生成后再印发，以免通报与附件不一致。")
                % {"version": run.version}
            )
        files = build_files(
            run.kind,
            run.policy,
            run.period_label,
            run.started_at or run.requested_at,
            doc_number=doc_number,
            issued_on=issued_on,
        )
        data, name = files[1]
        run.document = _store(run, data, name)  # the undated draft stays in storage beside it
        run.document_checksum = hashlib.sha256(data).hexdigest()
    run.doc_number = doc_number
    run.issued_at = now
    run.save(update_fields=["issued_at", "doc_number", "document", "document_checksum"])
    audit_record(
        by=by,
        action="印发",
        obj=run,
        changes={"issued_at": [None, str(now)], "doc_number": ["", doc_number], "issued_on": [None, str(issued_on)]},
    )
    return run


LETTER_FIELDS = (
    "bulletin_doc_prefix",
    "bulletin_issuer",
    "bulletin_addressees",
    "bulletin_copies_to",
    "bulletin_commend_top",
    "bulletin_interview_bottom",
    "bulletin_requirements",
)


@transaction.atomic
def bulletin_letter_update(*, policy: Policy, by, values: dict) -> Policy:
    """The 通报's frame of a policy (文号代字, 发文机关, 主送, 抄送, 通报表扬/约谈督办,
    下步工作要求), set by its reviewer before issuing; audited. The policy's change moves
    the data cut-off, so the next build makes a new version with it."""
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    before = snapshot(policy)
    for name in LETTER_FIELDS:
        if name in values:
            value = values[name]
            setattr(policy, name, value.strip() if isinstance(value, str) else bool(value))
    changes = field_changes(before, snapshot(policy))
    if changes:
        policy.save(update_fields=[*LETTER_FIELDS, "updated_at"])
        audit_record(by=by, action="通报文头", obj=policy, changes=changes)
    return policy


def scheduled_labels(policy: Policy, on_date: dt.date) -> list[tuple[str, str]]:
    """What the calendar wants built by `on_date`: the dispatch of the month just reported
    once its lock day has passed, and the bulletin of the latest quarter once the lock day
    of its last month has passed."""
    wanted = []
    year, month = calendar.previous_month(on_date)
    if on_date > completeness.lock_date_of(policy, year, month) and policy_asks_for(policy, year, month):
        wanted.append((ReportRun.Kind.DISPATCH, f"{year}-{month:02d}"))
    quarter_end = (year, month - month % 3) if month % 3 else (year, month)
    if quarter_end[1] == 0:
        quarter_end = (year - 1, 12)
    if on_date > completeness.lock_date_of(policy, *quarter_end) and policy_asks_for(policy, *quarter_end):
        wanted.append((ReportRun.Kind.BULLETIN, f"{quarter_end[0]}Q{quarter_end[1] // 3}"))
    return wanted


def runs_schedule(*, on_date: dt.date) -> list[ReportRun]:
    """Queue what the calendar wants and has not been built yet. Safe to run every day."""
    made = []
    for policy in Policy.objects.filter(reporting_active=True):
        for kind, label in scheduled_labels(policy, on_date):
            if ReportRun.objects.filter(kind=kind, policy=policy, period_label=label).exists():
                continue
            run, created = run_request(kind=kind, policy=policy, label=label)
            if created:
                made.append(run)
    return made
