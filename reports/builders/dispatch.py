"""月调度: the monthly dispatch of one policy as an xlsx, and the same content for its page.

Sheets: 月调度 (header, lights and reports counted, the indicators task by task, figures
awaiting review marked 待审核), 工作进展 (every reporting unit's narrative), 慢于时序进度事项
(yellow and red items, the units behind on each and by how much, what they reported),
下月重点 (next month's focus and the units past the due day that did not report), 说明
(the formulas). Plain data in, bytes out.
"""

from __future__ import annotations

from dataclasses import dataclass

from policies import numbers
from reports.builders import ledger, xlsx
from reports.builders.bulletin_text import units_behind_text
from reports.builders.data import DispatchData, IndicatorRow, Narrative
from reports.metrics import GREY, LIGHT_LABELS, RED, YELLOW

SLOW = (YELLOW, RED)

INDICATOR_HEADERS = (
    "任务",
    "牵头单位",
    "指标",
    "单位",
    "目标",
    "本月",
    "累计/当前值",
    "完成率",
    "时序进度",
    "与时序进度差距\n（百分点）",
    "状态",
)
INDICATOR_WIDTHS = (20, 18, 30, 5, 19, 10, 11, 8, 8, 11, 6)

NARRATIVE_HEADERS = ("序号", "单位", "工作进展", "存在问题", "下步计划")
NARRATIVE_WIDTHS = (6, 16, 46, 36, 38)

SLOW_HEADERS = (
    "序号",
    "任务",
    "指标",
    "目标",
    "累计/当前值",
    "完成率",
    "时序进度",
    "差距\n（百分点）",
    "状态",
    "低于时序进度的单位",
    "存在问题",
)
SLOW_WIDTHS = (5, 16, 22, 18, 9, 8, 8, 10, 6, 30, 30)

FOCUS_WIDTHS = (8, 110)


@dataclass(frozen=True)
class TaskGroup:
    task: str
    lead_units: list[str]
    rows: list[IndicatorRow]


@dataclass(frozen=True)
class SectionGroup:
    section: str
    tasks: list[TaskGroup]


def group_by_task(rows: list[IndicatorRow]) -> list[SectionGroup]:
    """Rows under their section and task, each in the order it first appears."""
    sections: dict[str, dict[str, list[IndicatorRow]]] = {}
    for row in rows:
        sections.setdefault(row.section, {}).setdefault(row.task, []).append(row)
    return [
        SectionGroup(section, [TaskGroup(task, list(items[0].lead_units), items) for task, items in tasks.items()])
        for section, tasks in sections.items()
    ]


def slow_rows(rows: list[IndicatorRow]) -> list[IndicatorRow]:
    """Behind time progress (慢序时): yellow and red, red first."""
    return sorted((row for row in rows if row.light in SLOW), key=lambda row: row.light != RED)


def units_text(units: list[str]) -> str:
    return "、".join(units) if units else xlsx.DASH


def month_cell(row: IndicatorRow):
    """This month's figure; with figures awaiting review, they are shown as such (待审核)
    rather than left out: "12（待审核）", "8（另有4待审核）", or, for a level, how many units."""
    values = [value for _unit, value in row.pending if value is not None]
    if not values:
        return row.period_value
    if row.measure != "flow":
        return f"{len(values)}个单位待审核"
    waiting = numbers.figure(sum(values))
    if row.period_value is None:
        return f"{waiting}（待审核）"
    return f"{numbers.figure(row.period_value)}（另有{waiting}待审核）"


def behind_units_text(row: IndicatorRow) -> str:
    """Who is behind on the item and by how much; the responsible units where no unit has
    figures of its own."""
    if row.units_behind:
        return units_behind_text(row.units_behind)
    return units_text(row.responsible_units)


