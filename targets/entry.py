"""What the entry page shows for one unit, policy and month, read in a fixed number of
queries: every assigned indicator grouped by task, with its targets for the year, the
unit's share, last month's figure, the figure and note already saved, and the light and
running total that figure gives (targets.preview, the dashboards' formulas)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext

from policies.models import Policy, Task, Unit

from . import calendar
from .models import Assignment, Indicator, MonthlyReport, Period, ReportValue, Target
from .preview import RowPreview, row_preview, typed_figure


@dataclass
class EntryRow:
    indicator: Indicator
    targets: list[Target]  # the ones shown
    share: Decimal | None  # the unit's allocated part of the city target
    last_month: Decimal | None
    value: ReportValue | None
    preview: RowPreview  # the light and running total of the figure shown in the input
    history: list[Decimal] = field(default_factory=list)

    @property
    def target(self) -> Target | None:
        """The target the light is computed against."""
        return self.preview.target

    @property
    def own_target(self) -> Decimal | None:
        """What this unit's figures are measured against, if anything."""
        return self.preview.own_target

    @property
    def window_label(self) -> str:
        """What a flow's running total covers."""
        return (
            gettext("本年累计")
            if self.target is None or self.target.window == Target.Window.ANNUAL
            else gettext("计划期累计")
        )

    @property
    def is_flow(self) -> bool:
        return self.indicator.measure == Indicator.Measure.FLOW

    @property
    def entry_label(self) -> str:
        return gettext("当月数") if self.is_flow else gettext("月末数")

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


def entry_rows(
    *,
    policy: Policy,
    unit: Unit,
    period: Period,
    report: MonthlyReport | None,
    typed: Mapping[int, str] | None = None,
) -> list[TaskGroup]:
    """The page's rows; `typed` is what the user typed (a refused save shown again), else
    the saved figures are previewed."""
    year, month = period.year, period.month
    at = (year, month)
    assignments = {a.indicator_id: a for a in Assignment.objects.filter(indicator__policy=policy, unit=unit)}
    indicators = list(
        Indicator.objects.filter(pk__in=assignments)
        .select_related("task", "task__section")
        .prefetch_related("targets__milestones")
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
        .values_list("indicator_id", "report__period__year", "report__period__month", "value", "report__state")
        .order_by("report__period__year", "report__period__month")
    )
    by_indicator: dict[int, list[tuple[tuple[int, int], Decimal]]] = {}
    approved: dict[int, dict[tuple[int, int], Decimal]] = {}
    for indicator_id, y, m, value, state in earlier:
        by_indicator.setdefault(indicator_id, []).append(((y, m), value))
        # Only approved figures count (DESIGN.md): the light is the one the dashboards will show.
        if state == MonthlyReport.State.APPROVED:
            approved.setdefault(indicator_id, {})[(y, m)] = value
    previous = calendar.previous_month(dt.date(year, month, 1))
    groups: dict[int, TaskGroup] = {}
    for indicator in indicators:
        months = by_indicator.get(indicator.pk, [])
        value = saved.get(indicator.pk)
        if typed is not None and indicator.pk in typed:
            raw = typed[indicator.pk]
        else:
            raw = value.value if value is not None and value.value is not None else None
        row = EntryRow(
            indicator=indicator,
            targets=applicable_targets(list(indicator.targets.all()), year, month),
            share=assignments[indicator.pk].allocated_value,
            last_month=next((v for ym, v in reversed(months) if ym == previous), None),
            value=value,
            preview=row_preview(
                policy=policy,
                indicator=indicator,
                at=at,
                allocated=assignments[indicator.pk].allocated_value,
                reporters=reporter_counts.get(indicator.pk, 0),
                earlier=approved.get(indicator.pk, {}),
                typed=typed_figure(indicator, raw),
            ),
            history=[v for _ym, v in months[-6:]],
        )
        groups.setdefault(indicator.task_id, TaskGroup(task=indicator.task, rows=[])).rows.append(row)
    return list(groups.values())
