"""What every workbook the portal issues shares: fonts, fills of the lights, number formats,
the print set-up of an A4 landscape document, text that is never a formula, row heights
for wrapped text, and the Chinese wording of months, quarters, percentages and rank changes.

Font: "Noto Sans CJK SC" (Debian's fonts-noto-cjk) renders in LibreOffice, which is what
turns the bulletin into PDF here; Excel on a machine without it substitutes its own CJK
font (等线 / 宋体), so the file reads the same either way. The Normal style keeps Excel's
Calibri, so column widths mean what Excel users expect; LibreOffice on Debian substitutes a
wider font and draws every column about a fifth wider, which fit-to-width absorbs.

Speed: a bulletin can have tens of thousands of rows. Styles are NamedStyles registered
once per workbook; a cell is created sharing its style's precomputed StyleArray (what
openpyxl's own `cell.style = name` assigns, without the name lookup, the copy and the
value setter).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import struct
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.chart.text import RichText, Text
from openpyxl.chart.title import Title
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties, RegularTextRun
from openpyxl.drawing.text import Font as TextFont
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from policies import numbers
from reports.builders.data import ReportHeader
from reports.metrics import GREEN, GREY, LIGHT_LABELS, RED, YELLOW

FONT_NAME = "Noto Sans CJK SC"

PERCENT = "0.0%"
# "#,##0.##" leaves a dangling point on whole numbers ("1,800.") in Excel and LibreOffice
# alike, so whole numbers get "#,##0" and the rest "#,##0.0#".
INTEGER = "#,##0"
DECIMAL = "#,##0.0#"
POINTS = "+0.0;-0.0;0.0"  # percentage points, signed
SCORE = "0.0"

LIGHTS = (GREEN, YELLOW, RED, GREY)
# Cell fills are pale so the black word stays legible; the word carries the meaning in print.
LIGHT_FILLS = {GREEN: "C6EFCE", YELLOW: "FFEB9C", RED: "FFC7CE", GREY: "E7E6E6"}
LIGHT_FONTS = {GREEN: "006100", YELLOW: "7F6000", RED: "9C0006", GREY: "404040"}
# Chart colours are far apart in luminance (red < green < grey < yellow) so that a
# black-and-white print still tells the series apart.
CHART_COLOURS = {GREEN: "4F9A3A", YELLOW: "FFE066", RED: "C00000", GREY: "BFBFBF"}
CHART_LABEL_COLOURS = {GREEN: "FFFFFF", YELLOW: "000000", RED: "FFFFFF", GREY: "000000"}  # legible on the bar

FORMULA_TRIGGERS = ("=", "+", "-", "@")
_NUMBERS = frozenset({int, float, Decimal})
MAX_CELL_TEXT = 32_767

A4 = 9  # ECMA-376 paperSize
DASH = "—"

ROW_HEIGHT = 18  # points: a single line of 10.5 pt text with some air
DEFAULT_ROW_HEIGHT = 15  # points: a row left to the application (Calibri 11)
LINE_HEIGHT = 1.42  # Noto Sans CJK's line spacing, in multiples of the font size

_HEADER_FILL = "D9E1F2"
_SECTION_FILL = "EDEDED"

_thin = Side(style="thin", color="000000")
_BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)


def _style(name, *, size=10.5, bold=False, colour="000000", fill=None, border=True, fmt="General", **align):
    alignment = {"vertical": "center", "wrap_text": True} | align
    return NamedStyle(
        name=name,
        font=Font(name=FONT_NAME, size=size, bold=bold, color=colour),
        fill=PatternFill("solid", fgColor=fill) if fill else PatternFill(),
        border=_BORDER if border else Border(),
        alignment=Alignment(**alignment),
        number_format=fmt,
    )


def _style_specs() -> list[NamedStyle]:
    """Every style the builders use, made once per workbook (a NamedStyle binds to one)."""
    specs = [
        _style("标题", size=16, bold=True, border=False, horizontal="center"),
        _style("副标题", size=11, border=False, horizontal="center"),
        _style("落款", size=11, border=False, horizontal="right"),
        _style("附件号", size=11, bold=True, border=False, horizontal="left"),
        _style("小标题", size=12, bold=True, border=False, horizontal="left", vertical="bottom"),
        _style("正文", size=11, border=False, horizontal="left", vertical="top"),
        _style("注释", size=9, colour="404040", border=False, horizontal="left", vertical="top"),
        _style("表头", bold=True, fill=_HEADER_FILL, horizontal="center"),
        _style("分组", bold=True, fill=_SECTION_FILL, horizontal="left"),
        _style("文本", horizontal="left", indent=1),
        _style("居中", horizontal="center"),
        _style("整数", horizontal="right", indent=1, fmt=INTEGER),
        _style("小数", horizontal="right", indent=1, fmt=DECIMAL),
        _style("百分比", horizontal="right", indent=1, fmt=PERCENT),
        _style("百分点", horizontal="right", indent=1, fmt=POINTS),
        _style("得分", horizontal="center", fmt=SCORE),
        _style("计数", horizontal="center", fmt=INTEGER),
        _style("合计计数", bold=True, horizontal="center", fmt=INTEGER),
        _style("居中百分比", horizontal="center", fmt=PERCENT),
        _style("合计居中百分比", bold=True, horizontal="center", fmt=PERCENT),
        _style("合计", bold=True, horizontal="center"),
        _style("合计整数", bold=True, horizontal="right", indent=1, fmt=INTEGER),
        _style("合计百分比", bold=True, horizontal="right", indent=1, fmt=PERCENT),
        _style("前三", bold=True, colour=LIGHT_FONTS[GREEN], fill=LIGHT_FILLS[GREEN], horizontal="center"),
        _style("后三", bold=True, colour=LIGHT_FONTS[RED], fill=LIGHT_FILLS[RED], horizontal="center"),
    ]
    for light in LIGHTS:
        specs.append(
            _style(f"灯_{light}", bold=True, colour=LIGHT_FONTS[light], fill=LIGHT_FILLS[light], horizontal="center")
        )
        specs.append(_style(f"灯头_{light}", bold=True, fill=LIGHT_FILLS[light], horizontal="center"))
    return specs


STYLE_SIZES = {spec.name: spec.font.sz for spec in _style_specs()}
PROSE_STYLES = ("正文", "注释")  # paragraphs the builders write, broken into lines here


class Sheet:
    """A worksheet with the shared styles: `put` writes a value in a named style, `number`,
    `share` and `light` pick the style from the value. Every string goes in as text, never a
    formula.

    Neither Excel nor LibreOffice grows a row to fit wrapped text when it opens a file, so
    the sheet keeps, per row, the most lines any of its wrapped cells needs and `finish`
    sets the heights from that."""

    def __init__(self, ws: Worksheet, arrays: dict[str, StyleArray], row_height: float | None = ROW_HEIGHT):
        self.ws = ws
        self.row_height = row_height
        self._arrays = arrays
        self._widths: dict[int, float] = {}
        self._lines: dict[int, float] = {}  # row → lines × font size of its tallest cell
        self._minimum: dict[int, float] = {}
        self._fitted: dict[tuple, float] = {}  # the same texts recur down a column
        self._blocks: list[tuple[int, int, int, int, str, str]] = []  # merged text: rows, columns, text, style
        self._groups: list[tuple[int, int]] = []  # row ranges printed on one page

    def prose(self, row: int, column: int, text: str, style: str = "文本"):
        """Generated text in a wrapped cell, broken into lines that keep 避头尾."""
        return self.put(row, column, prose_lines(text, self.column_width(column), STYLE_SIZES[style]), style)

    def put(self, row: int, column: int, value, style: str = "文本", *, fit: bool = True):
        # The cell is made and registered directly, as openpyxl's own reader does, and shares
        # its style's StyleArray (cells here never change style once written): going through
        # `ws.cell()`, the `value` setter and a copy per cell costs a third of a large bulletin.
        cell = Cell(self.ws, row=row, column=column)
        if isinstance(value, str):
            value = clean_text(value)
            # Always text: the `value` setter would read "=…" as a formula and "#N/A" as an error.
            cell._value = value
            cell.data_type = "s"
            if value.startswith(FORMULA_TRIGGERS):
                # Excel keeps the apostrophe-style marker, so an edit does not turn it into a formula.
                cell._style = StyleArray(self._arrays[style])
                cell._style.quotePrefix = 1
            else:
                cell._style = self._arrays[style]
            if fit and column in self._widths:
                key = (value, column, style)
                points = self._fitted.get(key)
                if points is None:
                    size = STYLE_SIZES[style]
                    points = self._fitted[key] = line_count(value, self._widths[column], size) * size
                if points > self._lines.get(row, 0) and points > STYLE_SIZES[style]:
                    self._lines[row] = points
        else:
            if type(value) in _NUMBERS:
                cell._value = value  # data_type stays "n"
            elif value is not None:
                cell.value = value
            cell._style = self._arrays[style]
        self.ws._cells[(row, column)] = cell
        return cell

    def number(self, row: int, column: int, value, *, bold: bool = False):
        """A reported figure: thousands separators, no dangling point; a dash when absent."""
        if value is None:
            return self.put(row, column, DASH, "合计" if bold else "居中")
        whole = value == int(value) if isinstance(value, Decimal | float) else isinstance(value, int)
        if whole:
            return self.put(row, column, value, "合计整数" if bold else "整数")
        return self.put(row, column, value, "小数")

    def count(self, row: int, column: int, value: int, *, bold: bool = False):
        """A small count (reports, lights) in a summary table: centred."""
        return self.put(row, column, value, "合计计数" if bold else "计数")

    def share(self, row: int, column: int, value: float | None, style: str = "百分比"):
        """A fraction shown as a percentage (or points, or a score); a dash when absent. The
        cell keeps the exact figure; its format shows it half up, as the text does."""
        if value is None:
            return self.put(row, column, DASH, "居中")
        return self.put(row, column, value, style)

    def light(self, row: int, column: int, light: str):
        return self.put(row, column, LIGHT_LABELS.get(light, LIGHT_LABELS[GREY]), f"灯_{light_key(light)}")

    def row(self, row: int, values: Sequence, styles: Sequence[str] | str = "文本") -> None:
        for offset, value in enumerate(values):
            style = styles if isinstance(styles, str) else styles[offset]
            self.put(row, offset + 1, value, style)

    def merged(
        self,
        row: int,
        first: int,
        last: int,
        value,
        style: str,
        *,
        height: float | None = None,
        to_row=None,
        prose=False,
    ):
        """A merged block (titles, paragraphs, group rows). Every cell of the block gets the
        style so that borders and fills run along it. A block's height is given, not fitted."""
        end = to_row or row
        single = last == first and end == row
        if (prose or style in PROSE_STYLES) and isinstance(value, str):
            value = prose_lines(value, sum(self.column_width(c) for c in range(first, last + 1)), STYLE_SIZES[style])
        for r in range(row, end + 1):
            for column in range(first, last + 1):
                self.put(r, column, value if (r, column) == (row, first) else None, style, fit=single)
        if not single:
            self.ws.merge_cells(start_row=row, start_column=first, end_row=end, end_column=last)
            if isinstance(value, str) and value:
                self._blocks.append((row, end, first, last, clean_text(value), style))
            if end > row:
                self._groups.append((row, end))
        if height:
            self.ws.row_dimensions[row].height = height

    def keep_together(self, first: int, last: int) -> None:
        """Rows `first`–`last` print on one page (a page break goes before them if need be)."""
        self._groups.append((first, last))

    def widths(self, widths: Sequence[float]) -> None:
        for index, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = width
            self._widths[index] = width

    def at_least(self, row: int, height: float) -> None:
        """A row at least `height` points high, taller if its text needs it."""
        self._minimum[row] = height

    def finish(self) -> None:
        """Row heights: what the wrapped text of each row needs, at least the sheet's row
        height; rows given a height explicitly keep it. (LibreOffice ignores a sheet's
        default row height for rows that have cells, so each row gets its own.)"""
        dimensions = self.ws.row_dimensions
        base = self.row_height or 0
        for row in range(1, self.ws.max_row + 1):
            dimension = dimensions[row]
            if dimension.height is None:
                fitted = round(self._lines[row] * LINE_HEIGHT + 4, 1) if row in self._lines else 0
                height = max(fitted, base, self._minimum.get(row, 0))
                if height:
                    dimension.height = height
        self._fit_blocks()
        self._keep_groups()

    def column_width(self, column: int) -> float:
        return self._widths.get(column) or self.ws.column_dimensions[get_column_letter(column)].width or 8.43

    def _fit_blocks(self) -> None:
        """A merged block's rows together as high as its text needs at the block's width:
        neither application grows them, so a short block would clip its first and last lines."""
        dimensions = self.ws.row_dimensions
        for top, bottom, first, last, text, style in self._blocks:
            width = sum(self.column_width(c) for c in range(first, last + 1))
            need = block_height(text, width, STYLE_SIZES[style])
            rows = range(top, bottom + 1)
            have = sum(dimensions[r].height or DEFAULT_ROW_HEIGHT for r in rows)
            if need > have + 0.05:
                extra = (need - have) / len(rows)
                for r in rows:
                    dimensions[r].height = round((dimensions[r].height or DEFAULT_ROW_HEIGHT) + extra, 1)

    def _keep_groups(self) -> None:
        """No merged cell cut at the foot of a page: a group of rows (a task's indicators
        under its merged task cell) that would run over it goes to the next page whole when
        it is short; a long one is split there, its merged cells ending on this page and
        beginning again on the next with their text, each part as high as the text needs.
        Pages are reckoned at the scale Excel fits the width to; LibreOffice, whose columns
        come out wider, fits more on a page, so the breaks hold in both."""
        ws = self.ws
        fitted = ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage
        if not self._groups or not fitted or ws.page_setup.fitToHeight == 1:
            return
        width_points = sum((self.column_width(c) * 7 + 5) * 0.75 for c in range(1, ws.max_column + 1))
        capacity = PAGE_HEIGHT / min(1.0, PAGE_WIDTH / width_points) - 4
        breaks: set[int] = set()
        for _ in range(50):  # each pass splits at most one group; a handful do in practice
            if not self._paginate(capacity, breaks):
                break
        for row in sorted(breaks):
            ws.row_breaks.append(Break(id=row - 1))

    def _paginate(self, capacity: float, breaks: set[int]) -> bool:
        """One pass over the pages: the breaks before short groups; True after splitting a
        long group (the heights changed: the pass is made again)."""
        ws = self.ws
        heights = {r: ws.row_dimensions[r].height or DEFAULT_ROW_HEIGHT for r in range(1, ws.max_row + 1)}
        repeated = 0.0
        if ws.print_title_rows:
            first, last = (int(n) for n in re.findall(r"\d+", ws.print_title_rows)[:2])
            repeated = sum(heights.get(r, 0) for r in range(first, last + 1))
        groups: dict[int, int] = {}
        for first, last in self._groups:
            groups[first] = max(groups.get(first, first), last)
        used = 0.0
        for row in range(1, ws.max_row + 1):
            if row in breaks:
                used = repeated
            elif row in groups:
                block = sum(heights[r] for r in range(row, groups[row] + 1))
                if used + block > capacity and used > repeated:
                    if block <= (capacity - repeated) * 0.4:
                        breaks.add(row)
                        used = repeated
                    else:
                        cut, room = row, used
                        while cut <= groups[row] and room + heights[cut] <= capacity:
                            room += heights[cut]
                            cut += 1
                        if cut == row:  # not even its first row fits: the group starts the next page
                            breaks.add(row)
                            used = repeated
                        else:
                            self._split_group(row, groups[row], cut)
                            breaks.add(cut)
                            return True
            elif used + heights[row] > capacity:  # the application's own break
                used = repeated
            used += heights[row]
        return False

    def _split_group(self, top: int, bottom: int, cut: int) -> None:
        """The merged blocks of rows top–bottom end at row cut − 1 and start again at cut,
        each part with the text and as high as it needs."""
        ws = self.ws
        self._groups = [(a, b) for a, b in self._groups if (a, b) != (top, bottom)] + [(top, cut - 1), (cut, bottom)]
        blocks = []
        for block in self._blocks:
            first_row, last_row, first, last, text, style = block
            if first_row < cut <= last_row:
                style_array = StyleArray(ws.cell(first_row, first)._style)
                ws.unmerge_cells(start_row=first_row, start_column=first, end_row=last_row, end_column=last)
                for r in range(first_row, last_row + 1):  # unmerging drops the covered cells
                    for c in range(first, last + 1):
                        cell = ws.cell(r, c)
                        cell._style = StyleArray(style_array)
                        if (r, c) == (cut, first):
                            cell._value, cell.data_type = text, "s"
                for part in ((first_row, cut - 1), (cut, last_row)):
                    if part[1] > part[0] or last > first:
                        ws.merge_cells(start_row=part[0], start_column=first, end_row=part[1], end_column=last)
                    blocks.append((part[0], part[1], first, last, text, style))
            else:
                blocks.append(block)
        self._blocks = blocks
        self._fit_blocks()


