"""Responsible units: the 责任单位 clauses of a task and the names in them.

Forms read: "（责任单位：A、B、C）", "〔责任单位:…〕", "【责任单位】…", "责任单位：…" at the end of
a paragraph, "牵头单位：A；配合单位：B、C", "（A牵头，B、C配合）", a bare bracketed list of
unit names "（A、B、C等）", a last sentence that only names the units ("此项工作由A牵头，B配合。",
"由A负责。", "A牵头，B、C配合。"), and "以下各项由各县(市、区)负责落实,不再列出" (the counties are
responsible for this task and every one after it; on a line of its own, for every task after
the line). The first unit of a plain list leads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .script import CLOSE_BRACKETS, OPEN_BRACKETS, fold, simplified

# What a unit's name ends with (general administrative vocabulary).
UNIT_SUFFIXES = (
    "管理委员会",
    "工商联",
    "社科联",
    "妇联",
    "残联",
    "文联",
    "侨联",
    "科协",
    "海关",
    "委员会",
    "管委会",
    "领导小组",
    "办公室",
    "工作专班",
    "联席会议",
    "中心支行",
    "分行",
    "支行",
    "银行",
    "分局",
    "总局",
    "公司",
    "集团",
    "政府",
    "街道",
    "中心",
    "小组",
    "协会",
    "商会",
    "学院",
    "大学",
    "法院",
    "检察院",
    "研究院",
    "局",
    "委",
    "办",
    "部",
    "厅",
    "署",
    "院",
    "所",
    "站",
    "队",
    "社",
    "会",
    "处",
    "镇",
    "乡",
    "县",
    "区",
    "市",
)
_SUFFIX_RE = "|".join(UNIT_SUFFIXES)
# 各县(市、区)、各区县、乡镇(街道)、各功能区 …: the city's divisions as a group.
_COUNTY_GROUP_RE = re.compile(
    r"^(各|所有|有关|相关)(县|区|市|旗|乡|镇|园区|开发区|功能区|管理区|街道)"
    r"|县\(市|市\(区|区\(县|区\)|县\)|区县|县区|县市区|开发区\(管理区\)|乡镇\(街道\)|乡\(镇"
)
_LEAD_LABEL = r"(?:牵头单位|牵头部门|主责单位|主办单位|负责单位|牵头(?=\s*[:：]))"
_CO_LABEL = (
    r"(?:配合单位|配合部门|协办单位|协助单位|参与单位|协同单位|成员单位|(?:配合|参与|协办|协助|协同)(?=\s*[:：]))"
)
_ANY_LABEL = r"(?:责任单位|责任部门|牵头单位|牵头部门|主责单位|主办单位|负责单位|配合单位|配合部门|协办单位|协助单位|参与单位|协同单位|(?:牵头|配合|参与|协办|协助|协同|责任)(?=\s*[:：]))"
_FOLLOWING_RE = re.compile(r"以下.{0,40}?(不再|不另)(一一)?列(出|明|举)")
_TRAILING_NOISE = re.compile(r"(等(单位|部门)?|按职责分工负责|按职责负责|分别负责|分别牵头|负责|落实)$")


@dataclass
class Responsibility:
    lead: list[str] = field(default_factory=list)
    co: list[str] = field(default_factory=list)
    counties: bool = False
    following_counties: bool = False
    span: tuple[int, int] | None = None  # the clause's place in the paragraph
    explicit: bool = True


def split_top(text: str, seps: str = "、,，;；\n") -> list[str]:
    """Split on separators that are not inside brackets (各区(县)教育局 stays whole)."""
    parts, depth, current = [], 0, []
    line_start = 0
    for i, c in enumerate(text):
        if c == "\n":
            between = re.match(r"[\u4e00-\u9fff]", text[i - 1 : i] or " ") and re.match(
                r"[\u4e00-\u9fff]", text[i + 1 : i + 2] or " "
            )
            so_far = "".join(current).strip()
            broken = between and (i - line_start >= 18 or (so_far and not looks_like_unit(fold(so_far))))
            line_start = i + 1
            if broken and "\n" in seps:
                continue  # "市交\n通运输局": a name broken at the end of a PDF line
        if c in OPEN_BRACKETS:
            depth += 1
        elif c in CLOSE_BRACKETS and depth:
            depth -= 1
        if c in seps and not depth:
            parts.append("".join(current))
            current = []
        else:
            current.append(c)
    parts.append("".join(current))
    return [p.strip(" \t\n。.:：") for p in parts if p.strip(" \t\n。.:：")]


def clean_name(name: str) -> str:
    name = name.strip(" 。.:：;；,，")
    for _ in range(2):
        name = _TRAILING_NOISE.sub("", name).strip(" 。.:：")
    return simplified(name)


def is_county_group(name: str) -> bool:
    return bool(_COUNTY_GROUP_RE.search(fold(name)))


def looks_like_unit(name: str) -> bool:
    """A name that ends like an organisation's (市科技局, 人行某某分行, 某某镇)."""
    folded = fold(name).strip()
    if not 2 <= len(folded) <= 30 or re.search(r"[,，。;；:：\d]", folded):
        return False
    return bool(re.search(rf"({_SUFFIX_RE})(\([^)]*\))?$", folded))


