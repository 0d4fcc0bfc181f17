"""The formulas of DESIGN.md ("Metrics") as pure functions over plain numbers and dates:
time progress, actual, completion, the status light, the ranking score, the on-time rate
and the city's figure rolled up from the units'. No ORM, no clock, no settings: callers
pass the month and the values, so pages, dispatch, bulletin and API agree by construction.

Months are `(year, month)` tuples and compare in calendar order. Reported values are
`Decimal`; shares (completion, progress, gap, score inputs) are `float` fractions, 1.0 = 100%.

The kinds of target (DESIGN.md "Measures and targets") are told apart by `kind_of`:
a flow per year or over the plan, a year's amount by a deadline, a level by a deadline, a
standing level, a standing ceiling, a reduction by a date and a growth rate; `applies_to`
says whether the city's figure or every unit's own must reach the value.
"""

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Literal

from policies.numbers import round_half_up
from targets import calendar
from targets.calendar import Month
from targets.rollup import city_series  # noqa: F401 - the city's figure is part of the formulas

Comparison = Literal["at_least", "at_most", "range"]
WindowKind = Literal["annual", "plan", "date"]
Measure = Literal["level", "flow"]
Rollup = Literal["sum", "single"]
Light = Literal["green", "yellow", "red", "grey"]

AT_LEAST, AT_MOST, RANGE = "at_least", "at_most", "range"
ANNUAL, PLAN, DATE = "annual", "plan", "date"
LEVEL, FLOW = "level", "flow"
SUM, SINGLE = "sum", "single"
TOTAL, EACH = "total", "each"
GREEN, YELLOW, RED, GREY = "green", "yellow", "red", "grey"

# The kinds of target, as `kind_of` tells them apart.
FLOW_ANNUAL = "flow_annual"  # 每年新增…: the year's sum
FLOW_PLAN = "flow_plan"  # 累计、计划期新增: the sum since the plan start
YEAR_AMOUNT = "year_amount"  # 到2025年 年营业收入达到…: the amount of the deadline year, milestones before
LEVEL_BY_DATE = "level_by_date"  # 到2025年底…达到: the value at the deadline, from a baseline
STANDING_LEVEL = "standing_level"  # 每年紧盯100个、保持…: a size held every year
CEILING_RULE = "ceiling_rule"  # 应答时限≤1天: met or not, every month
REDUCTION = "reduction"  # 到2027年清零、下降到…: from a baseline down to the target by a date
GROWTH = "growth"  # 增速不低于…: the growth to date against the rate

DEFAULT_TOLERANCE = 10
SCORE_CAP = 1.2

# Ranking classes (DESIGN.md): counties, districts and zones apart from municipal departments.
COUNTIES, DEPARTMENTS = "counties", "departments"
CLASS_LABELS: dict[str, str] = {COUNTIES: "县(市、区)", DEPARTMENTS: "市直部门"}
# Fewer runners than this are listed with their scores but not ranked; so is a unit whose
# score rests on fewer indicators.
MIN_RANKED_UNITS = 3
MIN_SCORED_INDICATORS = 3

LIGHT_LABELS: dict[str, str] = {GREEN: "绿灯", YELLOW: "黄灯", RED: "红灯", GREY: "灰灯"}

