"""A policy evaluated at a month: every indicator's city figure against its target, and
every unit's figures against its share, with the ranking. The same numbers feed the
dashboards, the dispatch and the bulletin.

The database does the aggregation: city figures come from the approval summary
(IndicatorMonth), unit figures from one annotated query over the assignments whose
subqueries sum each unit's window or pick its latest value. Python only applies the
formulas of reports.metrics to those few numbers per indicator.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import Case, F, IntegerField, Max, Min, Q, Sum, Value, When

from policies import numbers
from policies.models import Policy, Section, Unit
from targets import calendar, completeness
from targets.calendar import Month
from targets.models import (
    COUNT_UNITS,
    Assignment,
    Indicator,
    IndicatorMonth,
    MonthlyReport,
    ReportValue,
    Target,
    ordinal,
)
from targets.wording import describe_target

from . import metrics


def spec_of(target: Target, indicator: Indicator, policy: Policy) -> metrics.TargetSpec:
    return metrics.TargetSpec(
        value=target.value,
        value_max=target.value_max,
        comparison=target.comparison,
        window=target.window,
        year=target.year,
        deadline=target.deadline_date,
        baseline=target.baseline_value,
        baseline_date=target.baseline_date,
        measure=indicator.measure,
        growth_rate=indicator.growth_rate,
        plan_start=policy.start_date or dt.date(2000, 1, 1),
        plan_end=policy.end_date or dt.date(2099, 12, 31),
        applies_to=target.applies_to,
        # Prefetched with the targets (indicators_of): no query per target.
        milestones=tuple((m.year, m.value) for m in target.milestones.all()),
        counts=indicator.unit_of_measure in COUNT_UNITS,
    )


def target_text(target: Target | None, unit_of_measure: str) -> str:
    return describe_target(target, unit_of_measure)


@dataclass
class IndicatorResult:
    indicator: Indicator
    section: Section  # the top-level section
    target: Target | None
    evaluation: metrics.Evaluation
    month_value: Decimal | None  # the city's figure reported for the month itself
    series: dict[Month, Decimal] = field(default_factory=dict)

    @property
    def light(self) -> str:
        return self.evaluation.light

    @property
    def target_text(self) -> str:
        return target_text(self.target, self.indicator.unit_of_measure)

    @property
    def explanation(self) -> str:
        """What the light rests on when it is not the document's bare target: a part year's
        or a milestone's value, the excess over a ceiling, below the baseline, how many units
        are on pace with a per-unit target."""
        e, uom = self.evaluation, self.indicator.unit_of_measure
        parts = []
        for note in filter(None, e.note.split("；")):
            if note.startswith("超出"):
                note += uom
            elif e.window and note.startswith(f"{e.window[0][0]}年") and e.target is not None:
                note += f"为{numbers.figure(e.target)}{uom}"
            parts.append(note)
        if e.units:
            total, on_pace, met = e.units
            parts.append(f"{on_pace}/{total}个单位达到时序进度，{met}个已完成")
        return "；".join(parts)

    @property
    def target_with_explanation(self) -> str:
        return f"{self.target_text}；{self.explanation}" if self.explanation else self.target_text


@dataclass
class UnitResult:
    unit_id: int
    indicator_id: int
    allocated: Decimal | None
    evaluation: metrics.Evaluation | None  # None: the unit has no target of its own for it


def _root_sections(policy: Policy) -> dict[int, Section]:
    sections = {s.pk: s for s in Section.objects.filter(policy=policy)}
    roots = {}
    for pk, section in sections.items():
        root = section
        while root.parent_id and root.parent_id in sections:
            root = sections[root.parent_id]
        roots[pk] = root
    return roots


def _targets(indicator: Indicator) -> list[Target]:
    # Kept on the row: a dashboard asks for them for every month it evaluates, and each
    # `.all()` of a prefetched relation is a new queryset.
    cached = getattr(indicator, "_targets_in_order", None)
    if cached is None:
        cached = indicator._targets_in_order = sorted(indicator.targets.all(), key=lambda t: t.order)
    return cached


def chosen_target(indicator: Indicator, policy: Policy, at: Month) -> tuple[Target | None, metrics.TargetSpec | None]:
    targets = _targets(indicator)
    specs = [spec_of(t, indicator, policy) for t in targets]
    spec = metrics.choose_target(specs, at)
    if spec is None:
        return (targets[-1], specs[-1]) if targets else (None, None)
    return targets[specs.index(spec)], spec


def indicators_of(policy: Policy, *, responsibilities: bool = True):
    """The policy's indicators in document order, with what the evaluation reads; without
    the tasks' responsible units where a page names none (the home page)."""
    related = ["targets__milestones"] + (["task__responsibilities__unit"] if responsibilities else [])
    return (
        Indicator.objects.filter(policy=policy)
        .select_related("task", "task__section", "concept")
        .prefetch_related(*related)
        .order_by("task__order", "order")
    )


