"""The ingest reader: a policy document's text in, a draft of its catalogue entry out.

``read_policy`` returns one policy in the export shape of DESIGN.md (the JSON of
``export_policies``), plus ``lead_unit`` (a guess), ``source_text`` (the text without page
furniture) and, where the reader had to guess, ``confidence`` (0–1) and
``confidence_note`` on tasks and targets. Every ``source_quote`` is cut out of the text
itself, so it is an exact substring of ``source_text`` and of the input.

Nothing here knows any particular document: the rules are the general forms of Chinese
policy prose (see ``structure``, ``units`` and ``targets``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from . import codes, structure, targets, units
from .furniture import clean_lines
from .numbers import find_quantities, parse_cn, tidy
from .script import fold, mask, simplified
from .textio import check_text

_DOC_NUMBER_RE = re.compile(r"^[\u4e00-\u9fff]{1,12}\s*[〔\[【(]\s*\d{4}\s*[〕\]】)]\s*\d{1,4}\s*号[\s?]*$")
_TITLE_ENDINGS = (
    r"(实施方案|工作方案|行动方案|方案|行动计划|工作计划|计划|实施意见|意见|办法|措施|规划|细则|纲要|通知|决定|"
    r"要点|安排|规定|条例|政策|清单|指引|指南|分解表|分解|分工表|分工方案|分工|任务表|任务|台账)"
)
# A title's year or plan period in brackets after it: "(2023—2027年)", "(2023年)", "(2023年度)".
_TITLE_YEARS = r"(\(\d{4}\s*(?:[—\-–~]{1,2}\s*\d{4})?\s*年度?\))?"
_DATE_RE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日[\s?]*$")
_CN_DATE_RE = re.compile(
    r"^([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日[\s?]*$"
)
_META_DATE_RE = re.compile(r"(?:成文|印发|发布|发文)(?:时间|日期)\s*[:：]\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})")
_RANGE_RE = re.compile(r"(\d{4})\s*(?:—{1,2}|-|–|~|至)\s*(\d{4})\s*年")
_PROVINCES = (
    "河北省 山西省 辽宁省 吉林省 黑龙江省 江苏省 浙江省 安徽省 福建省 江西省 山东省 河南省 湖北省 湖南省 广东省 "
    "海南省 四川省 贵州省 云南省 陕西省 甘肃省 青海省 台湾省 内蒙古自治区 广西壮族自治区 西藏自治区 "
    "宁夏回族自治区 新疆维吾尔自治区 北京市 天津市 上海市 重庆市"
).split()
_GOAL_SECTION_RE = re.compile(r"目标|思想|原则|要求|意义|背景|形势|总体|保障|组织领导|工作机制")
_TASK_SECTION_RE = re.compile(r"任务|措施|行动|举措|重点|工作")
_POLICY_LEAD_PATTERNS = [
    r"(?P<name>[^,，。;；、:：\s]{2,20}?(?:局|委|办|委员会|办公室|中心))(?:要)?发挥牵头抓总作用",
    r"(?P<name>[^,，。;；、:：\s]{2,20}?(?:局|委|办|委员会|办公室|中心))牵头抓总",
    r"办公室设在(?P<name>[^,，。;；、:：\s]{2,20}?(?:局|委|办|委员会|办公室|中心))",
    r"由(?P<name>[^,，。;；、:：\s]{2,20}?(?:局|委|办|委员会|办公室|中心))(?:负责|牵头)(?:统筹|调度|协调|组织)",
    r"(?P<name>[^,，。;；、:：\s]{2,20}?(?:局|委|办|委员会|办公室|中心))(?:要|应)?(?:进一步)?(?:负责)?(?:建立|完善|健全|牵头)"
    r"[^。,，]{0,12}?(?:调度|通报|协调|推进|推动)[^。,，]{0,4}机制",
]


def _code(*parts: str) -> str:
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:8]


def _doc_number(preamble: list[str]) -> str | None:
    for line in preamble[:15]:
        if _DOC_NUMBER_RE.match(fold(line).strip()):
            return simplified(line.strip(" ?？"))
    return None


def _unspaced(line: str) -> str:
    """A line without the spaces a PDF copy puts around Chinese characters and brackets."""
    return re.sub(r"\s+(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])\s+|(?<=\d)\s+(?=[—\-–~])|(?<=[—\-–~])\s+", "", line)


def _title(preamble: list[str]) -> str | None:
    """The document's title, from its notice ("《X》已经…印发", "关于印发X的通知") or its heading line."""
    notice: list[str] = []
    for line in preamble:
        folded = fold(line)
        m = re.search(r"((?:《[^《》]{4,80}》[、和及]?)+)\s*(?:已经|已|现印发|现将|印发给|经)", folded)
        if m:
            titles = re.compile(r"《([^《》]+)》").finditer(folded, m.start(1), m.end(1))
            notice += [line[t.start(1) : t.end(1)] for t in titles]
    # A heading that may be broken over several short lines ("…关于印发…" / "(2023—2027年)的通知").
    heading = ""
    for line in preamble:
        folded = fold(line).strip()
        if re.search(r"[,，。;；]", folded) or len(folded) > 80:
            if heading:
                break
            continue
        heading += line.strip()
        m = re.search(r"关于印发《?(.+?)》?的通知$", fold(heading))
        if m:
            notice.append(heading[m.start(1) : m.end(1)])
            break
        if not re.search(r"关于|印发", fold(heading)):
            heading = ""
    standalone = []
    for i, line in enumerate(preamble):
        line = _unspaced(line)  # "东坡市 发展规划 （ 2023 — 2027 年 ）" as a PDF copy spaces it
        folded = fold(line).strip()
        if re.search(_TITLE_ENDINGS + _TITLE_YEARS + "$", folded) and not re.search(r"[,，。;；]", folded):
            title = line.strip()
            following = _unspaced(preamble[i + 1]) if i + 1 < len(preamble) else ""
            if following and re.fullmatch(_TITLE_YEARS[1:-2], fold(following).strip()):
                title += following.strip()
            if len(title) >= 6 and not re.search(r"印发.*的通知$", fold(title)):
                standalone.append(title)
    for title in standalone:
        if any(fold(title) == fold(n) for n in notice):
            return title
    if notice:
        return notice[0]
    return standalone[0] if standalone else None