# Printed verbatim on the bulletin's 说明 sheet: FORMULAS.format(tolerance=policy_tolerance).
FORMULAS = """\
指标计算说明
1. 时序进度 P = 目标时间窗口内已过月数 ÷ 窗口总月数，按月末计，取值 0—100%。每年目标的窗口为当年1—12月\
（计划期在年中开始或结束的，为计划期覆盖的月份）；计划期累计目标和截止时点目标的窗口为计划期开始至截止月；\
“到某年年度总量达到…”的目标（如“到2025年，年营业收入达到…”），窗口为评价月所在年度。\
窗口尚未开始的 P = 0，已结束的 P = 100%。
2. 实际值 A：增量指标为窗口开始至本月各月数值之和；存量指标为本月末（或此前最近一次）填报值；\
增速指标为本窗口内最近一次填报的累计增幅。
3. 完成率 C：增量指标 C = A ÷ T（T 为目标值）；存量指标 C = (A − B) ÷ (T − B)，B 为给定基数，\
未给定的取窗口内首次填报值；“每年保持”类存量目标 C = A ÷ T，按全年应保持计（P 按100%计）；\
已达到或超过目标值的即为完成；区间目标以下限为目标值。完成率不低于0，低于基数的记为0并注明。
4. 计划期在年中开始或结束的年份，每年目标按覆盖月数折算（如50家 × 4/12 → 17家，计数类向上取整），\
并注明“某年按N个月折算”；管理员设定了分年度目标的，以分年度目标为准。
5. “到某年年度总量达到…”的目标：截止年度 C = 当年累计 ÷ T；此前各年以分年度目标为准，未设定的按基数\
（计划前最后一个完整年度的总量）至目标值的等比增长推算；两者都没有的显示当年数，灰灯并注明“无分年度目标”。
6. “不高于”类目标：长期规则（如应答时限≤1天）A ≤ T 为绿灯，超出为红灯并注明超出数，不计负完成率；\
限期压降（如到2027年清零，基数高于目标值）C = (B − A) ÷ (B − T)，按时序进度亮灯。
7. 增速指标：以累计增幅与目标增幅比较，C = A ÷ T，不比较时序进度（P 按100%计）；增幅低于目标任务即为滞后。
8. “每个单位”类目标（每县、每个园区…）：每个责任单位分别对照目标值；全市完成率为各单位 min(C, 1) 的平均值，\
并注明达到时序进度的单位数；全部单位完成才算完成。
9. 已分解的指标在 P > 0 后仍无数据的，完成率按0计（不报送不会提高得分）；灰灯仅表示尚未到期或未分解。
10. 红黄绿灯：已完成或 C ≥ P 为绿灯；C ≥ P − {tolerance}个百分点为黄灯；其余为红灯。
11. 与时序进度差距 = C − P（百分点）。
12. 单位得分 = 该单位各计分指标 min(C ÷ P, 1.2) 的平均值 × 100；P = 0 或分解目标为0的指标不计分。\
县(市、区)和市直部门分别排名；参评单位不足3个的类别、或计分指标不足3项的单位，列出得分但不排名。\
得分相同的按按时报送率从高到低排列，两者都相同的并列。
13. 按时报送率 = 当年1月至本月按时报送的月报数 ÷ 应报月报数（报送截止日以各报告期开放时为准）。
14. 全市数：各单位相加的指标，增量为各单位当月数之和，存量为各单位最近一次填报值之和；\
比例、增速等由一个单位填报全市数，不相加。
15. 数值按四舍五入保留显示位数。
"""

# Equal shares computed two ways (29 / 60 and 7 / 12 − 0.1) must not fall on different sides of a threshold.
_EPSILON = 1e-9


@dataclass(frozen=True, kw_only=True)
class TargetSpec:
    """One target of one indicator, with what the formulas need from its indicator and policy.

    `value` is T (the lower bound of a range); `deadline` closes `plan` and `date` windows;
    `year` restricts an `annual` target to that calendar year (it is informational on
    `plan` and `date` targets, whose deadline already says when). `milestones` are the
    administrator's or the document's own targets for single years (分年度目标), as
    (year, value) pairs; `counts` says the indicator counts whole things (a pro-rated
    target is rounded up).
    """

    value: Decimal
    value_max: Decimal | None = None
    comparison: Comparison = AT_LEAST
    window: WindowKind
    year: int | None = None
    deadline: date | None = None
    baseline: Decimal | None = None
    baseline_date: date | None = None
    measure: Measure
    growth_rate: bool = False
    plan_start: date
    plan_end: date
    applies_to: str = TOTAL
    milestones: tuple[tuple[int, Decimal], ...] = ()
    counts: bool = False


