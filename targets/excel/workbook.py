"""The Excel round trip of a monthly report (openpyxl).

A unit downloads its own pre-filled template; the identity of policy, unit and period is
embedded and signed, so a file cannot be uploaded for another one. An upload is read into
a preview (old → new, errors and warnings by cell) and saved only when confirmed. A
reviewer's workbook holds one sheet per unit and goes through the same reader.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from policies.numbers import figure
from policies.textguard import keep_as_text, safe_sheet_title

from ..entry import EntryRow, TaskGroup
from ..validation import NumberInvalid, Rule, check_value, parse_number
from ..wording import describe_target

MAX_BYTES = 5 * 1024 * 1024
# Limits read from the zip directory before anything is decompressed (a template of a few
# hundred indicators is well under 1 MB unpacked, in about 15 parts).
MAX_UNCOMPRESSED = 50 * 1024 * 1024
MAX_MEMBERS = 200
MAX_RATIO = 100  # for a part over 1 MB unpacked
RATIO_FLOOR = 1024 * 1024
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE file: legacy .xls, or an encrypted .xlsx
META_SHEET = "_模板标识"
FORMAT = "ptp-report-v1"
HEADER_ROW = 6
COLUMNS = ["序号", "任务", "指标", "计量单位", "填报口径", "今年目标", "上月", "本月填报", "说明", "指标代码"]
VALUE_COL, NOTE_COL, CODE_COL = 8, 9, 10
TEXT_LABELS = {"progress_text": "工作进展", "problems_text": "存在问题", "next_steps_text": "下步计划"}

THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="D9E2F3")
INPUT_FILL = PatternFill("solid", fgColor="FFF9DB")
FONT = "Noto Sans CJK SC"


class ExcelRejected(Exception):
    """The whole file is refused; the message says why, in Chinese."""


@dataclass(frozen=True)
class Identity:
    policy: str
    unit: str
    period: str

    def signature(self, codes: list[str]) -> str:
        message = "|".join([FORMAT, self.policy, self.unit, self.period, *codes]).encode()
        return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:32]


@dataclass
class SheetData:
    """What one sheet of an upload says for one unit: values, notes and texts by indicator code."""

    identity: Identity
    sheet: str
    values: dict[str, tuple[str, object]] = field(default_factory=dict)  # code → (cell reference, raw)
    notes: dict[str, str] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _target_text(row: EntryRow) -> str:
    """The city's target and, beside it, the unit's share of it (本单位分解), as on the page.
    In the target's own cell: the columns a filled-in template is read by stay where they were."""
    city = "；".join(describe_target(t, row.indicator.unit_of_measure) for t in row.targets)
    if row.share is None:
        return city
    return f"{city}\n本单位分解：{figure(row.share)}{row.indicator.unit_of_measure}"