def focus_items(data: DispatchData) -> list[str]:
    """下月工作重点: the red items with the units behind, the reports to chase and review."""
    items = []
    for row in slow_rows(data.rows):
        if row.light != RED:
            continue
        who = "、".join(u.unit for u in row.units_behind[:8]) or units_text(row.lead_units)
        more = "等单位" if len(row.units_behind) > 8 else ""
        items.append(
            f"加快推进“{row.indicator}”（完成{xlsx.percent_text(row.completion)}，时序进度"
            f"{xlsx.percent_text(row.progress)}），督促{who}{more}对照目标查找差距、加快进度。"
        )
    if data.missing_units:
        items.append(f"督促{units_text(data.missing_units)}补报{data.month}月月报。")
    if data.awaiting_review:
        items.append(f"及时审核{units_text(data.awaiting_review)}已报送的{data.month}月月报。")
    following = data.month % 12 + 1
    items.append(f"各单位按时报送{following}月月报，如实填写工作进展、存在问题和下步计划。")
    return items


def problems_text(row: IndicatorRow) -> str:
    return "\n".join(f"{unit}：{text}" for unit, text in row.problems if text) or xlsx.DASH


def dispatch_title(data: DispatchData) -> str:
    return f"{xlsx.policy_named(data.header)}{xlsx.month_label(data.year, data.month)}调度情况"


def dispatch_filename(data: DispatchData) -> str:
    """唐山市-强化创新引领推进产业集群高质量发展实施方案-2025年9月调度.xlsx"""
    policy = xlsx.file_part(data.header.policy_title)
    return f"{xlsx.file_part(data.header.city)}-{policy}-{data.year}年{data.month}月调度.xlsx"


def dispatch_context(data: DispatchData) -> dict:
    """What the dispatch page needs, worded as in the workbook: the page and the file say
    the same thing. Rows stay `IndicatorRow`s; the display strings sit next to them."""
    header = data.header
    lights = [(light, LIGHT_LABELS[light], data.lights.get(light, 0)) for light in xlsx.LIGHTS]

    def shown(row: IndicatorRow) -> dict:
        return {
            "row": row,
            "light_label": LIGHT_LABELS.get(row.light, LIGHT_LABELS[GREY]),
            "completion": xlsx.percent_text(row.completion),
            "progress": xlsx.percent_text(row.progress),
            "gap": xlsx.points_text(row.gap),
            "responsible": units_text(row.responsible_units),
            "problems": [f"{unit}：{text}" for unit, text in row.problems if text],
        }

    return {
        "title": dispatch_title(data),
        "filename": dispatch_filename(data),
        "city": header.city,
        "policy_title": header.policy_title,
        "doc_number": header.doc_number,
        "issuer": xlsx.issuer(header.city, header.lead_unit),
        "month_label": xlsx.month_label(data.year, data.month),
        "cutoff": xlsx.datetime_label(header.cutoff_at),
        "generated": xlsx.datetime_label(header.generated_at),
        "lights": lights,
        "lights_total": sum(count for _, _, count in lights),
        "reports": {
            "expected": data.reports_expected,
            "on_time": data.reports_on_time,
            "late": data.reports_late,
            "missing": data.reports_missing,
        },
        "sections": [
            {
                "section": group.section,
                "tasks": [
                    {
                        "task": task.task,
                        "lead_units": units_text(task.lead_units),
                        "rows": [shown(r) for r in task.rows],
                    }
                    for task in group.tasks
                ],
            }
            for group in group_by_task(data.rows)
        ],
        "narratives": data.narratives,
        "slow": [shown(row) for row in slow_rows(data.rows)],
        "missing_units": data.missing_units,
        "tolerance": header.tolerance,
        "formulas": header.formulas,
    }


def build_dispatch_xlsx(data: DispatchData) -> bytes:
    header = data.header
    book = xlsx.Book(
        title=dispatch_title(data), author=xlsx.issuer(header.city, header.lead_unit), stamp=header.generated_at
    )
    _summary_sheet(book.sheet("月调度"), data)
    _narrative_sheet(book.sheet("工作进展"), data)
    _slow_sheet(book.sheet("慢于时序进度事项"), data)
    _focus_sheet(book.sheet("下月重点"), data)
    if data.ledger is not None:
        title = f"{data.header.city}{xlsx.month_label(data.year, data.month)}问题台账（在办及超期事项）"
        ledger.write_ledger_sheet(
            book.sheet("问题台账"), data.ledger, data.missing_visits, title=title, info=info_line(data)
        )
    xlsx.explain_sheet(book.sheet("说明"), header, subject=xlsx.month_label(data.year, data.month))
    return book.to_bytes()


