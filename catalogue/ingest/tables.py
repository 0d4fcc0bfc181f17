"""Task tables flattened into text: 任务分工表, 重点任务清单, 任务分解表.

A copy of a table arrives as a header row ("序号 重点工作任务 牵头单位 配合单位 完成时限")
and then one line per row ("2 一般公共预算收入增长8%以上。 市财政局 市税务局 2025年12月"),
its cells separated by ``|``, tabs or runs of spaces; a cell of units may go on over the
next lines ("市工信局、市商务局、" / "市国资委|全年"). Each row is a task: its task cell the
text, the units of its 牵头/配合 (or 责任) columns its lead and co units, the year of its
完成时限 column (a month or quarter too) the deadline of what it does not date itself.

Also read here: a table copied one cell per line (a web page's table: "序号 / 重点任务 /
牵头单位 / … / 1 / task / units / deadline"), a Word table (one tab-separated line per row,
see ``textio``), a task table with a column per year, and tables of indicators
("序号 指标 单位 2023年(基期) 2025年 2026年" or "… 基期值 目标值"): one indicator a row, its
baseline, its 分年度目标 and its target.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .script import fold
from .units import Responsibility, is_county_group, listed_units, looks_like_unit, names_in, split_top

_ROLES = (
    ("number", r"^(序号|编号|序)$"),
    ("other", r"领导|分管|责任人|联系人|备注"),  # people and remarks, no units
    ("lead", r"牵头"),
    ("co", r"配合|协办|协助|参与|协同"),
    ("resp", r"责任|负责|主体|承办|实施"),
    ("deadline", r"时限|时间|期限|进度|完成|时序"),
    ("task", r"任务|内容|事项|工作|目标|举措|措施|名称|项目|指标"),
    ("other", r"."),
)
_SEPARATORS = {"|": r"[^|｜]+", "\t": r"[^\t]+", " ": r"\S+"}


@dataclass
class Header:
    sep: str
    roles: list[str]
    years: dict[int, tuple[int, bool]] = field(default_factory=dict)  # column → (year, baseline)

    def has(self, role: str) -> bool:
        return role in self.roles


@dataclass
class Row:
    number: str
    text: str
    line: int
    extra: list[str] = field(default_factory=list)
    vertical: bool = False  # copied one cell per line: each cell is a line of its own

    def add(self, line: str) -> None:
        self.extra.append(line)

    def joined(self, sep: str) -> str:
        out = self.text
        for line in self.extra:
            glue = "" if re.search(r"[、,，;；]$", fold(out).rstrip()) else sep
            out = out.rstrip() + glue + line.strip()
        return out


def _role(cell: str) -> str:
    folded = fold(cell).strip()
    for role, pattern in _ROLES:
        if re.search(pattern, folded):
            return role
    return "other"


def header(line: str) -> Header | None:
    """The header row of a flattened table, or None: 序号 and two or more named columns, no prose."""
    folded = fold(line).strip()
    if re.search(r"[。,;:：，；]", folded) or len(folded) > 80:
        return None
    sep = "|" if re.search(r"[|｜]", folded) else "\t" if "\t" in line else " "
    cells = [c for c in re.findall(_SEPARATORS[sep], folded) if c.strip()]
    if len(cells) < 3:
        return None
    roles = [
        "year" if _year_cell(c) else "unit" if re.fullmatch(r"(计量)?单位", fold(c).strip()) else _role(c)
        for c in cells
    ]
    named = sum(1 for r in roles if r in ("lead", "co", "resp", "deadline"))
    if roles[0] != "number" or "task" not in roles or named < 1 or len(set(roles)) < 3:
        return None
    years = {i: _year_cell(c) for i, c in enumerate(cells) if roles[i] == "year"}
    return Header(sep, roles, years)


def _year_cell(cell: str) -> tuple[int, bool] | None:
    m = _YEAR_CELL_RE.match(fold(cell).strip())
    if m and 1990 <= int(m.group("y")) <= 2100:
        return int(m.group("y")), bool(_BASE_NOTE_RE.search(m.group("note") or ""))
    return None


def row_start(line: str, table: Header) -> str | None:
    """The row number when ``line`` opens a row of ``table``."""
    folded = fold(line)
    m = _ROW_START_RE.match(folded)
    return m.group(1) if m else None


_ROW_START_RE = re.compile(r"^\s*(\d{1,3})(?:\s*[.、])?\s*(?:[|｜\t]\s*|\s+|(?<=[.、]))(?=\S)")


def _unit_cell(text: str) -> bool:
    parts = split_top(fold(text))
    return bool(parts) and all(
        looks_like_unit(re.sub(r"(等|分别)?(牵头|配合)?$", "", p))
        or is_county_group(p)
        or re.match(r"^(各|其他|其它)", p)
        or re.search(r"有关|相关", p)
        or re.fullmatch(r"(县级市|县|区|市|单位|部门|政府)", p)
        for p in parts
    )


def _deadline_cell(text: str) -> bool:
    folded = fold(text).strip()
    return bool(
        re.fullmatch(r"(?:\d{4}\s*年)?[^,，。]{0,12}(?:年|月|底|末|前|季度|长期|持续|每年|全年|年内|常态化)", folded)
    )


def continues(row: Row, line: str, table: Header) -> bool:
    """A line that goes on with the open row: the rest of a cell of units, or its deadline."""
    folded = fold(line).strip()
    if len(folded) > 80 or re.search(r"。", folded) and not re.search(r"[、,，]$", fold(row.joined(table.sep))):
        return False
    if re.search(r"[、,，]$", fold(row.joined(table.sep)).rstrip()):
        return True
    cells = re.findall(_SEPARATORS[table.sep], folded)
    return bool(cells) and all(_unit_cell(c) or _deadline_cell(c) for c in cells)


def _cells(text: str, table: Header) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(_SEPARATORS[table.sep], fold(text)) if m.group(0).strip()]


def _deadline_year(text: str) -> int | None:
    m = re.search(r"(\d{4})\s*年", fold(text))
    return int(m.group(1)) if m and 1990 <= int(m.group(1)) <= 2100 else None


def _deadline_month(text: str) -> int | None:
    """The month of a 完成时限 cell ("2025年6月底前" → 6; "2025年上半年" → 6), None for a whole year."""
    folded = fold(text)
    m = re.search(r"\d{4}\s*年\s*(\d{1,2})\s*月", folded)
    if m and 1 <= int(m.group(1)) <= 12:
        return int(m.group(1))
    quarter = re.search(r"\d{4}\s*年\s*(?:第)?([一二三四1-4])\s*季度", folded)
    if quarter:
        return 3 * ("一二三四".find(quarter.group(1)) + 1 if not quarter.group(1).isdigit() else int(quarter.group(1)))
    return 6 if re.search(r"\d{4}\s*年\s*上半年", folded) else None


def task_of(row: Row, table: Header, node, title_of):
    """The row as a task (a ``TaskNode``): the task cell its text, the units from their columns."""
    joined = row.joined(table.sep)
    spans = _cells(joined, table)
    number = _ROW_START_RE.match(fold(joined))
    if spans and number and number.end() < spans[0][1]:
        spans[0] = (number.end(), spans[0][1])  # "1.新增…": the number and the task share a cell
    else:
        spans = spans[1:]  # the number is the first cell
    first_line_end = len(row.text)
    roles = [r for r in table.roles if r != "number"]
    cells: dict[str, list[str]] = {}
    task_span = None
    if table.has("lead") and table.has("resp"):
        roles = ["co" if r == "resp" else r for r in roles]  # 牵头单位 | 责任单位: the others are co
    year_values = []
    if len(spans) == len(roles):
        for column, ((a, b), role) in enumerate(zip(spans, roles, strict=True), start=1):
            if role == "task" and row.vertical:  # each cell its own line: the last task cell is the text
                task_span = (a, b)
            elif role == "task":  # 重点任务 | 具体内容: the task's text runs over both
                task_span = (task_span[0] if task_span else a, b)
            elif role == "year":  # 2024年 | 2025年 | 2026年: the task's figure each year
                year_values.append((table.years[column if table.roles[0] == "number" else column - 1], joined[a:b]))
            else:
                cells.setdefault(role, []).append(joined[a:b])
    else:
        # Runs of spaces may also sit inside a cell: units and the deadline are read from the
        # end, the task is what stays at the front.
        rest = list(spans)
        if table.has("deadline") and rest and _deadline_cell(joined[slice(*rest[-1])]):
            cells["deadline"] = [joined[slice(*rest.pop())]]
        unit_roles = [r for r in roles if r in ("lead", "co", "resp")]
        taken: list[str] = []
        while rest and len(taken) < len(unit_roles) and len(rest) > 1 and _unit_cell(joined[slice(*rest[-1])]):
            taken.insert(0, joined[slice(*rest.pop())])
        for role, text in zip(unit_roles, taken, strict=False):
            cells.setdefault(role, []).append(text)
        if rest:
            task_span = rest[-1] if row.vertical else (rest[0][0], rest[-1][1])
    if task_span is None:
        task_span = (spans[0][0], spans[0][1]) if spans else (0, 0)
    a, b = task_span
    text = joined[a : min(b, first_line_end)] if a < first_line_end else joined[a:b]
    text = text.strip()
    result = Responsibility()
    for role in ("lead", "co", "resp"):
        for cell in cells.get(role, []):
            if role == "resp":
                listed_units(cell, result)
                continue
            names, counties = names_in(cell)
            result.counties = result.counties or counties
            target = result.lead if role == "lead" else result.co
            target.extend(n for n in names if n not in result.lead + result.co)
    cell = next((c for c in cells.get("deadline", []) if _deadline_year(c)), None)
    deadline = _deadline_year(cell) if cell else None
    task = node(row.number, title_of(text), text, 3, row.line)
    task.clause = result if (result.lead or result.co or result.counties) else None
    task.deadline = deadline
    task.deadline_month = _deadline_month(cell) if cell else None
    if year_values:
        task.indicator = _row_indicator(text, (cells.get("unit") or [""])[0], year_values)
    return task


def _row_indicator(name: str, unit: str, year_values) -> IndicatorRow | None:
    """A task row's figures by year ("新增规上企业（家）| 30 | 40 | 50"), as an indicator row."""
    m = re.search(r"[(（]\s*([^()（）]{1,6})\s*[)）]\s*$", name)
    if m and not unit:
        name, unit = name[: m.start()], m.group(1)
    values = []
    plan = False
    for (year, base), cell in year_values:
        v = _VALUE_RE.match(fold(cell).replace(" ", ""))
        if not v:
            continue
        op, suffix = v.group("op") or "", v.group("suffix") or ""
        value_max = float(v.group("v2")) if v.group("v2") else None
        comparison = (
            "range"
            if value_max is not None
            else "at_most"
            if op in ("≤", "<=", "<") or suffix in ("以下", "以内")
            else "at_least"
        )
        plan = plan or bool(v.group("bracket"))
        values.append((year, base, float(v.group("v")), value_max, comparison))
    if not values or not re.search(r"[\u4e00-\u9fff]", name):
        return None
    return IndicatorRow(name.strip(), unit.strip().replace("个百分点", "百分点"), values, plan)