def light_key(light: str) -> str:
    return light if light in LIGHT_FILLS else GREY


class Book:
    """A workbook with the shared named styles registered and its document properties
    dated `stamp` (openpyxl would otherwise date them with the clock)."""

    def __init__(self, *, title: str, author: str, stamp: dt.datetime):
        self.wb = Workbook()
        self.wb.remove(self.wb.active)
        self.stamp = stamp
        self._arrays = {}
        self._sheets: list[Sheet] = []
        for spec in _style_specs():
            self.wb.add_named_style(spec)
            self._arrays[spec.name] = StyleArray(spec.as_tuple())
        naive_utc = stamp.astimezone(dt.UTC).replace(tzinfo=None)
        props = self.wb.properties
        props.title = title
        props.creator = props.lastModifiedBy = author
        props.created = props.modified = naive_utc
        props.language = "zh-CN"

    def sheet(self, name: str, row_height: float | None = ROW_HEIGHT) -> Sheet:
        """A new sheet; rows without a height of their own are `row_height` points high
        (None: the application's default)."""
        sheet = Sheet(self.wb.create_sheet(name), self._arrays, row_height)
        self._sheets.append(sheet)
        return sheet

    def to_bytes(self) -> bytes:
        """The workbook as bytes that depend only on its content and the stamp, so the same
        data gives the same checksum in the archive."""
        for sheet in self._sheets:
            sheet.finish()
        raw = io.BytesIO()
        # ExcelWriter rather than `wb.save()`, which would date the file "modified now".
        ExcelWriter(self.wb, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
        return restamp_zip(raw.getvalue(), timezone.localtime(self.stamp))


def restamp_zip(data: bytes, when: dt.datetime) -> bytes:
    """The zip with every entry dated `when` instead of the moment openpyxl wrote it.

    The date sits at fixed offsets of each local header and central directory record, so
    it is overwritten in place rather than by compressing the whole file again."""
    year = min(max(when.year, 1980), 2107)
    dos_time = (when.hour << 11) | (when.minute << 5) | (when.second // 2)
    dos_date = ((year - 1980) << 9) | (when.month << 5) | when.day
    buffer = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            struct.pack_into("<HH", buffer, info.header_offset + 10, dos_time, dos_date)
    end = buffer.rfind(b"PK\x05\x06")
    entries, _, position = struct.unpack_from("<HII", buffer, end + 10)
    for _ in range(entries):
        if buffer[position : position + 4] != b"PK\x01\x02":
            raise ValueError("unexpected zip layout")
        struct.pack_into("<HH", buffer, position + 12, dos_time, dos_date)
        name, extra, comment = struct.unpack_from("<HHH", buffer, position + 28)
        position += 46 + name + extra + comment
    return bytes(buffer)


PAGE_HEIGHT = 595 - 72 * (0.5 + 0.6)  # points of an A4 landscape page between the margins set below
PAGE_WIDTH = 842 - 72 * (0.5 + 0.5)


def print_setup(
    ws: Worksheet, *, title_rows: str | None = None, freeze: str | None = None, scale: int | None = None
) -> None:
    """A4 landscape, fit to the page width (as many pages down as it takes), centred, with
    the header rows repeated on every page and "第 N 页 共 M 页" in the footer.

    With `scale` the sheet prints at that percentage instead: Excel and LibreOffice then put
    the same rows on each page, which fit-to-width does not promise (their columns differ in
    width, so their fitted scales differ)."""
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = A4
    if scale:
        ws.page_setup.scale = scale
        ws.sheet_properties.pageSetUpPr.fitToPage = False
    else:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = 0.5
    ws.page_margins.bottom = 0.6
    ws.page_margins.header = 0.3
    ws.page_margins.footer = 0.3
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    ws.oddFooter.center.size = 9
    ws.oddFooter.center.font = FONT_NAME
    if title_rows:
        ws.print_title_rows = title_rows
    if freeze:
        ws.freeze_panes = freeze


def policy_named(header) -> str:
    """唐山市《强化创新引领…实施方案》, but 《湖州市聚焦…行动方案》 when the title already
    names the city."""
    title = f"《{header.policy_title}》"
    return title if header.policy_title.startswith(header.city) else f"{header.city}{title}"


def fit_on_one_page(ws: Worksheet, rows: int, *, limit: int = 45) -> None:
    """A table of up to `limit` rows prints on one page, slightly smaller, rather than
    leaving its last few rows alone on a second page."""
    if rows <= limit:
        ws.page_setup.fitToHeight = 1


# Sheet layouts --------------------------------------------------------------------------


def table_top(sheet: Sheet, *, title: str, info: str, headers, widths, label: str | None = None) -> tuple[int, int]:
    """Label (附件N), title, info line and the header row of a table sheet, with widths,
    print set-up (the header row repeats on each page) and the panes frozen below it.
    Returns (header row, first data row)."""
    last = len(headers)
    row = 1
    if label:
        sheet.merged(row, 1, last, label, "附件号", height=20)
        row += 1
    sheet.merged(row, 1, last, title, "标题", height=paragraph_height(title, sum(widths), 16) + 6)
    sheet.merged(row + 1, 1, last, info, "落款", height=max(20, paragraph_height(info, sum(widths))))
    head = row + 2
    sheet.widths(widths)
    sheet.row(head, headers, "表头")
    sheet.at_least(head, 24)
    print_setup(sheet.ws, title_rows=f"{head}:{head}", freeze=f"A{head + 1}")
    return head, head + 1


def empty_row(sheet: Sheet, row: int, columns: int, text: str = "无") -> None:
    sheet.merged(row, 1, columns, text, "居中")


def explain_sheet(sheet: Sheet, header: ReportHeader, *, subject: str, as_of: str = "") -> None:
    """说明: the formulas verbatim, the tolerance in force and the data cut-off."""
    width = 110
    sheet.widths([width])
    area = area_word(header.city)
    lines = [line.replace("全市", area) for line in header.formulas.splitlines() if line.strip()]
    title = lines.pop(0) if lines and "说明" in lines[0] else "指标计算说明"
    sheet.put(1, 1, title, "标题")
    sheet.ws.row_dimensions[1].height = 30
    row = 2
    for line in lines:
        sheet.prose(row, 1, line, "正文")
        row += 1
    tolerance = f"{header.tolerance:g}"
    notes = [
        f"本期黄灯容差：{tolerance}个百分点（完成率低于时序进度不超过{tolerance}个百分点为黄灯，超过为红灯）。",
        f"统计期：{subject}；{as_of + '，' if as_of else ''}计入{datetime_label(header.generated_at)}前审核通过的月报；"
        f"生成时间：{datetime_label(header.generated_at)}。",
        f"政策文件：《{header.policy_title}》" + (f"（{header.doc_number}）。" if header.doc_number else "。"),
    ]
    for line in notes:
        sheet.prose(row, 1, line, "正文")
        row += 1
    print_setup(sheet.ws)


# Charts -----------------------------------------------------------------------------------


def _characters(size: float, bold: bool = False, colour: str | None = None) -> CharacterProperties:
    face = TextFont(typeface=FONT_NAME)
    return CharacterProperties(sz=int(size * 100), b=bold, latin=face, ea=face, solidFill=colour)


def chart_text(size: float = 9, colour: str | None = None) -> RichText:
    """Text properties for a chart's axes and labels, in the workbook's font."""
    props = _characters(size, colour=colour)
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=props), endParaRPr=props)])


