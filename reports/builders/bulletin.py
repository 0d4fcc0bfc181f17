"""季通报: the quarterly bulletin of one policy, an xlsx an official can send out as it is.

Sheets: 总体情况 (title, issuer and date, the generated text in the manner of published
目标任务完成情况通报, key figures, lights by section, two charts), then the attachments
指标完成情况, 县区部门排名, 报送情况, 滞后事项, and 说明 (formulas and tolerance).
Plain data in, bytes out.
"""

from __future__ import annotations

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabel, DataLabelList
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, TwoCellAnchor
from openpyxl.worksheet.pagebreak import Break

from policies.textguard import safe_sheet_title
from reports.builders import ledger, xlsx
from reports.builders.data import BulletinData, IndicatorRow, UnitTimeliness
from reports.builders.dispatch import SLOW_HEADERS, SLOW_WIDTHS, write_behind_row
from reports.metrics import GREEN, GREY, LIGHT_LABELS, RED, YELLOW
from targets.calendar import on_time_rate

from .bulletin_text import (
    _light_counts,
    _unfinished,
    _year_to_date,
    area_word,
    as_of_text,
    attachment_label,
    attachments,
    behind_text,
    class_label,
    key_rows,
    lagging_text,
    overall_text,
    ranking_text,
    ranking_title,
    timeliness_text,
)

SUMMARY_COLUMNS = 8
SUMMARY_WIDTHS = (16,) * SUMMARY_COLUMNS

INDICATOR_HEADERS = (
    "序号",
    "板块",
    "任务",
    "指标",
    "单位",
    "目标",
    "本季度",
    "累计/当前值",
    "完成率",
    "时序进度",
    "与时序进度差距\n（百分点）",
    "状态",
    "牵头单位",
)
INDICATOR_WIDTHS = (5, 11, 17, 26, 5, 18, 9, 10, 8, 8, 11, 6, 18)

RANKING_HEADERS = ("排名", "单位", "类别", "得分", "较上季度", "按时报送率", "档次", "计分指标数")
RANKING_WIDTHS = (8, 28, 12, 10, 10, 12, 10, 10)

TIMELINESS_HEADERS = ("序号", "单位", "应报（份）", "按时（份）", "逾期（份）", "未报（份）", "按时报送率")
TIMELINESS_WIDTHS = (7, 28, 11, 11, 11, 11, 12)

SHEET_NAMES = {
    "indicators": "指标完成情况",
    "ranking": "县区部门排名",
    "timeliness": "报送情况",
    "lagging": "滞后事项",
    "problems": "问题办理",
    "explain": "说明",
}

UNIT_HEADERS = (
    "序号",
    "单位",
    "类别",
    "目标",
    "累计/当前值",
    "完成率",
    "时序进度",
    "与时序进度差距\n（百分点）",
    "状态",
    "说明",
)
UNIT_WIDTHS = (5, 24, 10, 13, 12, 9, 9, 12, 7, 30)
BASELINE_HEADER, BASELINE_WIDTH = "基数", 11

# The summary prints at a fixed 85% rather than fit-to-width: its width fits the page at
# 85% in Excel and in LibreOffice (whose columns come out wider) alike, so both put the same
# rows on each page and the page breaks computed here hold in both.
SUMMARY_SCALE = 85
PAGE_POINTS = xlsx.PAGE_HEIGHT * 100 / SUMMARY_SCALE - 8
HEADING_HEIGHT = 26
LABEL_FLAGS = ("showVal", "showSerName", "showCatName", "showLegendKey", "showPercent")
CHART_ROW_HEIGHT = 20  # points; the charts span whole rows and columns, so they scale with the sheet
RANKING_FIRST_ROW = 5  # after the label, title, info line and header of the ranking sheet


def bulletin_title(data: BulletinData) -> str:
    return f"{xlsx.policy_named(data.header)}\n{xlsx.quarter_label(data.year, data.quarter)}推进情况通报"


def bulletin_filename(data: BulletinData) -> str:
    """唐山市-强化创新引领推进产业集群高质量发展实施方案-2025年第三季度通报.xlsx"""
    city = xlsx.file_part(data.header.city)
    policy = xlsx.file_part(data.header.policy_title)
    return f"{city}-{policy}-{xlsx.quarter_label(data.year, data.quarter)}通报.xlsx"


