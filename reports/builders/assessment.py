"""年考核 result table as an xlsx: data in (reports.assessment.Assessment), bytes out."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from policies.numbers import percent_number
from policies.textguard import keep_as_text

HEADERS = ["名次", "单位", "完成率得分", "报送及时率", "问题办结率", "基础分", "加减分", "加减分事由", "总分"]
WIDTHS = [6, 22, 11, 11, 11, 9, 8, 40, 9]


def assessment_xlsx(result) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = f"{result.year}年度考核"
    ws.append([f"{result.policy.title} · {result.year}年度考核结果"])
    ws["A1"].font = Font(bold=True, size=14)
    w = result.weights
    ws.append([f"权重：完成率{w[0]:g}、报送及时率{w[1]:g}、问题办结率{w[2]:g}；总分 = 加权得分（百分制） + 加减分"])
    ws.append(HEADERS)
    thin = Side(style="thin", color="999999")
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for row in result.rows:
        reasons = "；".join(f"{i.points:+g} {i.reason}" for i in row.items)
        ws.append(
            [
                row.rank,
                row.unit.name,
                percent_number(row.completion),
                percent_number(row.timeliness),
                "无交办" if row.closure is None else percent_number(row.closure),
                float(row.base),
                float(row.adjustment),
                reasons,
                float(row.score),
            ]
        )
        for cell in ws[ws.max_row]:
            keep_as_text(cell)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    for r in ws.iter_rows(min_row=3, max_row=ws.max_row):
        for cell in r:
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToHeight = 0
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
