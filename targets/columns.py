"""The report state's presentation: its word (MonthlyReport.State's labels plus 未填报 for
a unit that has filed nothing yet) and the table column that renders the partial
``includes/_report_state.html`` on a page and the word in an export."""

import django_tables2 as tables
from django.template.loader import render_to_string

from .models import QUEUE_STATES

MISSING = "missing"


def state_label(state) -> str:
    """The word for a report state; anything unknown (None, "missing") is 未填报."""
    return QUEUE_STATES.get(state, QUEUE_STATES[MISSING])


class ReportStateColumn(tables.Column):
    """A monthly report's state: the state badge on the page, the word in exports."""

    def render(self, value):
        return render_to_string("includes/_report_state.html", {"state": value})

    def value(self, value):
        return str(state_label(value))