# -- indicator tables -------------------------------------------------------------------------
# "序号 指标名称 单位 2022年(基期) 2024年 2025年 属性": one indicator a row, the year columns its
# baseline, its 分年度目标 (milestones) and, the last year, its target.

_YEAR_CELL_RE = re.compile(r"^(?P<y>\d{4})\s*年?(?:底|末)?\s*[(（]?(?P<note>[\u4e00-\u9fff]{0,4})[)）]?$")
_BASE_NOTE_RE = re.compile(r"基期|基数|基准|现状|实际|完成")
_VALUE_RE = re.compile(
    r"^(?P<op>≥|>=|≤|<=|>|<)?\s*(?P<bracket>[\[［(（])?\s*(?P<v>\d+(?:\.\d+)?)\s*(?:[—\-–~至]\s*(?P<v2>\d+(?:\.\d+)?))?"
    r"\s*[\]］)）]?\s*(?P<suffix>以上|以下|以内|左右)?$"
)


_GOAL_CELL_RE = re.compile(r"(规划|预期|期末|末期)?目标值?|预期值|期末值")
_BASE_CELL_RE = re.compile(r"基期值?|基数|基准值|现状值?|现值")


@dataclass
class IndicatorHeader:
    sep: str
    roles: list[str]  # number, name, unit, year, other
    years: dict[int, tuple[int, bool]]  # column → (year, is the baseline)


