"""The outline of a document: headings, sections and numbered measures.

Heading levels as Chinese official documents number them:

    一、            section                (also 第一章 / 第一部分)
    (一) or （一）   sub-section, or a measure when a sentence follows its title on the line
    1. or 1． or 1、 numbered measure (a task)
    (1) or （1）, ①  item of the measure above it (or a task where no 1. level is used)

A paragraph without a number is a task of its own where no numbered measure is open
(the paragraphs of 主要目标, a section's lead-in), and continues the open measure
otherwise, unless it starts with a short title of its own ("园区配套。…").

A task table or a table of indicators flattened into text (a header row "序号 重点任务 牵头单位
配合单位 完成时限" or "序号 指标 单位 2025年 2026年", cells split by ``|``, tabs or spaces) gives
one task per row (see ``tables``). A long line that stops mid-sentence goes on on the next
(a PDF copy); a units line after numbered items covers them all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from . import tables
from .script import fold, mask, simplified
from .units import find_clause, is_following_counties_line, is_role_note

_L1 = re.compile(
    r"^\s*(?:(?P<n>[一二三四五六七八九十]{1,3})\s*[、.]|第(?P<c>[一二三四五六七八九十]{1,3})(?:章|部分)\s*)"
)
_L2 = re.compile(
    r"^\s*(?:\(\s*(?P<n>[一二三四五六七八九十]{1,3})\s*\)\s*[、.]?|第(?P<c>[一二三四五六七八九十百]{1,4})条\s*)"
)
_L3 = re.compile(
    r"^\s*(?:(?P<n>\d{1,2}(?:\.(?!0)\d{1,2})?)\s*(?:[.、](?!\d)|\s(?=[\u4e00-\u9fff])|(?<=\d\.\d)(?=[\u4e00-\u9fff])"
    r"|(?<=\d\.\d\d)(?=[\u4e00-\u9fff])))"
)
_L4 = re.compile(r"^\s*(?:\(\s*(?P<n>\d{1,2})\s*\)|(?P<c>[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]))\s*")
_ATTACHMENT = re.compile(r"^\s*附件\s*\d*\s*[:：.]?")
_OWN_TITLE = re.compile(r"^([^。,，;；:：]{2,14})[。:：]")
_UNIT_LABEL = re.compile(
    r"^[(\[【〔]?\s*(责任单位|责任部门|牵头单位|牵头部门|配合单位|主办单位|协办单位|(牵头|责任|配合)\s*[:：])"
)
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


@dataclass
class TaskNode:
    number: str | None
    title: str
    text: str
    level: int
    line: int
    clause: object = None  # a row of a task table: its units, read from their columns
    deadline: int | None = None  # a row of a task table: the year of its 完成时限 column
    deadline_month: int | None = None  # and its month, where it names one
    indicator: object = None  # a row of a table of indicators (tables.IndicatorRow)


@dataclass
class SectionNode:
    number: str | None
    title: str
    level: int
    sections: list[SectionNode] = field(default_factory=list)
    tasks: list[TaskNode] = field(default_factory=list)


@dataclass
class Outline:
    preamble: list[str]
    sections: list[SectionNode]
    # Lines that say on their own that the counties carry out every task after them
    # ("以下各项任务由各县(市、区)负责落实,不再列出。"); they are no task themselves.
    counties_from: list[int] = field(default_factory=list)


def _classify(line: str) -> tuple[int, str | None, int]:
    """(level, number, where the text after the number starts); level 0 for a plain paragraph."""
    folded = fold(line)
    for level, regex in ((1, _L1), (2, _L2), (3, _L3), (4, _L4)):
        m = regex.match(folded)
        if m:
            number = m.group("n") or m.groupdict().get("c") or ""
            if level == 4 and number in _CIRCLED:
                number = str(_CIRCLED.index(number) + 1)
            return level, number, m.end()
    return 0, None, 0


_UNITS_ONLY_TAIL = re.compile(r"^[^。;；]{2,30}[(（【〔][^()（）]*(牵头|配合|责任)[^()（）]*[)）】〕]\s*$")


def _has_body(rest: str) -> bool:
    """True when a heading's line goes on after its title ("(一)强化统筹。各县…")."""
    folded = mask(fold(rest)).strip()  # a bracketed clause ("(牵头单位：A；配合单位：B)") is no body
    m = re.search(r"[。;!?]", folded)
    if m and folded[m.end() :].strip(" ?"):
        return True
    return len(folded) > 60 and not _UNITS_ONLY_TAIL.search(fold(rest))


_TIME_LEAD = re.compile(r"^(?:到|至|力争到)?\d{4}年(?:底|末)?(?:前)?[,，]")


def _is_body_paragraph(line: str) -> bool:
    folded = fold(line).strip()
    return (
        len(folded) >= 20
        and bool(re.search(r"[,。;]", folded))
        and not re.search(r"印发|通知|[:：]$|已经.{0,20}(同意|通过)", folded)
    )