def build_bulletin_xlsx(data: BulletinData) -> bytes:
    header = data.header
    book = xlsx.Book(
        title=bulletin_title(data).replace("\n", ""),
        author=data.letter.issuer or xlsx.issuer(header.city, header.lead_unit),
        stamp=header.generated_at,
    )
    summary = book.sheet("总体情况", row_height=None)  # a document page: its rows have their own heights
    labels = {key: attachment_label(data, key) for key, _ in attachments(data)}
    _indicator_sheet(book.sheet(SHEET_NAMES["indicators"]), data, label=labels["indicators"])
    taken = [summary.ws.title, *SHEET_NAMES.values()]
    for number, row in enumerate(key_rows(data), start=1):
        name = safe_sheet_title(f"分单位{number}-{row.indicator}", taken)
        taken.append(name)
        _unit_sheet(book.sheet(name), data, row, label=f"{labels['units']}（{number}）")
    ranking = book.sheet(SHEET_NAMES["ranking"])
    ranked = _ranking_sheet(ranking, data, label=labels["ranking"])
    _timeliness_sheet(book.sheet(SHEET_NAMES["timeliness"]), data, label=labels["timeliness"])
    _lagging_sheet(book.sheet(SHEET_NAMES["lagging"]), data, label=labels["lagging"])
    if "problems" in labels:
        title = f"{data.header.city}{xlsx.quarter_label(data.year, data.quarter)}问题办理情况表"
        ledger.write_counts_sheet(
            book.sheet(SHEET_NAMES["problems"]),
            data.ledger_counts,
            title=title,
            info=_info(data),
            label=labels["problems"],
        )
    xlsx.explain_sheet(
        book.sheet(SHEET_NAMES["explain"]),
        header,
        subject=xlsx.quarter_label(data.year, data.quarter) + _unfinished(data),
        as_of=as_of_text(data),
    )
    _summary_sheet(summary, data, ranking=ranking, ranked=ranked)
    return book.to_bytes()


# 总体情况 ---------------------------------------------------------------------------------


