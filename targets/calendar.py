"""The reporting calendar as plain date arithmetic: which month is being reported, which
months a policy asks for, when a report falls due, whether it came in on time and when the
period locks. No ORM, no clock: callers pass the date (the due day in force for a period is
read by ``targets.completeness``)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def previous_month(on_date: dt.date) -> tuple[int, int]:
    """The period that is open on on_date: the month just ended."""
    first = on_date.replace(day=1)
    last_of_previous = first - dt.timedelta(days=1)
    return last_of_previous.year, last_of_previous.month


def following_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def due_date(year: int, month: int, due_day: int) -> dt.date:
    """Reports for (year, month) are due on due_day of the following month."""
    y, m = following_month(year, month)
    return dt.date(y, m, due_day)


def lock_date(year: int, month: int, lock_day: int) -> dt.date:
    y, m = following_month(year, month)
    return dt.date(y, m, lock_day)


def on_time_deadline(due: dt.date) -> dt.datetime:
    """The first moment after the due day, local time (settings.TIME_ZONE): a report first
    submitted before it is on time. Also the bound of the reviewer queue's SQL filter."""
    return dt.datetime.combine(due + dt.timedelta(days=1), dt.time(), tzinfo=timezone.get_current_timezone())


def submitted_on_time(first_submitted_at: dt.datetime, due: dt.date) -> bool:
    """A report is on time when it was first submitted by the end of its due day; a
    resubmission after a return does not count."""
    return first_submitted_at < on_time_deadline(due)


def on_time_rate(due: int, on_time: int) -> float | None:
    """The on-time rate: reports first submitted by the due day over reports due; None when
    none was due. Every page, ranking and sheet shows this figure."""
    return on_time / due if due else None


Month = tuple[int, int]


def parse_month(text: str | None) -> Month | None:
    """'2025-09' → (2025, 9); None for anything that is not a real month."""
    try:
        year, month = (int(x) for x in (text or "").split("-"))
        dt.date(year, month, 1)
    except (ValueError, TypeError):
        return None
    return year, month


def month_label(month: Month) -> str:
    return f"{month[0]}-{month[1]:02d}"


def previous(month: Month) -> Month:
    return previous_month(dt.date(month[0], month[1], 1))


def following(month: Month) -> Month:
    return following_month(*month)


def quarter_months(year: int, quarter: int) -> list[Month]:
    return [(year, m) for m in range(quarter * 3 - 2, quarter * 3 + 1)]


def plan_months(start: dt.date | None, end: dt.date | None, today: dt.date) -> list[Month]:
    """The months of a plan that can be looked at on `today`: from its start up to the month
    just ended (or its end, if earlier)."""
    if not start:
        return []
    last = previous_month(today)
    if end:
        last = min(last, month_of(end))
    return months_between(start, dt.date(*last, 1))


def months_between(start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    """Every (year, month) from start's month to end's month, inclusive."""
    months = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        months.append((y, m))
        y, m = following_month(y, m)
    return months


def month_of(day: dt.date) -> Month:
    return day.year, day.month


def month_ordinal(month: Month | int, number: int | None = None) -> int:
    """year × 12 + month − 1, of a Month or of (year, month) given as two numbers: one
    integer per month (Period.ordinal), so that windows are range filters in SQL."""
    year, number = month if number is None else (month, number)
    return year * 12 + number - 1


def month_from_ordinal(value: int) -> Month:
    """The Month of a Period.ordinal: 24299 → (2024, 12)."""
    return value // 12, value % 12 + 1


def asked_months(policy, until: Month, since: Month | None = None) -> list[Month]:
    """The months `policy` asks a report for, from `since` (its plan's start when None) to
    `until`: while its reporting is on, within its plan period."""
    if not policy.reporting_active:
        return []
    first = since
    if policy.start_date:
        first = max(first, month_of(policy.start_date)) if first else month_of(policy.start_date)
    last = min(until, month_of(policy.end_date)) if policy.end_date else until
    if first is None or first > last:
        return []
    return months_between(dt.date(*first, 1), dt.date(*last, 1))


def policy_asks_for(policy, year: int, month: int) -> bool:
    """Whether `policy` asks for a report for (year, month) (see `asked_months`)."""
    return bool(asked_months(policy, (year, month), (year, month)))


def target_window(
    *,
    window: str,
    year: int | None,
    deadline: dt.date | None,
    measure: str,
    plan_start: dt.date,
    plan_end: dt.date,
    at: Month,
) -> tuple[Month, Month] | None:
    """The (first, last) month of a target's window that applies at month `at`, or None when
    the target does not apply then (DESIGN.md's windows; reports.metrics builds on this).

    - `annual`: January–December of `at`'s year, clipped to the plan period. Before the plan
      starts it is the plan's first year (not yet started); after the plan ends, its last year.
      With `year` set: None before that year, that year's window from then on (so a finished
      year stays evaluable at its end).
    - `plan`, and `date` for a level: from the plan's start to the deadline (the plan's end
      without one).
    - `date` for a flow (到2025年 年营业收入达到…): the year of `at` (from the plan's first
      year to the deadline's), clipped to the plan and the deadline: every year's amount is
      judged, the earlier ones against their milestones.
    """
    plan_first, plan_last = month_of(plan_start), month_of(plan_end)
    if window == "annual":
        if year is not None:
            if at[0] < year:
                return None
            chosen = year
        else:
            chosen = min(max(at[0], plan_first[0]), plan_last[0])
        first, last = max((chosen, 1), plan_first), min((chosen, 12), plan_last)
        # A year outside the plan period is still a year: keep it whole rather than empty.
        return (first, last) if first <= last else ((chosen, 1), (chosen, 12))
    last = month_of(deadline) if deadline is not None else plan_last
    if window == "date" and measure == "flow":
        # Each year up to the deadline's is judged on its own amount (against a milestone).
        chosen = min(max(at[0], plan_first[0]), last[0])
        first, end = max((chosen, 1), plan_first), min((chosen, 12), last)
        return (first, end) if first <= end else ((chosen, 1), (chosen, 12))
    return plan_first, max(last, plan_first)


def time_progress(start: Month, end: Month, at: Month) -> float:
    """P = months elapsed by the end of month `at` / months in [start, end], clamped to [0, 1].

    At the end of the first month of a 12-month window P = 1/12; before the window P = 0;
    from its last month on P = 1.
    """
    total = month_ordinal(end) - month_ordinal(start) + 1
    elapsed = month_ordinal(at) - month_ordinal(start) + 1
    return min(max(elapsed / total, 0.0), 1.0)
