"""The 督查督办 sheets of the documents: the dispatch's 问题台账 (open and overdue items at
the cut-off, and the 包联 officials who missed a month's visit) and the bulletin's 问题办理
(收集N件、已办结N件、办结率、超期N件 per unit). Data in (supervision.selectors' dataclasses,
carried on DispatchData / BulletinData), cells out; no query, no clock."""

from __future__ import annotations

from . import xlsx

LEDGER_HEADERS = ["序号", "编号", "问题", "类别", "承办单位", "提出日期", "办结期限", "状态", "超期天数"]
LEDGER_WIDTHS = [6, 11, 40, 10, 18, 11, 11, 9, 9]
COUNT_HEADERS = ["序号", "承办单位", "收集（件）", "已办结（件）", "办结率", "超期（件）"]
COUNT_WIDTHS = [6, 24, 12, 12, 10, 10]


def write_ledger_sheet(sheet: xlsx.Sheet, ledger, missing_visits, *, title: str, info: str) -> None:
    """问题台账 of the dispatch: open items, overdue first, then the missing visits."""
    _, row = xlsx.table_top(sheet, title=title, info=info, headers=LEDGER_HEADERS, widths=LEDGER_WIDTHS)
    items = sorted(ledger.open_items, key=lambda i: (-i.days_late, i.number))
    if not items:
        xlsx.empty_row(sheet, row, len(LEDGER_HEADERS), "无在办问题")
        row += 1
    for number, item in enumerate(items, start=1):
        sheet.put(row, 1, number, "居中")
        sheet.put(row, 2, item.number, "居中")
        sheet.put(row, 3, item.title)
        sheet.put(row, 4, item.kind, "居中")
        sheet.put(row, 5, item.unit)
        sheet.put(row, 6, xlsx.date_label(item.raised_date), "居中")
        sheet.put(row, 7, xlsx.date_label(item.due_date) if item.due_date else "—", "居中")
        sheet.put(row, 8, item.state + ("（已延期）" if item.extensions and item.state != "已延期" else ""), "居中")
        sheet.put(row, 9, item.days_late if item.days_late else "—", "居中")
        row += 1
    summary = f"在办{len(items)}件，其中超期{len(ledger.overdue_items)}件；待交办{ledger.pending}件。"
    sheet.merged(row, 1, len(LEDGER_HEADERS), summary, "文本")
    row += 2
    if missing_visits:
        sheet.merged(row, 1, len(LEDGER_HEADERS), "包联领导未按月入企走访", "表头")
        row += 1
        for visit in missing_visits:
            text = f"{visit.year}年{visit.month}月：{visit.official}（包联{visit.firms}家企业）无走访记录"
            sheet.merged(row, 1, len(LEDGER_HEADERS), text, "文本")
            row += 1


def write_counts_sheet(sheet: xlsx.Sheet, counts, *, title: str, info: str, label: str | None = None) -> None:
    """问题办理 of the bulletin: per unit 收集、已办结、办结率、超期, with the total."""
    _, row = xlsx.table_top(sheet, label=label, title=title, info=info, headers=COUNT_HEADERS, widths=COUNT_WIDTHS)
    if not counts:
        xlsx.empty_row(sheet, row, len(COUNT_HEADERS), "本期无交办问题")
        return
    for number, c in enumerate(counts, start=1):
        sheet.put(row, 1, number, "居中")
        sheet.put(row, 2, c.unit)
        sheet.count(row, 3, c.collected)
        sheet.count(row, 4, c.closed)
        sheet.share(row, 5, c.closure_rate, "居中百分比")
        sheet.count(row, 6, c.overdue)
        row += 1
    collected = sum(c.collected for c in counts)
    closed = sum(c.closed for c in counts)
    sheet.merged(row, 1, 2, "合计", "合计")
    sheet.count(row, 3, collected, bold=True)
    sheet.count(row, 4, closed, bold=True)
    sheet.share(row, 5, closed / collected if collected else None, "合计居中百分比")
    sheet.count(row, 6, sum(c.overdue for c in counts), bold=True)


def counts_sentence(counts) -> str:
    """收集N件、已办结N件、办结率N%、超期N件 for the whole policy."""
    collected = sum(c.collected for c in counts)
    closed = sum(c.closed for c in counts)
    overdue = sum(c.overdue for c in counts)
    rate = xlsx.percent_text(closed / collected) if collected else "—"
    return f"收集问题{collected}件、已办结{closed}件、办结率{rate}、超期{overdue}件"
