"""How a number is shown: rounded half up (四舍五入) to the shown precision, the same on
pages, exports and workbooks. Every surface that prints a rounded figure calls these.

It lives in the lowest domain app so that targets, reports and their builders can use it
without importing the project package (STYLE.md: the domain apps import downward only).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

DASH = "—"


def round_half_up(value, places: int = 0) -> Decimal:
    """`value` rounded half away from zero to `places` decimals: 81.25 → 81.3, −31.25 → −31.3.

    A float is first read to 12 significant digits, as a spreadsheet displays it, so that
    binary noise (0.8125 × 100 = 81.24999…) does not decide the rounding.
    """
    number = value if isinstance(value, Decimal) else Decimal(f"{float(value):.12g}")
    return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def decimal_text(value, places: int = 1, *, sign: bool = False, trim: bool = False) -> str:
    """`value` half up to `places` decimals as text; `trim` drops a zero fraction (75.0 → 75)."""
    rounded = round_half_up(value, places)
    text = f"{rounded:+f}" if sign else f"{rounded:f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def percent(fraction, places: int = 1) -> str:
    """A share as a percentage: 0.8125 → "81.3%", 0.75 → "75%"; a dash when absent."""
    if fraction is None:
        return DASH
    return decimal_text(fraction * 100, places, trim=True) + "%"


def points(gap, places: int = 1) -> str:
    """C − P as signed percentage points: "+5.0", "-31.3"; a dash when absent."""
    return DASH if gap is None else decimal_text(gap * 100, places, sign=True)


def percent_number(fraction, places: int = 1) -> float | None:
    """A share as a percentage number for an export or a chart: 0.8125 → 81.3."""
    return None if fraction is None else float(round_half_up(fraction * 100, places))


def figure(value, places: int = 4) -> str:
    """A stored figure as people write it: 0.14, 3.5, 6500 (not 0.1400, 3.5000, 6500.0000)."""
    if value is None or value == "":
        return ""
    try:
        return decimal_text(Decimal(str(value)), int(places), trim=True)
    except (InvalidOperation, ValueError):
        return value
