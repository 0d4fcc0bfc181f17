"""The dispatch (月调度) and bulletin (季通报): their data assembled from the evaluation,
and their runs archived as ReportRun rows with the file, its checksum and the data cut-off.

A run asked for twice gives one archive; a re-run after new data gives a new version and
keeps the old one; an issued version is never overwritten.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from collections import Counter
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from policies.models import Membership, Policy, Responsibility, Unit
from targets import calendar
from targets.completeness import LATE, MISSING, ON_TIME, mark
from targets.models import Assignment, MonthlyReport
from targets.notifications import notify
from targets.worklists import policy_asks_for

from . import metrics
from .builders.data import (
    BulletinData,
    DispatchData,
    IndicatorRow,
    Narrative,
    ReportHeader,
    UnitStanding,
    UnitTimeliness,
)
from .dashboard import reports_summary
from .evaluation import IndicatorResult, city_results, indicators_of, standings, unit_results, unit_results_at
from .models import ReportRun

log = logging.getLogger(__name__)
TZ = ZoneInfo("Asia/Shanghai")
Month = tuple[int, int]
QUARTER_NAMES = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}


class RunRefused(Exception):
    """A request that cannot be made (a month outside the plan, a malformed label)."""


# -- labels -------------------------------------------------------------------------------


def parse_month_label(label: str) -> Month:
    try:
        year, month = (int(x) for x in label.split("-"))
        dt.date(year, month, 1)
    except ValueError:
        raise RunRefused(f"月份应为 YYYY-MM，而不是 {label!r}") from None
    return year, month


def parse_quarter_label(label: str) -> tuple[int, int]:
    text = label.upper().replace("-", "")
    try:
        year, quarter = text.split("Q")
        year, quarter = int(year), int(quarter)
    except ValueError:
        raise RunRefused(f"季度应为 YYYYQN（如 2025Q3），而不是 {label!r}") from None
    if quarter not in (1, 2, 3, 4):
        raise RunRefused("季度只能是 Q1—Q4")
    return year, quarter


def quarter_months(year: int, quarter: int) -> list[Month]:
    return [(year, m) for m in range(quarter * 3 - 2, quarter * 3 + 1)]


# -- data ---------------------------------------------------------------------------------


def data_cutoff(policy: Policy) -> dt.datetime:
    """The moment the inputs last changed: the latest review of any of the policy's reports."""
    last = MonthlyReport.objects.filter(policy=policy).aggregate(last=Max("reviewed_at"))["last"]
    return last or policy.updated_at


def _header(policy: Policy, cutoff_at: dt.datetime, generated_at: dt.datetime) -> ReportHeader:
    return ReportHeader(
        city=policy.city.name,
        policy_title=policy.title,
        doc_number=policy.doc_number,
        lead_unit=policy.lead_unit.name if policy.lead_unit else "",
        cutoff_at=cutoff_at.astimezone(TZ),
        generated_at=generated_at.astimezone(TZ),
        tolerance=float(policy.tolerance),
        formulas=metrics.FORMULAS.format(tolerance=f"{float(policy.tolerance):g}"),
    )


def _rows(results: list[IndicatorResult], period_values: dict[int, object], problems: dict[int, list]) -> list:
    rows = []
    for r in results:
        resps = list(r.indicator.task.responsibilities.all())
        e = r.evaluation
        rows.append(
            IndicatorRow(
                section=str(r.section),
                task=str(r.indicator.task),
                lead_units=[x.unit.name for x in resps if x.role == Responsibility.Role.LEAD]
                or ([r.indicator.policy.lead_unit.name] if r.indicator.policy.lead_unit else []),
                responsible_units=problems.get(("units", r.indicator.pk), []),
                indicator=r.indicator.name,
                unit_of_measure=r.indicator.unit_of_measure,
                target_text=r.target_text,
                target_value=r.target.value if r.target else None,
                period_value=period_values.get(r.indicator.pk),
                to_date=e.actual,
                completion=e.completion,
                progress=e.progress,
                gap=e.gap,
                light=e.light,
                met=e.met,
                problems=problems.get(r.indicator.pk, []),
            )
        )
    return rows


