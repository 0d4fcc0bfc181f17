"""What the entry page shows for one unit, policy and month, read in a fixed number of
queries: every assigned indicator grouped by task, with its targets for the year, the
unit's share, last month's figure, the year to date before this month, and the figure
and note already saved."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q

from policies.models import Policy, Task, Unit

from . import calendar
from .models import Assignment, Indicator, MonthlyReport, Period, ReportValue, Target


@dataclass
class EntryRow:
    indicator: Indicator
    targets: list[Target]
    target: Target | None  # the one the light is computed against
    share: Decimal | None  # the unit's allocated part of the city target
    own_target: Decimal | None  # what this unit's figures are measured against, if anything
    last_month: Decimal | None
    window_before: Decimal  # flows: the sum of the target window's earlier months
    window_label: str  # what the running total covers: 本年累计 or 计划期累计
    baseline: Decimal | None  # levels: the given baseline or the first value in the window
    progress: float | None  # time progress at the end of the month
    value: ReportValue | None
    history: list[Decimal] = field(default_factory=list)

    @property
    def is_flow(self) -> bool:
        return self.indicator.measure == Indicator.Measure.FLOW

    @property
    def entry_label(self) -> str:
        return "当月数" if self.is_flow else "月末数"

    @property
    def typed(self) -> str:
        if self.value is None:
            return ""
        if self.value.value is not None:
            return f"{self.value.value.normalize():f}"
        return self.value.raw_text


@dataclass
class TaskGroup:
    task: Task
    rows: list[EntryRow]


def applicable_targets(targets: list[Target], year: int, month: int) -> list[Target]:
    """The targets to show for a month: per-year ones, this year's, and later milestones."""
    end = dt.date(year, month, 1)
    shown = [
        t
        for t in targets
        if (t.window == Target.Window.ANNUAL and t.year in (None, year))
        or (t.deadline_date is not None and t.deadline_date >= end)
    ]
    return shown or targets[-1:]


def entry_rows(*, policy: Policy, unit: Unit, period: Period, report: MonthlyReport | None) -> list[TaskGroup]:
    year, month = period.year, period.month
    assignments = {a.indicator_id: a for a in Assignment.objects.filter(indicator__policy=policy, unit=unit)}
    indicators = list(
        Indicator.objects.filter(pk__in=assignments)
        .select_related("task", "task__section")
        .prefetch_related("targets")
        .order_by("task__order", "order")
    )
    reporter_counts = dict(
        Assignment.objects.filter(indicator__in=indicators).values_list("indicator").annotate(n=Count("id"))
    )
    saved = {v.indicator_id: v for v in report.values.all()} if report else {}
    earlier = (
        ReportValue.objects.filter(
            report__policy=policy, report__unit=unit, indicator__in=indicators, value__isnull=False
        )
        .filter(Q(report__period__year__lt=year) | Q(report__period__year=year, report__period__month__lt=month))
        .values_list("indicator_id", "report__period__year", "report__period__month", "value")
        .order_by("report__period__year", "report__period__month")
    )
    by_indicator: dict[int, list[tuple[tuple[int, int], Decimal]]] = {}
    for indicator_id, y, m, value in earlier:
        by_indicator.setdefault(indicator_id, []).append(((y, m), value))
    previous = calendar.previous_month(dt.date(year, month, 1))
    groups: dict[int, TaskGroup] = {}
    for indicator in indicators:
        targets = list(indicator.targets.all())
        shown = applicable_targets(targets, year, month)
        target = shown[0] if shown else None
        months = by_indicator.get(indicator.pk, [])
        share = assignments[indicator.pk].allocated_value
        # A unit's figures are measured against the target only when they are the whole
        # figure (one reporter) or when the reviewer split the target and gave it a share.
        sole = indicator.rollup == Indicator.Rollup.SINGLE or reporter_counts.get(indicator.pk) == 1
        own = share if share is not None else (target.value if target is not None and sole else None)
        progress = baseline = None
        window = None
        if target is not None:
            window = calendar.target_window(
                window=target.window,
                year=target.year,
                deadline=target.deadline_date,
                measure=indicator.measure,
                plan_start=policy.start_date or dt.date(year, 1, 1),
                plan_end=policy.end_date or dt.date(year, 12, 31),
                at=(year, month),
            )
        if window is not None:
            start, end = window
            progress = calendar.time_progress(start, end, (year, month))
            in_window = [v for ym, v in months if start <= ym <= end]
            baseline = (
                target.baseline_value if target.baseline_value is not None else (in_window[0] if in_window else None)
            )
        row = EntryRow(
            indicator=indicator,
            targets=shown,
            target=target,
            share=share,
            own_target=own,
            last_month=next((v for ym, v in reversed(months) if ym == previous), None),
            window_before=sum(in_window, Decimal(0)),
            window_label="本年累计" if target is None or target.window == Target.Window.ANNUAL else "计划期累计",
            baseline=baseline,
            progress=progress,
            value=saved.get(indicator.pk),
            history=[v for _ym, v in months[-6:]],
        )
        groups.setdefault(indicator.task_id, TaskGroup(task=indicator.task, rows=[])).rows.append(row)
    return list(groups.values())
