"""How a target reads, on every page, export and workbook: "≥1800家（2025年底）",
"2—3个（每年）", "每个单位≥2个（每年）", "≤1天", "清零（2027年底）".

A part year's pro-rating is not part of the wording: the metrics say it beside the figure
("2024年按4个月折算").
"""

from __future__ import annotations

from policies.numbers import figure

from .models import Target

DASH = "—"


def _when(target: Target) -> str:
    if target.window == Target.Window.ANNUAL:
        return f"{target.year}年" if target.year else "每年"
    if target.window == Target.Window.PLAN:
        return f"累计至{target.year}年" if target.year else "计划期累计"
    deadline = target.deadline_date
    if deadline is not None and deadline.month != 12:
        return f"{deadline.year}年{deadline.month}月底"
    year = target.year or (deadline.year if deadline else None)
    return f"{year}年底" if year else "期末"


def describe_target(target: Target | None, unit_of_measure: str) -> str:
    """The target as one short phrase: bound, unit of measure and window."""
    if target is None:
        return DASH
    value = figure(target.value)
    who = "每个单位" if target.applies_to == Target.AppliesTo.EACH else ""
    if target.comparison == Target.Comparison.AT_MOST:
        if target.window == Target.Window.ANNUAL:
            # A standing rule (应答时限≤1天): met or not every month, no window to name.
            return f"{who}≤{value}{unit_of_measure}"
        # A reduction by a date (到2027年清零、下降到…).
        bound = "清零" if target.value == 0 else f"降至{value}{unit_of_measure}以下"
        return f"{who}{bound}（{_when(target)}）"
    if target.comparison == Target.Comparison.RANGE and target.value_max is not None:
        bound = f"{value}—{figure(target.value_max)}"
    else:
        bound = f"≥{value}"
    return f"{who}{bound}{unit_of_measure}（{_when(target)}）"
