import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Policy, Unit


class PolicyTable(tables.Table):
    title = tables.LinkColumn("policies:policy_detail", args=[tables.A("code")], verbose_name=_("标题"))
    city = tables.Column(accessor="city__name", verbose_name=_("城市"))
    doc_number = tables.Column(verbose_name=_("文号"), default="—")
    issued_date = tables.DateColumn(format="Y-m-d", verbose_name=_("印发日期"), default="—")
    plan = tables.TemplateColumn(
        "{{ record.start_date|date:'Y.n' }}—{{ record.end_date|date:'Y.n' }}", verbose_name=_("计划期"), orderable=False
    )
    lead_unit = tables.Column(accessor="lead_unit__name", verbose_name=_("牵头单位"), default="—")
    task_count = tables.Column(verbose_name=_("任务"), attrs={"td": {"class": "text-end"}})
    indicator_count = tables.Column(verbose_name=_("指标"), attrs={"td": {"class": "text-end"}})

    class Meta:
        model = Policy
        fields = ("title", "city", "doc_number", "issued_date", "plan", "lead_unit", "task_count", "indicator_count")
        attrs = {"class": "table table-hover align-middle"}
        empty_text = _("没有符合条件的政策文件。")


class UnitTable(tables.Table):
    name = tables.LinkColumn("policies:unit_detail", args=[tables.A("code")], verbose_name=_("名称"))
    city = tables.Column(accessor="city__name", verbose_name=_("城市"))
    kind = tables.Column(verbose_name=_("类型"))
    lead_count = tables.Column(verbose_name=_("牵头任务"), attrs={"td": {"class": "text-end"}})
    co_count = tables.Column(verbose_name=_("配合/落实任务"), attrs={"td": {"class": "text-end"}})

    class Meta:
        model = Unit
        fields = ("name", "city", "kind", "lead_count", "co_count")
        attrs = {"class": "table table-hover align-middle"}
        empty_text = _("没有符合条件的单位。")
