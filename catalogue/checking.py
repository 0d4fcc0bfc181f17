"""Reading and validating the policy catalogue files of ``fixtures/``.

Pure functions over YAML and text: no database, so the same checks run in
``check_policies``, before ``load_policies`` writes anything, and on a bare checkout
(``python -m catalogue.checking FILE.yaml``).
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures"

UNIT_KINDS = {"bureau", "county", "district", "county_city", "zone", "town", "other"}
COUNTY_KINDS = {"county", "district", "county_city", "zone"}
MEASURES = {"level", "flow"}
ROLLUPS = {"sum", "single"}
DIRECTIONS = {"up", "down"}
COMPARISONS = {"at_least", "at_most", "range"}
WINDOWS = {"annual", "plan", "date"}
APPLIES_TO = {"total", "each"}
# Wording that binds every unit on its own (每个县, 每县, 各县(市、区)…, 市、县每年各组织…): an
# `each` target needs it, or more than one unit reporting, to mean anything.
# (Traditional forms too: Tangshan's text is in Traditional characters.)
PER_UNIT_RE = re.compile(
    r"每一?[个個条條座所]|每[县縣区區市镇鎮乡鄉]|"
    r"各(?:[县縣区區市]|[园園][区區]|[开開][发發][区區]|集中[区區]|部[门門]|[乡鄉]?[镇鎮]|街道|[单單]位|[产產][业業])|"
    r"各(?:[组組][织織]|建[设設]|[开開]展|[举舉][办辦]|培育|推[动動]|完成|不少[于於]|至少)"
)


@dataclass(frozen=True)
class CatalogueError:
    """One problem in a catalogue file, located so that a person can find it."""

    file: str
    place: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.place}: {self.reason}"


class CatalogueInvalid(Exception):
    """Raised with every problem found, so that nothing is loaded from a bad catalogue."""

    def __init__(self, errors: list[CatalogueError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


def read_yaml(path: Path) -> tuple[dict | None, list[CatalogueError]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return None, [CatalogueError(path.name, "文件", f"无法读取：{exc}")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        place = f"第{mark.line + 1}行第{mark.column + 1}列" if mark else "文件"
        return None, [CatalogueError(path.name, place, f"YAML 格式错误：{getattr(exc, 'problem', exc)}")]
    if not isinstance(data, dict):
        return None, [CatalogueError(path.name, "文件", "顶层必须是一个映射（code、name …）")]
    return data, []


def iso(value) -> str | None:
    """Dates in YAML may be parsed as dates or kept as strings; the catalogue uses ISO strings."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return dt.date.fromisoformat(str(value)).isoformat()


def iter_sections(sections, path=()):
    """Yield (place, section) for every section of a tree, depth first, in document order."""
    for i, section in enumerate(sections or []):
        place = path + (str(section.get("number") or i + 1),)
        yield place, section
        yield from iter_sections(section.get("sections"), place)


def iter_tasks(policy: dict):
    for place, section in iter_sections(policy.get("sections")):
        for j, task in enumerate(section.get("tasks") or []):
            yield place + (f"任务{task.get('number') or j + 1}",), section, task


def validate_city(city: dict, file: str) -> list[CatalogueError]:
    errors = []
    for key in ("code", "name"):
        if not city.get(key):
            errors.append(CatalogueError(file, "城市", f"缺少 {key}"))
    seen = set()
    for i, unit in enumerate(city.get("units") or []):
        place = f"units[{i}] {unit.get('name', '')}"
        if not unit.get("name"):
            errors.append(CatalogueError(file, place, "单位缺少名称"))
        if unit.get("kind") not in UNIT_KINDS:
            errors.append(CatalogueError(file, place, f"单位类型 {unit.get('kind')!r} 无效"))
        if unit.get("code") in seen:
            errors.append(CatalogueError(file, place, f"单位代码 {unit.get('code')} 重复"))
        seen.add(unit.get("code"))
    return errors


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def milestone_problems(milestones, *, plan_start: str | None, plan_end: str | None, deadline: str | None) -> list[str]:
    """What is wrong with a target's 分年度目标 (a list of {year, value}): a year outside the
    plan period or not before the deadline's year (that year's target is the value itself),
    a year given twice, a value that is not a positive number. The admin checks the same."""
    if milestones is None:
        return []
    if not isinstance(milestones, list):
        return ["分年度目标 milestones 必须是列表（每项含 year、value）"]
    problems, seen = [], set()
    first = int(plan_start[:4]) if plan_start else None
    last = int(plan_end[:4]) if plan_end else None
    deadline_year = int(deadline[:4]) if deadline else None
    for k, milestone in enumerate(milestones):
        year = milestone.get("year") if isinstance(milestone, dict) else None
        if not isinstance(year, int) or isinstance(year, bool):
            problems.append(f"分年度目标第{k + 1}项的年份 {year!r} 不是整数年份")
            continue
        if year in seen:
            problems.append(f"分年度目标 {year}年 重复")
        seen.add(year)
        if first and last and not first <= year <= last:
            problems.append(f"分年度目标 {year}年 不在计划期（{first}—{last}年）内")
        if deadline_year and year >= deadline_year:
            problems.append(f"分年度目标 {year}年 应早于截止年份 {deadline_year}年（截止年份的目标即目标值本身）")
        value = milestone.get("value")
        if not _number(value):
            problems.append(f"分年度目标 {year}年 的目标值 {value!r} 不是数字")
        elif value <= 0:
            problems.append(f"分年度目标 {year}年 的目标值必须大于0")
    return problems


