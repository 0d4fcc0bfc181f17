"""What the API reads, from the functions the pages use: the dashboard's evaluation, the
completeness calendar, the scope's querysets. Plain data in, plain dicts out."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext

from policies.models import Policy
from reports import dashboard, metrics
from targets import calendar, completeness
from targets.calendar import Month
from targets.models import PeriodLock


class MonthOutsidePlan(ValueError):
    pass


def evaluation_month(policy: Policy, text: str | None, today: dt.date) -> Month:
    """The month an evaluation is asked for, as the dashboard reads it: the given YYYY-MM
    within the plan, or the dashboard's default month (reports.dashboard.default_month)."""
    months = calendar.plan_months(policy.start_date, policy.end_date, today)
    at = calendar.parse_month(text) if text else dashboard.default_month(policy, today)
    if text and at is None:
        raise MonthOutsidePlan(gettext("月份格式应为 YYYY-MM"))
    if at is None or (months and at not in months):
        raise MonthOutsidePlan(gettext("该月份不在计划期内"))
    return at


def policy_evaluation(policy: Policy, at: Month) -> dict:
    """The policy dashboard at the end of month `at` (reports.dashboard.policy_dashboard):
    every indicator's A, P, C and light, and every unit's score and rank in its class."""
    data = dashboard.policy_dashboard(policy, at)
    indicators = []
    for r in data["results"]:
        e = r.evaluation
        indicators.append(
            {
                "code": r.indicator.code,
                "name": r.indicator.name,
                "unit_of_measure": r.indicator.unit_of_measure,
                "section": str(r.section),
                "task": str(r.indicator.task),
                "target": r.target_with_explanation,
                "target_value": e.target if e.target is not None else (r.target.value if r.target else None),
                "actual": e.actual,
                "progress": e.progress,
                "completion": e.completion,
                "gap": e.gap,
                "light": e.light,
                "light_label": metrics.LIGHT_LABELS[e.light],
                "met": e.met,
                "baseline": e.baseline,
                "month_value": r.month_value,
                "note": r.explanation,
            }
        )
    ranking = [
        {
            "unit": unit.code,
            "unit_name": unit.name,
            "ranking_class": metrics.CLASS_LABELS[s.klass],
            "score": s.score,
            "rank": s.rank,
            "change": s.change,
            "on_time_rate": s.on_time,
            "scored": s.scored,
        }
        for s, unit in data["ranking"]
    ]
    return {
        "policy": policy.code,
        "month": calendar.month_label(at),
        "tolerance": float(policy.tolerance),
        "lights": data["lights"],
        "reports": data["reports"],
        "indicators": indicators,
        "ranking": ranking,
    }


def policy_periods(policy: Policy, today: dt.date) -> list[dict]:
    """The months the policy has asked for so far, newest first, with their due and lock
    days (those stored when each opened) and whether each is open or locked."""
    months = calendar.asked_months(policy, calendar.previous_month(today))
    days = completeness.period_days([policy], months)
    locks = {
        (lock.period.year, lock.period.month): lock
        for lock in PeriodLock.objects.filter(policy=policy).select_related("period")
    }
    rows = []
    for month in reversed(months):
        due_day, lock_day = days[(policy.pk, month)]
        lock = locks.get(month)
        rows.append(
            {
                "label": calendar.month_label(month),
                "due_date": calendar.due_date(*month, due_day),
                "lock_date": calendar.lock_date(*month, lock_day),
                "opened_at": lock.opened_at if lock else None,
                "locked_at": lock.locked_at if lock else None,
                "locked": bool(lock and lock.locked_at),
            }
        )
    return rows
