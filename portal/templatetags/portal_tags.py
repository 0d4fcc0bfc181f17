"""Filters the pages use, so each word, icon, rounding and target wording is written once
(reports.columns for lights, targets.columns for report states, policies.numbers for
rounding, targets.wording for how a target reads)."""

import datetime as dt

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext

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
    return gettext(CLASS_LABELS[klass]) if klass in CLASS_LABELS else ""


@register.filter
def month_text(month) -> str:
    """{{ at|month_text }} → 2025年9月 / September 2025: a (year, month) in the language of the page."""
    if _absent(month):
        return numbers.DASH
    return date_format(dt.date(month[0], month[1], 1), "YEAR_MONTH_FORMAT")


@register.filter(expects_localtime=True)
def month_day(value) -> str:
    """{{ day|month_day }} → 9月6日 / Sep 6: a day of the year in the language of the page."""
    if _absent(value):
        return numbers.DASH
    return date_format(value, gettext("n月j日"))


@register.simple_tag
def chart_words() -> dict:
    """The words static/js/dashboards.js draws into the charts, in the page's language."""
    return {
        "noData": gettext("无数据"),
        "behind": gettext("< 90%（落后）"),
        "onPace": gettext("≥ 100%（达到序时）"),
        "actual": gettext("实际（累计/当前）"),
        "pace": gettext("时序进度线"),
        "target": gettext("目标"),
        "completion": gettext("完成率"),
        "progress": gettext("时序进度"),
    }


@register.filter
def in_set(value, container) -> bool:
    """{% if policy.pk|in_set:readable %}: membership, which the template language lacks for sets."""
    return value in (container or ())


@register.filter
def as_data(value):
    """{% blocktranslate with name=user.username|as_data %}: a name inside a translated
    sentence, marked as data (translate="no") and escaped."""
    return format_html('<span translate="no">{}</span>', value)
