import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from policies.models import Unit

from .columns import ReportStateColumn


class QueueTable(tables.Table):
    select = tables.TemplateColumn(
        '{% if record.state == "submitted" %}<input class="form-check-input" type="checkbox" name="report" '
        'value="{{ record.report_id }}" form="bulk-approve" aria-label="选择{{ record.name }}">{% endif %}',
        verbose_name="",
        orderable=False,
    )
    name = tables.Column(verbose_name=_("填报单位"))
    kind = tables.Column(verbose_name=_("类型"))
    state = ReportStateColumn(verbose_name=_("状态"))
    timeliness = tables.Column(verbose_name=_("报送"), orderable=True)
    first_submitted_at = tables.DateTimeColumn(format="n月j日 H:i", verbose_name=_("首次报送"), default="—")
    action = tables.Column(empty_values=(), verbose_name="", orderable=False)

    class Meta:
        model = Unit
        fields = ("select", "name", "kind", "state", "timeliness", "first_submitted_at", "action")
        attrs = {"class": "table table-hover align-middle"}
        empty_text = _("没有符合条件的单位。")

    def __init__(self, *args, policy, period, overdue, **kwargs):
        self.policy, self.period, self.overdue = policy, period, overdue
        super().__init__(*args, **kwargs)

    def before_render(self, request):
        self.request = request

    def render_timeliness(self, record, value):
        if value == "on_time":
            return mark_safe('<span class="text-success"><i class="bi bi-clock"></i> 按时</span>')
        if value == "late":
            return mark_safe('<span class="text-danger fw-semibold"><i class="bi bi-clock-history"></i> 逾期</span>')
        if self.overdue:
            return mark_safe('<span class="text-danger fw-semibold">逾期未报</span>')
        return "—"

    def render_action(self, record):
        url = reverse(
            "targets:report_entry", kwargs={"policy": self.policy.code, "unit": record.code, "month": self.period.label}
        )
        label = "审核" if record.state == "submitted" else "查看"
        return format_html('<a class="btn btn-sm btn-outline-primary" href="{}">{}</a>', url, label)
