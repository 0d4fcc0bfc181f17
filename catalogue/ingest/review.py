"""Corrections to a draft read by the ingest assistant, as pure edits of its dict: the
review screen's form in, the corrected draft (and any problems) out."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from ..checking import iter_tasks
from .reader import city_name_of

COMPARISONS = ("at_least", "at_most", "range")
WINDOWS = ("annual", "plan", "date")


def tasks_of(draft: dict) -> list[dict]:
    """The draft's tasks in document order (the review screen numbers them by position)."""
    return [task for _place, _section, task in iter_tasks(draft)]


def unit_names(draft: dict) -> list[str]:
    names = []
    for task in tasks_of(draft):
        for name in (task.get("lead_units") or []) + (task.get("co_units") or []):
            if name not in names:
                names.append(name)
    if draft.get("lead_unit") and draft["lead_unit"] not in names:
        names.insert(0, draft["lead_unit"])
    return names


def _number(raw: str, label: str, errors: list[str]):
    text = (raw or "").strip().replace(",", "")
    if text == "":
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        errors.append(f"{label}：“{raw}”不是数字")
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _split_names(raw: str) -> list[str]:
    return [n for n in (p.strip() for p in re.split(r"[、，,;；\n]", raw or "")) if n]


def apply_edits(draft: dict, form) -> list[str]:
    """Apply the review form to the draft in place; returns the problems found (in Chinese)."""
    errors: list[str] = []
    source = draft.get("source_text") or ""
    if "title" in form:
        draft["title"] = form["title"].strip()
        city = draft.get("city") or {}
        if city.get("name") in (None, "", city.get("code")):
            city["name"] = city_name_of(draft["title"]) or city.get("name")  # a new city, named by its document
    for key in ("doc_number", "issuing_office"):
        if key in form:
            draft[key] = form[key].strip() or None
    _apply_period(draft, form, errors)
    if "lead_unit" in form:
        draft["lead_unit"] = form["lead_unit"].strip() or None
    for i, task in enumerate(tasks_of(draft)):
        prefix = f"t{i}"
        if f"{prefix}-title" not in form:
            continue
        task["title"] = form[f"{prefix}-title"].strip() or task["title"]
        task["lead_units"] = _split_names(form.get(f"{prefix}-lead", ""))
        task["co_units"] = _split_names(form.get(f"{prefix}-co", ""))
        task["counties_implement"] = form.get(f"{prefix}-counties") == "on"
        if not task["lead_units"] and not task.get("no_unit_reason"):
            task["no_unit_reason"] = "文件未列责任单位，由牵头单位统筹"
        kept = []
        for k, indicator in enumerate(task.get("indicators") or []):
            targets = []
            for m, target in enumerate(indicator.get("targets") or []):
                key = f"g{i}-{k}-{m}"
                if form.get(f"{key}-delete") == "on":
                    continue
                if f"{key}-value" in form:
                    label = f"{task['title']} · {indicator['name']}"
                    value = _number(form[f"{key}-value"], label, errors)
                    if value is not None:
                        target["value"] = value
                    target["value_max"] = _number(form.get(f"{key}-value_max", ""), label, errors)
                    if form.get(f"{key}-comparison") in COMPARISONS:
                        target["comparison"] = form[f"{key}-comparison"]
                    if form.get(f"{key}-window") in WINDOWS:
                        target["window"] = form[f"{key}-window"]
                    year = _number(form.get(f"{key}-year", ""), label, errors)
                    target["year"] = int(year) if year else None
                    if target["window"] in ("plan", "date") and target["year"]:
                        target["deadline"] = f"{target['year']}-12-31"
                    target["confidence"] = 1.0  # checked by a person
                targets.append(target)
            if f"g{i}-{k}-name" in form:
                indicator["name"] = form[f"g{i}-{k}-name"].strip() or indicator["name"]
                indicator["unit"] = form.get(f"g{i}-{k}-unit", indicator["unit"]).strip() or indicator["unit"]
            indicator["targets"] = targets
            if targets:
                kept.append(indicator)
        task["indicators"] = kept
    _add_target(draft, form, source, errors)
    _restructure(draft, form, errors)
    return errors


def _period_date(raw: str, *, end: bool) -> dt.date | None:
    """ "2025", "2025-03" or "2025-03-01" (also 2025年3月, 2025/3/1) → a date; the first day of the
    year or month for a start, the last for an end. None when it cannot be read."""
    text = re.sub(r"\s", "", raw or "").replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-")
    text = text.replace(".", "-").strip("-")
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", text)
    if not m:
        return None
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    if not 1990 <= year <= 2100:
        return None
    try:
        if day:
            return dt.date(year, int(month), int(day))
        if month:
            month = int(month)
            return dt.date(year, month, calendar.monthrange(year, month)[1] if end else 1)
    except ValueError:
        return None
    return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)