def _problems(policy: Policy, months: list[Month], indicator_ids, by_unit=None) -> dict:
    """Per indicator: the reporting units' names and the problems they wrote in the months.

    With the units' own evaluations (`by_unit`), the problems are those of the units
    that are themselves behind on the indicator: a county on pace has nothing to explain
    about it. Without any unit of an indicator evaluated, every reporting unit's are kept."""
    units_of: dict[int, list[tuple[int, str]]] = {}
    for indicator_id, unit_id, name in (
        Assignment.objects.filter(indicator_id__in=indicator_ids)
        .order_by("unit__sort_order")
        .values_list("indicator_id", "unit_id", "unit__name")
    ):
        units_of.setdefault(indicator_id, []).append((unit_id, name))
    behind: dict[int, set[int]] = {}
    for u in by_unit or []:
        if u.evaluation is not None and u.evaluation.light != metrics.GREY:
            behind.setdefault(u.indicator_id, set())
            if u.evaluation.light in (metrics.RED, metrics.YELLOW):
                behind[u.indicator_id].add(u.unit_id)
    texts: dict[int, str] = {}
    reports = MonthlyReport.objects.filter(
        policy=policy, period__year=months[-1][0], period__month=months[-1][1]
    ).exclude(problems_text="")
    for unit_id, text in reports.values_list("unit_id", "problems_text"):
        texts[unit_id] = text
    result: dict = {}
    for indicator_id, units in units_of.items():
        result[("units", indicator_id)] = [name for _u, name in units]
        wanted = behind.get(indicator_id)
        result[indicator_id] = [(name, texts[u]) for u, name in units if u in texts and (wanted is None or u in wanted)]
    return result


def dispatch_data(policy: Policy, year: int, month: int, *, generated_at: dt.datetime) -> DispatchData:
    at = (year, month)
    indicators = list(indicators_of(policy))
    results = city_results(policy, at, indicators)
    problems = _problems(policy, [at], [i.pk for i in indicators], unit_results(policy, at, indicators))
    summary = reports_summary(policy, at)
    reports = {
        r.unit_id: r
        for r in MonthlyReport.objects.filter(policy=policy, period__year=year, period__month=month).select_related(
            "unit"
        )
    }
    lead_ids = set(
        Responsibility.objects.filter(task__policy=policy, role=Responsibility.Role.LEAD).values_list(
            "unit_id", flat=True
        )
    ) | ({policy.lead_unit_id} if policy.lead_unit_id else set())
    narratives = [
        Narrative(r.unit.name, r.progress_text, r.problems_text, r.next_steps_text)
        for r in sorted(reports.values(), key=lambda r: r.unit.sort_order)
        if r.unit_id in lead_ids and (r.progress_text or r.problems_text or r.next_steps_text)
    ]
    expected = Unit.objects.filter(pk__in=Assignment.objects.filter(indicator__policy=policy).values("unit")).order_by(
        "sort_order"
    )
    missing = [u.name for u in expected if u.pk not in reports or reports[u.pk].first_submitted_at is None]
    return DispatchData(
        header=_header(policy, data_cutoff(policy), generated_at),
        year=year,
        month=month,
        rows=_rows(results, {r.indicator.pk: r.month_value for r in results}, problems),
        lights=dict(Counter(r.light for r in results)),
        reports_expected=summary["expected"],
        reports_on_time=summary["on_time"],
        reports_late=summary["late"],
        reports_missing=summary["missing"],
        narratives=narratives,
        missing_units=missing,
    )