def _write_sheet(
    ws,
    *,
    identity: Identity,
    title: str,
    unit_name: str,
    period_text: str,
    due_text: str,
    groups: list[TaskGroup],
    texts: dict[str, str],
) -> list[str]:
    ws.sheet_view.showGridLines = False
    ws["A1"] = f"{title}"
    keep_as_text(ws["A1"])
    ws["A1"].font = Font(name=FONT, bold=True, size=13)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS) - 1)
    ws["A2"] = f"填报单位：{unit_name}　　报告期：{period_text}　　截止：{due_text}"
    ws["A3"] = "说明：只在黄色单元格填写数字（当月数填本月发生数，月末数填月底存量）；不要改动其他单元格和工作表。"
    ws["A4"] = "数据异常（如超过近几个月中位数3倍、存量下降）请在“说明”列写明原因。"
    for r in (2, 3, 4):
        ws.cell(r, 1).font = Font(name=FONT, size=10, color="444444")
    for col, name in enumerate(COLUMNS, start=1):
        cell = ws.cell(HEADER_ROW, col, name)
        cell.font = Font(name=FONT, bold=True)
        cell.fill = HEAD_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    number_rule = DataValidation(
        type="decimal",
        operator="between",
        formula1="-1000000000",
        formula2="1000000000000",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="请填写数字",
        error="本单元格只能填写数字（可带小数点）。",
    )
    ws.add_data_validation(number_rule)
    codes = []
    r = HEADER_ROW
    n = 0
    for group in groups:
        for row in group.rows:
            r += 1
            n += 1
            ind = row.indicator
            codes.append(ind.code)
            cells = [
                n,
                f"{group.task.number + '. ' if group.task.number else ''}{group.task.title}",
                ind.name,
                ind.unit_of_measure,
                row.entry_label,
                _target_text(row),
                float(row.last_month) if row.last_month is not None else None,
                float(row.value.value) if row.value and row.value.value is not None else None,
                row.value.note if row.value else "",
                ind.code,
            ]
            for col, value in enumerate(cells, start=1):
                cell = ws.cell(r, col, value)
                cell.font = Font(name=FONT, size=10)
                cell.border = BORDER
                cell.alignment = Alignment(vertical="center", wrap_text=col in (2, 3, 6, 9))
                keep_as_text(cell)  # text, never a formula
            for col in (VALUE_COL, NOTE_COL):
                ws.cell(r, col).fill = INPUT_FILL
                ws.cell(r, col).protection = Protection(locked=False)
            ws.cell(r, VALUE_COL).number_format = "#,##0.####"
            number_rule.add(ws.cell(r, VALUE_COL))
    r += 2
    for name, label in TEXT_LABELS.items():
        ws.cell(r, 1, label).font = Font(name=FONT, bold=True)
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=NOTE_COL)
        cell = keep_as_text(ws.cell(r, 2, texts.get(name, "")))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.fill = INPUT_FILL
        cell.protection = Protection(locked=False)
        ws.row_dimensions[r].height = 60
        r += 1
    for col, width in enumerate([6, 26, 30, 9, 9, 30, 10, 12, 28, 2], start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.column_dimensions[get_column_letter(CODE_COL)].hidden = True
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 4)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.set_password(identity.signature([])[:12])
    return codes


def build_template(sheets: list[dict]) -> bytes:
    """One workbook; each sheet dict has identity, title, unit_name, period_text, due_text, groups, texts, name."""
    wb = Workbook()
    wb.remove(wb.active)
    meta = wb.create_sheet(META_SHEET)
    meta.append(["format", "sheet", "policy", "unit", "period", "signature"])
    for spec in sheets:
        ws = wb.create_sheet(safe_sheet_title(spec["name"], wb.sheetnames))
        codes = _write_sheet(
            ws,
            identity=spec["identity"],
            title=spec["title"],
            unit_name=spec["unit_name"],
            period_text=spec["period_text"],
            due_text=spec["due_text"],
            groups=spec["groups"],
            texts=spec["texts"],
        )
        ident = spec["identity"]
        meta.append([FORMAT, ws.title, ident.policy, ident.unit, ident.period, ident.signature(codes)])
        for cell in meta[meta.max_row]:
            keep_as_text(cell)  # the title comes from a unit's name: text, never a formula
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True
    wb.active = 0
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


NOT_EXCEL = "文件不是有效的 Excel（.xlsx）文件，可能是改了扩展名的其他文件或已损坏。"
DAMAGED = "文件已损坏，不是有效的 Excel（.xlsx）文件，请重新下载模板填写。"


def _refuse_non_xlsx(name: str, data: bytes) -> None:
    """Refuse from the bytes and the zip directory alone, before any part is parsed: wrong
    kind, encrypted, damaged, or a zip that would unpack to far more than a template."""
    lowered = (name or "").lower()
    if len(data) == 0:
        raise ExcelRejected("文件是空的。")
    if len(data) > MAX_BYTES:
        raise ExcelRejected(f"文件超过 {MAX_BYTES // 1024 // 1024} MB，请确认上传的是本平台的填报模板。")
    if lowered.endswith(".xlsm") or lowered.endswith(".xls") or lowered.endswith(".csv"):
        kind = {".xlsm": "含宏的 .xlsm", ".xls": "旧版 .xls", ".csv": "CSV"}[lowered[lowered.rfind(".") :]]
        raise ExcelRejected(f"不接受{kind}文件，请上传本平台下载的 .xlsx 模板。")
    if data.startswith(CFB_MAGIC):
        # Excel saves a workbook with an opening password as an OLE file holding the
        # encrypted package; an OLE file without one is a legacy .xls renamed.
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise ExcelRejected("文件设有密码保护，无法读取；请在 Excel 中取消密码后再上传。")
        raise ExcelRejected("文件是旧版 .xls 格式或设有密码保护；请取消密码并另存为 .xlsx 后再上传。")
    if not data.startswith(b"PK\x03\x04"):
        raise ExcelRejected(NOT_EXCEL)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_sizes(archive.infolist())
            types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
            if archive.testzip() is not None:  # bounded by the checks above
                raise ExcelRejected(DAMAGED)
    except ExcelRejected:
        raise
    except Exception:  # BadZipFile, KeyError, EOFError, zlib.error, NotImplementedError…
        raise ExcelRejected(DAMAGED) from None
    if "macroEnabled" in types or "vbaProject" in types:
        raise ExcelRejected("文件含有宏（.xlsm），出于安全原因不接受，请另存为 .xlsx 后上传。")