def info_line(data: DispatchData) -> str:
    header = data.header
    return (
        f"{xlsx.issuer(header.city, header.lead_unit)}　　数据截至{data.year}年{data.month}月末，"
        f"计入{xlsx.datetime_label(header.generated_at)}前审核通过的月报"
    )


def _summary_sheet(sheet: xlsx.Sheet, data: DispatchData) -> None:
    columns = len(INDICATOR_HEADERS)
    sheet.widths(INDICATOR_WIDTHS)
    title = dispatch_title(data)
    sheet.merged(1, 1, columns, title, "标题", height=xlsx.paragraph_height(title, sum(INDICATOR_WIDTHS), 16) + 6)
    info = info_line(data)
    sheet.merged(2, 1, columns, info, "落款", height=max(20, xlsx.paragraph_height(info, sum(INDICATOR_WIDTHS))))

    for row, text in ((3, lights_sentence(data)), (4, reports_sentence(data))):
        sheet.merged(row, 1, columns, text, "正文", height=xlsx.paragraph_height(text, sum(INDICATOR_WIDTHS)))

    head = 6
    sheet.row(head, INDICATOR_HEADERS, "表头")
    sheet.at_least(head, 24)
    xlsx.print_setup(sheet.ws, title_rows=f"{head}:{head}", freeze=f"A{head + 1}")

    row = head + 1
    groups = group_by_task(data.rows)
    if not groups:
        xlsx.empty_row(sheet, row, columns, "本月无调度指标")
    for group in groups:
        sheet.merged(row, 1, columns, group.section, "分组")
        row += 1
        for task in group.tasks:
            first = row
            for item in task.rows:
                sheet.put(row, 3, item.indicator)
                sheet.put(row, 4, item.unit_of_measure, "居中")
                sheet.prose(row, 5, item.target_text)
                value = month_cell(item)
                if isinstance(value, str):
                    sheet.put(row, 6, value, "居中")
                else:
                    sheet.number(row, 6, value)
                sheet.number(row, 7, item.to_date)
                sheet.share(row, 8, item.completion)
                sheet.share(row, 9, item.progress)
                sheet.share(row, 10, None if item.gap is None else item.gap * 100, "百分点")
                sheet.light(row, 11, item.light)
                row += 1
            sheet.merged(first, 1, 1, task.task, "文本", to_row=row - 1)
            sheet.merged(first, 2, 2, units_text(task.lead_units), "文本", to_row=row - 1, prose=True)


def lights_sentence(data: DispatchData) -> str:
    counts = "、".join(f"{LIGHT_LABELS[light]}{data.lights.get(light, 0)}项" for light in xlsx.LIGHTS)
    total = sum(data.lights.get(light, 0) for light in xlsx.LIGHTS)
    return f"指标状态：本月调度指标{total}项，其中{counts}。"


def reports_sentence(data: DispatchData) -> str:
    text = (
        f"月报报送：应报{data.reports_expected}份，按时报送{data.reports_on_time}份，"
        f"逾期报送{data.reports_late}份，逾期未报送{data.reports_missing}份"
        + (f"（{'、'.join(data.missing_units)}）" if data.missing_units else "")
    )
    if data.not_yet_due:
        due = f"{data.due_on.month}月{data.due_on.day}日" if data.due_on else "报送截止日"
        text += f"，未到报送截止日（{due}）尚未报送{len(data.not_yet_due)}份"
    if data.awaiting_review:
        text += f"；已报送待审核{len(data.awaiting_review)}份（{'、'.join(data.awaiting_review)}），其数据标注“待审核”，审核通过后计入完成情况"
    return text + "。"


