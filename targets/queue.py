"""The reviewer's queue for one policy and period: every reporting unit with the state of
its report, read as one annotated queryset (so it can be filtered, sorted and paged)."""

import datetime as dt

from django.db.models import Case, CharField, F, OuterRef, Q, Subquery, Value, When

from policies.models import Policy, Unit

from . import calendar, completeness
from .models import MonthlyReport, Period


def queue_units(policy: Policy, period: Period, due: dt.date | None = None):
    """`due` is the period's due date when the caller has it already (one query less)."""
    # Unordered: at most one report per unit, policy and period, and the model's default
    # ordering would join the period, policy, city and unit again for each unit's subquery.
    reports = MonthlyReport.objects.filter(
        policy=policy, period__ordinal=period.ordinal, unit=OuterRef("pk")
    ).order_by()
    # calendar.submitted_on_time in SQL: first submitted before the end of the due day.
    deadline = calendar.on_time_deadline(due or completeness.due_date_of(policy, period.year, period.month))
    return (
        Unit.objects.reporting_for(policy)
        .annotate(
            report_id=Subquery(reports.values("pk")[:1]),
            report_state=Subquery(reports.values("state")[:1]),
            first_submitted_at=Subquery(reports.values("first_submitted_at")[:1]),
            return_reason=Subquery(reports.values("return_reason")[:1]),
        )
        .annotate(
            state=Case(
                When(report_state__isnull=True, then=Value("missing")),
                default=F("report_state"),
                output_field=CharField(),
            ),
            timeliness=Case(
                When(first_submitted_at__isnull=True, then=Value("none")),
                When(first_submitted_at__lt=deadline, then=Value("on_time")),
                default=Value("late"),
                output_field=CharField(),
            ),
        )
        .order_by("sort_order", "name")
    )


def is_overdue(policy: Policy, period: Period, today: dt.date) -> bool:
    return completeness.is_overdue(policy, period.year, period.month, today)


def unit_filter_for_state(queryset, state: str):
    if state == "missing":
        return queryset.filter(report_state__isnull=True)
    return queryset.filter(Q(report_state=state))
