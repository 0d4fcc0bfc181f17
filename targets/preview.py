"""The light a row of the entry page would get with the figure being typed, and its running
total: the unit's own target (`metrics.unit_target`) evaluated by `metrics.evaluate` over
the unit's approved figures of earlier months plus the typed one, exactly as the dashboards
evaluate it once the month is approved. Nothing is saved and no row is created.

This module reaches up into `reports` (the one home of the formulas) on purpose: the entry
page must show the dashboards' light, and a copy of the formulas here or in the browser is
what drifted before (issue 11).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count

from policies.models import Policy, Unit
from reports import evaluation, metrics

from .calendar import Month, month_ordinal
from .models import Assignment, Indicator, MonthlyReport, ReportValue, Target
from .services import rule_for
from .validation import NumberInvalid, check_value, parse_number


@dataclass(frozen=True)
class RowPreview:
    """What the light cell and the running total of one row show.

    `typed` is the figure read from the input (None: empty or not a valid figure, shown as
    a dash). `evaluation` is None when there is nothing to evaluate: no figure, or no own
    target (`reason` says which).
    """

    indicator_id: int
    typed: Decimal | None
    target: Target | None = None  # the one the light is computed against
    own_target: Decimal | None = None  # what this unit's figures are measured against, if anything
    actual: Decimal | None = None  # flows: the window's sum with this month; levels: the value
    evaluation: metrics.Evaluation | None = None
    reason: str = ""

    @property
    def completion(self) -> float | None:
        return self.evaluation.completion if self.evaluation is not None else None


def typed_figure(indicator: Indicator, raw) -> Decimal | None:
    """The typed text as the save reads it, or None when the save would refuse it (the
    browser says why next to the input)."""
    try:
        value = parse_number(raw)
    except NumberInvalid:
        return None
    if value is None:
        return None
    check = check_value(
        value,
        rule_for(indicator),
        [],
        is_level=indicator.measure == Indicator.Measure.LEVEL,
        direction_up=indicator.direction == Indicator.Direction.UP,
    )
    return None if check.errors else value


def row_preview(
    *,
    policy: Policy,
    indicator: Indicator,
    at: Month,
    allocated: Decimal | None,
    reporters: int,
    earlier: Mapping[Month, Decimal],
    typed: Decimal | None,
) -> RowPreview:
    """The row's light at month `at` if `typed` were this month's figure; `earlier` is the
    unit's approved figures of the months before, `reporters` the number of units assigned
    the indicator (a sole reporter answers for the city's target, as in unit_results)."""
    target, spec = evaluation.chosen_target(indicator, policy, at)
    if spec is None:
        return RowPreview(indicator.pk, typed, target, reason="无目标，不计灯号")
    rollup = metrics.SINGLE if reporters == 1 else indicator.rollup
    own = metrics.unit_target(spec, rollup, allocated)
    own_value = own.value if own is not None else None
    before = {m: v for m, v in earlier.items() if m < at}  # copied once per row
    if typed is None:
        # Nothing typed yet: the running total of the approved months before this one.
        return RowPreview(
            indicator.pk, None, target, own_value, actual=metrics.actual(spec, before, at) if before else None
        )
    series = before
    series[at] = typed
    if own is None:
        return RowPreview(
            indicator.pk, typed, target, None, actual=metrics.actual(spec, series, at), reason="未分解，不计灯号"
        )
    result = metrics.evaluate(own, series, at, policy.tolerance)
    return RowPreview(indicator.pk, typed, target, own_value, actual=result.actual, evaluation=result)


def approved_series(
    *, policy: Policy, unit: Unit, indicator_ids: Iterable[int], before: Month
) -> dict[int, dict[Month, Decimal]]:
    """The unit's approved figures of the indicators in the months before `before` (one query)."""
    rows = (
        ReportValue.objects.filter(
            report__policy=policy,
            report__unit=unit,
            report__state=MonthlyReport.State.APPROVED,
            report__period__ordinal__lt=month_ordinal(before),
            indicator_id__in=list(indicator_ids),
            value__isnull=False,
        )
        .values_list("indicator_id", "report__period__year", "report__period__month", "value")
        .order_by()
    )
    out: dict[int, dict[Month, Decimal]] = {}
    for indicator_id, year, month, value in rows:
        out.setdefault(indicator_id, {})[(year, month)] = value
    return out


def indicator_preview(*, policy: Policy, unit: Unit, indicator: Indicator, at: Month, raw) -> RowPreview:
    """One row's preview from what was typed (three queries; `indicator` comes with its
    targets and their milestones prefetched)."""
    assignment = (
        Assignment.objects.filter(indicator=indicator, unit=unit)
        .annotate(reporters=Count("indicator__assignments"))
        .values_list("allocated_value", "reporters")
        .first()
    )
    allocated, reporters = assignment if assignment else (None, 0)
    earlier = approved_series(policy=policy, unit=unit, indicator_ids=[indicator.pk], before=at)
    return row_preview(
        policy=policy,
        indicator=indicator,
        at=at,
        allocated=allocated,
        reporters=reporters,
        earlier=earlier.get(indicator.pk, {}),
        typed=typed_figure(indicator, raw),
    )