def bulletin_data(policy: Policy, year: int, quarter: int, *, generated_at: dt.datetime) -> BulletinData:
    months = quarter_months(year, quarter)
    at = months[-1]
    before = quarter_months(year - 1, 4)[-1] if quarter == 1 else quarter_months(year, quarter - 1)[-1]
    indicators = list(indicators_of(policy))
    results = city_results(policy, at, indicators)
    by_unit = unit_results_at(policy, [at, before], indicators)
    problems = _problems(policy, months, [i.pk for i in indicators], by_unit[at])
    quarter_values = {}
    for r in results:
        in_quarter = [r.series[m] for m in months if m in r.series]
        if r.indicator.measure == "flow":
            quarter_values[r.indicator.pk] = sum(in_quarter) if in_quarter else None
    ranking = standings(policy, at, before, indicators, results=by_unit)
    units = Unit.objects.in_bulk([s.unit for s in ranking])
    ranked = [s for s in ranking if s.rank is not None]
    top = {s.unit for s in ranked[:3]}
    bottom = {s.unit for s in ranked[-3:]} if len(ranked) > 6 else set()
    sections: dict[str, Counter] = {}
    for r in results:
        sections.setdefault(str(r.section), Counter())[r.light] += 1
    return BulletinData(
        header=_header(policy, data_cutoff(policy), generated_at),
        year=year,
        quarter=quarter,
        rows=_rows(results, quarter_values, problems),
        lights_by_section={name: dict(c) for name, c in sections.items()},
        standings=[
            UnitStanding(
                unit=units[s.unit].name,
                kind=units[s.unit].get_kind_display(),
                score=s.score,
                rank=s.rank,
                change=s.change,
                on_time_rate=s.on_time,
                tier="前三" if s.unit in top else ("后三" if s.unit in bottom else ""),
            )
            for s in ranking
        ],
        timeliness=_timeliness(policy, months, generated_at.date()),
        completed_for_year=[r.indicator.name for r in results if r.evaluation.met],
    )


def _timeliness(policy: Policy, months: list[Month], today: dt.date) -> list[UnitTimeliness]:
    units = Unit.objects.filter(pk__in=Assignment.objects.filter(indicator__policy=policy).values("unit")).order_by(
        "sort_order"
    )
    reports = {
        (r.unit_id, (r.period.year, r.period.month)): r
        for r in MonthlyReport.objects.filter(
            policy=policy, period__year=months[0][0], period__month__in=[m for _y, m in months]
        ).select_related("period")
    }
    rows = []
    for unit in units:
        marks = [
            mark(reports.get((unit.pk, m)), calendar.due_date(m[0], m[1], policy.due_day), today)
            for m in months
            if (not policy.start_date or m >= calendar.month_of(policy.start_date))
            and (not policy.end_date or m <= calendar.month_of(policy.end_date))
        ]
        counted = [x for x in marks if x in (ON_TIME, LATE, MISSING)]
        rows.append(
            UnitTimeliness(unit.name, len(counted), counted.count(ON_TIME), counted.count(LATE), counted.count(MISSING))
        )
    return rows


# -- builds -------------------------------------------------------------------------------


def build_file(kind: str, policy: Policy, label: str, generated_at: dt.datetime) -> tuple[bytes, str]:
    """Build a dispatch or bulletin file (no archive): used by runs and by the commands."""
    from .builders.bulletin import build_bulletin_xlsx, bulletin_filename
    from .builders.dispatch import build_dispatch_xlsx, dispatch_filename

    _check_in_plan(kind, policy, label)
    if kind == ReportRun.Kind.DISPATCH:
        year, month = parse_month_label(label)
        data = dispatch_data(policy, year, month, generated_at=generated_at)
        return build_dispatch_xlsx(data), dispatch_filename(data)
    year, quarter = parse_quarter_label(label)
    data = bulletin_data(policy, year, quarter, generated_at=generated_at)
    return build_bulletin_xlsx(data), bulletin_filename(data)


def _check_in_plan(kind: str, policy: Policy, label: str) -> None:
    if kind == ReportRun.Kind.DISPATCH:
        months = [parse_month_label(label)]
    else:
        months = quarter_months(*parse_quarter_label(label))
    start = calendar.month_of(policy.start_date) if policy.start_date else (0, 1)
    end = calendar.month_of(policy.end_date) if policy.end_date else (9999, 12)
    if months[-1] < start or months[0] > end:
        plan = f"{start[0]}年{start[1]}月—{end[0]}年{end[1]}月" if policy.start_date and policy.end_date else "计划期"
        what = "调度" if kind == ReportRun.Kind.DISPATCH else "通报"
        raise RunRefused(f"{label} 不在该政策文件的计划期（{plan}）内，没有可{what}的内容")


