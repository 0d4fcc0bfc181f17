"""Completeness and timeliness, as DHIS2's reporting rate counts them: per unit and month,
expected / submitted / on time / late / missing, and the on-time rate. The due day of a
period is the one stored with it when it opened (PeriodLock.due_day): changing a policy's
due day applies to periods not yet opened and never rewrites history.

The on-time rate is one figure wherever it is shown (the timeliness page, the dashboards'
ranking, the bulletin's ranking and its 报送及时率 sheet): reports first submitted by the
due day over reports due, from January to the evaluated month, within the plan."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from policies.models import Policy, Unit

from . import calendar
from .calendar import Month
from .models import MonthlyReport, PeriodLock

ON_TIME, LATE, MISSING, PENDING = "on_time", "late", "missing", "pending"


def _stored_days(policy: Policy, years: set[int]) -> dict[Month, tuple[int | None, int | None]]:
    """The days stored with the policy's opened periods of `years`, read once per policy
    object and year (a page asks for the same months several times)."""
    memo = policy.__dict__.setdefault("_stored_days", {})
    wanted = years - memo.keys()
    if wanted:
        for year in wanted:
            memo[year] = {}
        for year, month, due_day, lock_day in PeriodLock.objects.filter(
            policy=policy, period__year__in=wanted
        ).values_list("period__year", "period__month", "due_day", "lock_day"):
            memo[year][(year, month)] = (due_day, lock_day)
    return {m: days for year in years for m, days in memo[year].items()}


def period_days(policies, months) -> dict[tuple[int, Month], tuple[int, int]]:
    """(due day, lock day) in force for each policy × month: those stored with the period
    when it opened; the policy's own for a period not yet opened."""
    months = list(months)
    years = {y for y, _m in months}
    days = {}
    for policy in policies:
        stored = _stored_days(policy, years) if months else {}
        for month in months:
            due_day, lock_day = stored.get(month, (None, None))
            days[(policy.pk, month)] = (due_day or policy.due_day, lock_day or policy.lock_day)
    return days


def due_dates(policy: Policy, months) -> dict[Month, dt.date]:
    """The due date of each of a policy's months (see `period_days`)."""
    days = period_days([policy], months)
    return {m: calendar.due_date(*m, days[(policy.pk, m)][0]) for m in months}


def due_date_of(policy: Policy, year: int, month: int) -> dt.date:
    return due_dates(policy, [(year, month)])[(year, month)]


def lock_date_of(policy: Policy, year: int, month: int) -> dt.date:
    lock_day = period_days([policy], [(year, month)])[(policy.pk, (year, month))][1]
    return calendar.lock_date(year, month, lock_day)


def is_overdue(policy: Policy, year: int, month: int, today: dt.date) -> bool:
    return today > due_date_of(policy, year, month)


@dataclass
class UnitTimeliness:
    unit: Unit
    marks: dict[int, str] = field(default_factory=dict)  # month number → mark

    def count(self, mark: str, months=None) -> int:
        return sum(1 for m, v in self.marks.items() if v == mark and (months is None or m in months))

    def rate(self, months=None) -> float | None:
        """Reports on time over reports due (a month not yet due is left out)."""
        due = sum(1 for m, v in self.marks.items() if v != PENDING and (months is None or m in months))
        return calendar.on_time_rate(due, self.count(ON_TIME, months))

    def quarter_rates(self) -> list[float | None]:
        return [self.rate(range(q * 3 + 1, q * 3 + 4)) for q in range(4)]


def mark(report: MonthlyReport | None, due: dt.date, today: dt.date | None) -> str:
    """on time, late, missing, or pending (not submitted and not yet due on `today`; with no
    `today` every month asked about is due)."""
    if report is None or report.first_submitted_at is None:
        return PENDING if today is not None and today <= due else MISSING
    return ON_TIME if calendar.submitted_on_time(report.first_submitted_at, due) else LATE


def timeliness(
    policy: Policy, year: int, *, until: Month | None = None, today: dt.date | None = None
) -> tuple[list[int], list[UnitTimeliness]]:
    """Every reporting unit's mark for each month of `year` the policy asks for, up to
    `until` (December when None) and, with `today`, up to the month just ended."""
    last = min(until or (year, 12), (year, 12))
    if today is not None:
        last = min(last, calendar.previous_month(today))
    asked = calendar.asked_months(policy, last, (year, 1)) if last >= (year, 1) else []
    units = list(Unit.objects.reporting_for(policy).order_by("sort_order", "name"))
    reports = {
        (r.unit_id, r.period.month): r
        for r in MonthlyReport.objects.filter(policy=policy, period__year=year).select_related("period")
    }
    due = due_dates(policy, asked)
    rows = []
    for unit in units:
        row = UnitTimeliness(unit=unit)
        for m in asked:
            row.marks[m[1]] = mark(reports.get((unit.pk, m[1])), due[m], today)
        rows.append(row)
    return [m for _y, m in asked], rows


def on_time_rates(policy: Policy, year: int, until: Month) -> dict[int, float | None]:
    """Each reporting unit's on-time rate from January of `year` to `until`: the one figure
    of the rankings, the bulletin and the timeliness page."""
    _months, rows = timeliness(policy, year, until=until)
    return {row.unit.pk: row.rate() for row in rows}