def _summary_sheet(sheet: xlsx.Sheet, data: BulletinData, *, ranking: xlsx.Sheet, ranked: int) -> None:
    """The bulletin proper: a document page rather than a table, every row given its height
    so that a heading is never left at the foot of a page without what follows it."""
    header = data.header
    last = SUMMARY_COLUMNS
    width = sum(SUMMARY_WIDTHS)
    heights = sheet.ws.row_dimensions
    sheet.widths(SUMMARY_WIDTHS)
    title = bulletin_title(data)
    sheet.merged(1, 1, last, title, "标题", height=xlsx.paragraph_height(title, width, 16))
    issuer = data.letter.issuer or xlsx.issuer(header.city, header.lead_unit)
    issued = issuer + (f"　　{xlsx.date_label(data.letter.issued_on)}" if data.letter.issued_on else "")
    sheet.merged(2, 1, last, issued, "副标题", height=22)
    note = f"（{cutoff_text(data)}；黄灯容差{header.tolerance:g}个百分点）"
    sheet.merged(3, 1, last, note, "副标题", height=xlsx.paragraph_height(note, width))
    row, page_top = 4, 1

    def keep_together(height: float) -> None:
        """A page break before the next block unless it fits on the page under way."""
        nonlocal page_top
        used = sum(heights[r].height or xlsx.DEFAULT_ROW_HEIGHT for r in range(page_top, row))
        if row > page_top and used + height > PAGE_POINTS:
            sheet.ws.row_breaks.append(Break(id=row - 1))
            page_top = row

    def section(title: str, text: str) -> None:
        nonlocal row
        text = "　　" + text
        height = xlsx.paragraph_height(text, width)
        keep_together(HEADING_HEIGHT + height)
        sheet.merged(row, 1, last, title, "小标题", height=HEADING_HEIGHT)
        sheet.merged(row + 1, 1, last, text, "正文", height=height)
        row += 2

    section("一、总体情况", overall_text(data))

    counts = _light_counts(data.rows)
    total = len(data.rows)
    expected = sum(t.expected for t in data.timeliness)
    figures = (
        ("目标任务（项）", total, "计数"),
        ("达到时序进度（项）", counts[GREEN], "计数"),
        ("达到时序进度占比", counts[GREEN] / total if total else None, "居中百分比"),
        (f"已完成{data.year}年度目标（项）", len(data.completed_for_year), "计数"),
        ("黄灯（项）", counts[YELLOW], "计数"),
        ("红灯（项）", counts[RED], "计数"),
        ("灰灯（项）", counts[GREY], "计数"),
        ("按时报送率", on_time_rate(expected, sum(t.on_time for t in data.timeliness)), "居中百分比"),
    )
    labels_height = max(24, *(xlsx.wrapped_height(label, SUMMARY_WIDTHS[0]) for label, _, _ in figures))
    keep_together(labels_height + 22)
    for column, (label, value, style) in enumerate(figures, start=1):
        sheet.put(row, column, label, "表头")
        sheet.share(row + 1, column, value, style)
    heights[row].height, heights[row + 1].height = labels_height, 22
    row += 3

    sections = list(data.lights_by_section.items())
    keep_together(22 + 18 * (len(sections) + 1))
    table_head = row
    sheet.merged(row, 1, 2, "板块", "表头")
    for offset, light in enumerate(xlsx.LIGHTS):
        sheet.put(row, 3 + offset, LIGHT_LABELS[light], f"灯头_{light}")
    sheet.put(row, 7, "合计", "表头")
    sheet.put(row, 8, "达到时序进度占比", "表头")
    heights[row].height = 22
    row += 1
    for name, lights in sections:
        _section_row(sheet, row, name, lights)
        row += 1
    totals = {light: sum(lights.get(light, 0) for _, lights in sections) for light in xlsx.LIGHTS}
    _section_row(sheet, row, "合计", totals, bold=True)
    section_rows = (table_head + 1, table_head + len(sections))
    row += 1

    section(f"二、{ranking_title(data)}", ranking_text(data))
    section("三、报送情况", timeliness_text(data))
    section("四、滞后事项", lagging_text(data))
    names = "；".join(f"{n}．{title}" for n, (_key, title) in enumerate(attachments(data), start=1))
    listed = f"附件：{names}"
    height = xlsx.paragraph_height(listed, width)
    keep_together(height)
    sheet.merged(row, 1, last, listed, "正文", height=height)
    row += 1

    # The two charts side by side below the text, on the next page unless they fit.
    if sections or ranked:
        rows = _chart_rows(ranked)
        keep_together((rows + 1) * CHART_ROW_HEIGHT)
        for offset in range(rows + 1):
            heights[row + offset].height = CHART_ROW_HEIGHT
        top = row + 1  # a blank row first: a chart starting right at a break shows its edge on the page before
        if sections:
            chart = _lights_chart(sheet, table_head, section_rows, [lights for _, lights in sections])
            sheet.ws.add_chart(_span(chart, top, rows, 0, 4))
        if ranked:
            first_class = data.standings[0].klass if data.standings else ""
            sheet.ws.add_chart(_span(_ranking_chart(ranking, ranked, first_class), top, rows, 4, 8))
    xlsx.print_setup(sheet.ws, scale=SUMMARY_SCALE)


def _section_row(sheet: xlsx.Sheet, row: int, section: str, lights: dict[str, int], *, bold: bool = False) -> None:
    sheet.merged(row, 1, 2, section, "合计" if bold else "文本")
    sheet.ws.row_dimensions[row].height = 18
    for offset, light in enumerate(xlsx.LIGHTS):
        sheet.count(row, 3 + offset, lights.get(light, 0), bold=bold)
    total = sum(lights.get(light, 0) for light in xlsx.LIGHTS)
    sheet.count(row, 7, total, bold=bold)
    share = lights.get(GREEN, 0) / total if total else None
    sheet.share(row, 8, share, "合计居中百分比" if bold else "居中百分比")


