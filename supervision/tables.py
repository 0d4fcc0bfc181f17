import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Problem

STATE_BADGES = {
    "pending": "text-bg-secondary",
    "in_progress": "text-bg-primary",
    "closed": "text-bg-success",
    "returned": "text-bg-warning",
    "extended": "text-bg-info",
}


# On a phone the table keeps number, title (with the unit under it), due date and state.
WIDE_ONLY = {"th": {"class": "d-none d-md-table-cell"}, "td": {"class": "d-none d-md-table-cell"}}


class ProblemTable(tables.Table):
    number = tables.Column(verbose_name=_("编号"))
    title = tables.Column(verbose_name=_("问题"))
    raised_unit = tables.Column(verbose_name=_("提出"), empty_values=(), order_by=("raised_at",), attrs=WIDE_ONLY)
    assignee = tables.Column(verbose_name=_("承办单位"), default="—", attrs=WIDE_ONLY)
    due_date = tables.DateColumn(format="Y-m-d", verbose_name=_("办结期限"), default="—")
    state = tables.Column(verbose_name=_("状态"))

    class Meta:
        model = Problem
        fields = ("number", "title", "raised_unit", "assignee", "due_date", "state")
        attrs = {"class": "table table-hover align-middle ledger-table"}
        empty_text = _("没有符合条件的问题。")
        order_by = ("-number",)

    def __init__(self, *args, today, **kwargs):
        self.today = today
        super().__init__(*args, **kwargs)

    def render_number(self, record, value):
        url = reverse("supervision:problem_detail", kwargs={"policy": record.policy.code, "number": value})
        return format_html('<a class="text-nowrap" href="{}">{}</a>', url, value)

    def render_title(self, record, value):
        kind = (
            format_html('<span class="badge text-bg-light border me-1">{}</span>', _("整改说明"))
            if record.kind == "explanation"
            else ""
        )
        firm = (
            format_html('<div class="small text-muted" translate="no">{}</div>', record.firm_name)
            if record.firm_name
            else ""
        )
        unit = (
            format_html(
                '<div class="small text-muted d-md-none">→ <span translate="no">{}</span></div>', record.assignee.name
            )
            if record.assignee_id
            else ""
        )
        return format_html('{}<span translate="no">{}</span>{}{}', kind, value, firm, unit)

    def render_raised_unit(self, record):
        who = (
            record.raised_unit.name
            if record.raised_unit_id
            else (record.raised_by.get_full_name() if record.raised_by else "")
        )
        return format_html(
            '<span class="text-nowrap">{}</span><div class="small text-muted text-nowrap">{} · {}</div>',
            who or "—",
            record.get_source_display(),
            f"{record.raised_at:%m-%d}",
        )

    def render_due_date(self, record, value):
        if value is None:
            return "—"
        if record.is_overdue(self.today):
            late = (self.today - value).days if record.state != "closed" else (record.closed_at.date() - value).days
            return format_html(
                '<span class="text-danger fw-semibold text-nowrap"><i class="bi bi-exclamation-triangle-fill"></i> {}</span>'
                '<div class="small text-danger text-nowrap">{}</div>',
                f"{value:%Y-%m-%d}",
                (gettext("超期%(n)s天办结") if record.state == "closed" else gettext("超期%(n)s天")) % {"n": late},
            )
        return format_html('<span class="text-nowrap">{}</span>', f"{value:%Y-%m-%d}")

    def render_state(self, record, value):
        badge = STATE_BADGES.get(record.state, "text-bg-light")
        extra = ""
        if record.awaits_close:
            extra = format_html('<div class="small text-muted">{}</div>', _("已答复，待销号"))
        return format_html('<span class="badge {}">{}</span>{}', badge, value, extra)