def city_results(policy: Policy, at: Month, indicators=None) -> list[IndicatorResult]:
    """Every indicator's city figure at the end of month `at` (three queries)."""
    return city_results_at(policy, [at], indicators)[at]


def city_results_at(policy: Policy, months: list[Month], indicators=None) -> dict[Month, list[IndicatorResult]]:
    """Every indicator's city figure at the end of each of `months`, from one read of the
    approval summary."""
    indicators = list(indicators if indicators is not None else indicators_of(policy))
    roots = _root_sections(policy)
    series: dict[int, dict[Month, Decimal]] = {}
    for indicator_id, year, month, total in IndicatorMonth.objects.filter(
        indicator__in=indicators, ordinal__lte=max(ordinal(*at) for at in months)
    ).values_list("indicator_id", "year", "month", "total"):
        series.setdefault(indicator_id, {})[(year, month)] = total
    tolerance = float(policy.tolerance)
    # A target every unit must reach on its own is judged on the units' evaluations.
    each = [i for i in indicators if any(t.applies_to == Target.AppliesTo.EACH for t in _targets(i))]
    per_unit = unit_results_at(policy, months, each) if each else {}
    # Not assigned to anyone: nobody can report it, so it is grey, not red.
    assigned = set(Assignment.objects.filter(indicator__in=indicators).values_list("indicator_id", flat=True))
    out: dict[Month, list[IndicatorResult]] = {}
    for at in months:
        units_of: dict[int, dict[int, metrics.Evaluation]] = {}
        for result in per_unit.get(at, []):
            if result.evaluation is not None:
                units_of.setdefault(result.indicator_id, {})[result.unit_id] = result.evaluation
        results = []
        for indicator in indicators:
            target, spec = chosen_target(indicator, policy, at)
            own = {m: v for m, v in series.get(indicator.pk, {}).items() if m <= at}
            if spec is None:
                evaluation = metrics.NOT_APPLICABLE
            elif indicator.pk not in assigned:
                evaluation = replace(metrics.NOT_APPLICABLE, note="未分解到填报单位")
            elif spec.applies_to == metrics.EACH:
                evaluation = metrics.evaluate_each(spec, units_of.get(indicator.pk, {}), at, tolerance)
                # The city's own figure, where it has one, is still shown beside the units' count.
                evaluation = replace(evaluation, actual=metrics.actual(spec, own, at))
            else:
                evaluation = metrics.evaluate(spec, own, at, tolerance)
            results.append(
                IndicatorResult(
                    indicator=indicator,
                    section=roots[indicator.task.section_id],
                    target=target,
                    evaluation=evaluation,
                    month_value=own.get(at),
                    series=own,
                )
            )
        out[at] = results
    return out


def unit_results(policy: Policy, at: Month, indicators=None) -> list[UnitResult]:
    """Every assignment's own evaluation at month `at` (see `unit_results_at`)."""
    return unit_results_at(policy, [at], indicators)[at]