def _lights_chart(sheet: xlsx.Sheet, head: int, rows: tuple[int, int], counts: list[dict[str, int]]) -> BarChart:
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.gapWidth = 60
    chart.title = xlsx.chart_title("图1  分板块红黄绿灯情况（项）")
    first, last = rows
    data = Reference(sheet.ws, min_col=3, max_col=6, min_row=head, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet.ws, min_col=1, min_row=first, max_row=last))
    for series, light in zip(chart.series, xlsx.LIGHTS, strict=True):
        series.graphicalProperties = GraphicalProperties(solidFill=xlsx.CHART_COLOURS[light])
        series.graphicalProperties.line.solidFill = "404040"
        # No "0" floating over an empty segment.
        series.dLbls = _value_labels()
        series.dLbls.dLbl = [
            DataLabel(idx=index, **dict.fromkeys(LABEL_FLAGS, False))
            for index, lights in enumerate(counts)
            if not lights.get(light, 0)
        ]
        series.dLbls.txPr = xlsx.chart_text(9, xlsx.CHART_LABEL_COLOURS[light])
    chart.legend.position = "b"
    chart.legend.txPr = xlsx.chart_text(10)
    _axes(chart)
    return chart


def _ranking_chart(ranking: xlsx.Sheet, ranked: int, klass: str) -> BarChart:
    # The ranked rows of the first class come first on the sheet, one block.
    chart = BarChart()
    chart.type = "bar"
    chart.gapWidth = 40
    chart.title = xlsx.chart_title(f"图2  {klass or '县区部门'}得分排名")
    first, last = RANKING_FIRST_ROW, RANKING_FIRST_ROW + ranked - 1
    chart.add_data(Reference(ranking.ws, min_col=4, min_row=first - 1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ranking.ws, min_col=2, min_row=first, max_row=last))
    series = chart.series[0]
    series.graphicalProperties = GraphicalProperties(solidFill="4472C4")
    chart.dataLabels = _value_labels("0.0")
    chart.dataLabels.txPr = xlsx.chart_text(9)
    chart.legend = None
    chart.x_axis.scaling.orientation = "maxMin"  # first place at the top…
    chart.y_axis.crosses = "max"  # …and the score axis still at the bottom
    _axes(chart)
    chart.y_axis.scaling.min = 0
    return chart


def _axes(chart: BarChart) -> None:
    # openpyxl 3.1 leaves `delete` unset, which Excel reads as "hide the axis".
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.x_axis.tickLblSkip = 1  # every category named, not every other one
    chart.x_axis.txPr = chart.y_axis.txPr = xlsx.chart_text(9)


def _span(chart: BarChart, top: int, rows: int, first_column: int, end_column: int) -> BarChart:
    """Anchor the chart to cells (1-based row `top`, 0-based columns [first, end)) rather than
    give it a size: it then covers the same cells in Excel and LibreOffice."""
    gap = 72_000 if first_column else 0  # EMU: 2 mm between the two charts
    chart.anchor = TwoCellAnchor(
        _from=AnchorMarker(col=first_column, colOff=gap, row=top - 1),
        to=AnchorMarker(col=end_column, row=top - 1 + rows),
    )
    return chart


def _chart_rows(ranked: int) -> int:
    """Rows the two charts span: what the ranking needs (a bar a unit), within a page."""
    points = min(max(14 * ranked + 100, 380), PAGE_POINTS - 40)
    return round(points / CHART_ROW_HEIGHT)


def _value_labels(number_format: str | None = None) -> DataLabelList:
    # Every flag spelled out: LibreOffice otherwise adds the series and category names.
    labels = DataLabelList(**dict.fromkeys(LABEL_FLAGS, False) | {"showVal": True})
    if number_format:
        labels.numFmt = number_format
    return labels


# Attachments ------------------------------------------------------------------------------


def cutoff_text(data: BulletinData) -> str:
    """What the figures stand for and what they count: 数据截至2025年第三季度末，计入2025年
    10月16日 09:30前审核通过的月报: the month evaluated, and the build's moment for approvals."""
    return f"数据{as_of_text(data)}，计入{xlsx.datetime_label(data.header.generated_at)}前审核通过的月报"


def _info(data: BulletinData) -> str:
    header = data.header
    return f"{data.letter.issuer or xlsx.issuer(header.city, header.lead_unit)}　　{cutoff_text(data)}"


def _attachment_title(data: BulletinData, name: str) -> str:
    return f"{data.header.city}{xlsx.quarter_label(data.year, data.quarter)}{name}"


