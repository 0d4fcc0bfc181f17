"""年考核: a unit's score for a year from its completion, its reporting timeliness and its
problem closure, plus the lead bureau's 加分/扣分 items; the weights are the policy's.

It lives in reports, not in supervision: the completion part is the ranking score of
reports.evaluation (the 赛马 formula), and supervision may not import reports (reports
reads supervision, never the other way), so supervision keeps the inputs (weights, the
items, the ledger's closure counts) and this module puts them together.

- completion: the unit's ranking score at the year's last evaluated month ÷ 100, at most 1
  (the mean of min(C/P, 1.2) over its scored indicators, so a unit ahead of time cannot
  make up for its other parts beyond full marks);
- timeliness: the on-time rate from January to that month (targets.completeness);
- closure: problems closed ÷ problems assigned to the unit in the year; a unit that was
  assigned none has full marks for this part, and the table says so;
- score = 100 × Σ weight × part ÷ Σ weights + Σ items, rounded half up to one decimal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from policies.models import Policy, Unit
from policies.numbers import round_half_up
from supervision import selectors as supervision_selectors
from supervision.services import settings_for
from targets import calendar

from . import evaluation


@dataclass
class AssessmentRow:
    unit: Unit
    completion: float | None  # 0..1
    timeliness: float | None
    closure: float | None  # None: nothing assigned (full marks)
    collected: int
    closed: int
    items: list = field(default_factory=list)
    base: Decimal = Decimal(0)
    adjustment: Decimal = Decimal(0)
    score: Decimal = Decimal(0)
    rank: int | None = None


@dataclass
class Assessment:
    policy: Policy
    year: int
    at: calendar.Month | None  # the month the completion and timeliness are read at
    weights: tuple[Decimal, Decimal, Decimal]
    rows: list[AssessmentRow]


def assessment_month(policy: Policy, year: int, today: dt.date) -> calendar.Month | None:
    """The year's last month the policy asks for and that is over."""
    months = [m for m in calendar.plan_months(policy.start_date, policy.end_date, today) if m[0] == year]
    return months[-1] if months else None


def annual_assessment(policy: Policy, year: int, today: dt.date) -> Assessment:
    rules = settings_for(policy)
    weights = (rules.weight_completion, rules.weight_timeliness, rules.weight_closure)
    at = assessment_month(policy, year, today)
    units = list(Unit.objects.reporting_for(policy).order_by("sort_order", "name"))
    scores: dict[int, float | None] = {}
    on_time: dict[int, float | None] = {}
    if at is not None:
        for r in evaluation.standings(policy, at, None):
            scores[r.unit] = r.score
            on_time[r.unit] = r.on_time
    cutoff = min(dt.date(year, 12, 31), today)
    counts = {c.unit_id: c for c in supervision_selectors.unit_counts(policy, cutoff, since=dt.date(year, 1, 1))}
    items = supervision_selectors.assessment_items(policy, year)
    total_weight = sum(weights) or Decimal(1)
    rows = []
    for unit in units:
        score = scores.get(unit.pk)
        count = counts.get(unit.pk)
        row = AssessmentRow(
            unit=unit,
            completion=None if score is None else min(score / 100, 1.0),
            timeliness=on_time.get(unit.pk),
            closure=count.closure_rate if count else None,
            collected=count.collected if count else 0,
            closed=count.closed if count else 0,
            items=items.get(unit.pk, []),
        )
        parts = (
            row.completion or 0.0,
            row.timeliness or 0.0,
            1.0 if row.closure is None else row.closure,
        )
        base = Decimal(100) * sum(w * Decimal(str(p)) for w, p in zip(weights, parts, strict=True)) / total_weight
        row.base = round_half_up(base, 1)
        row.adjustment = sum((i.points for i in row.items), Decimal(0))
        row.score = round_half_up(base + row.adjustment, 1)
        rows.append(row)
    rows.sort(key=lambda r: (-r.score, r.unit.sort_order))
    for place, row in enumerate(rows, start=1):
        row.rank = place
    return Assessment(policy=policy, year=year, at=at, weights=weights, rows=rows)