def chart_title(text: str, size: float = 12) -> Title:
    props = _characters(size, bold=True)
    rich = RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=props), r=[RegularTextRun(rPr=props, t=text)])])
    return Title(tx=Text(rich=rich), overlay=False)


# Text -------------------------------------------------------------------------------------

_CN_DIGITS = "〇一二三四五六七八九"
QUARTER_NAMES = {1: "一", 2: "二", 3: "三", 4: "四"}
# The time progress a quarter's end stands for in an annual target, worded as bulletins do.
QUARTER_PROGRESS = {1: "一个季度25%", 2: "上半年50%", 3: "三个季度75%", 4: "全年100%"}


def clean_text(text: str) -> str:
    """Text a cell can hold: control characters dropped, cut at Excel's limit."""
    if ILLEGAL_CHARACTERS_RE.search(text):
        text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return text if len(text) <= MAX_CELL_TEXT else text[: MAX_CELL_TEXT - 1] + "…"


def month_label(year: int, month: int) -> str:
    return f"{year}年{month}月"


def quarter_label(year: int, quarter: int) -> str:
    return f"{year}年第{QUARTER_NAMES[quarter]}季度"


def date_label(moment: dt.datetime | dt.date) -> str:
    if isinstance(moment, dt.datetime):
        moment = timezone.localtime(moment)
    return f"{moment.year}年{moment.month}月{moment.day}日"