@dataclass(frozen=True)
class Evaluation:
    """A target evaluated at the end of one month.

    `progress` is the share of the target due by then: the window's time progress, or 1.0
    where time progress does not apply (standing rules and sizes, growth rates). `gap` is
    completion − progress. All three are fractions (1.0 = 100%); `progress` is None only
    when the target does not apply. `target` is the value that applied (pro-rated, a
    milestone, or T); `note` says why it differs from the document's, or what the figure
    means (超出0.06天, 低于基数, 无分年度目标). `units` is (assigned, on pace, met) for a
    target that every unit must reach on its own.
    """

    window: tuple[Month, Month] | None
    actual: Decimal | None
    completion: float | None
    progress: float | None
    gap: float | None
    light: Light
    met: bool
    baseline: Decimal | None
    target: Decimal | None = None
    note: str = ""
    units: tuple[int, int, int] | None = None


NOT_APPLICABLE = Evaluation(None, None, None, None, None, GREY, False, None)


@dataclass(frozen=True)
class Standing:
    """A unit's row going into the ranking: its score (None when nothing was scorable),
    the number of indicators the score rests on, its class and its on-time rate (None when
    nothing was expected)."""

    unit: Hashable
    score: float | None
    on_time: float | None
    scored: int = 0
    klass: str = DEPARTMENTS


@dataclass(frozen=True)
class Ranked:
    """A unit's place in its class: `rank` 1..n (None when not ranked: no score, too few
    indicators, or too few runners in the class); `change` is the previous rank minus this
    one, so moving up is positive (None without a previous rank)."""

    unit: Hashable
    score: float | None
    on_time: float | None
    rank: int | None
    change: int | None
    scored: int = 0
    klass: str = DEPARTMENTS


def month_of(day: date) -> Month:
    return calendar.month_of(day)


def kind_of(spec: TargetSpec) -> str:
    if spec.growth_rate:
        return GROWTH
    if spec.comparison == AT_MOST:
        # A ceiling with a date and something to come down from is a reduction; the
        # baseline may also be the first figure (see `_reduction_baseline`).
        return REDUCTION if spec.window != ANNUAL and spec.measure == LEVEL else CEILING_RULE
    if spec.measure == FLOW:
        return {ANNUAL: FLOW_ANNUAL, PLAN: FLOW_PLAN, DATE: YEAR_AMOUNT}[spec.window]
    return STANDING_LEVEL if spec.window == ANNUAL else LEVEL_BY_DATE


def window_for(spec: TargetSpec, at: Month) -> tuple[Month, Month] | None:
    """The (first, last) month of the target's window that applies at month `at`, or None
    when the target does not apply then (see `targets.calendar.target_window`)."""
    return calendar.target_window(
        window=spec.window,
        year=spec.year,
        deadline=spec.deadline,
        measure=spec.measure,
        plan_start=spec.plan_start,
        plan_end=spec.plan_end,
        at=at,
    )


time_progress = calendar.time_progress


def _months_in(window: tuple[Month, Month]) -> int:
    return calendar.month_ordinal(window[1]) - calendar.month_ordinal(window[0]) + 1


def _milestone(spec: TargetSpec, year: int) -> Decimal | None:
    return next((value for y, value in spec.milestones if y == year), None)


def _pro_rated(spec: TargetSpec, value: Decimal, window: tuple[Month, Month]) -> tuple[Decimal, str]:
    """A yearly value for a year the plan covers only in part: × covered months / 12."""
    covered = _months_in(window)
    if covered >= 12:
        return value, ""
    share = value * covered / 12
    share = Decimal(math.ceil(share)) if spec.counts else round_half_up(share, 4).normalize()
    return share, f"{window[0][0]}年按{covered}个月折算"


def _interpolated(spec: TargetSpec, year: int, baseline: Decimal | None) -> Decimal | None:
    """A year's milestone at constant growth from the baseline year's amount to T."""
    if baseline is None or baseline <= 0 or spec.value <= 0 or spec.deadline is None:
        return None
    base_year = spec.baseline_date.year if spec.baseline_date else spec.plan_start.year - 1
    last_year = spec.deadline.year
    if not base_year < year < last_year:
        return None
    ratio = float(spec.value / baseline) ** ((year - base_year) / (last_year - base_year))
    return Decimal(str(float(baseline) * ratio))