@dataclass
class IndicatorRow:
    name: str
    unit: str
    values: list[tuple[int, bool, float, float | None, str]]  # (year, baseline, value, value_max, comparison)
    plan: bool  # "[15]": a sum over the plan


def indicator_header(line: str) -> IndicatorHeader | None:
    """The header of a table of indicators with a column per year, or None."""
    folded = fold(line).strip()
    if re.search(r"[。,;:：，；]", folded) or len(folded) > 100:
        return None
    sep = "|" if re.search(r"[|｜]", folded) else "\t" if "\t" in line else " "
    cells = [c.strip() for c in re.findall(_SEPARATORS[sep], folded) if c.strip()]
    roles, years = [], {}
    for index, cell in enumerate(cells):
        year = _YEAR_CELL_RE.match(cell)
        if year and 1990 <= int(year.group("y")) <= 2100:
            roles.append("year")
            years[index] = (int(year.group("y")), bool(_BASE_NOTE_RE.search(year.group("note") or "")))
        elif _GOAL_CELL_RE.fullmatch(cell) or _BASE_CELL_RE.fullmatch(cell):
            roles.append("year")  # "目标值" (the plan's last year) or "基期值", with no year of their own
            years[index] = (None, bool(_BASE_CELL_RE.fullmatch(cell)))
        elif re.search(r"^(序号|编号|序)$", cell):
            roles.append("number")
        elif re.search(r"指标", cell):
            roles.append("name")
        elif re.search(r"单位|计量", cell):
            roles.append("unit")
        else:
            roles.append("other")
    if "name" not in roles or not years or len(cells) < 3:
        return None
    return IndicatorHeader(sep, roles, years)