def datetime_label(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def one_decimal(value: float, *, sign: bool = False) -> str:
    """`value` to one decimal, half up as Excel displays it: −31.25 → "-31.3"."""
    return numbers.decimal_text(value, 1, sign=sign)


def percent_text(share: float | None) -> str:
    """75.0% → "75%", 0.8333 → "83.3%"; a dash when absent."""
    return numbers.percent(share)


def points_text(gap: float | None) -> str:
    """C − P as signed percentage points: "+5.0", "-31.3"; a dash when absent."""
    return numbers.points(gap)


def change_text(change: int | None) -> str:
    """The change of rank since the last table: ↑2, ↓1, or — (same place, or new)."""
    if not change:
        return DASH
    return f"↑{change}" if change > 0 else f"↓{-change}"


def area_word(city: str) -> str:
    """全市 for a city, 全区 for a development zone or district, 全县 for a county."""
    return "全" + (city[-1] if city[-1:] in ("市", "区", "县") else "市")


def issuer(city: str, lead_unit: str) -> str:
    """ "市工业和信息化局" of 唐山市 signs as "唐山市工业和信息化局", "发展和改革局" of
    芦台经济开发区 as "芦台经济开发区发展和改革局"."""
    if not lead_unit or lead_unit.startswith(city):
        return lead_unit or city
    if lead_unit[0] in ("市", "区", "县") and city.endswith(lead_unit[0]):
        return city + lead_unit[1:]
    return city + lead_unit


_UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|\s\x00-\x1f]+')