def applied_target(spec: TargetSpec, window: tuple[Month, Month]) -> tuple[Decimal | None, str]:
    """The value T that applies in `window`, and a note when it is not the document's own.

    A 每年 target in a part year is pro-rated (a milestone wins); a year's amount by a
    deadline uses, before the deadline year, the year's milestone or the interpolation from
    its baseline, or none at all ("无分年度目标").
    """
    kind = kind_of(spec)
    year = window[0][0]
    if kind == FLOW_ANNUAL:
        own = _milestone(spec, year)
        if own is not None:
            return own, f"{year}年分年度目标"
        return _pro_rated(spec, spec.value, window)
    if kind == YEAR_AMOUNT:
        if spec.deadline is None or year >= spec.deadline.year:
            return spec.value, ""
        own = _milestone(spec, year)
        if own is not None:
            return own, f"{year}年分年度目标"
        interpolated = _interpolated(spec, year, spec.baseline)
        if interpolated is None:
            return None, "无分年度目标"
        value, note = _pro_rated(spec, round_half_up(interpolated, 4).normalize(), window)
        return value, f"{year}年目标按基数至目标等比推算" + (f"，{note}" if note else "")
    return spec.value, ""


def _progress_applies(spec: TargetSpec) -> bool:
    # A standing rule or size must hold every month, and a growth rate to date is already a
    # pace: all are due in full at any time.
    return kind_of(spec) not in (CEILING_RULE, STANDING_LEVEL, GROWTH)


def _in_window(series: Mapping[Month, Decimal], first: Month, last: Month) -> list[Month]:
    return sorted(month for month, value in series.items() if value is not None and first <= month <= last)


def actual(spec: TargetSpec, series: Mapping[Month, Decimal], at: Month) -> Decimal | None:
    """A at the end of month `at`, or None without a value.

    Flow: the sum of the monthly amounts in [window start, t]. Level: the latest value at or
    before t, also from before the window. Growth rate: the latest value in [window start, t],
    because a rate to date belongs to its window (last December's rate says nothing of January).
    t is `at`, or the window's end once the window is over.
    """
    window = window_for(spec, at)
    if window is None:
        return None
    first, last = window
    until = min(at, last)
    if spec.measure == FLOW:
        months = _in_window(series, first, until)
        return sum((series[month] for month in months), Decimal(0)) if months else None
    months = _in_window(series, first if spec.growth_rate else (0, 1), until)
    return series[months[-1]] if months else None


def _first_in_window(series: Mapping[Month, Decimal], window: tuple[Month, Month], at: Month) -> Decimal | None:
    reported = _in_window(series, window[0], min(at, window[1]))
    return series[reported[0]] if reported else None


def _light(completion: float, progress: float, met: bool, tolerance: float) -> Light:
    if met or completion >= progress - _EPSILON:
        return GREEN
    if completion >= progress - tolerance / 100 - _EPSILON:
        return YELLOW
    return RED


def _number(value: Decimal) -> str:
    return f"{round_half_up(value, 4).normalize():f}"


