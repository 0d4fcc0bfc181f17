"""What the officials' dashboards show, assembled from reports.evaluation in a bounded
number of queries: the policy at a month, one indicator's history, one unit across
policies, one concept across cities."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.db.models import Max
from django.utils import translation

from policies.models import Policy, Unit
from policies.numbers import percent_number
from targets import calendar, versions
from targets.calendar import Month
from targets.completeness import due_date_of
from targets.models import (
    Assignment,
    Indicator,
    IndicatorMonth,
    MonthlyReport,
    Period,
)
from targets.queue import queue_units

from . import metrics
from .evaluation import (
    IndicatorResult,
    city_results,
    city_results_at,
    indicators_of,
    latest_month_with_data,
    spec_of,
    standings,
    unit_results,
    unit_results_at,
)

LIGHTS = ["green", "yellow", "red", "grey"]


def default_month(policy: Policy, today: dt.date) -> Month | None:
    """The month a dashboard opens on: the latest with figures, else the month just ended."""
    months = calendar.plan_months(policy.start_date, policy.end_date, today)
    latest = latest_month_with_data(policy)
    if latest is not None and latest in months:
        return latest
    return months[-1] if months else None


@dataclass
class Change:
    result: IndicatorResult
    before: str  # light last month


def reports_summary(policy: Policy, at: Month) -> dict:
    period = Period.objects.filter(year=at[0], month=at[1]).first()
    if period is None:
        expected = Unit.objects.reporting_for(policy).count()
        return {"expected": expected, "on_time": 0, "late": 0, "missing": expected}
    counts = Counter(queue_units(policy, period).values_list("timeliness", flat=True))
    expected = sum(counts.values())
    return {
        "expected": expected,
        "on_time": counts.get("on_time", 0),
        "late": counts.get("late", 0),
        "missing": counts.get("none", 0),
    }


def policy_dashboard(policy: Policy, at: Month) -> dict:
    indicators = list(indicators_of(policy))
    cities = city_results_at(policy, [at, calendar.previous(at)], indicators)
    results = cities[at]
    before = {r.indicator.pk: r for r in cities[calendar.previous(at)]}
    lights = Counter(r.light for r in results)
    sections: dict[str, Counter] = {}
    for r in results:
        sections.setdefault(str(r.section), Counter())[r.light] += 1
    both = unit_results_at(policy, [at, calendar.previous(at)], indicators)
    ranking = standings(policy, at, calendar.previous(at), indicators, results=both)
    units = Unit.objects.in_bulk([r.unit for r in ranking])
    per_unit = both[at]
    heat_indicators = sorted({u.indicator_id for u in per_unit if u.evaluation is not None and u.evaluation.progress})
    heat_units = [r.unit for r in ranking]
    heat = [
        [heat_indicators.index(u.indicator_id), heat_units.index(u.unit_id), _heat_value(u.evaluation)]
        for u in per_unit
        if u.evaluation is not None and u.indicator_id in heat_indicators and u.unit_id in heat_units
    ]
    by_pk = {i.pk: i for i in indicators}
    turned_red = [
        Change(r, before[r.indicator.pk].light)
        for r in results
        if r.light == "red" and before[r.indicator.pk].light != "red"
    ]
    new_figures = [r for r in results if r.month_value is not None]
    return {
        "results": results,
        "lights": {k: lights.get(k, 0) for k in LIGHTS},
        "total": len(results),
        "sections": [(name, [c.get(k, 0) for k in LIGHTS]) for name, c in sections.items()],
        "ranking": [(r, units[r.unit]) for r in ranking],
        "heat": {
            "indicators": [by_pk[pk].name for pk in heat_indicators],
            "units": [units[u].name for u in heat_units],
            "cells": heat,
        },
        "heat_by_unit": heat_by_unit(
            heat, [units[u].name for u in heat_units], [by_pk[pk].name for pk in heat_indicators]
        ),
        "turned_red": turned_red,
        "new_figures": new_figures,
        "reports": reports_summary(policy, at),
    }


def heat_by_unit(cells: list, units: list[str], indicators: list[str]) -> list[dict]:
    """The heatmap as a list, for a phone: per unit (in ranking order) how many of its
    indicators are behind (< 90% of pace), close (90–100%) and on pace, and which are behind."""
    rows = [{"unit": name, "behind": [], "close": 0, "on_pace": 0} for name in units]
    for indicator, unit, value in cells:
        if value is None:
            continue
        row = rows[unit]
        if value < 90:
            row["behind"].append((indicators[indicator], value))
        elif value < 100:
            row["close"] += 1
        else:
            row["on_pace"] += 1
    for row in rows:
        row["behind"].sort(key=lambda pair: pair[1])
    return rows


def _heat_value(evaluation: metrics.Evaluation) -> float | None:
    """C / P as a percentage, capped like the score, so a cell reads as "share of pace"."""
    if evaluation.completion is None or not evaluation.progress:
        return None
    return percent_number(min(evaluation.completion / evaluation.progress, metrics.SCORE_CAP))


def indicator_dashboard(indicator: Indicator, at: Month) -> dict:
    """One indicator: monthly actual against the time-progress line and the target, the
    units' figures against their shares, and what the responsible units wrote."""
    policy = indicator.policy
    result = city_results(policy, at, [indicator])[0]
    spec_target = result.target
    line = []
    if spec_target is not None and result.evaluation.window is not None:
        spec = spec_of(spec_target, indicator, policy)
        first, _last = result.evaluation.window
        for month in calendar.months_between(dt.date(*first, 1), dt.date(*at, 1)):
            evaluation = metrics.evaluate(spec, result.series, month, float(policy.tolerance))
            # The pace line: where the figure should be by then (baseline + P × (T − B)), T
            # being what applies that month (a part year's, a milestone's). A per-unit
            # target has no city line: its units are judged one by one below.
            base = evaluation.baseline if evaluation.baseline is not None else Decimal(0)
            goal = evaluation.target if spec.applies_to == metrics.TOTAL else None
            pace = None
            if evaluation.progress is not None and goal is not None:
                pace = float(base) + evaluation.progress * float(goal - base)
            line.append(
                {
                    "month": calendar.month_label(month),
                    "actual": None if evaluation.actual is None else float(evaluation.actual),
                    "pace": pace,
                    "target": None if goal is None else float(goal),
                }
            )
    units = {a.unit_id: a for a in Assignment.objects.filter(indicator=indicator).select_related("unit")}
    per_unit = [(units[u.unit_id].unit, u) for u in unit_results(policy, at, [indicator])]
    per_unit.sort(key=lambda pair: pair[0].sort_order)
    narratives = (
        MonthlyReport.objects.filter(policy=policy, period__year=at[0], period__month=at[1], unit__in=units)
        .exclude(progress_text="", problems_text="")
        .select_related("unit")
        .order_by("unit__sort_order")
    )
    return {"result": result, "line": line, "per_unit": per_unit, "narratives": narratives}


