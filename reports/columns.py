"""The status light's presentation: its word (reports.metrics.LIGHT_LABELS, which the
dispatch and bulletin use too), its icon, and the table column that renders the partial
``includes/_light_badge.html`` on a page and the word in an export."""

import django_tables2 as tables
from django.template.loader import render_to_string
from django.utils.translation import gettext

from .metrics import GREY, LIGHT_LABELS

LIGHT_ICONS: dict[str, str] = {
    "green": "check-circle-fill",
    "yellow": "exclamation-triangle-fill",
    "red": "x-octagon-fill",
    "grey": "dash-circle",
}


def light_key(light) -> str:
    """The light itself, or grey for anything that is not a light (None, "")."""
    return light if light in LIGHT_LABELS else GREY


def light_label(light) -> str:
    """The light's word in the language of the request (the documents keep the Chinese of
    LIGHT_LABELS: they are built for Chinese offices whatever the builder's language)."""
    return gettext(LIGHT_LABELS[light_key(light)])


def light_icon(light) -> str:
    return LIGHT_ICONS[light_key(light)]


class LightColumn(tables.Column):
    """A status light: the badge on the page, the word (绿灯, 灰灯…) in CSV/Excel."""

    def render(self, value):
        return render_to_string("includes/_light_badge.html", {"light": value})

    def value(self, value):
        return str(light_label(value))