@transaction.atomic
def run_request(*, kind: str, policy: Policy, label: str, by=None) -> tuple[ReportRun, bool]:
    """Ask for a dispatch or bulletin. Returns (run, created): a run already queued or
    running is returned as it is, and so is the latest finished version when no data has
    changed since its cut-off; otherwise a new version is queued."""
    _check_in_plan(kind, policy, label)
    label = label.upper() if kind == ReportRun.Kind.BULLETIN else label
    runs = ReportRun.objects.select_for_update().filter(kind=kind, policy=policy, period_label=label)
    pending = runs.filter(status__in=[ReportRun.Status.QUEUED, ReportRun.Status.RUNNING]).first()
    if pending:
        return pending, False
    latest = runs.filter(status=ReportRun.Status.DONE).order_by("-version").first()
    cutoff = data_cutoff(policy)
    if latest and latest.cutoff_at and latest.cutoff_at >= cutoff:
        return latest, False
    version = (runs.aggregate(v=Max("version"))["v"] or 0) + 1
    run = ReportRun.objects.create(
        kind=kind, policy=policy, period_label=label, version=version, requested_by=by, cutoff_at=cutoff
    )
    transaction.on_commit(lambda: _enqueue(run.pk))
    return run, True


def _enqueue(run_id: int) -> None:
    from .tasks import report_run_execute

    result = report_run_execute.delay(run_id)
    ReportRun.objects.filter(pk=run_id).update(task_id=result.id or "")


def _progress(run: ReportRun, value: int) -> None:
    ReportRun.objects.filter(pk=run.pk).update(progress=value)


def run_execute(*, run_id: int) -> ReportRun:
    """Build the file of a queued (or redelivered) run and archive it; a failure is kept
    with its reason. A finished run is never rebuilt: its file is what was issued."""
    run = ReportRun.objects.select_related("policy__city", "policy__lead_unit").get(pk=run_id)
    if run.status == ReportRun.Status.DONE:
        return run
    ReportRun.objects.filter(pk=run.pk).update(
        status=ReportRun.Status.RUNNING, started_at=timezone.now(), progress=5, error=""
    )
    try:
        _progress(run, 20)
        if settings.REPORTS_BUILD_PAUSE:
            time.sleep(settings.REPORTS_BUILD_PAUSE)
        data, name = build_file(run.kind, run.policy, run.period_label, timezone.now())
        _progress(run, 80)
        run.refresh_from_db()
        run.checksum = hashlib.sha256(data).hexdigest()
        run.file.save(name, ContentFile(data), save=False)
        run.status, run.progress, run.finished_at = ReportRun.Status.DONE, 100, timezone.now()
        run.save(update_fields=["checksum", "file", "status", "progress", "finished_at"])
    except Exception as exc:
        log.exception("report run %s failed", run_id)
        ReportRun.objects.filter(pk=run.pk).update(
            status=ReportRun.Status.FAILED, finished_at=timezone.now(), error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
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


def runs_reap_stale(*, older_than: dt.timedelta, now: dt.datetime | None = None) -> int:
    """Mark as failed the runs that have been running longer than any job may (a worker
    that died without its task being redelivered): nothing stays "running" forever."""
    now = now or timezone.now()
    return ReportRun.objects.filter(status=ReportRun.Status.RUNNING, started_at__lt=now - older_than).update(
        status=ReportRun.Status.FAILED, finished_at=now, error="生成进程中断（超过时限仍未完成），请重新生成。"
    )


@transaction.atomic
def run_issue(*, run: ReportRun, by) -> ReportRun:
    if run.status != ReportRun.Status.DONE:
        raise RunRefused("只有已完成的版本可以印发")
    if run.issued_at is None:
        run.issued_at = timezone.now()
        run.save(update_fields=["issued_at"])
    return run


def scheduled_labels(policy: Policy, on_date: dt.date) -> list[tuple[str, str]]:
    """What the calendar wants built by `on_date`: the dispatch of the month just reported
    once its lock day has passed, and the bulletin of the latest quarter once the lock day
    of its last month has passed."""
    wanted = []
    year, month = calendar.previous_month(on_date)
    if on_date > calendar.lock_date(year, month, policy.lock_day) and policy_asks_for(policy, year, month):
        wanted.append((ReportRun.Kind.DISPATCH, f"{year}-{month:02d}"))
    quarter_end = (year, month - month % 3) if month % 3 else (year, month)
    if quarter_end[1] == 0:
        quarter_end = (year - 1, 12)
    if on_date > calendar.lock_date(*quarter_end, policy.lock_day) and policy_asks_for(policy, *quarter_end):
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