def file_part(text: str, limit: int = 60) -> str:
    """Text fit for a file name on any system: no separators, reserved characters or spaces."""
    return _UNSAFE_IN_NAMES.sub("", text)[:limit] or "未命名"


def listing(names: Iterable[str], limit: int, more: str) -> str:
    """ "甲、乙、丙" — or the first `limit` and "等N项…" when there are more."""
    names = list(names)
    if len(names) <= limit:
        return "、".join(names)
    return "、".join(names[:limit]) + more.format(count=len(names))


def text_width(text: str) -> float:
    """Width in half-em units: a CJK character (three bytes in UTF-8) counts 2, the rest 1.1.
    Counted from the encoded length, which is fast enough for tens of thousands of rows."""
    wide = (len(text.encode("utf-8")) - len(text)) // 2
    return wide * 2 + (len(text) - wide) * 1.1


# 避头尾: what may not begin a line, and what may not end one. Neither Excel nor LibreOffice
# Calc keeps to it when wrapping a cell, so generated prose is broken into lines here.
NO_LINE_START = frozenset("、，。．）》」』”’；：！？％…,.;:!?)%")
NO_LINE_END = frozenset("（《「『“‘(")
BREAK_AFTER = frozenset("、，；。：")


def _per_line(width_units: float, size: float) -> float:
    return max((width_units * 7 - 14) / (size * 96 / 72 / 2), 4)


