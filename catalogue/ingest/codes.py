"""Readable codes for a newly read policy: the city, the topic of its title in pinyin, its
first year ("shifan-chanye-2025"), unique among the codes already taken."""

from __future__ import annotations

import re

from pypinyin import lazy_pinyin

from .script import fold, simplified

# Words a title opens with that say nothing of its topic ("关于加快推进…").
_OPENERS = re.compile(
    r"^(?:关于|印发|进一步|加快|加速|全面|深入|大力|持续|着力|推进|推动|促进|支持|实施|开展|强化|加强|做好|落实|"
    r"构建|建设|打造|培育|提升|新一轮|新时代|高质量)+"
)
_YEARS = re.compile(r"[(（]?\s*\d{4}\s*(?:[—\-–~至]{1,2}\s*\d{4})?\s*年?(?:度)?\s*[)）]?")


def topic(title: str, city_name: str | None = None) -> str:
    """The first word of a title's topic in pinyin: "示范市产业链培育实施方案" → "chanye"."""
    text = simplified(fold(title or ""))
    text = re.sub(r"^.*?关于印发", "", text)
    text = re.sub(r"的通知$", "", text)
    text = _YEARS.sub("", text)
    for name in filter(None, [city_name, (city_name or "")[:-1] if city_name and len(city_name) > 2 else None]):
        if text.startswith(name):
            text = text[len(name) :]
            break
    else:
        text = re.sub(r"^[\u4e00-\u9fff]{1,6}?(?:市|州|盟|县|区)(?:人民政府)?(?:办公室)?", "", text, count=1)
    text = re.sub(r"[^\u4e00-\u9fff]", "", text)
    rest = _OPENERS.sub("", text) or text
    return "".join(lazy_pinyin(rest[:2])).lower() or "policy"


def slug(text: str) -> str:
    """ASCII letters, digits and single hyphens."""
    return re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9-]", "-", text.lower())).strip("-")


def policy_code(city_code: str, title: str, start: str | None, *, city_name: str | None = None) -> str:
    """``city-topic-year`` (the year the plan starts; left out when it is unknown)."""
    year = (start or "")[:4]
    parts = [city_code, topic(title, city_name)] + ([year] if year.isdigit() else [])
    return slug("-".join(parts))[:72]


def unique(code: str, taken) -> str:
    """``code`` itself, or ``code-2``, ``code-3`` … whichever is not in ``taken``."""
    if code not in taken:
        return code
    n = 2
    while f"{code}-{n}" in taken:
        n += 1
    return f"{code}-{n}"


def recode(policy: dict, code: str) -> None:
    """Give a draft policy a new code and its indicators codes under it."""
    old = policy.get("code") or ""
    policy["code"] = code

    def walk(sections):
        for section in sections:
            for task in section.get("tasks") or []:
                for n, indicator in enumerate(task.get("indicators") or [], start=1):
                    current = indicator.get("code") or ""
                    suffix = current[len(old) + 1 :] if old and current.startswith(old + "-") else f"{n:03d}"
                    indicator["code"] = f"{code}-{suffix}"
            walk(section.get("sections") or [])

    walk(policy.get("sections") or [])