def evaluate(
    spec: TargetSpec, series: Mapping[Month, Decimal], at: Month, tolerance: float | Decimal = DEFAULT_TOLERANCE
) -> Evaluation:
    """The target at the end of month `at`, from the monthly `series` of one unit or of the
    city (see `city_series`). `tolerance` is in percentage points. A target that every unit
    must reach on its own is evaluated for the city by `evaluate_each`.

    Grey means only "not yet due" (P = 0) or "no target for this year"; a value missing
    once the target is due counts as C = 0 (not reporting never helps).
    """
    window = window_for(spec, at)
    if window is None:
        return NOT_APPLICABLE
    kind = kind_of(spec)
    tolerance = float(tolerance)
    progress = time_progress(*window, at) if _progress_applies(spec) else 1.0
    value = actual(spec, series, at)
    target, note = applied_target(spec, window)
    if target is None:
        # A year's figure with nothing to hold it against: shown, never "暂无数据".
        return Evaluation(window, value, None, progress, None, GREY, False, None, None, note)
    if progress <= 0:
        return Evaluation(window, value, None, 0.0, None, GREY, False, None, target, note)
    if value is None:
        completion = 0.0
        return Evaluation(
            window, None, 0.0, progress, completion - progress, _light(0.0, progress, False, tolerance), False, None,
            target, _join(note, "未报送，按0计"),
        )  # fmt: skip

    baseline = None
    if kind == CEILING_RULE:
        met = value <= target
        excess = value - target
        note = _join(note, "" if met else f"超出{_number(excess)}")
        completion = 1.0 if met else 0.0
        return Evaluation(
            window, value, completion, 1.0, completion - 1.0, GREEN if met else RED, met, None, target, note
        )
    if kind == REDUCTION:
        baseline = spec.baseline if spec.baseline is not None else _first_in_window(series, window, at)
        met = value <= target
        if baseline is None or baseline <= target:
            # Nothing to come down from: the ceiling is held or it is not.
            completion = 1.0 if met else 0.0
        else:
            completion = float((baseline - value) / (baseline - target))
    elif kind == LEVEL_BY_DATE:
        baseline = spec.baseline if spec.baseline is not None else _first_in_window(series, window, at)
        if baseline is None:
            # Known only from before the window: no progress within it.
            baseline = value
        met = value >= target
        if target > baseline:
            completion = float((value - baseline) / (target - baseline))
        else:
            completion = 1.0 if met else 0.0
    else:
        met = value >= target
        completion = float(value / target) if target > 0 else (1.0 if met else 0.0)

    if completion < 0:
        note = _join(note, "低于基数" if baseline is not None else "低于0")
        completion = 0.0
    light = _light(completion, progress, met, tolerance)
    return Evaluation(window, value, completion, progress, completion - progress, light, met, baseline, target, note)


def evaluate_each(
    spec: TargetSpec, per_unit: Mapping[Hashable, Evaluation], at: Month, tolerance: float | Decimal = DEFAULT_TOLERANCE
) -> Evaluation:
    """The city's row of a target every assigned unit must reach on its own (`applies_to`
    each): C is the mean of the units' min(C, 1) (a unit without a figure counts 0), its
    light compares that with P, and it is met only when every unit has met it."""
    window = window_for(spec, at)
    if window is None or not per_unit:
        return NOT_APPLICABLE
    progress = time_progress(*window, at) if _progress_applies(spec) else 1.0
    evaluations = list(per_unit.values())
    total = len(evaluations)
    met = sum(1 for e in evaluations if e.met)
    on_pace = sum(1 for e in evaluations if e.met or e.light == GREEN)
    target, note = applied_target(spec, window)
    if progress <= 0 or target is None:
        return Evaluation(window, None, None, progress, None, GREY, False, None, target, note, (total, on_pace, met))
    completion = sum(min(e.completion or 0.0, 1.0) for e in evaluations) / total
    light = _light(completion, progress, met == total, float(tolerance))
    return Evaluation(
        window, None, completion, progress, completion - progress, light, met == total, None, target, note,
        (total, on_pace, met),
    )  # fmt: skip


def _join(*notes: str) -> str:
    return "；".join(n for n in notes if n)


def choose_target(specs: Iterable[TargetSpec], at: Month) -> TargetSpec | None:
    """Among one indicator's targets, the one that applies at month `at`: the running target
    whose window ends first (the 2023 milestone through December 2023, then the 2025 one);
    once all have ended, the one that ended last. Ties go to the earlier in `specs`.
    """
    applicable = [(spec, window) for spec in specs if (window := window_for(spec, at)) is not None]
    running = [(spec, window) for spec, window in applicable if window[1] >= at]
    if running:
        return min(running, key=lambda pair: pair[1][1])[0]
    if applicable:
        return max(applicable, key=lambda pair: pair[1][1])[0]
    return None


