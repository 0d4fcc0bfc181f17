"""The 正文 of the 季通报, in the manner of published 目标任务完成情况通报: one set of sentences
that the xlsx's 总体情况 sheet and the 通报 document (reports.builders.document) both print.
Plain data in, text out."""

from __future__ import annotations

from reports.builders import xlsx
from reports.builders.data import BulletinData, IndicatorRow, UnitStanding, UnitTimeliness
from reports.metrics import GREEN, GREY, RED, YELLOW
from targets.calendar import on_time_rate

LIST_LIMIT = 10  # names spelled out in the text before "等N项"


def as_of_text(data: BulletinData) -> str:
    """What the figures stand for: 截至2025年第四季度末, or, for a quarter not yet over,
    数据截至11月（本季度尚未结束）: the end of the last month evaluated, never the quarter's."""
    if data.quarter_over:
        return f"截至{xlsx.quarter_label(data.year, data.quarter)}末"
    return f"数据截至{data.evaluated_month}月（本季度尚未结束）"


def _unfinished(data: BulletinData) -> str:
    return "" if data.quarter_over else f"（数据截至{data.evaluated_month}月，本季度尚未结束）"


def _progress_text(data: BulletinData) -> str:
    """The time progress of an annual target at the month evaluated: 三个季度75%, 11个月91.7%."""
    month = data.evaluated_month
    if month % 3 == 0:
        return xlsx.QUARTER_PROGRESS[month // 3]
    return f"{month}个月{xlsx.percent_text(month / 12)}"


def overall_text(data: BulletinData) -> str:
    """The opening paragraph, as 宣城's 目标任务完成情况通报 word it."""
    rows = data.rows
    total = len(rows)
    if not total:
        return "本季度暂无纳入调度的目标任务。"
    counts = _light_counts(rows)
    reached = counts[GREEN]
    parts = [
        f"{as_of_text(data)}，全市共有目标任务{total}项，"
        f"达到序时进度{reached}项，占比{xlsx.percent_text(reached / total)}"
        f"（序时进度：年度目标{_progress_text(data)}，计划期累计和截止时点目标按各自时间窗口计算）。"
    ]
    done = list(data.completed_for_year)
    if done:
        parts.append(f"其中，已完成年度目标的有{len(done)}项：{_names(done)}。")
    behind = [row for row in rows if row.light in (YELLOW, RED)]
    if behind:
        named = _names(f"{row.indicator}（完成率{xlsx.percent_text(row.completion)}）" for row in behind)
        parts.append(
            f"未达到序时进度（低于序时进度，或增幅低于目标任务）的有{len(behind)}项"
            f"（黄灯{counts[YELLOW]}项、红灯{counts[RED]}项）：{named}。"
        )
    else:
        parts.append("各项目标任务均达到序时进度。")
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
    parts = [_class_ranking_text(klass, [s for s in data.standings if s.klass == klass]) for klass in classes]
    return "".join(parts) or "本季度暂无可排名的单位。"


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
        text += f"逾期或未报送的单位有：{_names(_tardiness(t) for t in tardy)}。"
    else:
        text += "各单位均按时报送。"
    return text


def lagging_text(data: BulletinData) -> str:
    red = [row for row in data.rows if row.light == RED]
    if not red:
        return "本季度无红灯事项。"
    units = list(dict.fromkeys(unit for row in red for unit in row.responsible_units))
    text = f"红灯事项{len(red)}项（详见附件4）"
    if units:
        text += f"，涉及责任单位：{xlsx.listing(units, LIST_LIMIT, '等{count}个单位')}"
    return text + "。请相关单位对照时序进度查找差距、分析原因，采取有力措施加快推进，确保完成年度目标任务。"


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
