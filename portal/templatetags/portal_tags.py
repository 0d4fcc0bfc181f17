"""Filters the pages use, so each word, icon, rounding and target wording is written once
(reports.columns for lights, targets.columns for report states, policies.numbers for
rounding, targets.wording for how a target reads)."""

from django import template

from policies import numbers
from reports import columns as light
from reports.metrics import CLASS_LABELS
from targets import columns as state
from targets.wording import describe_target

register = template.Library()

register.filter("light_key", light.light_key)
register.filter("light_label", light.light_label)
register.filter("light_icon", light.light_icon)
register.filter("state_label", state.state_label)


def _absent(value) -> bool:
    # A missing attribute reaches a filter as "" (string_if_invalid): shown as a dash.
    return value is None or value == ""


@register.filter
def percent(value):
    """{{ r.completion|percent }} → 81.3%"""
    return numbers.DASH if _absent(value) else numbers.percent(value)


@register.filter
def points(value):
    """{{ r.gap|points }} → -31.3 (percentage points)"""
    return numbers.DASH if _absent(value) else numbers.points(value)


@register.filter
def one_decimal(value):
    """{{ r.score|one_decimal }} → 81.3"""
    return numbers.DASH if _absent(value) else numbers.decimal_text(value, 1)


@register.filter
def target_text(target, unit_of_measure=""):
    """{{ target|target_text:indicator.unit_of_measure }} → ≥1800家（2025年底）"""
    return describe_target(target, unit_of_measure)


@register.filter
def ranking_class(klass: str) -> str:
    """县(市、区) or 市直部门: the ranking class a unit is ranked in."""
    return CLASS_LABELS.get(klass, "")