def _apply_period(draft: dict, form, errors: list[str]) -> None:
    """The plan period as the reviewer typed it (a year, a month or a day for each end)."""
    if "period_start" not in form and "period_end" not in form:
        return
    period = dict(draft.get("period") or {})
    for key, end in (("start", False), ("end", True)):
        raw = (form.get(f"period_{key}") or "").strip()
        if not raw:
            period[key] = None
            continue
        day = _period_date(raw, end=end)
        if day is None:
            label = "计划期开始" if key == "start" else "计划期结束"
            errors.append(f"{label}：“{raw}”不是日期，请写成 2025 或 2025-01-01。")
            continue
        period[key] = day.isoformat()
    if period.get("start") and period.get("end") and period["start"] > period["end"]:
        errors.append("计划期的开始晚于结束，请检查。")
    draft["period"] = period
    end_year = int(period["end"][:4]) if period.get("end") else None
    for task in tasks_of(draft):
        for indicator in task.get("indicators") or []:
            for target in indicator.get("targets") or []:
                if end_year and target.get("window") != "annual" and not target.get("year"):
                    # a target whose deadline the text leaves to the plan: the plan's end, now known
                    target.update(year=end_year, deadline=f"{end_year}-12-31", deadline_inferred=True)


def missing_head(draft: dict) -> list[str]:
    """What a policy must have before it is saved: its title and its plan period."""
    problems = []
    title = (draft.get("title") or "").strip()
    if not title or title == "（未识别标题的政策文件）":  # the placeholder older drafts carry
        problems.append("请填写政策文件的标题（原文中未找到标题）。")
    period = draft.get("period") or {}
    if not period.get("start"):
        problems.append("请填写计划期开始（如 2025 或 2025-01-01）。")
    if not period.get("end"):
        problems.append("请填写计划期结束（如 2027 或 2027-12-31）。")
    return problems


def _locations(draft: dict) -> list[tuple[dict, dict]]:
    """(section, task) for every task in document order, so tasks can be removed or moved."""
    return [(section, task) for _place, section, task in iter_tasks(draft)]


def _restructure(draft: dict, form, errors: list[str]) -> None:
    """Split, merge into the previous task, or delete tasks, as the review form asks."""
    located = _locations(draft)
    removed: set[int] = set()
    for i, (section, task) in enumerate(located):
        at = (form.get(f"t{i}-split") or "").strip()
        if at and at in (task.get("text") or "") and not task["text"].startswith(at):
            head, _sep, tail = task["text"].partition(at)
            tail = at + tail
            moved = [
                ind for ind in task.get("indicators") or [] if all(t["source_quote"] in tail for t in ind["targets"])
            ]
            task["text"] = head.rstrip()
            task["indicators"] = [ind for ind in task.get("indicators") or [] if ind not in moved]
            new_task = {
                **task,
                "number": f"{task.get('number') or ''}-2".lstrip("-"),
                "title": tail[:16],
                "text": tail,
                "indicators": moved,
            }
            section["tasks"].insert(section["tasks"].index(task) + 1, new_task)
        elif at:
            errors.append(f"任务“{task['title']}”的拆分位置必须是其全文中间的一段文字。")
    located = _locations(draft)
    for i, (_section, task) in enumerate(located):
        if form.get(f"t{i}-merge") == "on" and i > 0:
            _prev_section, previous = located[i - 1]
            previous["text"] = "\n".join(x for x in (previous.get("text"), task.get("text")) if x)
            previous.setdefault("indicators", []).extend(task.get("indicators") or [])
            for key in ("lead_units", "co_units"):
                previous[key] = list(dict.fromkeys((previous.get(key) or []) + (task.get(key) or [])))
            removed.add(id(task))
        elif form.get(f"t{i}-delete") == "on":
            removed.add(id(task))
    for section, task in located:
        if id(task) in removed and task in section["tasks"]:
            section["tasks"].remove(task)