def prose_lines(text: str, width_units: float, size: float = 10.5) -> str:
    """`text` broken into the lines it wraps into at `width_units` (as `line_count` reckons,
    which errs on the narrow side), moved so that no line begins with closing punctuation
    or ends with an opening bracket, and no number is cut in two."""
    per_line = _per_line(width_units, size)
    out = []
    for paragraph in text.split("\n"):
        start, used = 0, 0.0
        for index, char in enumerate(paragraph):
            width = 2 if 0x800 <= ord(char) <= 0xFFFF else 1.1  # as text_width counts
            if used + width > per_line and index > start:
                cut = index
                # After a separator close by, rather than through a name ("市工业和信息化/局").
                for back in range(index, max(start + 1, index - 6), -1):
                    if paragraph[back - 1] in BREAK_AFTER and paragraph[back] not in NO_LINE_START:
                        cut = back
                        break
                while cut > start + 1 and (
                    paragraph[cut] in NO_LINE_START
                    or paragraph[cut - 1] in NO_LINE_END
                    or (paragraph[cut].isascii() and paragraph[cut].isalnum() and paragraph[cut - 1] in "0123456789.")
                ):
                    cut -= 1
                out.append(paragraph[start:cut])
                start = cut
                used = text_width(paragraph[start:index])
            used += width
        out.append(paragraph[start:])
    return "\n".join(out)