def unit_kind(name: str) -> str:
    """The catalogue's unit kinds, from how the name ends."""
    folded = fold(name)
    if re.search(r"(街道|镇|乡)$", folded):
        return "town"
    if re.search(r"(开发区|高新区|管理区|新区|园区|示范区|管委会|管理委员会)$", folded):
        return "zone"
    if re.search(r"(小组|联席会议|专班)$", folded):
        return "other"
    if re.search(r"(局|委|办|委员会|办公室|中心|部|厅|行|分局|总局|院|所|站)$", folded):
        return "bureau"
    if folded.endswith("县"):
        return "county"
    if folded.endswith("区"):
        return "district"
    if folded.endswith("市") and len(folded) > 2:
        return "county_city"
    return "bureau"


# A bare kind of unit, never a unit's name: the tail of a generic list ("各区、县级市",
# "市直有关部门、单位") or a clause cut short ("责任单位：市").
_BARE_KIND_RE = re.compile(
    r"^(县级市|县市|县区|区县|县|区|市|旗|乡|镇|乡镇|街道|单位|部门|企业|机构|政府|人民政府|党委|管委会)(等)?$"
)
_DIVISION_KIND_RE = re.compile(r"^(县级市|县市|县区|区县|县|区|市|旗)(政府|人民政府)?(等)?$")


def names_in(text: str) -> tuple[list[str], bool]:
    names, counties = [], False
    previous_group = False
    parts = []
    for part in split_top(text):
        pieces = part.split()
        # "市工信局 市财政局": names set apart by spaces only
        parts.extend(pieces if len(pieces) > 1 and all(looks_like_unit(fold(p)) for p in pieces) else [part])
    for part in parts:
        part = re.sub(r"^(和|及|以及|与)", "", part)
        if not part or re.search(r"[:：]", part):
            continue  # "责任领导：某某": another label's content, no unit
        folded = fold(part).strip()
        if is_county_group(part) or (previous_group and _DIVISION_KIND_RE.match(folded)):
            counties = previous_group = True  # "各区、县级市": every district and county-level city
            continue
        previous_group = False
        name = clean_name(part)
        if _BARE_KIND_RE.match(fold(name)):
            continue
        generic = re.match(r"^(各|其他|其它)", fold(name)) or re.search(r"有关|相关|其他|其它", fold(name))
        if name and name not in names and not generic:
            names.append(name)
    return names, counties


# "除标注‘分别牵头’外，列第一位的为牵头单位，下同": a note on how the unit lists read, not a unit.
_ROLE_NOTE_RE = re.compile(
    r"(列|排|排名|排序|位列|排列)(在)?(第一|首|第1)(位|个|名)?的?(单位|部门)?(均)?为牵头"
    r"|第一(个|位)(单位|部门)?为牵头|牵头单位(列|排)(在)?(第一|首|前)"
)


def is_role_note(text: str) -> bool:
    """A note (in brackets, or a line of its own) that says how the lists of units read."""
    return bool(_ROLE_NOTE_RE.search(fold(text))) and len(fold(text).strip()) <= 60