def _indicator_sheet(sheet: xlsx.Sheet, data: BulletinData, *, label: str) -> None:
    baseline = any(item.baseline is not None for item in data.rows)
    headers, widths = list(INDICATOR_HEADERS), list(INDICATOR_WIDTHS)
    if baseline:
        headers.insert(6, BASELINE_HEADER)
        widths.insert(6, BASELINE_WIDTH)
    _, row = xlsx.table_top(
        sheet,
        label=label,
        title=_attachment_title(data, "指标完成情况表"),
        info=_info(data),
        headers=headers,
        widths=widths,
    )
    if not data.rows:
        xlsx.empty_row(sheet, row, len(headers), "本季度无调度指标")
    put, number, share = sheet.put, sheet.number, sheet.share
    shift = 1 if baseline else 0
    for index, item in enumerate(data.rows, start=1):
        put(row, 1, index, "居中")
        put(row, 2, item.section)
        put(row, 3, item.task)
        put(row, 4, item.indicator)
        put(row, 5, item.unit_of_measure, "居中")
        sheet.prose(row, 6, item.target_text)
        if baseline:
            number(row, 7, item.baseline)
        number(row, 7 + shift, item.period_value)
        number(row, 8 + shift, item.to_date)
        share(row, 9 + shift, item.completion)
        share(row, 10 + shift, item.progress)
        share(row, 11 + shift, None if item.gap is None else item.gap * 100, "百分点")
        sheet.light(row, 12 + shift, item.light)
        sheet.prose(row, 13 + shift, "、".join(item.lead_units) or xlsx.DASH)
        row += 1
    if baseline:
        note = "注：基数为计算完成率所用的基期值，存量类指标完成率 =（当前值 − 基数）÷（目标 − 基数）。"
        sheet.merged(row, 1, len(headers), note, "注释", height=xlsx.paragraph_height(note, sum(widths), 9))


def _unit_sheet(sheet: xlsx.Sheet, data: BulletinData, item: IndicatorRow, *, label: str) -> None:
    """One key indicator unit by unit: each unit's own target, figure, completion and gap,
    who is behind and by how much."""
    baseline = any(u.baseline is not None for u in item.units)
    headers, widths = list(UNIT_HEADERS), list(UNIT_WIDTHS)
    if baseline:
        headers.insert(4, BASELINE_HEADER)
        widths.insert(4, BASELINE_WIDTH)
    _, row = xlsx.table_top(
        sheet,
        label=label,
        title=_attachment_title(data, f"{item.indicator}分单位完成情况表（{item.unit_of_measure}）"),
        info=_info(data),
        headers=headers,
        widths=widths,
    )
    xlsx.fit_on_one_page(sheet.ws, len(item.units) + 2)
    shift = 1 if baseline else 0
    for index, unit in enumerate(item.units, start=1):
        sheet.put(row, 1, index, "居中")
        sheet.put(row, 2, unit.unit)
        sheet.put(row, 3, unit.klass or xlsx.DASH, "居中")
        sheet.number(row, 4, unit.target_value)
        if baseline:
            sheet.number(row, 5, unit.baseline)
        sheet.number(row, 5 + shift, unit.to_date)
        sheet.share(row, 6 + shift, unit.completion)
        sheet.share(row, 7 + shift, unit.progress)
        sheet.share(row, 8 + shift, None if unit.gap is None else unit.gap * 100, "百分点")
        sheet.light(row, 9 + shift, unit.light)
        zero = unit.target_value is not None and unit.target_value == 0
        sheet.prose(row, 10 + shift, unit.note or ("分解目标为0，不计分" if zero else ""))
        row += 1
    behind = item.units_behind
    text = (
        f"低于时序进度的单位{len(behind)}个：" + "；".join(behind_text(u, u.unit) for u in behind) + "。"
        if behind
        else "各单位均达到时序进度。"
    )
    text = (
        f"{area_word(data.header.city)}合计：目标{item.target_text}，完成率{xlsx.percent_text(item.completion)}。{text}"
    )
    sheet.merged(row, 1, len(headers), text, "注释", height=xlsx.paragraph_height(text, sum(widths), 9))


