"""What the dispatch (月调度) and bulletin (季通报) say: their data read from the evaluation,
the reports and the responsibilities. Reads only; the runs that archive them are in
``reports.services``."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import replace

from django.db.models import Max, Q
from django.utils import timezone

from policies.models import Policy, Responsibility, Unit
from supervision import selectors as supervision_selectors
from targets import calendar, completeness
from targets.calendar import Month
from targets.completeness import LATE, MISSING, ON_TIME, PENDING
from targets.models import Assignment, MonthlyReport, PeriodLock, ReportValue

from . import metrics
from .builders.data import (
    BulletinData,
    DispatchData,
    IndicatorRow,
    Letter,
    Narrative,
    ProblemItem,
    ReportHeader,
    UnitFigure,
    UnitStanding,
    UnitTimeliness,
)
from .builders.xlsx import issuer as issuer_name
from .evaluation import IndicatorResult, city_results, indicators_of, standings, unit_results, unit_results_at


def data_cutoff(policy: Policy) -> dt.datetime:
    """The moment the inputs last changed: the latest review of any of the policy's reports,
    or the latest change of the policy, its indicators, targets and assignments
    (targets.services.indicator_inputs_changed), whichever is later. Read afresh: the
    change may have been made after `policy` was loaded."""
    updated, last = (
        Policy.objects.filter(pk=policy.pk).annotate(last=Max("reports__reviewed_at")).values_list("updated_at", "last")
    ).get()
    return max(updated, last) if last else updated


def _header(policy: Policy, cutoff_at: dt.datetime, generated_at: dt.datetime) -> ReportHeader:
    return ReportHeader(
        city=policy.city.name,
        policy_title=policy.title,
        doc_number=policy.doc_number,
        lead_unit=policy.lead_unit.name if policy.lead_unit else "",
        cutoff_at=timezone.localtime(cutoff_at),
        generated_at=timezone.localtime(generated_at),
        tolerance=float(policy.tolerance),
        formulas=metrics.FORMULAS.format(tolerance=f"{float(policy.tolerance):g}"),
    )


def _unit_figures(policy: Policy, unit_results) -> dict[int, list[UnitFigure]]:
    """Per indicator, every assigned unit's own figures (from evaluation.unit_results_at)."""
    units = {
        u.pk: u
        for u in Unit.objects.filter(pk__in={r.unit_id for r in unit_results}).only("name", "kind", "sort_order")
    }
    out: dict[int, list[UnitFigure]] = {}
    for r in sorted(unit_results, key=lambda r: (units[r.unit_id].sort_order, r.unit_id)):
        unit, e = units[r.unit_id], r.evaluation
        klass = metrics.CLASS_LABELS[metrics.class_of(unit.is_division)]
        if e is None:
            figure = UnitFigure(unit.name, klass, None, None, None, None, None, metrics.GREY)
        else:
            figure = UnitFigure(
                unit.name,
                klass,
                e.target,
                e.actual,
                e.completion,
                e.progress,
                e.gap,
                e.light,
                e.met,
                e.baseline,
                e.note,
            )
        out.setdefault(r.indicator_id, []).append(figure)
    return out


def _rows(
    results: list[IndicatorResult],
    period_values: dict[int, object],
    problems: dict[int, list],
    unit_figures=None,
    at: Month | None = None,
) -> list:
    unit_figures = unit_figures or {}
    rows = []
    for r in results:
        resps = list(r.indicator.task.responsibilities.all())
        e = r.evaluation
        rows.append(
            IndicatorRow(
                section=str(r.section),
                task=task_label(r.indicator.task),
                lead_units=[x.unit.name for x in resps if x.role == Responsibility.Role.LEAD]
                or ([r.indicator.policy.lead_unit.name] if r.indicator.policy.lead_unit else []),
                responsible_units=problems.get(("units", r.indicator.pk), []),
                indicator=r.indicator.name,
                unit_of_measure=r.indicator.unit_of_measure,
                target_text=r.target_with_explanation + _closed(e, at),
                # The value the light was judged against (a part year's, a milestone's).
                target_value=e.target if e.target is not None else (r.target.value if r.target else None),
                period_value=period_values.get(r.indicator.pk),
                to_date=e.actual,
                completion=e.completion,
                progress=e.progress,
                gap=e.gap,
                light=e.light,
                met=e.met,
                problems=problems.get(r.indicator.pk, []),
                baseline=e.baseline,
                measure=r.indicator.measure,
                note=r.explanation,
                units=unit_figures.get(r.indicator.pk, []),
            )
        )
    return rows


def _closed(evaluation, at: Month | None) -> str:
    """A target whose window closed before the month evaluated keeps its figures of the
    deadline (DESIGN: after the deadline, the value at the deadline), and says so."""
    window = evaluation.window
    if at is None or window is None or window[1] >= at or evaluation.progress is None:
        return ""
    return f"；已于{window[1][0]}年{window[1][1]}月截止，按截止时数据"