_LEAD_MARK_RE = re.compile(r"[(\[（【]\s*牵头\s*[)\]）】]\s*$")


def listed_units(content: str, result: Responsibility) -> None:
    """Units of an unlabelled list: "A、B、C" (A leads), "A、B牵头，C、D配合", "A、B（牵头）、C"
    (the marked one leads) or "A会同B负责"."""
    folded = fold(content)
    parts = split_top(content)
    if any(_LEAD_MARK_RE.search(fold(p)) for p in parts):
        marked = [_LEAD_MARK_RE.sub("", p) for p in parts if _LEAD_MARK_RE.search(fold(p))]
        lead, c1 = names_in("、".join(marked))
        co, c2 = names_in("、".join(p for p in parts if not _LEAD_MARK_RE.search(fold(p))))
        result.counties = result.counties or c1 or c2
        result.lead.extend(n for n in lead if n not in result.lead)
        result.co.extend(n for n in co if n not in result.lead + result.co)
        return
    lead_verb = re.search(r"(分别|共同)?牵头", folded) or re.search(r"会同", folded)
    if lead_verb:
        co_verb = re.search(
            r"(按职责分工|按照职责分工|按职责|按照职责|根据职责|依职责|分别)?(配合|参与|协同|协助|落实|负责)",
            folded[lead_verb.end() :],
        )
        co_end = lead_verb.end() + co_verb.start() if co_verb else len(folded)
        lead, c1 = names_in(content[: lead_verb.start()])
        co, c2 = names_in(content[lead_verb.end() : co_end])
    else:
        names, c1 = names_in(content)
        lead, co, c2 = names[:1], names[1:], False
        if re.search(r"(按职责分工|按照职责分工|按职责|按照职责|分别|共同)负责\s*$", folded.rstrip(" 。")):
            lead, co = names, []  # "A、B按职责分工负责": each leads its own share
    result.counties = result.counties or c1 or c2
    if result.lead:
        lead, co = [], lead + co
    result.lead.extend(n for n in lead if n not in result.lead)
    result.co.extend(n for n in co if n not in result.lead + result.co)


def parse_clause(content: str) -> Responsibility:
    """The units of one clause's content (without its brackets)."""
    folded = fold(content)
    result = Responsibility()
    following = _FOLLOWING_RE.search(folded)
    if following:
        result.following_counties = True
        result.counties = True
        cut = folded.rfind("以下", 0, following.start() + 2)
        content, folded = content[:cut], folded[:cut]
    labels = list(re.finditer(rf"[【\[〔]?\s*{_ANY_LABEL}\s*[】\]〕]?\s*[:：]?", folded))
    if not labels:
        listed_units(content, result)
        return result
    has_lead_label = any(re.search(_LEAD_LABEL, lm.group(0)) for lm in labels)
    if labels[0].start() > 0 and folded[: labels[0].start()].strip(" ,，;；"):
        listed_units(content[: labels[0].start()], result)
    for index, lm in enumerate(labels):
        stop = labels[index + 1].start() if index + 1 < len(labels) else len(folded)
        segment = content[lm.end() : stop]
        if re.search(_LEAD_LABEL, lm.group(0)):
            names, counties = names_in(segment)
            result.counties = result.counties or counties
            result.co = [n for n in result.co if n not in names]
            result.lead.extend(n for n in names if n not in result.lead)
        elif re.search(_CO_LABEL, lm.group(0)) or has_lead_label:
            names, counties = names_in(segment)
            result.counties = result.counties or counties
            result.co.extend(n for n in names if n not in result.lead + result.co)
        else:  # 责任单位：the first leads, unless a "…牵头" says otherwise
            listed_units(segment, result)
    return result


def is_following_counties_line(line: str) -> bool:
    """A line that only says the counties carry out the tasks after it, without naming units."""
    folded = fold(line).strip(" \t" + OPEN_BRACKETS + CLOSE_BRACKETS + "。.;；")
    m = _FOLLOWING_RE.search(folded)
    return bool(m and folded.startswith("以下") and not folded[m.end() :].strip(" " + CLOSE_BRACKETS + "。.;；"))