def unit_target(spec: TargetSpec, rollup: Rollup, allocated: Decimal | None) -> TargetSpec | None:
    """A unit's own target under a city target.

    A target every unit must reach (`each`) binds each unit with the document's value. With
    an allocated share (分解目标) the share is the unit's target: a floor, measured from the
    unit's own first value (the city's baseline is not the unit's), with no milestones of
    the city's. Without one, a `single` indicator's reporter answers for the city's target
    itself, while a `sum` indicator's city target is not split: the unit has no target of
    its own (None) and no completion for it.
    """
    if spec.applies_to == EACH:
        return spec
    if allocated is not None:
        comparison = AT_MOST if spec.comparison == AT_MOST else AT_LEAST
        return replace(spec, value=allocated, value_max=None, comparison=comparison, baseline=None, milestones=())
    return spec if rollup == SINGLE else None


def scored(evaluation: Evaluation | None, allocated: Decimal | None) -> bool:
    """Whether an indicator counts in a unit's score: due (P > 0), with a completion, and
    not a zero share (a unit with nothing to do does not win the race by doing it)."""
    return (
        evaluation is not None
        and evaluation.completion is not None
        and bool(evaluation.progress)
        and not (allocated is not None and allocated == 0)
    )


def ranking_score(pairs: Iterable[tuple[float | None, float | None]]) -> float | None:
    """A unit's score: the mean over its indicators of min(C / P, 1.2), × 100.

    `pairs` are (completion, progress) as in `Evaluation`; an indicator with no completion or
    with P = 0 is left out. None when nothing is left.
    """
    ratios = [min(c / p, SCORE_CAP) for c, p in pairs if c is not None and p]
    return sum(ratios) / len(ratios) * 100 if ratios else None


def class_of(is_division: bool) -> str:
    return COUNTIES if is_division else DEPARTMENTS


def rank(rows: Sequence[Standing], previous: Mapping[Hashable, int] | None = None) -> list[Ranked]:
    """The league tables, one per class (counties first): higher score first, ties broken by
    the higher on-time rate; equal score and equal rate share a rank (1, 2, 2, 4).

    A unit whose score rests on fewer than MIN_SCORED_INDICATORS indicators is listed after
    the ranked ones with its score but no rank, and so is every unit of a class with fewer
    than MIN_RANKED_UNITS such runners. Units without a score come last. `previous` maps a
    unit to its rank in the previous table, for the change.
    """
    previous = previous or {}

    # Rounded so that float noise does not split a tie the table shows as one.
    def key(row: Standing) -> tuple[float, float]:
        return -round(row.score or 0.0, 6), -round(row.on_time if row.on_time is not None else -1.0, 6)

    table: list[Ranked] = []
    for klass in (COUNTIES, DEPARTMENTS):
        members = [row for row in rows if row.klass == klass]
        runners = sorted(
            (row for row in members if row.score is not None and row.scored >= MIN_SCORED_INDICATORS), key=key
        )
        if len(runners) < MIN_RANKED_UNITS:
            runners = []
        ranked: list[Ranked] = []
        for position, row in enumerate(runners, start=1):
            place = ranked[-1].rank if ranked and key(row) == key(runners[position - 2]) else position
            was = previous.get(row.unit)
            change = was - place if was is not None else None
            ranked.append(Ranked(row.unit, row.score, row.on_time, place, change, row.scored, klass))
        listed = {row.unit for row in runners}
        unranked = sorted((row for row in members if row.unit not in listed and row.score is not None), key=key)
        table += ranked
        table += [Ranked(row.unit, row.score, row.on_time, None, None, row.scored, klass) for row in unranked]
        table += [
            Ranked(row.unit, None, row.on_time, None, None, row.scored, klass) for row in members if row.score is None
        ]
    return table


def tiers(ranking: Sequence[Ranked]) -> tuple[set, set]:
    """The 前三 and 后三 of each class (后三 only where a class has more than six ranked): the
    units the bulletin names for praise and for a talk, and the home page's bottom units."""
    top, bottom = set(), set()
    for klass in CLASS_LABELS:
        ranked = [s.unit for s in ranking if s.klass == klass and s.rank is not None]
        top |= set(ranked[:3])
        if len(ranked) > 6:
            bottom |= set(ranked[-3:])
    return top, bottom