_ISSUER_RE = re.compile(
    r"^(?P<name>[\u4e00-\u9fff]{2,30}?(?:人民政府办公室|人民政府办公厅|人民政府|委员会|办公室|办公厅|领导小组|局|委))"
    r"(?:关于|印发)"
)
_ISSUER_LINE_RE = re.compile(
    r"^[\u4e00-\u9fff]{2,30}(?:人民政府办公室|人民政府办公厅|人民政府|委员会|办公室|办公厅|领导小组)$"
)


def _issuer(preamble: list[str], lines: list[str]) -> str | None:
    """The issuing office: the head of "XX市人民政府办公室关于印发…", or a signature line
    (an office's name alone, above the date) in the preamble or at the end."""
    for line in preamble[:15]:
        m = _ISSUER_RE.match(fold(line).strip())
        if m:
            return simplified(line.strip()[: m.end("name")])
    candidates = preamble[:15] + lines[-6:]
    for i, line in enumerate(candidates):
        folded = fold(line).strip()
        if _ISSUER_LINE_RE.match(folded):
            following = fold(candidates[i + 1]).strip() if i + 1 < len(candidates) else ""
            if _DATE_RE.match(following) or _CN_DATE_RE.match(following) or i < 15:
                return simplified(line.strip())
    return None


def _issued(preamble: list[str], raw_text: str) -> str | None:
    for line in preamble[:30]:
        f = fold(line).strip()
        m = _DATE_RE.match(f)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
            except ValueError:
                continue
        m = _CN_DATE_RE.match(f)
        if m:
            year = int("".join(str(parse_cn(c) or 0) for c in m.group(1)))
            try:
                return dt.date(year, parse_cn(m.group(2)), parse_cn(m.group(3))).isoformat()
            except (TypeError, ValueError):
                continue
    m = _META_DATE_RE.search(fold("\n".join(raw_text.splitlines()[:40])))
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
        except ValueError:
            return None
    return None