def task_label(task) -> str:
    """A task as documents number it: "1. 标题" for an item, "（二）标题" for a sub-heading's
    paragraph (numbered 一、二… in the catalogue), never "二. 标题"."""
    number = task.number.strip().strip("()（）")
    if not number:
        return task.title
    if number.isdigit():
        return f"{number}. {task.title}"
    return f"（{number}）{task.title}"


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
    by_unit = unit_results(policy, at, indicators)
    problems = _problems(policy, [at], [i.pk for i in indicators], by_unit)
    reports = {
        r.unit_id: r
        for r in MonthlyReport.objects.filter(policy=policy, period__year=year, period__month=month).select_related(
            "unit"
        )
    }
    due = completeness.due_date_of(policy, year, month)
    today = timezone.localdate(generated_at)
    expected = list(Unit.objects.reporting_for(policy).order_by("sort_order", "name"))
    marks = {u.pk: completeness.mark(reports.get(u.pk), due, today) for u in expected}
    counts = Counter(marks.values())
    awaiting = [r for r in reports.values() if r.state == MonthlyReport.State.SUBMITTED]
    narratives = [
        Narrative(
            r.unit.name,
            r.progress_text,
            r.problems_text,
            r.next_steps_text,
            "待审核" if r.state == MonthlyReport.State.SUBMITTED else "",
        )
        for r in sorted(reports.values(), key=lambda r: (r.unit.sort_order, r.unit.name))
        if r.first_submitted_at is not None and (r.progress_text or r.problems_text or r.next_steps_text)
    ]
    pending = _pending_values(awaiting)
    rows = _rows(
        results, {r.indicator.pk: r.month_value for r in results}, problems, _unit_figures(policy, by_unit), at
    )
    return DispatchData(
        header=_header(policy, data_cutoff(policy), generated_at),
        year=year,
        month=month,
        rows=[replace(row, pending=pending.get(r.indicator.pk, [])) for row, r in zip(rows, results, strict=True)],
        lights=dict(Counter(r.light for r in results)),
        reports_expected=len(expected),
        reports_on_time=counts[ON_TIME],
        reports_late=counts[LATE],
        reports_missing=counts[MISSING],
        narratives=narratives,
        missing_units=[u.name for u in expected if marks[u.pk] == MISSING],
        not_yet_due=[u.name for u in expected if marks[u.pk] == PENDING],
        awaiting_review=[r.unit.name for r in sorted(awaiting, key=lambda r: (r.unit.sort_order, r.unit.name))],
        due_on=due,
        ledger=supervision_selectors.ledger(policy, _month_end(at)),
        missing_visits=supervision_selectors.missing_visits(policy, [at]),
    )


def _pending_values(reports: list[MonthlyReport]) -> dict[int, list[tuple[str, object]]]:
    """Per indicator, the figures of the month's reports awaiting review: (unit, value)."""
    names = {r.pk: r.unit.name for r in reports}
    out: dict[int, list] = {}
    for report_id, indicator_id, value in (
        ReportValue.objects.filter(report_id__in=names, value__isnull=False)
        .order_by("report__unit__sort_order")
        .values_list("report_id", "indicator_id", "value")
    ):
        out.setdefault(indicator_id, []).append((names[report_id], value))
    return out


def _quarter_in_plan(policy: Policy, year: int, quarter: int) -> list[Month]:
    start = calendar.month_of(policy.start_date) if policy.start_date else (0, 1)
    end = calendar.month_of(policy.end_date) if policy.end_date else (9999, 12)
    return [m for m in calendar.quarter_months(year, quarter) if start <= m <= end]


def bulletin_month(policy: Policy, year: int, quarter: int, on: dt.datetime) -> Month | None:
    """The month a quarter's bulletin built at `on` is evaluated at: the quarter's last month
    of the plan once it is locked (closed by the reviewer, or past its lock day), else the
    last month of the quarter that is; None while none is (the bulletin cannot be built)."""
    months = _quarter_in_plan(policy, year, quarter)
    stored = {
        (y, m): (locked_at, lock_day)
        for y, m, locked_at, lock_day in PeriodLock.objects.filter(
            policy=policy, period__year=year, period__month__in=[m for _y, m in months]
        ).values_list("period__year", "period__month", "locked_at", "lock_day")
    }
    today = timezone.localdate(on)
    for month in reversed(months):
        locked_at, lock_day = stored.get(month, (None, None))
        if (locked_at is not None and locked_at <= on) or today >= calendar.lock_date(
            *month, lock_day or policy.lock_day
        ):
            return month
    return None