def unit_results_at(policy: Policy, months: list[Month], indicators=None) -> dict[Month, list[UnitResult]]:
    """Every assignment's own evaluation at each of `months`, from one grouped pass over the
    policy's approved values (and one small read of the level values it points at),
    whatever the number of units, indicators and months."""
    indicators = {i.pk: i for i in (indicators if indicators is not None else indicators_of(policy))}
    plans: dict[Month, tuple[dict, dict]] = {}
    for at in months:
        windows, specs = {}, {}
        for pk, indicator in indicators.items():
            _target, spec = chosen_target(indicator, policy, at)
            window = metrics.window_for(spec, at) if spec is not None else None
            if window is not None:
                windows[pk], specs[pk] = window, spec
        plans[at] = (windows, specs)
    wanted = {pk for windows, _specs in plans.values() for pk in windows}
    if not wanted:
        return {at: [] for at in months}
    values = ReportValue.objects.filter(
        indicator_id__in=wanted,
        # The policy's own reports only (its index), not every approved report of the province.
        report__policy=policy,
        report__state=MonthlyReport.State.APPROVED,
        report__period__ordinal__lte=max(ordinal(*at) for at in months),
        value__isnull=False,
    ).annotate(month_no=F("report__period__ordinal"))
    aggregates = {}
    for k, at in enumerate(months):
        windows, _specs = plans[at]
        # Indicators share a handful of windows (this year, the plan, a deadline's year): one
        # CASE branch per window, not per indicator, keeps the per-row cost flat.
        by_window: dict[tuple[int, int], list[int]] = {}
        for pk, (first, last) in windows.items():
            key = (calendar.month_ordinal(first), min(calendar.month_ordinal(last), ordinal(*at)))
            by_window.setdefault(key, []).append(pk)
        start = Case(
            *[When(indicator_id__in=pks, then=Value(f)) for (f, _l), pks in by_window.items()],
            output_field=IntegerField(),
        )
        until = Case(
            *[When(indicator_id__in=pks, then=Value(last)) for (_f, last), pks in by_window.items()],
            output_field=IntegerField(),
        )
        values = values.annotate(**{f"ws{k}": start, f"wu{k}": until})
        in_window = Q(**{"month_no__gte": F(f"ws{k}"), "month_no__lte": F(f"wu{k}")})
        aggregates[f"sum{k}"] = Sum("value", filter=in_window)
        aggregates[f"first{k}"] = Min("month_no", filter=in_window)
        aggregates[f"latest{k}"] = Max("month_no", filter=Q(month_no__lte=F(f"wu{k}")))
    grouped = {
        (row["report__unit_id"], row["indicator_id"]): row
        for row in values.values("report__unit_id", "indicator_id").annotate(**aggregates).order_by()
    }
    points = {row[key] for row in grouped.values() for key in row if key.startswith(("first", "latest"))} - {None}
    # Reached through the few reports of those months (the value table's report index), not
    # by scanning every value of the level indicators.
    reports = MonthlyReport.objects.filter(
        policy=policy, state=MonthlyReport.State.APPROVED, period__ordinal__in=points
    ).values("pk")
    level_values = {
        (unit_id, indicator_id, month_no): value
        for unit_id, indicator_id, month_no, value in ReportValue.objects.filter(
            report__in=reports,
            indicator_id__in=wanted,
            indicator__measure=Indicator.Measure.LEVEL,
            value__isnull=False,
        ).values_list("report__unit_id", "indicator_id", "report__period__ordinal", "value")
    }
    assignments = list(
        Assignment.objects.filter(indicator_id__in=wanted).values_list("unit_id", "indicator_id", "allocated_value")
    )
    # A unit that alone reports a summed indicator answers for the whole city figure.
    reporters = Counter(indicator_id for _unit, indicator_id, _allocated in assignments)
    tolerance = float(policy.tolerance)
    out: dict[Month, list[UnitResult]] = {}
    for k, at in enumerate(months):
        windows, specs = plans[at]
        results = []
        for unit_id, indicator_id, allocated in assignments:
            if indicator_id not in windows:
                continue
            indicator = indicators[indicator_id]
            rollup = metrics.SINGLE if reporters[indicator_id] == 1 else indicator.rollup
            spec = metrics.unit_target(specs[indicator_id], rollup, allocated)
            if spec is None:
                results.append(UnitResult(unit_id, indicator_id, allocated, None))
                continue
            row = grouped.get((unit_id, indicator_id), {})
            # The few numbers the database computed, as the series the formulas expect.
            series: dict[Month, Decimal] = {}
            if indicator.measure == Indicator.Measure.FLOW:
                if row.get(f"sum{k}") is not None:
                    series[windows[indicator_id][0]] = row[f"sum{k}"]
            else:
                for key in (f"first{k}", f"latest{k}"):
                    value = level_values.get((unit_id, indicator_id, row.get(key)))
                    if value is not None:
                        series[calendar.month_from_ordinal(row[key])] = value
            results.append(UnitResult(unit_id, indicator_id, allocated, metrics.evaluate(spec, series, at, tolerance)))
        out[at] = results
    return out


def on_time_rates(policy: Policy, year: int, until: Month) -> dict[int, float | None]:
    """Each reporting unit's on-time rate from January of `year` to `until` (the one figure
    of targets.completeness, which the timeliness page and the bulletin's sheet show too)."""
    return completeness.on_time_rates(policy, year, until)


def standings(policy: Policy, at: Month, previous: Month | None, indicators=None, results=None) -> list[metrics.Ranked]:
    """The 赛马 ranking at `at`, with the change of rank since `previous`. `results` may
    carry unit_results_at(policy, [at, previous]) when the caller already has them."""
    indicators = list(indicators if indicators is not None else indicators_of(policy))
    months = [at] + ([previous] if previous is not None else [])
    results = results or unit_results_at(policy, months, indicators)

    unit_ids = {result.unit_id for month in months for result in results[month]}
    divisions = {
        pk: kind in Unit.DIVISION_KINDS for pk, kind in Unit.objects.filter(pk__in=unit_ids).values_list("pk", "kind")
    }

    def scored(month: Month):
        pairs: dict[int, list] = {}
        for result in results[month]:
            pairs.setdefault(result.unit_id, [])
            if metrics.scored(result.evaluation, result.allocated):
                pairs[result.unit_id].append((result.evaluation.completion, result.evaluation.progress))
        rates = on_time_rates(policy, month[0], month)
        return [
            metrics.Standing(
                u, metrics.ranking_score(p), rates.get(u), len(p), metrics.class_of(divisions.get(u, False))
            )
            for u, p in pairs.items()
        ]

    before = None
    if previous is not None:
        before = {r.unit: r.rank for r in metrics.rank(scored(previous)) if r.rank is not None}
    return metrics.rank(scored(at), before)


def latest_month_with_data(policy: Policy) -> Month | None:
    last = IndicatorMonth.objects.filter(indicator__policy=policy).aggregate(last=Max("ordinal"))["last"]
    return None if last is None else calendar.month_from_ordinal(last)