def _check_sizes(members: list[zipfile.ZipInfo]) -> None:
    """The declared sizes are an upper bound: zipfile stops a part at its declared size and
    then fails its CRC check, so a part cannot unpack to more than the directory says."""
    if len(members) > MAX_MEMBERS:
        raise ExcelRejected(
            f"文件包含的部件过多（{len(members)} 个，上限 {MAX_MEMBERS} 个），不是本平台的填报模板，请重新下载模板填写。"
        )
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED:
        raise ExcelRejected(
            f"文件解压后过大（约 {total // 1024 // 1024} MB，上限 {MAX_UNCOMPRESSED // 1024 // 1024} MB），"
            "不是本平台的填报模板，请重新下载模板填写。"
        )
    for m in members:
        if m.file_size > RATIO_FLOOR and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise ExcelRejected("文件压缩比异常（疑似恶意构造的压缩文件），出于安全原因不接受，请重新下载模板填写。")


def _open(data: bytes, *, data_only: bool):
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except Exception:  # openpyxl raises many kinds for damaged parts
        raise ExcelRejected("文件已损坏，无法读取；请重新下载模板填写。") from None


Grid = dict[tuple[int, int], tuple[object, str]]  # (row, column) → (value, openpyxl data type)


def _grid(ws) -> Grid:
    """The template's columns of a sheet, read in one pass (a read-only sheet re-reads
    its XML on every random cell access)."""
    grid = {}
    for row in ws.iter_rows(max_col=CODE_COL):
        for cell in row:
            if cell.value is not None:
                grid[(cell.row, cell.column)] = (cell.value, cell.data_type)
    return grid


def read_upload(name: str, data: bytes) -> list[SheetData]:
    """Read every unit sheet of an uploaded template; raise ExcelRejected for a bad file.

    The file is parsed once, read-only and with its formulas; only a file whose figures
    are formulas is opened a second time, for the results the spreadsheet stored.
    """
    _refuse_non_xlsx(name, data)
    wb = _open(data, data_only=False)
    try:
        if META_SHEET not in wb.sheetnames:
            raise ExcelRejected("这不是本平台下载的填报模板（缺少模板标识），请先下载模板再填写。")
        try:
            meta = list(wb[META_SHEET].iter_rows(min_row=2, values_only=True))
            grids = []
            for row in meta:
                if not row or row[0] != FORMAT:
                    continue
                _fmt, sheet_name, policy, unit, period, signature = (list(row) + [None] * 6)[:6]
                # The sheet is found by the title the template recorded, the unit by its code.
                if sheet_name not in wb.sheetnames:
                    raise ExcelRejected(f"模板中的工作表“{sheet_name}”被删除或改名，请重新下载模板。")
                identity = Identity(str(policy), str(unit), str(period))
                grids.append((str(sheet_name), identity, str(signature), _grid(wb[sheet_name])))
        except ExcelRejected:
            raise
        except Exception:
            raise ExcelRejected("文件已损坏，无法读取；请重新下载模板填写。") from None
    finally:
        wb.close()
    if not grids:
        raise ExcelRejected("模板标识无效，请重新下载模板。")
    cached = _cached_results(data, grids)
    return [
        _read_sheet(title, grid, identity, signature, cached.get(title, {}))
        for title, identity, signature, grid in grids
    ]