def _bracket_start(folded: str, close: int) -> int | None:
    depth = 0
    for i in range(close, -1, -1):
        c = folded[i]
        if c in CLOSE_BRACKETS:
            depth += 1
        elif c in OPEN_BRACKETS:
            depth -= 1
            if depth == 0:
                return i
    return None


def find_clause(text: str) -> Responsibility | None:
    """The responsibility clause of a task paragraph, with its span; None if it has none."""
    folded = fold(text)
    end = len(folded.rstrip(" ?？。.;；\t"))
    if end and folded[end - 1] in CLOSE_BRACKETS:
        start = _bracket_start(folded, end - 1)
        if start is not None:
            inner = text[start + 1 : end - 1]
            inner_folded = folded[start + 1 : end - 1]
            if is_role_note(inner):
                return find_clause(text[:start]) if text[:start].strip() else None
            labelled = re.match(rf"\s*{_ANY_LABEL}", inner_folded) or re.search(r"(牵头|配合)", inner_folded)
            listed = split_top(inner_folded)
            bare_list = listed and all(
                looks_like_unit(_TRAILING_NOISE.sub("", p)) or is_county_group(p) for p in listed
            )
            if labelled or _FOLLOWING_RE.search(inner_folded) or bare_list:
                result = parse_clause(inner)
                result.span = (start, len(text))
                if result.lead or result.co or result.counties:
                    return result
    # An unbracketed "责任单位：…" closing the paragraph, "【责任单位】…", or a labelled bracket inside it.
    labels = list(re.finditer(rf"[{re.escape(OPEN_BRACKETS)}]?\s*{_ANY_LABEL}\s*(?:[:：]|[】\]］〕]\s*[:：]?)", folded))
    # The clause starts at the first label after which the paragraph says nothing else.
    m = next(
        (
            lm
            for lm in labels
            if not re.search(
                rf"[。;；]\s*(?![{re.escape(OPEN_BRACKETS)}]?\s*{_ANY_LABEL})[^\s。;；?{re.escape(CLOSE_BRACKETS)}]",
                folded[lm.end() :],
            )
        ),
        labels[-1] if labels else None,
    )
    if m is not None:
        start = m.start()
        stop = len(text)
        if folded[m.end() - 1] in "】]］〕" or folded[m.end() - 2 : m.end()] in ("】:", "]:", "〕:"):
            inner = text[m.end() :]
            inner = re.sub(r"^[:：\s]+", "", inner)
        elif folded[start] in OPEN_BRACKETS:
            depth = 0
            for i in range(start, len(folded)):
                if folded[i] in OPEN_BRACKETS:
                    depth += 1
                elif folded[i] in CLOSE_BRACKETS:
                    depth -= 1
                    if depth == 0:
                        stop = i + 1
                        break
            inner = text[start + 1 : stop - 1]
        else:
            inner = text[start:stop]
        result = parse_clause(inner)
        result.span = (start, stop)
        if result.lead or result.co or result.counties:
            return result
    return closing_sentence(text) or _title_clause(text)


def _title_clause(text: str) -> Responsibility | None:
    """Units in brackets right after a measure's title: "加强企业服务（A牵头，B、C配合）。…"."""
    folded = fold(text)
    m = re.match(r"^[^。;；!?()（）]{2,30}?([(（])([^()（）]{2,80})([)）])\s*[。.]?", folded)
    if not m or not re.search(rf"牵头|配合|{_ANY_LABEL}", m.group(2)):
        return None
    result = parse_clause(text[m.start(2) : m.end(2)])
    if not result.lead or not all(looks_like_unit(n) for n in result.lead + result.co):
        return None
    result.span = (m.start(1), m.end(3))
    return result


# "此项工作由A牵头，B配合。", "由A负责。", "A牵头，B、C配合。" as a paragraph's last sentence.
_CLOSING_RE = re.compile(
    r"(?:^|(?<=[。;；!?]))\s*(?P<clause>(?:(?:此项|该项|本项|这项|上述|以上)(?:工作|任务|措施)?)?"
    r"(?:具体由|主要由|均由|由)?[^。;；!?]{2,80}?(?:牵头|负责)[^。;；!?]{0,60}?)[。;；!?\s]*$"
)
_CLOSING_LEAD_RE = re.compile(r"(?:(?:此项|该项|本项|这项|上述|以上)(?:工作|任务|措施)?)?(?:具体由|主要由|均由|由)?")