def _plan_end_year(body: list[str], start_year: int | None = None) -> int | None:
    """The latest deadline that a target in the text is tied to ("到2026年末…达到…", "自2022年起5年内…")."""
    best = None
    for line in body:
        masked = mask(fold(line))
        for sentence in re.split(r"[。!?]", masked):
            years = list(targets.DEADLINE_RE.finditer(sentence)) + list(targets.LEADING_YEAR_RE.finditer(sentence))
            spans = targets.span_years(sentence, start_year)
            if not (years or spans) or not (find_quantities(sentence) or re.search(r"全覆盖|清零|倍增", sentence)):
                continue
            for _a, _b, year in spans:
                best = year if best is None or year > best else best
            for m in years:
                if _BASE_AFTER_RE.match(sentence, m.end()):
                    continue  # "在2021年的基础上": the base year, no deadline
                year = targets.year_of(m)
                if year and (best is None or year > best):
                    best = year
    return best


def _latest_deadline(body: list[str]) -> int | None:
    years = [targets.year_of(m) for line in body for m in targets.DEADLINE_RE.finditer(mask(fold(line)))]
    years = [y for y in years if y]
    return max(years) if years else None


def _period(title: str | None, issued: str | None, body: list[str]) -> tuple[str | None, str | None, int | None]:
    folded_title = fold(title or "")
    m = _RANGE_RE.search(folded_title)
    if m:
        start, end = int(m.group(1)), int(m.group(2))
        if start <= end:
            return f"{start}-01-01", f"{end}-12-31", end
    m = targets.FIVE_YEAR_RE.search(folded_title) or re.search(r"十([一二三四五六])五", folded_title)
    if m:
        end = targets.five_year_end(m.group(1))
        return f"{end - 4}-01-01", f"{end}-12-31", end
    m = re.search(r"(?<!\d)(\d{4})\s*年(?!\d|\s*\d{1,2}\s*月)", folded_title)
    if m and 1990 <= int(m.group(1)) <= 2100:  # "2024年工作要点": the year itself
        year = int(m.group(1))
        return f"{year}-01-01", f"{year}-12-31", year
    end_year = _plan_end_year(body, int(issued[:4]) if issued else None) or _latest_deadline(body)
    start = f"{issued[:7]}-01" if issued else None
    return start, (f"{end_year}-12-31" if end_year else None), end_year


def city_name_of(title: str | None) -> str | None:
    """The city a title opens with ("示范市产业链…" → 示范市), if it opens with one."""
    m = re.match(
        r"^([\u4e00-\u9fff]{2,8}?(?:市|州|盟|县|经济开发区|经济技术开发区|高新区|新区))", simplified(title or "")
    )
    return m.group(1) if m else None


def _city_name(preamble: list[str], title: str | None) -> str | None:
    if city_name_of(title):
        return city_name_of(title)
    for line in preamble:
        m = re.search(r"([\u4e00-\u9fff]{1,6}?(?:市|州|盟|县|区))人民政府", simplified(line))
        if m:
            return m.group(1)
    return None


def _province(text: str) -> str | None:
    counts = {p: text.count(p) for p in _PROVINCES}
    best = max(counts, key=counts.get)
    return best if counts[best] else None


_BASE_AFTER_RE = re.compile(r"\s*(?:底|末)?\s*的?\s*基础上")
_HEADING_YEAR_RE = re.compile(r"(?<![\d到至—\-–~])(?P<y>\d{4})\s*年度?(?![\d月底末前起—\-–~])")