def unit_dashboard(unit: Unit, policies, today: dt.date, month: Month | None = None) -> list[dict]:
    """A unit across the policies it reports for: its own lights, rank and timeliness, at
    `month` (the month of the page it was opened from) where a policy's plan has it, else
    at the policy's own default month."""
    blocks = []
    for policy in policies:
        months = calendar.plan_months(policy.start_date, policy.end_date, today)
        at = month if month is not None and month in months else default_month(policy, today)
        if at is None:
            continue
        everything = list(indicators_of(policy))
        mine = set(
            Assignment.objects.filter(unit=unit, indicator__policy=policy).values_list("indicator_id", flat=True)
        )
        indicators = [i for i in everything if i.pk in mine]
        if not indicators:
            continue
        both = unit_results_at(policy, [at, calendar.previous(at)], everything)
        own = {u.indicator_id: u for u in both[at] if u.unit_id == unit.pk}
        ranking = standings(policy, at, calendar.previous(at), everything, results=both)
        standing = next((r for r in ranking if r.unit == unit.pk), None)
        blocks.append(
            {
                "policy": policy,
                "at": at,
                "at_label": calendar.month_label(at),
                "rows": [(i, own.get(i.pk)) for i in indicators],
                "rank": standing,
                # Ranked within its class (县(市、区) or 市直部门).
                "of": sum(1 for r in ranking if standing and r.klass == standing.klass and r.rank is not None),
            }
        )
    return blocks


def cached_unit_dashboard(unit: Unit, policies, today: dt.date, month: Month | None = None) -> list[dict]:
    """`unit_dashboard`, kept in the cache under the data it was computed from, the
    policies (and their fields), the day and the language (targets.versions): its rank
    needs every unit's figures of each policy."""
    policies = list(policies)
    parts = [unit.pk, [(p.pk, versions.policy_fields(p)) for p in policies], month, today, translation.get_language()]
    return versions.cached(versions.key("unit-dashboard", *parts), lambda: unit_dashboard(unit, policies, today, month))


def concept_comparison(concept, policies, today: dt.date) -> list[dict]:
    """The same concept in each city, each against its own target and time progress, read
    from the approval summary (a few thousand rows however many values there are)."""
    rows = []
    indicators = (
        Indicator.objects.filter(concept=concept, policy__in=policies)
        .select_related("policy__city", "task__section")
        .prefetch_related("targets__milestones")
        .order_by("policy__city__code", "order")
    )
    by_policy: dict[int, list[Indicator]] = {}
    for indicator in indicators:
        by_policy.setdefault(indicator.policy_id, []).append(indicator)
    latest = dict(
        IndicatorMonth.objects.filter(indicator__in=indicators)
        .values_list("indicator__policy_id")
        .annotate(last=Max("ordinal"))
    )
    for items in by_policy.values():
        policy = items[0].policy
        months = calendar.plan_months(policy.start_date, policy.end_date, today)
        if not months:
            continue
        last = latest.get(policy.pk)
        at = calendar.month_from_ordinal(last) if last is not None else months[-1]
        for result in city_results(policy, at, items):
            rows.append({"policy": policy, "at": at, "result": result})
    return rows


