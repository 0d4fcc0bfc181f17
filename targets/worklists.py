"""What each person has to do now: the reporter's reports to file, the reviewer's queue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q

from policies.models import Policy, Unit

from . import calendar, versions
from .calendar import policy_asks_for
from .completeness import period_days
from .models import Assignment, MonthlyReport, Period


@dataclass
class WorkItem:
    policy: Policy
    unit: Unit
    year: int
    month: int
    due_date: dt.date
    report: MonthlyReport | None

    @property
    def period_label(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def state(self) -> str:
        return self.report.state if self.report else "missing"


@dataclass
class EndedPlan:
    """A policy whose plan period is over for the reporter: its final month and each of the
    user's units' figures of that month."""

    policy: Policy
    year: int
    month: int
    units: list[tuple[Unit, MonthlyReport | None, list]]  # (unit, final report, its entry rows)

    @property
    def period_label(self) -> str:
        return f"{self.year}-{self.month:02d}"


__all__ = [
    "EndedPlan",
    "WorkItem",
    "ended_plans",
    "policy_asks_for",
    "recent_reports",
    "reporter_worklist",
    "review_summary",
]


def reporter_worklist(scope, on_date: dt.date) -> list[WorkItem]:
    """This period's reports for every unit the user reports for, with their state."""
    year, month = calendar.previous_month(on_date)
    pairs = (
        Assignment.objects.filter(unit_id__in=scope.unit_ids).values_list("indicator__policy_id", "unit_id").distinct()
    )
    pairs = set(pairs)
    if not pairs:
        return []
    policies = Policy.objects.in_bulk({p for p, _u in pairs})
    units = Unit.objects.in_bulk({u for _p, u in pairs})
    reports = {
        (r.policy_id, r.unit_id): r
        for r in MonthlyReport.objects.filter(unit_id__in=scope.unit_ids, period__year=year, period__month=month)
    }
    days = period_days(policies.values(), [(year, month)])
    items = [
        WorkItem(
            policy=policies[p],
            unit=units[u],
            year=year,
            month=month,
            due_date=calendar.due_date(year, month, days[(p, (year, month))][0]),
            report=reports.get((p, u)),
        )
        for p, u in pairs
        if policy_asks_for(policies[p], year, month)
    ]
    items.sort(key=lambda i: (i.due_date, i.policy.code, i.unit.sort_order))
    return items


def review_summary(scope, on_date: dt.date) -> list[dict]:
    """Per overseen policy: reports waiting for review, and this period's filed / expected."""
    year, month = calendar.previous_month(on_date)
    policies = list(
        (
            scope.overseen_policies() if scope.is_admin else Policy.objects.filter(id__in=scope.reviewed_policy_ids)
        ).select_related("city")
    )
    ids = [p.id for p in policies]
    waiting = dict(
        MonthlyReport.objects.filter(policy_id__in=ids)
        .awaiting_review()
        .values_list("policy_id")
        .annotate(n=Count("id"))
    )
    filed = dict(
        MonthlyReport.objects.filter(policy_id__in=ids, period__year=year, period__month=month)
        .exclude(state=MonthlyReport.State.DRAFT)
        .values_list("policy_id")
        .annotate(n=Count("id"))
    )
    # The units that report for each policy: kept under the data version (targets.versions).
    expected = versions.cached(versions.key("reporting-counts", ids), lambda: Unit.objects.reporting_counts(ids))
    return [
        {
            "policy": p,
            "waiting": waiting.get(p.id, 0),
            "filed": filed.get(p.id, 0),
            "expected": expected.get(p.id, 0),
            "asks": policy_asks_for(p, year, month),
            "year": year,
            "month": month,
        }
        for p in policies
    ]


def recent_reports(scope, limit: int = 12):
    """The reporter's latest reports across their units, newest period first."""
    return (
        MonthlyReport.objects.filter(unit_id__in=scope.unit_ids)
        .with_listing()
        .order_by("-period__year", "-period__month", "unit__sort_order")[:limit]
    )


def ended_plans(scope, on_date: dt.date) -> list[EndedPlan]:
    """The policies the user reports for whose plan has ended before the month now open,
    each with its final month per unit: the figures, the running total and the light that
    month gives (the entry page's rows, targets.entry): a reporter of an ended plan opens on
    its final results, not on an empty worklist. A fixed number of queries per unit."""
    from .entry import entry_rows

    open_month = calendar.previous_month(on_date)
    pairs = set(
        Assignment.objects.filter(unit_id__in=scope.unit_ids).values_list("indicator__policy_id", "unit_id").distinct()
    )
    if not pairs:
        return []
    policies = Policy.objects.select_related("city").in_bulk({p for p, _u in pairs})
    finals = {}
    for policy in policies.values():
        if policy.end_date is None or calendar.month_of(policy.end_date) >= open_month:
            continue
        asked = calendar.asked_months(policy, open_month)
        if asked:
            finals[policy.pk] = asked[-1]
    if not finals:
        return []
    units = Unit.objects.in_bulk({u for p, u in pairs if p in finals})
    wanted = Q()
    for policy_id, (year, month) in finals.items():
        wanted |= Q(policy_id=policy_id, period__year=year, period__month=month)
    reports = {
        (r.policy_id, r.unit_id): r
        for r in MonthlyReport.objects.filter(wanted, unit_id__in=units).select_related("period")
    }
    plans = []
    for policy_id, (year, month) in sorted(finals.items(), key=lambda kv: (kv[1], policies[kv[0]].code), reverse=True):
        period = Period.objects.of_month(year, month)
        rows = []
        for unit in sorted((units[u] for p, u in pairs if p == policy_id), key=lambda u: u.sort_order):
            report = reports.get((policy_id, unit.pk))
            groups = entry_rows(policy=policies[policy_id], unit=unit, period=period, report=report)
            rows.append((unit, report, [row for group in groups for row in group.rows]))
        plans.append(EndedPlan(policies[policy_id], year, month, rows))
    return plans