def indicator_row(line: str, table: IndicatorHeader) -> IndicatorRow | None:
    """One row of an indicator table, when it has a cell for every column."""
    folded = fold(line).strip()
    cells = [c.strip() for c in re.findall(_SEPARATORS[table.sep], folded) if c.strip()]
    if len(cells) != len(table.roles):
        return None
    name = unit = ""
    values = []
    plan = False
    for index, (cell, role) in enumerate(zip(cells, table.roles, strict=True)):
        if role == "name":
            name = cell
        elif role == "unit":
            unit = cell.replace("个百分点", "百分点")
        elif role == "year":
            m = _VALUE_RE.match(cell.replace(" ", ""))
            if not m:
                continue
            year, base = table.years[index]
            op, suffix = m.group("op") or "", m.group("suffix") or ""
            value_max = float(m.group("v2")) if m.group("v2") else None
            if value_max is not None:
                comparison = "range"
            elif op in ("≤", "<=", "<") or suffix in ("以下", "以内"):
                comparison = "at_most"
            else:
                comparison = "at_least"
            plan = plan or bool(m.group("bracket"))
            values.append((year, base, float(m.group("v")), value_max, comparison))
    if not name or not re.search(r"[\u4e00-\u9fff]", name) or not any(not base for _y, base, *_ in values):
        return None
    return IndicatorRow(name, unit, values, plan)


# -- tables copied one cell per line ------------------------------------------------------------
# A table copied from a web page often arrives with every cell on a line of its own:
# "序号 / 重点任务 / 牵头单位 / 配合单位 / 完成时限 / 1 / 新增… / 市工信局 / 市统计局 / 2025年 / 2 / …".


def vertical(lines: list[str], at: int) -> tuple[Header, list[Row], int] | None:
    """The header and rows of a one-cell-per-line table whose header starts at ``at``, and the
    index after its last line; None when no such table starts there."""
    if not re.fullmatch(r"(序号|编号)", fold(lines[at]).strip()):
        return None
    k = 1
    while (
        at + k < len(lines)
        and len(fold(lines[at + k]).strip()) <= 10
        and not re.fullmatch(r"\d{1,3}", fold(lines[at + k]).strip())
    ):
        k += 1
    table = header("\t".join(line.strip() for line in lines[at : at + k])) if k >= 3 else None
    if table is None:
        return None
    rows, j = [], at + k
    while j < len(lines) and re.fullmatch(r"\d{1,3}[.、]?", fold(lines[j]).strip()):
        number = re.match(r"\d+", fold(lines[j]).strip()).group(0)
        cells, n = [], j + 1
        while (
            n < len(lines)
            and len(cells) < 2 * (k - 1)
            and not re.fullmatch(r"\d{1,3}[.、]?", fold(lines[n]).strip())
            and not re.match(r"^\s*[一二三四五六七八九十]{1,3}\s*、", fold(lines[n]))
        ):
            cells.append(lines[n].strip())
            n += 1
        if not cells:
            break
        merged: list[str] = []
        for cell in cells:  # "市财政局、" / "各县（市、区）政府": one cell over two lines
            if merged and re.search(r"[、,，]$", fold(merged[-1])) and _unit_cell(merged[-1]) and _unit_cell(cell):
                merged[-1] += cell
            else:
                merged.append(cell)
        rows.append(Row(number, "\t".join([number, *merged]), j + 1, vertical=True))
        j = n
    return (table, rows, j) if rows else None