def validate_target(
    target: dict, file: str, place: str, source: str, period: tuple[str | None, str | None] = (None, None)
) -> list[CatalogueError]:
    """The rules of one target; ``period`` is the plan's (start, end) as ISO dates."""
    errors = []

    def bad(reason):
        errors.append(CatalogueError(file, place, reason))

    if not _number(target.get("value")):
        bad(f"目标值 {target.get('value')!r} 不是数字")
    if target.get("comparison") not in COMPARISONS:
        bad(f"比较方式 {target.get('comparison')!r} 无效（at_least / at_most / range）")
    if target.get("comparison") == "range":
        if not _number(target.get("value_max")):
            bad("区间目标缺少上限 value_max")
        elif _number(target.get("value")) and target["value_max"] < target["value"]:
            bad("区间上限小于下限")
    if target.get("window") not in WINDOWS:
        bad(f"时间窗口 {target.get('window')!r} 无效（annual / plan / date）")
    if target.get("window") in ("plan", "date"):
        if not target.get("deadline"):
            bad("计划期或时点目标缺少 deadline")
        if not target.get("year"):
            bad("计划期或时点目标缺少 year")
    try:
        deadline = iso(target.get("deadline"))
    except ValueError:
        bad(f"截止日期 {target.get('deadline')!r} 不是日期")
        deadline = None
    if deadline and target.get("year") and int(deadline[:4]) != int(target["year"]):
        bad(f"year {target['year']} 与截止日期 {deadline} 不一致")
    if (target.get("applies_to") or "total") not in APPLIES_TO:
        bad(f"适用对象 applies_to {target.get('applies_to')!r} 无效（total 全市合计 / each 每个单位）")
    if target.get("baseline") is not None and not _number(target.get("baseline")):
        bad(f"基数 baseline {target.get('baseline')!r} 不是数字")
    try:
        baseline_date = iso(target.get("baseline_date"))
    except ValueError:
        bad(f"基数日期 {target.get('baseline_date')!r} 不是日期")
        baseline_date = None
    plan_start, plan_end = period
    if baseline_date and plan_end and baseline_date >= plan_end:
        bad(f"基数日期 {baseline_date} 应早于计划期末 {plan_end}")
    for problem in milestone_problems(
        target.get("milestones"), plan_start=plan_start, plan_end=plan_end, deadline=deadline
    ):
        bad(problem)
    quote = target.get("source_quote")
    if not quote:
        bad("缺少原文摘录 source_quote")
    elif quote not in source:
        bad(f"原文摘录不在文件正文中：{quote!r}")
    return errors


