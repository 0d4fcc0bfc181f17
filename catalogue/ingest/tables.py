"""Task tables flattened into text: 任务分工表, 重点任务清单, 任务分解表.

A copy of a table arrives as a header row ("序号 重点工作任务 牵头单位 配合单位 完成时限")
and then one line per row ("2 一般公共预算收入增长8%以上。 市财政局 市税务局 2025年12月"),
its cells separated by ``|``, tabs or runs of spaces; a cell of units may go on over the
next lines ("市工信局、市商务局、" / "市国资委|全年"). Each row is a task: its task cell the
text, the units of its 牵头/配合 (or 责任) columns its lead and co units, the year of its
完成时限 column the deadline of what it does not date itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .script import fold
from .units import Responsibility, _names, _prose_units, is_county_group, looks_like_unit, split_top

_ROLES = (
    ("number", r"^(序号|编号|序)$"),
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

    def has(self, role: str) -> bool:
        return role in self.roles


@dataclass
class Row:
    number: str
    text: str
    line: int
    extra: list[str] = field(default_factory=list)

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
    roles = [_role(c) for c in cells]
    named = sum(1 for r in roles if r in ("lead", "co", "resp", "deadline"))
    if roles[0] != "number" or "task" not in roles or named < 1 or len(set(roles)) < 3:
        return None
    return Header(sep, roles)


def row_start(line: str, table: Header) -> str | None:
    """The row number when ``line`` opens a row of ``table``."""
    folded = fold(line)
    m = re.match(r"^\s*(\d{1,3})\s*(?:[|｜\t]|[.、]|\s+)(?=\S)", folded)
    return m.group(1) if m else None


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


def task_of(row: Row, table: Header, node, title_of):
    """The row as a task (a ``TaskNode``): the task cell its text, the units from their columns."""
    joined = row.joined(table.sep)
    spans = _cells(joined, table)[1:]  # the number is the first cell
    first_line_end = len(row.text)
    roles = [r for r in table.roles if r != "number"]
    cells: dict[str, list[str]] = {}
    task_span = None
    if len(spans) == len(roles):
        for (a, b), role in zip(spans, roles, strict=True):
            if role == "task" and task_span is None:
                task_span = (a, b)
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
            task_span = (rest[0][0], rest[-1][1])
    if task_span is None:
        task_span = (spans[0][0], spans[0][1]) if spans else (0, 0)
    a, b = task_span
    text = joined[a : min(b, first_line_end)] if a < first_line_end else joined[a:b]
    text = text.strip()
    result = Responsibility()
    for role in ("lead", "co", "resp"):
        for cell in cells.get(role, []):
            if role == "resp":
                _prose_units(cell, result)
                continue
            names, counties = _names(cell)
            result.counties = result.counties or counties
            target = result.lead if role == "lead" else result.co
            target.extend(n for n in names if n not in result.lead + result.co)
    deadline = next((_deadline_year(c) for c in cells.get("deadline", []) if _deadline_year(c)), None)
    task = node(row.number, title_of(text), text, 3, row.line)
    task.clause = result if (result.lead or result.co or result.counties) else None
    task.deadline = deadline
    return task
