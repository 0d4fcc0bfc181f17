"""The ledger as an xlsx: the page's export and `manage.py export_ledger` write the same
workbook (one row per problem)."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from policies.textguard import keep_as_text

HEADERS = ["编号", "标题", "提出人", "承办单位", "办结期限", "状态", "办结日期", "是否超期", "来源", "相关指标", "企业"]
WIDTHS = [11, 40, 18, 18, 12, 9, 12, 9, 12, 24, 24]
RED = PatternFill("solid", fgColor="F8D7DA")


def raised_by_label(problem) -> str:
    unit = problem.raised_unit.name if problem.raised_unit_id else ""
    person = (problem.raised_by.get_full_name() or problem.raised_by.username) if problem.raised_by_id else ""
    return "·".join(x for x in (unit, person) if x) or "—"


def ledger_rows(problems, today: dt.date) -> list[list]:
    rows = []
    for p in problems:
        rows.append(
            [
                p.number,
                p.title,
                raised_by_label(p),
                p.assignee.name if p.assignee_id else "",
                p.due_date,
                p.get_state_display(),
                timezone.localdate(p.closed_at) if p.closed_at else None,
                "是" if p.is_overdue(today) else "否",
                p.get_source_display(),
                p.indicator.name if p.indicator_id else "",
                p.firm_name,
            ]
        )
    return rows


def ledger_workbook(*, policy, problems, today: dt.date) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "问题台账"
    ws.append([f"{policy.title} · 问题台账（截至{today:%Y年%m月%d日}）"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(HEADERS)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E9ECEF")
    for row in ledger_rows(problems, today):
        ws.append(row)
        for cell in ws[ws.max_row]:
            keep_as_text(cell)  # a title typed by a clerk stays text, never a formula
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        if row[7] == "是":
            ws.cell(ws.max_row, 8).fill = RED
    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A3"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