def line_count(text: str, width_units: float, size: float = 10.5) -> int:
    """Lines a wrapped text needs in a column (or merged block) `width_units` wide."""
    # A width unit is a Calibri digit, 7 px in Excel (LibreOffice, substituting its own
    # font, draws columns a little wider: the estimate errs on the roomy side). A CJK glyph
    # of `size` pt is size * 96 / 72 px, i.e. two half-em units; 5 px go to cell padding and
    # 9 px to the indent of text cells.
    per_line = max((width_units * 7 - 14) / (size * 96 / 72 / 2), 4)
    return sum(max(1, math.ceil(text_width(line) / per_line)) for line in text.split("\n"))


def wrapped_height(text: str, width_units: float, size: float = 10.5) -> float:
    """Row height in points for a wrapped `text` in one cell `width_units` wide."""
    return round(line_count(text, width_units, size) * LINE_HEIGHT * size + 4, 1)


def block_height(text: str, width_units: float, size: float = 10.5) -> float:
    """Height in points a merged block needs for its wrapped `text` (the indent of text cells
    and the cell padding counted, as for one cell)."""
    return round(line_count(text, width_units, size) * LINE_HEIGHT * size + 4, 1)


def paragraph_height(text: str, width_units: float, size: float = 11) -> float:
    """Row height in points of a merged block holding a wrapped paragraph (merged cells do
    not grow by themselves in Excel or LibreOffice)."""
    return round(line_count(text, width_units, size) * LINE_HEIGHT * size + 6, 1)
