"""Service clocks: a deadline some days after a start, in calendar days or in China's
working days (public holidays and make-up working days from ``chinesecalendar``).

For a year the library does not cover yet, working days fall back to Monday–Friday;
``covers(year)`` says whether the official calendar was used, so a page can say so.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar


def covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def is_working_day(day: dt.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def add_days(start: dt.date, days: int, *, working: bool) -> dt.date:
    """The last day of a time limit of ``days`` days that starts the day after ``start``
    (交办 on the 30th with 3 working days: the third working day after the 30th).
    Zero days is the start day itself."""
    if not working:
        return start + dt.timedelta(days=days)
    day, left = start, days
    while left > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def days_late(due: dt.date | None, today: dt.date) -> int:
    """Calendar days past the due date (0 when not late or without a due date)."""
    if due is None or today <= due:
        return 0
    return (today - due).days