@dataclass
class PolicyOverview:
    """One policy on the official's home (一张图): its lights at the month it is read at, the
    red items, the units at the bottom of each ranking class, the lights that changed since
    the month before, and the reports of the open period still missing."""

    policy: Policy
    at: Month | None
    lights: dict[str, int]
    total: int
    red: list[IndicatorResult]
    changed: list[Change]
    bottom: list[tuple[metrics.Ranked, Unit]]
    reporting_month: Month | None  # the open period, None once the plan no longer asks
    due_date: dt.date | None
    missing: list[Unit]
    expected: int

    @property
    def at_label(self) -> str:
        return calendar.month_label(self.at) if self.at else ""

    @property
    def bar(self) -> list[tuple[str, int, float]]:
        """(light, count, share of the policy's indicators in %) for a compact stacked bar."""
        return [(k, n, 100 * n / self.total) for k in LIGHTS if (n := self.lights[k]) and self.total]


def bottom_of_classes(ranking: list[metrics.Ranked]) -> list[metrics.Ranked]:
    """The units at the bottom of each ranking class: the bulletin's 后三 where a class has
    more than six ranked units (metrics.tiers), else its last ranked unit."""
    _top, bottom = metrics.tiers(ranking)
    out = []
    for klass in metrics.CLASS_LABELS:
        ranked = [s for s in ranking if s.klass == klass and s.rank is not None]
        if not ranked:
            continue
        out += [s for s in ranked if s.unit in bottom] or ranked[-1:]
    return out


def policy_overview(policy: Policy, today: dt.date) -> PolicyOverview:
    """A policy on the official's home, from the same evaluation as its dashboard, in a
    number of queries that does not grow with its indicators, units or reports."""
    at = default_month(policy, today)
    reporting = calendar.previous_month(today)
    asks = calendar.policy_asks_for(policy, *reporting)
    missing, expected, due = [], 0, None
    if asks:
        period = Period.objects.of_month(*reporting)
        units = list(queue_units(policy, period))
        expected = len(units)
        missing = [u for u in units if u.timeliness == "none"]
        due = due_date_of(policy, *reporting)
    if at is None:
        return PolicyOverview(
            policy, None, dict.fromkeys(LIGHTS, 0), 0, [], [], [], reporting if asks else None, due, missing, expected
        )
    indicators = list(indicators_of(policy, responsibilities=False))
    previous = calendar.previous(at)
    cities = city_results_at(policy, [at, previous], indicators)
    results, before = cities[at], {r.indicator.pk: r.light for r in cities[previous]}
    lights = Counter(r.light for r in results)
    # The bottom of each class now; the change of rank is the dashboard's.
    ranking = standings(policy, at, None, indicators, results=unit_results_at(policy, [at], indicators))
    bottom = bottom_of_classes(ranking)
    units = Unit.objects.in_bulk([s.unit for s in bottom])
    return PolicyOverview(
        policy=policy,
        at=at,
        lights={k: lights.get(k, 0) for k in LIGHTS},
        total=len(results),
        red=[r for r in results if r.light == metrics.RED],
        changed=[Change(r, before[r.indicator.pk]) for r in results if r.light != before[r.indicator.pk]],
        bottom=[(s, units[s.unit]) for s in bottom],
        reporting_month=reporting if asks else None,
        due_date=due,
        missing=missing,
        expected=expected,
    )


def cached_policy_dashboard(policy: Policy, at: Month, version: str | None = None) -> dict:
    """`policy_dashboard`, kept in the cache under the data it was computed from
    (targets.versions): every official opening the policy's month after the last change
    reads it, instead of evaluating every unit × indicator again."""
    key = versions.cache_key("dashboard", policy, at, version=version)
    return versions.cached(key, lambda: policy_dashboard(policy, at))


class CachedOverview:
    """A policy's overview on the home page, read from the cache (or computed) only when
    the page asks for more than the policy: not at all when the card's HTML is kept too."""

    def __init__(self, policy: Policy, key: str, today: dt.date):
        self.policy, self.cache_key, self._today = policy, key, today

    @cached_property
    def overview(self) -> PolicyOverview:
        overview = versions.cached(self.cache_key, lambda: policy_overview(self.policy, self._today))
        overview.policy = self.policy  # the caller's row, with its annotations (with_counts)
        return overview

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.overview, name)


def home_overview(policies, today: dt.date) -> list[CachedOverview]:
    """The official's 一张图: every policy the user oversees (see `policy_overview`), each
    kept in the cache under the data it was computed from (targets.versions), so that the
    home page of every official evaluates a policy once per change of the data, not once
    per visit; the home page keeps each card's HTML under the same key."""
    version = versions.data_version()
    return [
        CachedOverview(policy, versions.cache_key("overview", policy, version=version, today=today), today)
        for policy in policies
    ]
