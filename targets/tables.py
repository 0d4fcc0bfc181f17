import django_tables2 as tables
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from policies.models import Unit

from .columns import ReportStateColumn


class QueueTable(tables.Table):
    select = tables.Column(empty_values=(), verbose_name="", orderable=False)
    name = tables.Column(verbose_name=_("填报单位"), attrs={"td": {"class": "queue-unit"}})
    kind = tables.Column(verbose_name=_("类型"), attrs={"td": {"data-label": _("类型")}})
    state = ReportStateColumn(verbose_name=_("状态"), attrs={"td": {"data-label": _("状态")}})
    timeliness = tables.Column(verbose_name=_("报送"), orderable=True, attrs={"td": {"data-label": _("报送")}})
    first_submitted_at = tables.DateTimeColumn(
        format="SHORT_DATETIME_FORMAT",
        verbose_name=_("首次报送"),
        default="—",
        attrs={"td": {"data-label": _("首次报送"), "class": "text-nowrap"}},
    )
    check = tables.Column(
        empty_values=(),
        verbose_name=_("数据、预警与说明"),
        orderable=False,
        attrs={"td": {"class": "queue-check"}},
    )
    action = tables.Column(empty_values=(), verbose_name="", orderable=False, attrs={"td": {"class": "queue-action"}})

    class Meta:
        model = Unit
        fields = ("select", "name", "kind", "state", "timeliness", "first_submitted_at", "check", "action")
        attrs = {"class": "table table-hover align-middle queue-table"}
        row_attrs = {"class": "queue-row"}
        empty_text = _("没有符合条件的单位。")

    def __init__(self, *args, policy, period, overdue, checks=None, **kwargs):
        self.policy, self.period, self.overdue = policy, period, overdue
        self.checks = checks or {}
        super().__init__(*args, **kwargs)

    def render_select(self, record):
        # A method, not a TemplateColumn: that compiles its template anew for every cell.
        if record.state != "submitted":
            return ""
        return format_html(
            '<input class="form-check-input" type="checkbox" name="report" value="{}" form="bulk-approve" '
            'aria-label="{}">',
            record.report_id,
            _("选择%(unit)s") % {"unit": record.name},
        )

    def render_check(self, record):
        check = self.checks.get(record.report_id)
        if check is None:
            return format_html('<span class="text-muted queue-empty">{}</span>', "—")
        return render_to_string("targets/includes/_report_check.html", {"check": check})

    def before_render(self, request):
        self.request = request

    def render_timeliness(self, record, value):
        if value == "on_time":
            return format_html('<span class="text-success"><i class="bi bi-clock"></i> {}</span>', _("按时"))
        if value == "late":
            return format_html(
                '<span class="text-danger fw-semibold"><i class="bi bi-clock-history"></i> {}</span>', _("逾期")
            )
        if self.overdue:
            return format_html('<span class="text-danger fw-semibold">{}</span>', _("逾期未报"))
        return "—"

    def render_action(self, record):
        url = reverse(
            "targets:report_entry", kwargs={"policy": self.policy.code, "unit": record.code, "month": self.period.label}
        )
        label = _("审核") if record.state == "submitted" else _("查看")
        return format_html('<a class="btn btn-sm btn-outline-primary" href="{}">{}</a>', url, label)