def closing_sentence(text: str) -> Responsibility | None:
    """The units of a paragraph's last sentence when it says only who is responsible."""
    folded = fold(text)
    m = _CLOSING_RE.search(folded)
    if not m or not folded[: m.start("clause")].strip(" \t\n。"):
        return None  # no such sentence, or it is the whole paragraph
    start = m.start("clause")
    lead = _CLOSING_LEAD_RE.match(folded, start)
    clause = text[lead.end() : m.end("clause")]
    folded_clause = fold(clause)
    if not re.search(r"牵头|负责$", folded_clause):
        return None  # "由A负责组织实施…" or other prose, not a list of units
    result = parse_clause(clause)
    if not result.lead or not all(looks_like_unit(n) for n in result.lead + result.co):
        return None
    result.span = (start, len(text))
    return result


# A unit named at the head of a sentence and doing something: "市统计局研究制定…".
_SUBJECT_RE = re.compile(
    rf"^(?:由|具体由|并由|具体是|是|其中)?(?P<name>(?:市|区|县|省|州|镇)[^,，。;；、:：\s]{{1,16}}?(?:{_SUFFIX_RE}))"
    r"(?=牵头|统筹|负责|会同|研究|组织|协调|指导|联合|要|进一步|建立|制定|加强|按照|做好)"
)
_LEADS_RE = re.compile(
    rf"(?P<name>[^,，。;；、:：\s]{{2,18}}?(?:{'|'.join(s for s in UNIT_SUFFIXES if len(s) > 1 or s in '局委办部厅')}))"
    r"(?:牵头(?:推进|负责|抓总|组织|实施|落实)|负责牵头|发挥牵头抓总作用)"
)
_CO_PROSE_RE = re.compile(
    r"与(?P<name>[^,，。;；、:：\s]{2,16}?(?:分局|局|委|办|中心|部门|分行))(?:密切)?(?:配合|协作|合作)"
)
_LEADING_WORDS = re.compile(r"^(具体是|具体由|主要由|分别由|并由|均由|由|是|其中|并|且|和|及|同时)")


_PROSE_CLAUSE_RE = re.compile(r"^(?P<clause>[^。;；]{2,80}?牵头[^。;；]{0,80}?(?:配合|参与|协同|协助))")


def prose_clause(text: str) -> Responsibility | None:
    """The units of a measure given in its prose: "A牵头，B、C配合，…" opening the paragraph's body."""
    m = _PROSE_CLAUSE_RE.match(fold(text).strip())
    if not m:
        return None
    offset = len(text) - len(text.lstrip())
    result = parse_clause(text[offset : offset + m.end("clause")])
    if result.lead and all(looks_like_unit(n) for n in result.lead + result.co):
        return result
    return None


def sentence_subject(text: str) -> str | None:
    """The unit a paragraph opens with, if it opens with one ("市低空经济工作专班统筹…")."""
    m = _SUBJECT_RE.match(fold(text).strip())
    if not m:
        return None
    return clean_name(text.strip()[m.start("name") : m.end("name")])


def prose_leads(text: str) -> list[str]:
    """Units that a sentence makes lead something: "市文旅局牵头推进…, 市体育局牵头推进…"."""
    folded = fold(text)
    names = []
    for m in _LEADS_RE.finditer(folded):
        raw = text[m.start("name") : m.end("name")]
        raw = raw[len(_LEADING_WORDS.match(fold(raw)).group(0)) :] if _LEADING_WORDS.match(fold(raw)) else raw
        name = clean_name(raw)
        if looks_like_unit(name) and name not in names:
            names.append(name)
    return names


def prose_co_units(text: str) -> list[str]:
    """Units a task says it works with: "与各区市场监管分局密切配合"."""
    folded = fold(text)
    names = []
    for m in _CO_PROSE_RE.finditer(folded):
        name = clean_name(text[m.start("name") : m.end("name")])
        if name not in names:
            names.append(name)
    return names