def _heading_year(path) -> int | None:
    """The one year a heading over the task names ("二、2023年重点工作", "…清单(2023年)"): its
    items are due that year. A range, a deadline ("到2025年") or a start ("2023年起") is not one."""
    for section in reversed(path):
        folded = fold(section.title)
        found = [int(m.group("y")) for m in _HEADING_YEAR_RE.finditer(folded)]
        if len(found) == 1 and 1990 <= found[0] <= 2100 and not re.search(r"(到|至|截至)\s*\d{4}", folded):
            return found[0]
    return None


def _is_task_section(path) -> bool:
    """A section of measures (重点任务, 主要措施 …), not of goals, principles or safeguards."""
    if not path or _GOAL_SECTION_RE.search(fold(path[0].title)):
        return False
    return bool(_TASK_SECTION_RE.search("".join(fold(s.title) for s in path)))


def _policy_lead(outline, tasks_out) -> tuple[str | None, str]:
    texts = [t.text for _p, t in structure.iter_tasks(outline.sections)]
    for pattern in _POLICY_LEAD_PATTERNS:
        for text in texts:
            m = re.search(pattern, fold(text))
            if m:
                raw = text[m.start("name") : m.end("name")]
                raw = re.sub(r"^(由|并由|具体由|领导小组|组长|其中)", "", raw)
                name = units.clean_name(raw)
                if units.looks_like_unit(name):
                    return name, f"原文：“{text[max(0, m.start() - 4) : m.end()].strip()}”"
    counts: dict[str, int] = {}
    for task in tasks_out:
        for name in task["lead_units"][:1]:
            counts[name] = counts.get(name, 0) + 1
    if counts:
        name = max(counts, key=counts.get)
        return name, f"牵头任务最多的单位（{counts[name]}项）"
    return None, "原文未点名牵头单位，请指定"


def _task_row(path, task) -> tuple[dict, units.Responsibility | None]:
    """A task's row without its indicators, and its responsibility clause if it has one."""
    row = {
        "number": task.number or None,
        "title": simplified(task.title).strip(" 。—-－•·*") or simplified(path[-1].title),
        "text": task.text,
        "lead_units": [],
        "co_units": [],
        "counties_implement": False,
        "indicators": [],
        "confidence": 0.3,
        "_task_section": _is_task_section(path),
        "_explicit": False,
    }
    clause = task.clause or units.find_clause(task.text)  # a table row's units come from their columns
    if clause:
        row.update(
            lead_units=clause.lead,
            co_units=clause.co,
            counties_implement=clause.counties,
            confidence=0.95 if clause.lead else 0.6,
            _explicit=True,
        )
        return row, clause
    own_title = task.text.find("。") if task.number else -1
    body = task.text[own_title + 1 :] if 0 < own_title <= 40 else task.text
    prose = units.prose_clause(body)
    if prose:
        row.update(lead_units=prose.lead, co_units=prose.co, counties_implement=prose.counties, confidence=0.8)
        row.update(_explicit=True, confidence_note="责任单位写在正文中（“…牵头，…配合”）")
        return row, None
    heading = _heading_clause(path)
    if heading:
        row.update(lead_units=heading.lead, co_units=heading.co, counties_implement=heading.counties)
        row.update(_explicit=True, confidence=0.85, confidence_note="责任单位写在所属小节的标题中")
        return row, None
    subject = units.sentence_subject(body)
    if subject:
        row.update(lead_units=[subject], confidence=0.6, confidence_note="原文未列责任单位，按段首主语推定牵头单位")
    return row, None


def _section_title(title: str) -> str:
    """A heading without the units it names."""
    clause = _section_clause(title)
    return title[: clause.span[0]].rstrip(" ：:") if clause else title


def _heading_clause(path) -> units.Responsibility | None:
    """The units a heading over the task names ("(一)企业培育行动（牵头单位：…；配合单位：…）")."""
    for section in reversed(path):
        clause = _section_clause(section.title)
        if clause:
            return clause
    return None


def _section_clause(title: str) -> units.Responsibility | None:
    clause = units.find_clause(title)
    return clause if clause and clause.span and clause.span[0] > 0 and (clause.lead or clause.co) else None