_DATE_LINE = re.compile(
    r"^\s*(\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*[\d一二三四五六七八九十]{1,3}\s*月\s*[\d一二三四五六七八九十]{1,3}\s*日\s*$"
)
_OFFICE_LINE = re.compile(r"^[\u4e00-\u9fff()（）]{2,30}(人民政府|办公室|办公厅|委员会|领导小组|局|委|厅)$")


def _signature_lines(lines: list[str]) -> set[int]:
    """A date on its own line and the office names right above it: the document's signature."""
    out = set()
    for i, line in enumerate(lines):
        if _DATE_LINE.match(fold(line)):
            out.add(i)
            j = i - 1
            while j >= 0 and _OFFICE_LINE.match(fold(lines[j]).strip()):
                out.add(j)
                j -= 1
    return out


def _has_quantity(line: str) -> bool:
    from .numbers import find_quantities
    from .script import mask

    return bool(find_quantities(mask(fold(line))))


def _is_article(rest: str, next_level: int) -> bool:
    """A 第N条 is a measure of its own unless it only titles the numbered items after it."""
    return not (next_level == 3 and len(fold(rest).strip(" 。")) <= 15)


_LINE_END = "。!?;:)]】」』”’》〕"


def is_broken(line: str) -> bool:
    """A long line that stops mid-sentence: the text goes on on the next line (a PDF copy)."""
    folded = fold(line).rstrip()
    return len(folded) >= 18 and folded[-1] not in _LINE_END and bool(re.search(r"[,、\u4e00-\u9fff\d%]$", folded))


def title_of(rest: str) -> str:
    lead = _TIME_LEAD.match(fold(rest))
    if lead and fold(rest).find("。") > 40:
        rest = rest[lead.end() :]
    folded = fold(rest)
    stop = folded.find("。")
    if 0 < stop <= 40:
        return rest[:stop].strip()
    m = re.search(r"[,;:]", folded)
    if m and 0 < m.start() <= 30:
        return rest[: m.start()].strip()
    return rest[:30].strip(" 。;；")


