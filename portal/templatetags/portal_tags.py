"""Filters the badge partials use, so each word and icon is written once (reports.columns
for lights, targets.columns for report states)."""

from django import template

from reports import columns as light
from targets import columns as state

register = template.Library()

register.filter("light_key", light.light_key)
register.filter("light_label", light.light_label)
register.filter("light_icon", light.light_icon)
register.filter("state_label", state.state_label)