def read_policy(text: str, *, city_code: str, city_name: str | None = None, title: str | None = None) -> dict:
    """Read a policy document's text into one policy dict of the catalogue's export shape."""
    check_text(text)
    lines = clean_lines(text)
    source_text = "\n".join(lines)
    outline = structure.parse(lines)
    body = lines[len(outline.preamble) :]

    doc_title = title or _title(outline.preamble)
    policy_notes = []
    if not doc_title:
        policy_notes.append("未找到标题，请补充")
    display_title = simplified(doc_title) if doc_title else ""
    issued = _issued(outline.preamble, text)
    start, end, plan_end_year = _period(doc_title, issued, body)
    if not end:
        policy_notes.append("未能确定计划期，期限未写明的目标缺少截止日期")
    city_name = city_name or _city_name(outline.preamble, doc_title) or city_code
    code = codes.policy_code(city_code, display_title, start, city_name=city_name)

    # Tasks, their units and their targets, in document order.
    ordered = sorted(structure.iter_tasks(outline.sections), key=lambda pt: pt[1].line)
    counties_from_here = False  # set by "以下各项由各县(市、区)负责落实,不再列出"
    context_section, context = None, None  # "到2025年,…:" opening a section dates the paragraphs after it
    task_rows: dict[int, dict] = {}
    indicator_count = 0
    conditions = False  # the items after "…须具备以下条件：" are thresholds, not targets
    for path, task in ordered:
        row, clause = _task_row(path, task)
        counties_from_here = counties_from_here or any(line < task.line for line in outline.counties_from)
        row["counties_implement"] = row["counties_implement"] or counties_from_here
        counties_from_here = counties_from_here or bool(clause and clause.following_counties)
        if path[0] is not context_section:
            context_section, context = path[0], None
        if conditions and task.level == 4:
            task_rows[id(task)] = row  # an item of a list of conditions ("须同时具备以下条件："): no targets
            continue
        conditions = targets.opens_conditions(task.text)
        if task.indicator is not None:
            for ind in _table_indicator(task, int(start[:4]) if start else None, plan_end_year):
                indicator_count += 1
                ind["code"] = f"{code}-{indicator_count:03d}"
                row["indicators"].append(ind)
            task_rows[id(task)] = row
            continue
        found = targets.extract(
            task.text,
            plan_end_year=plan_end_year,
            exclude=clause.span if clause else None,
            context_year=getattr(task, "deadline", None) or context or _heading_year(path),
            plan_start_year=int(start[:4]) if start else None,
            context_month=task.deadline_month if task.deadline else None,
        )
        context = targets.context_year(task.text) or context
        for ind in targets.to_dicts(found, task.text):
            indicator_count += 1
            ind["code"] = f"{code}-{indicator_count:03d}"
            row["indicators"].append(ind)
        task_rows[id(task)] = row

    rows = [task_rows[id(t)] for _p, t in ordered]
    _division_of_labour(outline, ordered, task_rows)
    for row in rows:
        if not row["lead_units"]:
            row.setdefault("no_unit_reason", "原文未列责任单位，由牵头单位统筹")
            row.setdefault("confidence_note", "原文未列责任单位")

    lead_unit, lead_note = _policy_lead(outline, rows)
    names: list[str] = []
    for row in rows:
        for name in row["lead_units"] + row["co_units"]:
            if name not in names:
                names.append(name)
    if lead_unit and lead_unit not in names:
        names.insert(0, lead_unit)

    def section_row(section) -> dict:
        out = {
            "number": section.number or None,
            "title": simplified(_section_title(section.title)),
            "sections": [section_row(s) for s in section.sections],
            "tasks": [],
        }
        for task in section.tasks:
            row = {k: v for k, v in task_rows[id(task)].items() if not k.startswith("_")}
            out["tasks"].append(row)
        return out

    policy = {
        "code": code,
        "city": {"code": city_code, "name": city_name, "province": _province(source_text)},
        "title": display_title,
        "doc_number": _doc_number(outline.preamble),
        "issuing_office": _issuer(outline.preamble, lines),
        "issued_on": issued,
        "period": {"start": start, "end": end},
        "lead_unit": lead_unit,
        "lead_unit_note": lead_note,
        "script": "traditional" if _traditional_share(source_text) else "simplified",
        "units": [
            {"code": f"{city_code}-{_code(name)}", "name": name, "kind": units.unit_kind(name)} for name in names
        ],
        "sections": [section_row(s) for s in outline.sections],
        "source_text": source_text,
    }
    if policy_notes:
        policy["confidence_note"] = "；".join(policy_notes)
    return policy