def _add_target(draft: dict, form, source: str, errors: list[str]) -> None:
    quote = (form.get("new-quote") or "").strip()
    if not quote:
        return
    if quote not in source:
        errors.append("新增目标的原文摘录必须是正文中连续的一段文字（请在左侧原文中选择）。")
        return
    tasks = tasks_of(draft)
    try:
        task = tasks[int(form.get("new-task", "0"))]
    except (ValueError, IndexError):
        errors.append("请选择新增目标所属的任务。")
        return
    value = _number(form.get("new-value", ""), "新增目标", errors)
    if value is None:
        errors.append("新增目标需要填写目标值。")
        return
    window = form.get("new-window") if form.get("new-window") in WINDOWS else "date"
    year = _number(form.get("new-year", ""), "新增目标", errors)
    end = (draft.get("period") or {}).get("end") or ""
    year = int(year) if year else (int(end[:4]) if end[:4].isdigit() else None)
    unit = (form.get("new-unit") or "").strip() or "项"
    indicator_count = sum(len(t.get("indicators") or []) for t in tasks)
    task.setdefault("indicators", []).append(
        {
            "code": f"{draft['code']}-n{indicator_count + 1}",
            "name": (form.get("new-name") or "").strip() or quote[:20],
            "unit": unit,
            "measure": "flow" if window in ("annual", "plan") else "level",
            "rollup": "single" if unit == "%" else "sum",
            "direction": "up",
            "concept": None,
            "targets": [
                {
                    "value": value,
                    "value_max": None,
                    "comparison": "at_least",
                    "window": window,
                    "year": None if window == "annual" else year,
                    "deadline": None if window == "annual" or not year else f"{year}-12-31",
                    "deadline_inferred": not form.get("new-year"),
                    "baseline": None,
                    "baseline_date": None,
                    "applies_to": "total",
                    "milestones": [],
                    "source_quote": quote,
                    "confidence": 1.0,
                }
            ],
        }
    )


def apply_unit_map(draft: dict, mapping: dict[str, dict]) -> None:
    """Rename each unit to the existing unit it was mapped to, or keep it as a new unit of
    the chosen kind. `mapping`: draft name → {"name", "kind", "code"} (code None for new)."""

    def final(name: str) -> str:
        return mapping[name]["name"] if name in mapping else name

    for task in tasks_of(draft):
        task["lead_units"] = list(dict.fromkeys(final(n) for n in task.get("lead_units") or []))
        task["co_units"] = [
            n for n in dict.fromkeys(final(n) for n in task.get("co_units") or []) if n not in task["lead_units"]
        ]
    if draft.get("lead_unit"):
        draft["lead_unit"] = final(draft["lead_unit"])
    units = {u["name"]: u for u in draft.get("units") or [] if u["name"] not in mapping}
    for target in mapping.values():
        units[target["name"]] = {"code": target.get("code"), "name": target["name"], "kind": target["kind"]}
    draft["units"] = list(units.values())


def _task_key(task: dict) -> str:
    return str(task.get("number") or task.get("title"))


def _target_text(indicator: dict, target: dict) -> str:
    bound = f"{target['value']}" + (f"—{target['value_max']}" if target.get("value_max") is not None else "")
    when = "每年" if target["window"] == "annual" and not target.get("year") else f"{target.get('year') or ''}年"
    who = "，每个单位" if target.get("applies_to") == "each" else ""
    return f"{indicator['name']} {bound}{indicator.get('unit') or ''}（{when}{who}）"


def adopt_codes(old: dict, new: dict) -> None:
    """Give the new version's indicators the codes of the same indicators in the old one
    (same task, same name), so that figures already reported stay attached to them."""
    old_codes = {
        (_task_key(task), indicator["name"]): indicator["code"]
        for task in tasks_of(old)
        for indicator in task.get("indicators") or []
    }
    new["code"] = old["code"]
    for task in tasks_of(new):
        for indicator in task.get("indicators") or []:
            code = old_codes.get((_task_key(task), indicator["name"]))
            if code:
                indicator["code"] = code
            elif not indicator["code"].startswith(old["code"]):
                indicator["code"] = f"{old['code']}-{indicator['code']}"[:80]


def diff(old: dict, new: dict) -> list[tuple[str, str]]:
    """What a new version changes, for a person to confirm: (kind, text) with kind one of
    新增 / 删除 / 修改."""
    changes: list[tuple[str, str]] = []
    old_tasks = {_task_key(t): t for t in tasks_of(old)}
    new_tasks = {_task_key(t): t for t in tasks_of(new)}
    for key, task in new_tasks.items():
        if key not in old_tasks:
            changes.append(("新增", f"任务 {key} {task['title']}"))
            continue
        before = old_tasks[key]
        if (before.get("lead_units"), before.get("co_units")) != (task.get("lead_units"), task.get("co_units")):
            changes.append(
                (
                    "修改",
                    f"任务 {key} 责任单位：{'、'.join(before.get('lead_units') or [])} → "
                    f"{'、'.join(task.get('lead_units') or [])}",
                )
            )
        old_targets = {_target_text(i, t) for i in before.get("indicators") or [] for t in i["targets"]}
        new_targets = {_target_text(i, t) for i in task.get("indicators") or [] for t in i["targets"]}
        changes += [("新增", f"任务 {key} 目标 {t}") for t in sorted(new_targets - old_targets)]
        changes += [("删除", f"任务 {key} 目标 {t}") for t in sorted(old_targets - new_targets)]
    changes += [("删除", f"任务 {key} {t['title']}") for key, t in old_tasks.items() if key not in new_tasks]
    return changes
