"""The 正文 of the 季通报, in the manner of published 目标任务完成情况通报: one set of sentences
that the xlsx's 总体情况 sheet and the 通报 document (reports.builders.document) both print.
Plain data in, text out."""

from __future__ import annotations

from collections import Counter

from policies import numbers
from reports.builders import xlsx
from reports.builders.data import BulletinData, IndicatorRow, UnitFigure, UnitStanding, UnitTimeliness
from reports.builders.ledger import counts_sentence
from reports.metrics import GREEN, GREY, RED, YELLOW
from targets.calendar import on_time_rate

LIST_LIMIT = 10  # names spelled out in the text before "等N项"


def as_of_text(data: BulletinData) -> str:
    """What the figures stand for: 截至2025年第四季度末, or, for a quarter not yet over,
    截至2025年11月末（本季度尚未结束）: the end of the last month evaluated, never the quarter's."""
    if data.quarter_over:
        return f"截至{xlsx.quarter_label(data.year, data.quarter)}末"
    return f"截至{data.year}年{data.evaluated_month}月末（本季度尚未结束）"


def _unfinished(data: BulletinData) -> str:
    return "" if data.quarter_over else f"（数据截至{data.year}年{data.evaluated_month}月末，本季度尚未结束）"


def _progress_text(data: BulletinData) -> str:
    """The time progress of an annual target at the month evaluated: 三个季度75%, 11个月91.7%."""
    month = data.evaluated_month
    if month % 3 == 0:
        return xlsx.QUARTER_PROGRESS[month // 3]
    return f"{month}个月{xlsx.percent_text(month / 12)}"


area_word = xlsx.area_word


def threshold_text(data: BulletinData) -> str:
    """The time progress the lights were judged against, every one in use: 年度目标上半年50%,
    and the plan and deadline targets' own (62.5%) where they differ."""
    annual = data.evaluated_month / 12
    others = sorted(
        {
            round(row.progress, 4)
            for row in data.rows
            if row.progress is not None and row.progress < 1 and abs(row.progress - annual) > 1e-6
        }
    )
    text = f"时序进度：年度目标{_progress_text(data)}"
    if others:
        text += f"，计划期累计和截止时点目标{'、'.join(xlsx.percent_text(p) for p in others)}"
    return text


def overall_text(data: BulletinData) -> str:
    """The opening paragraph, as 宣城's 目标任务完成情况通报 word it."""
    rows = data.rows
    total = len(rows)
    if not total:
        return "本季度暂无纳入调度的目标任务。"
    counts = _light_counts(rows)
    reached = counts[GREEN]
    parts = [
        f"{as_of_text(data)}，{area_word(data.header.city)}共有目标任务{total}项，"
        f"达到时序进度{reached}项，占比{xlsx.percent_text(reached / total)}（{threshold_text(data)}）。"
    ]
    done = list(data.completed_for_year)
    if done:
        parts.append(f"其中，已完成{data.year}年度目标的有{len(done)}项：{_names(done)}。")
    ahead = list(data.completed_ahead)
    if ahead:
        parts.append(f"已提前达到计划期目标的有{len(ahead)}项：{_names(ahead)}。")
    behind = [row for row in rows if row.light in (YELLOW, RED)]
    if behind:
        named = _names(f"{row.indicator}（完成率{xlsx.percent_text(row.completion)}）" for row in behind)
        parts.append(
            f"未达到时序进度（低于时序进度，或增幅低于目标任务）的有{len(behind)}项"
            f"（黄灯{counts[YELLOW]}项、红灯{counts[RED]}项）：{named}。"
        )
    else:
        parts.append("各项目标任务均达到时序进度。")
    if counts[GREY]:
        # Grey is "not yet due" or "no target for this year" (a due figure missing counts 0).
        parts.append(
            f"尚未到考核期或无分年度目标的有{counts[GREY]}项：{_names(row.indicator for row in rows if row.light == GREY)}。"
        )
    return "".join(parts)


def ranking_text(data: BulletinData) -> str:
    """Per class, "总分居前3位的是…，居后3位的是…" and who moved most since last quarter; a
    class too small to rank is named with its scores."""
    classes = list(dict.fromkeys(s.klass for s in data.standings))
    parts = [
        _class_ranking_text(class_label(data, klass), [s for s in data.standings if s.klass == klass])
        for klass in classes
    ]
    return "".join(parts) or "本季度暂无可排名的单位。"


def class_label(data: BulletinData, klass: str) -> str:
    """市直部门 of a city; 区直部门 of a development zone or district (Lutai)."""
    area = area_word(data.header.city)
    return klass.replace("市直", f"{area[-1]}直") if klass else klass


def _class_ranking_text(klass: str, standings: list[UnitStanding]) -> str:
    ranked = [s for s in standings if s.rank is not None]
    who = klass or "参评单位"
    if not ranked:
        listed = [s for s in standings if s.score is not None]
        if not listed:
            return ""
        return f"{who}参评单位或计分指标不足，不排名，得分为：{_standings(listed)}。"
    top, bottom = top_and_bottom(standings)
    text = f"{who}参与排名的{len(ranked)}个单位中，总分居前{len(top)}位的是{_standings(top)}"
    text += f"；居后{len(bottom)}位的是{_standings(bottom)}。" if bottom else "。"
    rose = max(ranked, key=lambda s: s.change or 0)
    fell = min(ranked, key=lambda s: s.change or 0)
    moves = []
    if rose.change and rose.change > 0:
        moves.append(f"排名上升最多的是{rose.unit}（{xlsx.change_text(rose.change)}）")
    if fell.change and fell.change < 0:
        moves.append(f"下降最多的是{fell.unit}（{xlsx.change_text(fell.change)}）")
    if moves:
        text += "与上季度相比，" + "，".join(moves) + "。"
    return text


def _year_to_date(data: BulletinData) -> str:
    """The months the on-time rate counts: January to the month evaluated, as in the ranking."""
    return f"{data.year}年1—{data.evaluated_month}月"


def problems_text(data: BulletinData) -> str:
    """问题办理: the ledger's counts at the month evaluated, and the units with items past due."""
    text = f"{as_of_text(data)}，{counts_sentence(data.ledger_counts)}（详见{attachment_label(data, 'problems')}）。"
    late = [c for c in data.ledger_counts if c.overdue]
    if late:
        named = "、".join(f"{c.unit}（{c.overdue}件）" for c in sorted(late, key=lambda c: -c.overdue))
        text += f"超期办理的单位有：{named}。"
    return text


def timeliness_text(data: BulletinData) -> str:
    items = data.timeliness
    expected = sum(t.expected for t in items)
    if not expected:
        return f"{_year_to_date(data)}无应报送的月报。"
    on_time = sum(t.on_time for t in items)
    late = sum(t.late for t in items)
    missing = sum(t.missing for t in items)
    text = (
        f"{_year_to_date(data)}，各单位应报送月报{expected}份，按时报送{on_time}份，逾期报送{late}份，"
        f"未报送{missing}份，按时报送率{xlsx.percent_text(on_time_rate(expected, on_time))}。"
    )
    tardy = [t for t in items if t.late or t.missing]
    if tardy:
        more = "等{count}个单位（详见" + attachment_label(data, "timeliness") + "）"
        text += f"逾期或未报送的单位有：{xlsx.listing([_tardiness(t) for t in tardy], LIST_LIMIT, more)}。"
    else:
        text += "各单位均按时报送。"
    return text


def lagging_text(data: BulletinData) -> str:
    red = [row for row in data.rows if row.light == RED]
    if not red:
        return "本季度无红灯事项。"
    units = list(dict.fromkeys(u.unit for row in red for u in row.units_behind))
    text = f"红灯事项{len(red)}项（详见{attachment_label(data, 'lagging')}）"
    if units:
        text += f"，低于时序进度的责任单位：{xlsx.listing(units, LIST_LIMIT, '等{count}个单位')}"
    return text + "。请相关单位对照时序进度查找差距、分析原因，采取有力措施加快推进，确保完成年度目标任务。"


def key_rows(data: BulletinData) -> list[IndicatorRow]:
    """The key indicators: those that two or more units carry figures of their own for;
    each gets a per-unit sheet among the attachments (who is behind and by how much)."""
    return [row for row in data.rows if sum(1 for u in row.units if u.light != GREY) >= 2]


def attachments(data: BulletinData) -> list[tuple[str, str]]:
    """The attachments in order, (key, title): the xlsx's sheets and the 附件 list of the 通报."""
    period = xlsx.quarter_label(data.year, data.quarter)
    items = [("indicators", f"{period}指标完成情况表")]
    if key_rows(data):
        items.append(("units", f"{period}重点指标分单位完成情况表"))
    items += [
        ("ranking", f"{period}{ranking_title(data)}表"),
        ("timeliness", f"月报报送情况表（{_year_to_date(data)}）"),
        ("lagging", f"{period}滞后事项清单"),
    ]
    if any(c.collected for c in data.ledger_counts):
        # The ledger's table is an attachment like the others: labelled, and listed in the 通报.
        items.append(("problems", f"{period}问题办理情况表"))
    items.append(("explain", "指标计算说明"))
    return items


def attachment_label(data: BulletinData, key: str) -> str:
    return f"附件{[k for k, _ in attachments(data)].index(key) + 1}"


def ranking_title(data: BulletinData) -> str:
    """排名 named for the classes it holds: Taizhou's four bureaus are not 县区."""
    classes = [class_label(data, k) for k in dict.fromkeys(s.klass for s in data.standings) if k]
    return f"{'和'.join(classes)}排名" if classes else "县区部门排名"


def top_and_bottom(standings: list[UnitStanding]) -> tuple[list[UnitStanding], list[UnitStanding]]:
    """The 前三 and 后三 as tiered by the ranking; by position when no tier is given."""
    ranked = [s for s in standings if s.rank is not None]
    if any(s.tier for s in ranked):
        return [s for s in ranked if s.tier == "前三"], [s for s in ranked if s.tier == "后三"]
    top = ranked[:3]
    return top, ranked[len(top) :][-3:]


def _light_counts(rows: list[IndicatorRow]) -> dict[str, int]:
    counts = dict.fromkeys(xlsx.LIGHTS, 0)
    for row in rows:
        counts[xlsx.light_key(row.light)] += 1
    return counts


def _names(names) -> str:
    return xlsx.listing(names, LIST_LIMIT, "等{count}项（详见附件1）")


def _standings(items: list[UnitStanding]) -> str:
    return "、".join(f"{s.unit}（{xlsx.one_decimal(s.score)}分）" if s.score is not None else s.unit for s in items)


def _tardiness(item: UnitTimeliness) -> str:
    parts = []
    if item.late:
        parts.append(f"逾期{item.late}份")
    if item.missing:
        parts.append(f"未报{item.missing}份")
    return f"{item.unit}（{'、'.join(parts)}）"


# The 通报's own paragraphs (reports.builders.tongbao) -------------------------------------


def points_below(figure) -> str:
    """How far a completion is below its time progress, in whole-looking points: 34, 12.5."""
    return numbers.decimal_text(abs(figure.gap) * 100, 1, trim=True)


def behind_text(figure: UnitFigure | IndicatorRow, name: str) -> str:
    """ "XX县完成41%，低于时序进度34个百分点"; a unit that did not report, or over a ceiling,
    says so instead."""
    return name + _behind_figures(figure)


def _behind_figures(figure: UnitFigure | IndicatorRow) -> str:
    note = figure.note or ""
    if "未报送" in note:
        return "未报送，按0计"
    if note.startswith("超出"):
        return note.split("；")[0]
    if figure.completion is None or figure.gap is None:
        return "暂无数据"
    text = f"完成{xlsx.percent_text(figure.completion)}"
    if figure.gap < 0:
        text += f"，低于时序进度{points_below(figure)}个百分点"
    return text


def units_behind_text(units: list[UnitFigure]) -> str:
    """The units behind, furthest first, those with the same figures named together:
    "甲、乙完成0%，低于时序进度75个百分点；丙未报送，按0计"."""
    groups: dict[str, list[str]] = {}
    for unit in units:
        groups.setdefault(_behind_figures(unit), []).append(unit.unit)
    return "；".join(f"{'、'.join(names)}{figures}" for figures, names in groups.items())


def lagging_items(data: BulletinData) -> list[tuple[str, str]]:
    """Per indicator behind time progress (red first, then yellow): its heading and what the
    city and each unit behind on it did, furthest behind first."""
    area = area_word(data.header.city)
    behind = sorted(
        (row for row in data.rows if row.light in (RED, YELLOW)),
        key=lambda row: (row.light != RED, row.gap if row.gap is not None else -9),
    )
    items = []
    for row in behind:
        light = "红灯" if row.light == RED else "黄灯"
        text = behind_text(row, area)
        if row.to_date is not None:
            amount = "累计" if row.measure == "flow" else "现为"
            text += f"；{amount}{numbers.figure(row.to_date)}{row.unit_of_measure}，目标{row.target_text}"
        text += "。"
        units = row.units_behind
        evaluated = [u for u in row.units if u.light != GREY]
        if len(evaluated) > 1 and units:
            text += f"其中，{units_behind_text(units)}。"
        elif evaluated or row.lead_units:
            text += f"责任单位：{'、'.join(u.unit for u in evaluated) or '、'.join(row.lead_units)}。"
        items.append((f"{row.indicator}（{light}）", text))
    return items


def ranking_items(data: BulletinData) -> list[tuple[str, str]]:
    """Per class: its name and its ranking sentence, with 通报表扬 / 约谈督办 as the policy's
    letter sets them."""
    letter = data.letter
    items = []
    for klass in dict.fromkeys(s.klass for s in data.standings):
        standings = [s for s in data.standings if s.klass == klass]
        klass = class_label(data, klass)
        text = _class_ranking_text(klass, standings)
        if not text:
            continue
        top, bottom = top_and_bottom(standings)
        if letter.commend_top and top:
            text += f"对{'、'.join(s.unit for s in top)}予以通报表扬。"
        if letter.interview_bottom and bottom:
            text += f"对{'、'.join(s.unit for s in bottom)}进行约谈督办。"
        items.append((klass or "参评单位", text))
    return items


def requirements_items(data: BulletinData) -> list[tuple[str, str]]:
    """下步工作要求: the reviewer's or the policy's text, one item a line; else drafted from
    the red items and the late reports."""
    given = [line.strip() for line in data.letter.requirements.splitlines() if line.strip()]
    if given:
        return [("", line) for line in given]
    red = [row for row in data.rows if row.light == RED]
    items = []
    if red:
        units = Counter(u.unit for row in red for u in row.units_behind)
        named = [name for name, _ in units.most_common()]
        who = xlsx.listing(named, 6, "等{count}个单位") if named else "各责任单位"
        items.append(
            (
                "加快推进滞后事项。",
                f"{xlsx.listing([row.indicator for row in red], 3, '等{count}项指标')}"
                f"{'' if len(red) > 3 else '指标'}低于时序进度较多，"
                f"{who}要对照目标任务逐项查找差距、分析原因，制定针对性措施，确保按期完成{data.year}年度目标任务。",
            )
        )
    else:
        items.append(("巩固推进成效。", "各责任单位要保持工作力度，对照年度目标抓好落实，确保各项目标任务按期完成。"))
    items.append(
        (
            "压实工作责任。",
            "各牵头单位要发挥牵头抓总作用，加强对配合单位的指导调度，及时会商解决推进中的困难和问题。",
        )
    )
    tardy = [t.unit for t in data.timeliness if t.late or t.missing]
    text = "各单位要按时报送月度进展情况和数据，确保数据真实准确。"
    if tardy:
        text = f"{xlsx.listing(tardy, 6, '等{count}个单位')}存在逾期或未报送情况，要切实加强数据报送工作。" + text
    items.append(("严格按时报送。", text))
    return items