def _cached_results(data: bytes, grids) -> dict[str, dict[int, object]]:
    """The stored results of the formulas in the figure column, by sheet and row."""
    wanted = {
        title: {r for (r, c), (_v, kind) in grid.items() if c == VALUE_COL and kind == "f"}
        for title, _i, _s, grid in grids
    }
    if not any(wanted.values()):
        return {}
    wb = _open(data, data_only=True)
    try:
        results = {}
        for title, rows in wanted.items():
            if rows:
                ws = wb[title]
                results[title] = {
                    row[0].row: row[0].value
                    for row in ws.iter_rows(min_row=min(rows), max_row=max(rows), min_col=VALUE_COL, max_col=VALUE_COL)
                    if row and row[0].row in rows
                }
        return results
    finally:
        wb.close()


def _read_sheet(title: str, grid: Grid, identity: Identity, signature: str, cached: dict[int, object]) -> SheetData:
    def value(r, c):
        return grid.get((r, c), (None, "n"))[0]

    data = SheetData(identity=identity, sheet=title)
    codes = []
    r = HEADER_ROW + 1
    while value(r, CODE_COL):
        code = str(value(r, CODE_COL))
        codes.append(code)
        ref = f"{get_column_letter(VALUE_COL)}{r}"
        raw, kind = grid.get((r, VALUE_COL), (None, "n"))
        if kind == "f":
            result = cached.get(r)
            if result is None:
                raw = _FormulaWithoutValue(str(raw))
            else:
                data.warnings.append(f"{title}!{ref} 是公式，已按计算结果 {result} 取值。")
                raw = result
        data.values[code] = (ref, raw)
        note = value(r, NOTE_COL)
        data.notes[code] = "" if note is None else str(note).strip()
        r += 1
    if not hmac.compare_digest(identity.signature(codes), signature or ""):
        raise ExcelRejected(f"工作表“{title}”的模板标识或指标行被改动，请重新下载模板填写。")
    label_rows = {value(rr, 1): rr for rr in range(r, r + 8)}
    for name, label in TEXT_LABELS.items():
        if label in label_rows:
            text = value(label_rows[label], 2)
            data.texts[name] = "" if text is None else str(text).strip()
    return data


class _FormulaWithoutValue(str):
    """A formula whose result the file does not carry (never computed by a spreadsheet)."""


@dataclass
class Change:
    cell: str
    indicator_id: int
    indicator: str
    old: str
    new: str
    errors: list[str]
    warnings: list[str]


def preview(sheet: SheetData, rows: list[EntryRow]) -> tuple[list[Change], dict[int, object], dict[int, str]]:
    """Compare an uploaded sheet with what is saved: every change with its errors and warnings.

    Returns the changes and the values and notes to save, keyed by indicator id.
    """
    by_code = {row.indicator.code: row for row in rows}
    unknown = set(sheet.values) - set(by_code)
    if unknown:
        raise ExcelRejected(f"工作表“{sheet.sheet}”含有不属于本单位的指标，请重新下载模板。")
    changes, values, notes = [], {}, {}
    for code, (cell, raw) in sheet.values.items():
        row = by_code[code]
        ind = row.indicator
        errors, warnings = [], []
        if isinstance(raw, _FormulaWithoutValue):
            errors.append("是没有计算结果的公式，请粘贴为数值")
            number = None
        else:
            try:
                number = parse_number(raw)
            except NumberInvalid as exc:
                errors.append(str(exc))
                number = None
        if number is not None:
            check = check_value(
                number,
                Rule(is_ratio=ind.unit_of_measure == "%", allow_negative=ind.growth_rate, decimals=ind.decimals),
                row.history,
                is_level=ind.measure == "level",
                direction_up=ind.direction == "up",
            )
            errors += check.errors
            warnings += check.warnings
        note = sheet.notes.get(code, "")
        if warnings and not note:
            warnings.append("请在“说明”列写明原因")
        old = row.typed
        new = "" if raw is None else (f"{number.normalize():f}" if number is not None else str(raw))
        old_note = row.value.note if row.value else ""
        if old != new or note != old_note or errors:
            changes.append(Change(cell, ind.pk, ind.name, old, new, errors, warnings))
        values[ind.pk] = new  # as text: the save parses it again, exactly as a typed figure
        notes[ind.pk] = note
    return changes, values, notes