def _ranking_sheet(sheet: xlsx.Sheet, data: BulletinData, *, label: str) -> int:
    """The league table; returns how many units are ranked (they come first)."""
    _, row = xlsx.table_top(
        sheet,
        label=label,
        title=_attachment_title(data, f"{ranking_title(data)}表"),
        info=_info(data),
        headers=RANKING_HEADERS,
        widths=RANKING_WIDTHS,
    )
    xlsx.fit_on_one_page(sheet.ws, len(data.standings))
    if not data.standings:
        xlsx.empty_row(sheet, row, len(RANKING_HEADERS), "本季度暂无可排名的单位")
        row += 1
    ranked = 0
    for standing in data.standings:
        tier_style = {"前三": "前三", "后三": "后三"}.get(standing.tier, "居中")
        sheet.put(row, 1, standing.rank if standing.rank is not None else xlsx.DASH, "居中")
        sheet.put(row, 2, standing.unit)
        sheet.put(row, 3, class_label(data, standing.klass) or standing.kind or xlsx.DASH, "居中")
        sheet.share(row, 4, standing.score, "得分")
        sheet.put(row, 5, xlsx.change_text(standing.change), "居中")
        sheet.share(row, 6, standing.on_time_rate, "居中百分比")
        sheet.put(row, 7, standing.tier or None, tier_style)
        sheet.put(row, 8, standing.scored, "居中")
        if standing.rank is not None and ranked == row - RANKING_FIRST_ROW:
            ranked += 1
        row += 1
    sheet.merged(
        row,
        1,
        len(RANKING_HEADERS),
        "注：得分 = 各计分指标 min(完成率 ÷ 时序进度, 1.2) 的平均值 × 100（未报送的指标按0计，分解目标为0的不计分）；"
        "县(市、区)和市直部门分别排名，参评单位不足3个的类别或计分指标不足3项的单位只列得分、不排名；"
        "得分相同的按按时报送率排列。“较上季度”中 ↑ 为名次上升，↓ 为下降，— 为持平或上季度未排名。",
        "注释",
        height=48,
    )
    return ranked


def _timeliness_sheet(sheet: xlsx.Sheet, data: BulletinData, *, label: str) -> None:
    _, row = xlsx.table_top(
        sheet,
        label=label,
        title=_attachment_title(data, f"月报报送情况表（{_year_to_date(data)}）"),
        info=_info(data),
        headers=TIMELINESS_HEADERS,
        widths=TIMELINESS_WIDTHS,
    )
    items: list[UnitTimeliness] = data.timeliness
    xlsx.fit_on_one_page(sheet.ws, len(items) + 1)
    if not items:
        xlsx.empty_row(sheet, row, len(TIMELINESS_HEADERS), f"{_year_to_date(data)}无应报送的月报")
        return
    for index, item in enumerate(items, start=1):
        sheet.put(row, 1, index, "居中")
        sheet.put(row, 2, item.unit)
        for column, count in enumerate((item.expected, item.on_time, item.late, item.missing), start=3):
            sheet.count(row, column, count)
        sheet.share(row, 7, on_time_rate(item.expected, item.on_time), "居中百分比")
        row += 1
    expected = sum(t.expected for t in items)
    on_time = sum(t.on_time for t in items)
    sheet.merged(row, 1, 2, "合计", "合计")
    for column, value in enumerate((expected, on_time, sum(t.late for t in items), sum(t.missing for t in items)), 3):
        sheet.count(row, column, value, bold=True)
    sheet.share(row, 7, on_time_rate(expected, on_time), "合计居中百分比")


def _lagging_sheet(sheet: xlsx.Sheet, data: BulletinData, *, label: str) -> None:
    _, row = xlsx.table_top(
        sheet,
        label=label,
        title=_attachment_title(data, "滞后事项清单（红灯）"),
        info=_info(data),
        headers=SLOW_HEADERS,
        widths=SLOW_WIDTHS,
    )
    red: list[IndicatorRow] = [item for item in data.rows if item.light == RED]
    if not red:
        xlsx.empty_row(sheet, row, len(SLOW_HEADERS), "本季度无红灯事项")
    for index, item in enumerate(red, start=1):
        write_behind_row(sheet, row, index, item)
        row += 1


# Helpers ----------------------------------------------------------------------------------