def parse(lines: list[str]) -> Outline:
    levels = [_classify(line) for line in lines]
    headers = {i: h for i, line in enumerate(lines) if (h := tables.header(line))}
    for i in range(len(lines) - 1):
        # a header row broken over two lines ("… 完成" / "时限")
        tail = fold(lines[i + 1]).strip()
        if i + 1 not in headers and len(tail) <= 6 and not re.search(r"\d", tail):
            joined = tables.header(lines[i] + lines[i + 1].strip())
            if joined:
                headers[i] = joined
                headers[i + 1] = None
    indicator_headers = {
        i: h for i, line in enumerate(lines) if i not in headers and (h := tables.indicator_header(line))
    }
    first = next((i for i, (lv, _n, _e) in enumerate(levels) if lv == 1), None)
    if first is None:
        first = next((i for i, (lv, _n, _e) in enumerate(levels) if lv in (2, 3)), None)
    if first is not None:
        # Goals said before the first heading ("2025年主要预期目标是：…") are body, not preamble.
        early = next((i for i in range(first) if _is_body_paragraph(lines[i]) and _has_quantity(lines[i])), None)
        first = early if early is not None else first
    signature = _signature_lines(lines)
    # Tables copied one cell per line: the header's line opens them, their other lines are read with it.
    verticals: dict[int, tuple] = {}
    consumed: set[int] = set()
    for i in range(len(lines)):
        if i not in consumed and (found := tables.vertical(lines, i)):
            verticals[i] = found
            consumed.update(range(i + 1, found[2]))
    if verticals and (first is None or min(verticals) < first):
        first = min(verticals)
    headers_at = [i for i, h in headers.items() if h is not None]
    if headers_at and (first is None or min(headers_at) < first):
        first = min(headers_at)
    if indicator_headers and (first is None or min(indicator_headers) < first):
        first = min(indicator_headers)
    if first is None:
        # No numbering at all: the paragraphs after the title and notice are tasks of one section.
        first = next((i for i, line in enumerate(lines) if _is_body_paragraph(line)), 0)
        levels = [(0, None, 0)] * len(lines)
    preamble = lines[:first]
    sections: list[SectionNode] = []
    counties_from: list[int] = []
    # The open section at each heading level: 一、 / (一) / a "1." heading its "(1)" items.
    open_at: dict[int, SectionNode | None] = {1: None, 2: None, 3: None}
    open_task: TaskNode | None = None

    def container() -> SectionNode:
        for level in (3, 2, 1):
            if open_at[level] is not None:
                return open_at[level]
        top = SectionNode(None, "正文", 1)
        sections.append(top)
        open_at[1] = top
        return top

    def open_section(section: SectionNode) -> None:
        if section.level == 1:
            sections.append(section)
        else:
            parent = next((open_at[lv] for lv in range(section.level - 1, 0, -1) if open_at[lv] is not None), None)
            (parent or container()).sections.append(section)
        open_at[section.level] = section
        for deeper in range(section.level + 1, 4):
            open_at[deeper] = None

    def next_level(index: int) -> int:
        return next((lv for lv, _n, _e in levels[index + 1 :] if lv), 0)

    table: tables.Header | None = None
    row: tables.Row | None = None
    indicators: tables.IndicatorHeader | None = None

    def close_row() -> None:
        nonlocal row
        if row is not None:
            container().tasks.append(tables.task_of(row, table, TaskNode, title_of))
            row = None

    for index in range(first, len(lines)):
        line = lines[index]
        level, number, at = levels[index]
        if _ATTACHMENT.match(fold(line)) and index > first:
            break
        if index in signature:
            continue  # "某某市人民政府办公室 / 2024年5月6日" signing the document
        if index in verticals:
            close_row()
            table, open_task, indicators = None, None, None
            vtable, vrows, _end = verticals[index]
            for vrow in vrows:
                container().tasks.append(tables.task_of(vrow, vtable, TaskNode, title_of))
            continue
        if index in consumed:
            continue
        if index in headers:
            if headers[index] is not None:  # None: the second line of a broken header
                close_row()
                table, open_task, indicators = headers[index], None, None
            continue
        if index in indicator_headers:
            close_row()
            table, open_task, indicators = None, None, indicator_headers[index]
            continue
        if indicators is not None:
            found = tables.indicator_row(line, indicators)
            if found is not None:
                number = re.match(r"^\s*(\d{1,3})\b", fold(line)) if indicators.roles[0] == "number" else None
                task = TaskNode(number.group(1) if number else None, simplified(found.name), line, 3, index)
                task.indicator = found
                container().tasks.append(task)
                continue
            indicators = None
        if table is not None:
            started = tables.row_start(line, table)
            if started is not None:
                close_row()
                row = tables.Row(started, line, index)
                continue
            if row is not None and level not in (1, 2) and tables.continues(row, line, table):
                row.add(line)
                continue
            close_row()
            table = None
        rest = line[at:].strip()
        body = _has_body(rest)
        if level == 1:
            title = title_of(rest) if body else rest.strip(" 。")
            open_section(SectionNode(number, title, 1))
            open_task = None
            if body:
                task = TaskNode(None, title, rest[len(title) :].lstrip("。 "), 0, index)
                open_at[1].tasks.append(task)
                open_task = task
        elif (
            level == 2
            and not body
            and not (fold(line).lstrip().startswith("第") and _is_article(rest, next_level(index)))
        ):
            open_section(SectionNode(number, rest.strip(" 。"), 2))
            open_task = None
        elif level == 3 and not body and len(fold(rest)) <= 30 and next_level(index) == 4:
            open_section(SectionNode(number, rest.strip(" 。"), 3))  # "1.创新平台" heading "(1)…(2)…"
            open_task = None
        elif level in (2, 3):
            # A measure: it closes the headings below its own level.
            for deeper in range(level, 4):
                open_at[deeper] = None
            task = TaskNode(number, title_of(rest), rest, level, index)
            container().tasks.append(task)
            open_task = task
        elif level == 4 and open_task is not None and open_task.level == 3:
            open_task.text += "\n" + line
        elif level == 4:
            task = TaskNode(number, title_of(rest), rest, 4, index)
            container().tasks.append(task)
            open_task = task
        elif is_following_counties_line(line):
            counties_from.append(index)
        elif is_role_note(line):
            continue  # "（列第一位的为牵头单位，下同）": how the unit lists read, no task
        else:
            if open_task is not None and index > first and is_broken(lines[index - 1]) and levels[index - 1][0] != 1:
                open_task.text += "\n" + line  # a line of a PDF copy broken mid-sentence
                continue
            own = _OWN_TITLE.match(fold(line))
            if open_task is not None and _UNIT_LABEL.match(fold(line)):
                block = open_at[3]
                if open_task.level == 4 and block is not None and open_task in block.tasks:
                    # "1.园区扩容行动 / (1)… / (2)… / 责任单位：…": the units of the whole block
                    clause = find_clause(line)
                    clause = replace(clause, span=None) if clause else None  # said on its own line
                    for item in block.tasks:
                        if item is not open_task and item.clause is None and not find_clause(item.text):
                            item.clause = clause
                open_task.text += "\n" + line  # the units of the measure, on a line of their own
                continue
            if open_task is not None and open_task.number is not None and not own:
                open_task.text += "\n" + line
                continue
            box = container()
            title = line[: own.end(1)].strip() if own else box.title
            task = TaskNode(None, title, line, 0, index)
            box.tasks.append(task)
            open_task = task
    close_row()
    return Outline(preamble=preamble, sections=sections, counties_from=counties_from)


def iter_tasks(sections: list[SectionNode], path: tuple[SectionNode, ...] = ()):
    for section in sections:
        for task in section.tasks:
            yield path + (section,), task
        yield from iter_tasks(section.sections, path + (section,))
