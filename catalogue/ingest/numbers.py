"""Numbers and quantities as Chinese policy documents write them.

Works on folded text (``script.fold``): Arabic digits are ASCII there, whatever width the
document used. Chinese numerals (三家, 两个, 十五项, 一千亿元) are parsed too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_SMALL = {"十": 10, "百": 100, "千": 1000}
CN_BIG = {"万": 10_000, "亿": 100_000_000}


def parse_cn(text: str) -> int | None:
    """一千 → 1000, 十五 → 15, 两 → 2, 三百五十 → 350, 一万二千 → 12000; None if not a numeral."""
    if not text:
        return None
    total = section = number = 0
    seen = False
    for c in text:
        if c in CN_DIGITS:
            number = CN_DIGITS[c]
            seen = True
        elif c in CN_SMALL:
            section += (number or 1) * CN_SMALL[c]
            number = 0
            seen = True
        elif c in CN_BIG:
            section = (section + number) * CN_BIG[c]
            total += section
            section = number = 0
            seen = True
        else:
            return None
    return total + section + number if seen else None


def parse_number(text: str) -> float | None:
    """A number written in Arabic digits (ASCII after folding) or in Chinese numerals."""
    text = text.replace(",", "").strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        value = parse_cn(text)
        return None if value is None else float(value)


def tidy(value: float | None):
    """3.0 → 3, 3.50 → 3.5; targets are exported as plain JSON numbers."""
    if value is None:
        return None
    value = round(value, 4)
    return int(value) if value == int(value) else value


# Units of measure, longest first so that 万元/人 wins over 万元 and 个百分点 over 个.
UNITS = [
    "微克/立方米",
    "吨标准煤/万元",
    "吨标煤/万元",
    "万元/人",
    "万元/亩",
    "亿元/平方公里",
    "个百分点",
    "个工作日",
    "平方公里",
    "万平方米",
    "平方米",
    "万千瓦时",
    "千瓦时",
    "亿千瓦时",
    "吉瓦时",
    "兆瓦时",
    "万千瓦",
    "千瓦",
    "吉瓦",
    "兆瓦",
    "万标箱",
    "标箱",
    "亿立方米",
    "亿美元",
    "万美元",
    "美元",
    "亿元",
    "万元",
    "元",
    "亿",
    "万人次",
    "人次",
    "家次",
    "万人",
    "万户",
    "万亩",
    "万吨标准煤",
    "吨标准煤",
    "万吨",
    "万立方米",
    "立方米",
    "千克",
    "公斤",
    "工作日",
    "百分点",
    "公里",
    "公顷",
    "小时",
    "批次",
    "亩",
    "吨",
    "人",
    "名",
    "家",
    "个",
    "件",
    "项",
    "次",
    "场",
    "所",
    "座",
    "条",
    "台",
    "套",
    "款",
    "种",
    "户",
    "篇",
    "处",
    "辆",
    "艘",
    "张",
    "栋",
    "幢",
    "株",
    "棵",
    "只",
    "块",
    "册",
    "倍",
    "天",
    "%",
    "‰",
]
MONEY_UNITS = {"亿元", "万元", "元", "亿美元", "万美元", "美元"}
TIME_LIMIT_UNITS = {"天", "小时", "工作日", "个工作日"}
SHARE_UNITS = {"%", "‰", "百分点"}

# Counting words that may take 万/亿 in front as written ("5万辆", "1.2万人", "3万亩").
_COUNT_UNITS = "家个件项人名次场所座条台套款种户篇处辆艘亩吨张栋株"
# "个" before 月 is a duration ("2个月内"), not a count.
_UNIT_RE = "|".join(re.escape(u) + (r"(?!月|半月)" if u == "个" else "") for u in UNITS)
_ARABIC = r"\d{1,3}(?:,\d{3})+(?![\d,])(?:\.\d+)?|\d+(?:\.\d+)?"
_CN = r"[零〇一二两三四五六七八九十百千]+(?:[万亿](?![元美亩吨人户千平]))?[零〇一二两三四五六七八九十百千]*"
_NUM = rf"(?:{_ARABIC}|{_CN})"
_SEP = r"\s*(?:—{1,2}|－|-|–|~|至|到(?=\d))\s*"

QUANTITY_RE = re.compile(
    rf"(?:百分之(?P<pct>{_ARABIC}|[零〇一二两三四五六七八九十点]+))"
    rf"|(?P<a>{_NUM})(?:(?P<sep>{_SEP})(?P<b>{_NUM}))?\s*"
    rf"(?:(?P<class>[万亿]?亿级|[百千万]亿级)|(?P<unit>{_UNIT_RE}|[万亿][{_COUNT_UNITS}])|(?P<frac>/\d+))?"
    rf"(?P<alt>\([^)]{{0,4}}\))?(?P<suffix>以上|以下|以内|左右|多)?"
)
_RANGE_JOIN_RE = re.compile(_SEP)


@dataclass
class Quantity:
    start: int
    end: int
    value: float
    value_max: float | None
    unit: str
    suffix: str
    chinese: bool
    size_class: bool = False  # "1000亿级": a size class, a target only when nothing else is
    rank: bool = False  # "跃居全省前40位": a place in a ranking, to be at most this


def _value(text: str) -> float | None:
    if "点" in text:  # 百分之三点五
        whole, _dot, frac = text.partition("点")
        head, tail = parse_cn(whole) if whole else 0, "".join(str(CN_DIGITS.get(c, "")) for c in frac)
        return None if head is None or not tail else float(f"{head}.{tail}")
    return parse_number(text)


def find_quantities(masked: str, start: int = 0, end: int | None = None) -> list[Quantity]:
    """Every number that carries a unit of measure (or is a share such as 2/3), in order."""
    end = len(masked) if end is None else end
    found: list[Quantity] = []
    for m in QUANTITY_RE.finditer(masked, start, end):
        if m.group("pct"):
            value = _value(m.group("pct"))
            if value is not None:
                found.append(Quantity(m.start(), m.end(), value, None, "%", m.group("suffix") or "", True))
            continue
        a = m.group("a")
        if not a or re.search(r"(\d[.,]?)$", masked[max(0, m.start() - 2) : m.start()]):
            continue  # the tail of a longer number
        if m.start() > 0 and re.match(r"[A-Za-z]", masked[m.start() - 1]):
            continue  # PM2.5, G60: part of a name
        chinese = not a[0].isdigit()
        unit = m.group("unit") or ""
        size_class = False
        if m.group("class"):
            unit, size_class = "亿元", True
            if chinese or m.group("class")[0] in "百千万":
                continue  # 千亿级 / 百亿级 without a digit before it is a class name, not a number
        if chinese and a.endswith("亿") and not unit and masked[m.end() : m.end() + 1] != "级":
            a, unit = a[:-1], "亿元"  # 五千亿规模
        value = _value(a)
        if value is None:
            continue
        if unit == "亿":
            unit = "亿元"  # 1000亿: an amount of yuan unless said otherwise
        if m.group("frac"):
            denominator = float(m.group("frac")[1:])
            if not denominator or chinese:
                continue
            value, unit = round(value / denominator * 100, 2), "%"
        value_max = _value(m.group("b")) if m.group("b") else None
        if not unit and not m.group("suffix"):
            continue  # 2018-2020, 5G, 3.0: a bare number is not a quantity
        magnitude = (
            chinese
            and a in ("百", "千", "万")
            and unit
            and re.search(r"(突破|达到|超过|迈上|跨越|迈向|超|达)\s*$", masked[max(0, m.start() - 3) : m.start()])
        )
        if chinese and (a[0] in "百千万亿" or not unit) and not magnitude:
            continue  # "千亿级", "百强": names; but "突破千亿元" is a thousand
        q = Quantity(m.start(), m.end(), value, value_max, unit, m.group("suffix") or "", chinese, size_class)
        previous = found[-1] if found else None
        joint = masked[previous.end : q.start] if previous else ""
        if (
            previous
            and previous.unit == q.unit
            and previous.value_max is None
            and q.value_max is None
            and not previous.suffix
            and _RANGE_JOIN_RE.fullmatch(joint)
        ):
            # "3家至5家": one range written with the unit twice
            previous.value_max, previous.end, previous.suffix = q.value, q.end, q.suffix
            continue
        found.append(q)
    return found