def _table_indicator(task, start_year: int | None, plan_end_year: int | None = None) -> list[dict]:
    """The indicator of one row of a table of indicators: the last year's value its target,
    the years between its 分年度目标, a base year's value (marked 基期, or before the plan) its baseline."""
    found = task.indicator
    # "目标值" with no year of its own: the plan's last year; a "基期值" without one has no date.
    values = sorted(
        ((y if y is not None else (0 if b else plan_end_year or 0)), b, v, m, c) for y, b, v, m, c in found.values
    )
    stated = {y for y, b, *_rest in found.values if y is not None and not b}
    base = next(((y or None, v) for y, b, v, _m, _c in values if b), None)
    if base is None and len(values) >= 2 and start_year and values[0][0] < start_year:
        base = (values[0][0], values[0][2])
    goals = [x for x in values if not x[1] and (base is None or base[0] is None or x[0] > base[0])]
    if not goals:
        return []
    year, _b, value, value_max, comparison = goals[-1]
    year, said = year or None, year in stated
    draft = targets.Draft(value, value_max, comparison, found.unit or "—", simplified(found.name), 0, len(task.text))
    draft.window, draft.year, draft.year_explicit = ("plan" if found.plan else "date"), year, True
    if not found.plan and re.match(
        r"(年|每年)?(新增|新培育|培育|引进|招引|新建|建成|完成|实施|举办|开展)", fold(found.name)
    ):
        draft.window, draft.year = "annual", None  # "新增企业（家）| 30 | 40 | 50": so many new each year
    draft.growth = bool(re.search(r"增长|增速|增幅", fold(found.name))) and found.unit in ("%", "百分点")
    if base is not None:
        draft.baseline, draft.baseline_year = base[1], base[0]
    if not said:
        draft.year_explicit = False
        draft.note("指标表未写年份，取计划期末", 0.75)
    draft.note("读自指标表：末年为目标值，其间各年为分年度目标", 0.85)
    (indicator,) = targets.to_dicts([targets.IndicatorDraft(draft.name, draft.unit, [draft])], task.text)
    indicator["targets"][0]["milestones"] = [{"year": y, "value": tidy(v)} for y, _b, v, _m, _c in goals[:-1]]
    return [indicator]


def _traditional_share(text: str) -> bool:
    """True when enough characters change under Traditional→Simplified to call the text Traditional."""
    cjk = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    changed = sum(1 for c in cjk if fold(c) != c)
    return bool(cjk) and changed / len(cjk) > 0.05


def _division_of_labour(outline, ordered, task_rows) -> None:
    """Where no measure names its units but the document assigns leads in prose
    ("A牵头推进…, B牵头推进…"), the units so named lead the measures of the task sections."""
    if any(row["_explicit"] for row in task_rows.values()):
        return
    leads: list[str] = []
    for _path, task in ordered:
        found = units.prose_leads(task.text)
        if len(found) >= 2:
            leads = found
            break
    if not leads:
        return
    for _path, task in ordered:
        row = task_rows[id(task)]
        if not row["_task_section"] or row["lead_units"] or not task.number:
            continue
        row["lead_units"] = list(leads)
        row["co_units"] = [n for n in units.prose_co_units(task.text) if n not in leads]
        row["confidence"] = 0.45
        row["confidence_note"] = "原文各项任务未列责任单位；按文中“…牵头推进…”的分工推定为共同牵头"