def addressees_of(policy: Policy) -> str:
    """主送 as the units the policy names or that report for it call for it (the issuing
    bureau aside): 各县（市、区）人民政府、开发区管委会，市直有关部门; a zone's own towns and
    streets by name."""
    named = Unit.objects.filter(Q(pk__in=Unit.objects.reporting_for(policy).values("pk")) | Q(policies=policy))
    units = list(named.exclude(pk=policy.lead_unit_id).distinct().order_by("sort_order", "name").only("name", "kind"))
    kinds = {u.kind for u in units}
    divisions = []
    words = [
        w
        for kind, w in ((Unit.Kind.COUNTY, "县"), (Unit.Kind.COUNTY_CITY, "市"), (Unit.Kind.DISTRICT, "区"))
        if kind in kinds
    ]
    if words:
        divisions.append(f"各{words[0]}" + (f"（{'、'.join(words[1:])}）" if words[1:] else "") + "人民政府")
    zones = [u.name for u in units if u.kind == Unit.Kind.ZONE]
    if len(zones) <= 2 and zones:
        divisions.append(f"{'、'.join(zones)}管委会")
    elif zones:
        divisions.append("各开发区（管理区）管委会")
    for unit in units:
        if unit.kind == Unit.Kind.TOWN:
            divisions.append(unit.name + ("办事处" if unit.name.endswith("街道") else "人民政府"))
    parts = ["、".join(divisions)] if divisions else []
    if Unit.Kind.BUREAU in kinds or Unit.Kind.OTHER in kinds:
        city = policy.city.name
        parts.append(f"{city[-1] if city[-1:] in ('市', '区', '县') else '市'}直有关部门")
    return "，".join(parts) or "各有关单位"


def letter_of(policy: Policy, *, doc_number: str = "", issued_on: dt.date | None = None) -> Letter:
    """The 通报's 公文 frame from the policy's settings (blank ones derived or left blank)
    and the run's own 文号 and date of issue."""
    return Letter(
        doc_number=doc_number,
        doc_prefix=policy.bulletin_doc_prefix,
        issuer=policy.bulletin_issuer
        or issuer_name(policy.city.name, policy.lead_unit.name if policy.lead_unit else ""),
        addressees=policy.bulletin_addressees or addressees_of(policy),
        copies_to=policy.bulletin_copies_to,
        issued_on=issued_on,
        commend_top=policy.bulletin_commend_top,
        interview_bottom=policy.bulletin_interview_bottom,
        requirements=policy.bulletin_requirements,
    )


def bulletin_data(
    policy: Policy,
    year: int,
    quarter: int,
    *,
    generated_at: dt.datetime,
    doc_number: str = "",
    issued_on: dt.date | None = None,
) -> BulletinData:
    """The quarter's bulletin, evaluated at its last month, or at its last locked month
    while the quarter is not over (bulletin_month); it says which. `doc_number` and
    `issued_on` are the run's once it is issued."""
    at = bulletin_month(policy, year, quarter, generated_at)
    if at is None:
        raise ValueError(f"{year}Q{quarter}: no month of the quarter is locked yet")
    months = [m for m in calendar.quarter_months(year, quarter) if m <= at]
    before = calendar.previous(months[0])  # the previous quarter's last month
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
    top, bottom = metrics.tiers(ranking)
    sections: dict[str, Counter] = {}
    for r in results:
        sections.setdefault(str(r.section), Counter())[r.light] += 1
    return BulletinData(
        header=_header(policy, data_cutoff(policy), generated_at),
        year=year,
        quarter=quarter,
        rows=_rows(results, quarter_values, problems, _unit_figures(policy, by_unit[at]), at),
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
                klass=metrics.CLASS_LABELS[s.klass],
                scored=s.scored,
            )
            for s in ranking
        ],
        timeliness=_timeliness(policy, at),
        completed_for_year=[r.indicator.name for r in results if r.evaluation.met and _ends_by(r, at[0])],
        completed_ahead=[r.indicator.name for r in results if r.evaluation.met and not _ends_by(r, at[0])],
        month=at[1],
        quarter_over=at == _quarter_in_plan(policy, year, quarter)[-1],
        ledger_counts=supervision_selectors.unit_counts(policy, _month_end(at)),
        problems=_overdue_problems(policy, at),
        letter=letter_of(policy, doc_number=doc_number, issued_on=issued_on),
    )


def _overdue_problems(policy: Policy, at: Month) -> list[ProblemItem]:
    """The 通报 names the ledger's items still open past their due date at the month's end."""
    return [
        ProblemItem(
            title=item.title, units=[item.unit] if item.unit else [], state=item.state, overdue_days=item.days_late
        )
        for item in supervision_selectors.ledger(policy, _month_end(at)).overdue_items
    ]


def _ends_by(result: IndicatorResult, year: int) -> bool:
    """Whether the target met is one of `year` (its window ends in it, or it is a standing
    rule without a window): 已完成年度目标 names only those."""
    window = result.evaluation.window
    return window is None or window[1][0] <= year


def _month_end(month: Month) -> dt.date:
    """The ledger's cut-off for a document evaluated at `month`: 截至X月末."""
    year, number = calendar.following(month)
    return dt.date(year, number, 1) - dt.timedelta(days=1)


def _timeliness(policy: Policy, at: Month) -> list[UnitTimeliness]:
    """Each unit's reports from January to `at`: the months its on-time rate in the ranking
    counts (targets.completeness.on_time_rates), so the two show one figure."""
    _months, rows = completeness.timeliness(policy, at[0], until=at)
    return [
        UnitTimeliness(
            row.unit.name,
            row.count(ON_TIME) + row.count(LATE) + row.count(MISSING),
            row.count(ON_TIME),
            row.count(LATE),
            row.count(MISSING),
        )
        for row in rows
    ]