def _narrative_sheet(sheet: xlsx.Sheet, data: DispatchData) -> None:
    title = f"{xlsx.policy_named(data.header)}{xlsx.month_label(data.year, data.month)}各单位工作进展"
    _, row = xlsx.table_top(
        sheet, title=title, info=info_line(data), headers=NARRATIVE_HEADERS, widths=NARRATIVE_WIDTHS
    )
    narratives: list[Narrative] = data.narratives
    if not narratives:
        xlsx.empty_row(sheet, row, len(NARRATIVE_HEADERS), "本月各单位未填报工作进展")
    for number, item in enumerate(narratives, start=1):
        sheet.put(row, 1, number, "居中")
        sheet.put(row, 2, f"{item.unit}（{item.state}）" if item.state else item.unit)
        sheet.prose(row, 3, item.progress or xlsx.DASH)
        sheet.prose(row, 4, item.problems or xlsx.DASH)
        sheet.prose(row, 5, item.next_steps or xlsx.DASH)
        row += 1


def _slow_sheet(sheet: xlsx.Sheet, data: DispatchData) -> None:
    title = f"{xlsx.policy_named(data.header)}{xlsx.month_label(data.year, data.month)}慢于时序进度事项"
    _, row = xlsx.table_top(sheet, title=title, info=info_line(data), headers=SLOW_HEADERS, widths=SLOW_WIDTHS)
    items = slow_rows(data.rows)
    if not items:
        xlsx.empty_row(sheet, row, len(SLOW_HEADERS), "本月无慢于时序进度的事项")
    for number, item in enumerate(items, start=1):
        write_behind_row(sheet, row, number, item)
        row += 1


def write_behind_row(sheet: xlsx.Sheet, row: int, number: int, item: IndicatorRow) -> None:
    """One item behind time progress, as the dispatch and the bulletin list them."""
    sheet.put(row, 1, number, "居中")
    sheet.put(row, 2, item.task)
    sheet.put(row, 3, item.indicator)
    sheet.prose(row, 4, item.target_text)
    sheet.number(row, 5, item.to_date)
    sheet.share(row, 6, item.completion)
    sheet.share(row, 7, item.progress)
    sheet.share(row, 8, None if item.gap is None else item.gap * 100, "百分点")
    sheet.light(row, 9, item.light)
    sheet.prose(row, 10, behind_units_text(item))
    sheet.prose(row, 11, problems_text(item))


def _focus_sheet(sheet: xlsx.Sheet, data: DispatchData) -> None:
    """下月工作重点 and, below it, the units past the due day that did not report: two short
    lists on one page rather than a page each."""
    columns = len(FOCUS_WIDTHS)
    width = sum(FOCUS_WIDTHS)
    sheet.widths(FOCUS_WIDTHS)
    title = f"{xlsx.policy_named(data.header)}{xlsx.month_label(data.year, data.month)}调度下月工作重点"
    sheet.merged(1, 1, columns, title, "标题", height=xlsx.paragraph_height(title, width, 16) + 6)
    info = info_line(data)
    sheet.merged(2, 1, columns, info, "落款", height=max(20, xlsx.paragraph_height(info, width)))
    row = 3
    sheet.merged(row, 1, columns, "一、下月工作重点", "小标题", height=24)
    row += 1
    for number, text in enumerate(focus_items(data), start=1):
        sheet.put(row, 1, number, "居中")
        sheet.prose(row, 2, text)
        row += 1
    row += 1
    heading = f"二、逾期未报送{data.month}月月报的单位（报送截止日已过）"
    sheet.merged(row, 1, columns, heading, "小标题", height=24)
    row += 1
    if not data.missing_units:
        sheet.merged(row, 1, columns, "无", "文本")
    for number, unit in enumerate(data.missing_units, start=1):
        sheet.put(row, 1, number, "居中")
        sheet.put(row, 2, unit)
        row += 1
    xlsx.print_setup(sheet.ws)
