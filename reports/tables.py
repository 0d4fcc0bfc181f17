import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from policies import numbers

from .columns import LightColumn


def pct(value) -> str:
    return numbers.percent(value)


WIDE_ONLY = {"th": {"class": "d-none d-md-table-cell"}, "td": {"class": "d-none d-md-table-cell"}}


class IndicatorResultTable(tables.Table):
    """The policy dashboard's indicator table; rows are dicts made from IndicatorResult."""

    # On a phone the table keeps what a reader needs at a glance (indicator, figure,
    # completion, light); the section, task, target, time progress and gap come back from md up.
    section = tables.Column(verbose_name=_("章节"), attrs=WIDE_ONLY)
    task = tables.Column(verbose_name=_("任务"), attrs=WIDE_ONLY)
    indicator = tables.Column(
        verbose_name=_("指标"), linkify=lambda record: record["url"], attrs={"td": {"class": "indicator-name"}}
    )
    target = tables.Column(verbose_name=_("目标"), orderable=False, attrs=WIDE_ONLY)
    # data-label: a phone shows each row as a card, each figure labelled (static/css/overview.css).
    actual = tables.Column(
        verbose_name=_("累计/当前"), attrs={"td": {"class": "text-end text-nowrap", "data-label": _("累计/当前")}}
    )
    # Shown on the page within the figure; a column of its own in an export, where figures are numbers.
    unit_of_measure = tables.Column(verbose_name=_("计量单位"), visible=False, orderable=False)
    completion = tables.Column(verbose_name=_("完成率"), attrs={"td": {"class": "text-end", "data-label": _("完成率")}})
    progress = tables.Column(
        verbose_name=_("时序进度"),
        # Not in the table on a small tablet, but on a phone's card (completion reads against it).
        attrs={
            "th": WIDE_ONLY["th"],
            "td": {"class": "text-end d-none d-md-table-cell on-phone-card", "data-label": _("时序进度")},
        },
    )
    gap = tables.Column(
        verbose_name=_("差距"), attrs={"th": WIDE_ONLY["th"], "td": {"class": "text-end d-none d-md-table-cell"}}
    )
    light = LightColumn(verbose_name=_("灯号"), attrs={"td": {"data-label": _("灯号")}})

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("没有符合条件的指标。")
        order_by = ()

    def render_actual(self, value, record):
        return "—" if value is None else f"{value:,.4f}".rstrip("0").rstrip(".") + f" {record['unit_of_measure']}"

    def render_completion(self, value):
        return pct(value)

    def render_progress(self, value, record):
        # Time progress is said of a figure: a row with no data shows a dash, not 0.0%.
        return "—" if record.get("actual") is None else pct(value)

    def render_gap(self, value):
        if value is None:
            return "—"
        return format_html(
            '<span class="{}">{}</span>', "text-danger" if value < 0 else "text-success", numbers.points(value)
        )

    # An export carries figures as numbers (never text a spreadsheet might read as a formula).
    def value_actual(self, value):
        return "" if value is None else value

    def value_completion(self, value):
        return pct(value)

    def value_progress(self, value, record):
        return "" if record.get("actual") is None else pct(value)

    def value_gap(self, value):
        return "" if value is None else numbers.percent_number(value)