def validate_policy(policy: dict, file: str, source: str | None, city_units: list[dict]) -> list[CatalogueError]:
    """Every rule of check_policies for one policy file; returns all problems, never raises."""
    errors: list[CatalogueError] = []

    def bad(place, reason):
        errors.append(CatalogueError(file, place, reason))

    for key in ("code", "city", "title", "sections", "lead_unit"):
        if not policy.get(key):
            bad("文件", f"缺少 {key}")
    if source is None:
        bad("source", f"找不到正文文件 {policy.get('source')!r}")
        source = ""
    period = policy.get("period") or {}
    start = end = None
    try:
        start, end = iso(period.get("start")), iso(period.get("end"))
        if start and end and start > end:
            bad("period", "计划期开始晚于结束")
    except ValueError as exc:
        bad("period", f"日期无效：{exc}")
    known = {}
    for i, unit in enumerate((policy.get("units") or []) + list(city_units)):
        if unit.get("kind") not in UNIT_KINDS:
            bad(f"units[{i}] {unit.get('name')}", f"单位类型 {unit.get('kind')!r} 无效")
        for name in [unit.get("name"), *(unit.get("aliases") or [])]:
            known[name] = unit
    if policy.get("lead_unit") and policy["lead_unit"] not in known:
        bad("lead_unit", f"牵头单位 {policy['lead_unit']!r} 不在单位列表中")

    codes = set()
    for place_parts, _section, task in iter_tasks(policy):
        place = "/".join(place_parts)
        if not task.get("title"):
            bad(place, "任务缺少标题")
        if task.get("text") and task["text"] not in source:
            bad(place, "任务全文不是正文的原文")
        for name in (task.get("lead_units") or []) + (task.get("co_units") or []):
            if name not in known:
                bad(place, f"责任单位 {name!r} 不在单位列表中")
        if not task.get("lead_units") and not task.get("no_unit_reason"):
            bad(place, "没有牵头单位，也没有说明原因（no_unit_reason）")
        for k, indicator in enumerate(task.get("indicators") or []):
            iplace = f"{place}/指标{indicator.get('code') or k + 1}"
            code = indicator.get("code")
            if not code:
                bad(iplace, "指标缺少代码 code")
            elif code in codes:
                bad(iplace, f"指标代码 {code} 重复")
            codes.add(code)
            if not indicator.get("name"):
                bad(iplace, "指标缺少名称")
            if not indicator.get("unit"):
                bad(iplace, "指标缺少计量单位")
            if indicator.get("measure") not in MEASURES:
                bad(iplace, f"measure {indicator.get('measure')!r} 无效（level / flow）")
            if indicator.get("rollup") not in ROLLUPS:
                bad(iplace, f"rollup {indicator.get('rollup')!r} 无效（sum / single）")
            if indicator.get("direction") not in DIRECTIONS:
                bad(iplace, f"direction {indicator.get('direction')!r} 无效（up / down）")
            if indicator.get("unit") == "%" and indicator.get("rollup") == "sum":
                bad(iplace, "百分比指标不能汇总相加（rollup 应为 single）")
            for name in indicator.get("reporters") or []:
                if name not in known:
                    bad(iplace, f"填报单位 {name!r} 不在单位列表中")
            if not indicator.get("targets"):
                bad(iplace, "指标没有目标值")
            several = _several_reporters(indicator, task, city_units)
            for m, target in enumerate(indicator.get("targets") or []):
                tplace = f"{iplace}/目标{m + 1}"
                errors.extend(validate_target(target, file, tplace, source, (start, end)))
                if (
                    target.get("applies_to") == "each"
                    and not several
                    and not _per_unit_wording(indicator, target, task)
                ):
                    bad(
                        tplace,
                        "适用对象为“每个单位”（each），但只有一个填报单位，原文也没有“每个…”“各县(市、区)…不少于”"
                        "之类的说法：应为 total，或列出填报单位 reporters",
                    )
    return errors


def _several_reporters(indicator: dict, task: dict, city_units: list[dict]) -> bool:
    """Whether more than one unit reports the indicator, by the loader's rule
    (``catalogue.loading.reporters_for``): its own reporters, or the task's lead and every
    implementing division when the counties implement the task and the figure is a sum."""
    reporters = indicator.get("reporters") or []
    if reporters:
        return len(reporters) > 1
    divisions = any(u.get("kind") in COUNTY_KINDS or u.get("kind") == "town" for u in city_units)
    return bool(task.get("counties_implement")) and indicator.get("rollup") == "sum" and divisions


def _per_unit_wording(indicator: dict, target: dict, task: dict) -> bool:
    """Whether the indicator's name, its quote or the sentence the quote is in binds every unit."""
    quote = target.get("source_quote") or ""
    text = task.get("text") or ""
    at = text.find(quote) if quote else -1
    sentence = text[text.rfind("。", 0, at) + 1 : at + len(quote)] if at >= 0 else ""
    return any(PER_UNIT_RE.search(part) for part in (indicator.get("name") or "", quote, sentence))


def counts(policy: dict) -> dict:
    tasks = list(iter_tasks(policy))
    indicators = [i for _p, _s, t in tasks for i in t.get("indicators") or []]
    return {
        "sections": sum(1 for _ in iter_sections(policy.get("sections"))),
        "tasks": len(tasks),
        "indicators": len(indicators),
        "targets": sum(len(i.get("targets") or []) for i in indicators),
    }


def _main(paths: list[str]) -> int:
    status = 0
    for name in paths:
        path = Path(name)
        policy, errors = read_yaml(path)
        if policy is not None:
            source_path = FIXTURES_DIR / "sources" / str(policy.get("source"))
            source = source_path.read_text(encoding="utf-8") if source_path.is_file() else None
            city_path = FIXTURES_DIR / "cities" / f"{policy.get('city')}.yaml"
            city, city_errors = read_yaml(city_path)
            errors += city_errors
            errors += validate_policy(policy, path.name, source, (city or {}).get("units") or [])
        for error in errors:
            print(error)
        if policy is not None:
            print(path.name, counts(policy), "错误" if errors else "通过", len(errors))
        status = status or bool(errors)
    return status


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
