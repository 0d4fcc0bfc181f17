"""The reporting calendar as plain date arithmetic: which month is being reported, when it
falls due and when it locks. No ORM, no clock: callers pass the date."""

import datetime as dt


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


def months_between(start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    """Every (year, month) from start's month to end's month, inclusive."""
    months = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        months.append((y, m))
        y, m = following_month(y, m)
    return months
