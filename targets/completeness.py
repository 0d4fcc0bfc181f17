"""Completeness and timeliness, as DHIS2's reporting rate counts them: per unit and month,
expected / submitted / on time / late / missing, and the on-time rate over a quarter and
a year. Two queries whatever the number of units and months."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from policies.models import Policy, Unit

from . import calendar
from .models import Assignment, MonthlyReport
from .worklists import policy_asks_for

TZ = ZoneInfo("Asia/Shanghai")
ON_TIME, LATE, MISSING, PENDING = "on_time", "late", "missing", "pending"


@dataclass
class UnitTimeliness:
    unit: Unit
    marks: dict[int, str] = field(default_factory=dict)  # month → mark

    def count(self, mark: str, months=None) -> int:
        return sum(1 for m, v in self.marks.items() if v == mark and (months is None or m in months))

    def rate(self, months=None) -> float | None:
        expected = sum(1 for m, v in self.marks.items() if v != PENDING and (months is None or m in months))
        return self.count(ON_TIME, months) / expected if expected else None

    def quarter_rates(self) -> list[float | None]:
        return [self.rate(range(q * 3 + 1, q * 3 + 4)) for q in range(4)]


def mark(report: MonthlyReport | None, due: dt.date, today: dt.date) -> str:
    if report is None or report.first_submitted_at is None:
        return MISSING if today > due else PENDING
    return ON_TIME if report.first_submitted_at.astimezone(TZ).date() <= due else LATE


def timeliness(policy: Policy, year: int, today: dt.date) -> tuple[list[int], list[UnitTimeliness]]:
    months = [
        m for m in range(1, 13) if policy_asks_for(policy, year, m) and (year, m) <= calendar.previous_month(today)
    ]
    units = list(
        Unit.objects.filter(pk__in=Assignment.objects.filter(indicator__policy=policy).values("unit")).order_by(
            "sort_order", "name"
        )
    )
    reports = {
        (r.unit_id, r.period.month): r
        for r in MonthlyReport.objects.filter(policy=policy, period__year=year).select_related("period")
    }
    rows = []
    for unit in units:
        row = UnitTimeliness(unit=unit)
        for m in months:
            row.marks[m] = mark(reports.get((unit.pk, m)), calendar.due_date(year, m, policy.due_day), today)
        rows.append(row)
    return months, rows
