"""The formulas of DESIGN.md ("Metrics") as pure functions over plain numbers and dates:
time progress, actual, completion, the status light, the ranking score, the on-time rate
and the city's figure rolled up from the units'. No ORM, no clock, no settings: callers
pass the month and the values, so pages, dispatch, bulletin and API agree by construction.

Months are `(year, month)` tuples and compare in calendar order. Reported values are
`Decimal`; shares (completion, progress, gap, score inputs) are `float` fractions, 1.0 = 100%.
"""

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Literal

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
GREEN, YELLOW, RED, GREY = "green", "yellow", "red", "grey"

DEFAULT_TOLERANCE = 10
SCORE_CAP = 1.2

LIGHT_LABELS: dict[str, str] = {GREEN: "绿灯", YELLOW: "黄灯", RED: "红灯", GREY: "灰灯"}

# Printed verbatim on the bulletin's 说明 sheet: FORMULAS.format(tolerance=policy_tolerance).
FORMULAS = """\
指标计算说明
1. 时序进度 P = 目标时间窗口内已过月数 ÷ 窗口总月数，按月末计，取值 0—100%。每年目标的窗口为当年1—12月\
（计划期在年中开始或结束的，截至计划期起止月）；计划期累计目标和截止时点目标的窗口为计划期开始至截止月\
（截止时点的年度增量目标，如“到2025年，年营业收入达到…”，窗口为截止月所在年度）。\
窗口尚未开始的 P = 0，已结束的 P = 100%。
2. 实际值 A：增量指标为窗口开始至本月各月数值之和；存量指标为本月末（或此前最近一次）填报值；\
增速指标为本窗口内最近一次填报的累计增幅。
3. 完成率 C：增量指标 C = A ÷ T（T 为目标值）；存量指标 C = (A − B) ÷ (T − B)，B 为给定基数，\
未给定的取窗口内首次填报值；已达到或超过目标值的即为完成。区间目标以下限为目标值。
4. “不高于”类目标（上限）：A ≤ T 为达标，完成率记100%；超出为未达标。不比较时序进度（P 按100%计），\
达标为绿灯，未达标为红灯。
5. 增速指标：以累计增幅与目标增幅比较，C = A ÷ T，不比较时序进度（P 按100%计）；增幅低于目标任务即为滞后。
6. 红黄绿灯：无数据为灰灯；已完成或 C ≥ P 为绿灯；C ≥ P − {tolerance}个百分点为黄灯；其余为红灯。
7. 与序时进度差距 = C − P（百分点）。
8. 单位得分 = 该单位各指标 min(C ÷ P, 1.2) 的平均值 × 100，P = 0 或无数据的指标不计入；\
得分相同的按按时报送率从高到低排列，两者都相同的并列。
9. 按时报送率 = 按时报送的月报数 ÷ 应报月报数。
10. 全市数：各单位相加的指标，增量为各单位当月数之和，存量为各单位最近一次填报值之和；\
比例、增速等由一个单位填报全市数，不相加。
"""

# Equal shares computed two ways (29 / 60 and 7 / 12 − 0.1) must not fall on different sides of a threshold.
_EPSILON = 1e-9


@dataclass(frozen=True, kw_only=True)
class TargetSpec:
    """One target of one indicator, with what the formulas need from its indicator and policy.

    `value` is T (the lower bound of a range); `deadline` closes `plan` and `date` windows;
    `year` restricts an `annual` target to that calendar year (it is informational on
    `plan` and `date` targets, whose deadline already says when).
    """

    value: Decimal
    value_max: Decimal | None = None
    comparison: Comparison = AT_LEAST
    window: WindowKind
    year: int | None = None
    deadline: date | None = None
    baseline: Decimal | None = None
    measure: Measure
    growth_rate: bool = False
    plan_start: date
    plan_end: date


@dataclass(frozen=True)
class Evaluation:
    """A target evaluated at the end of one month.

    `progress` is the share of the target due by then: the window's time progress, or 1.0
    where time progress does not apply (ceilings, growth rates). `gap` is completion − progress.
    All three are fractions (1.0 = 100%); `progress` is None only when the target does not apply.
    """

    window: tuple[Month, Month] | None
    actual: Decimal | None
    completion: float | None
    progress: float | None
    gap: float | None
    light: Light
    met: bool
    baseline: Decimal | None


@dataclass(frozen=True)
class Standing:
    """A unit's row going into the ranking: its score (None when nothing was scorable)
    and its on-time reporting rate (None when nothing was expected)."""

    unit: Hashable
    score: float | None
    on_time: float | None


@dataclass(frozen=True)
class Ranked:
    """A unit's place: `rank` 1..n (None without a score); `change` is the previous rank
    minus this one, so moving up is positive (None without a previous rank)."""

    unit: Hashable
    score: float | None
    on_time: float | None
    rank: int | None
    change: int | None


def month_of(day: date) -> Month:
    return calendar.month_of(day)


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


def _progress_applies(spec: TargetSpec) -> bool:
    # A ceiling must hold every month, and a growth rate to date is already a pace: both are
    # due in full at any time.
    return spec.comparison != AT_MOST and not spec.growth_rate


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


def _baseline(
    spec: TargetSpec, series: Mapping[Month, Decimal], window: tuple[Month, Month], at: Month, value: Decimal
) -> Decimal:
    if spec.baseline is not None:
        return spec.baseline
    reported = _in_window(series, window[0], min(at, window[1]))
    # A level known only from before the window has made no progress within it.
    return series[reported[0]] if reported else value


def _completion(spec: TargetSpec, value: Decimal, baseline: Decimal | None) -> float:
    target = spec.value
    if spec.comparison == AT_MOST:
        if value <= target:
            return 1.0
        # How much of the way down from the baseline to the ceiling has been covered.
        if baseline is not None and baseline > target:
            return float((baseline - value) / (baseline - target))
        return 0.0
    if baseline is not None:
        if target > baseline:
            return float((value - baseline) / (target - baseline))
        # Already at or past the target when the window opened: nothing to count from.
        return 1.0 if value >= target else 0.0
    if target > 0:
        return float(value / target)
    return 1.0 if value >= target else 0.0


def evaluate(
    spec: TargetSpec, series: Mapping[Month, Decimal], at: Month, tolerance: float | Decimal = DEFAULT_TOLERANCE
) -> Evaluation:
    """The target at the end of month `at`, from the monthly `series` of the one reporting
    unit or of the city (see `city_series`). `tolerance` is in percentage points.

    Light: grey without a value; a ceiling (`at_most`) is green while A ≤ T and red otherwise;
    any other target is green when met or C ≥ P, yellow when C ≥ P − tolerance, red otherwise.
    For growth rates P = 1, so yellow means A ≥ T × (1 − tolerance / 100).
    """
    window = window_for(spec, at)
    if window is None:
        return Evaluation(None, None, None, None, None, GREY, False, None)
    progress = time_progress(*window, at) if _progress_applies(spec) else 1.0
    value = actual(spec, series, at)
    if value is None:
        return Evaluation(window, None, None, progress, None, GREY, False, None)

    uses_baseline = spec.measure == LEVEL and not spec.growth_rate
    baseline = _baseline(spec, series, window, at, value) if uses_baseline else None
    completion = _completion(spec, value, baseline)
    if spec.comparison == AT_MOST:
        met = value <= spec.value
        light = GREEN if met else RED
    else:
        met = value >= spec.value
        slack = float(tolerance) / 100
        if met or completion >= progress - _EPSILON:
            light = GREEN
        elif completion >= progress - slack - _EPSILON:
            light = YELLOW
        else:
            light = RED
    return Evaluation(window, value, completion, progress, completion - progress, light, met, baseline)


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

    With an allocated share (分解目标) the share is the unit's target: a floor, measured from the
    unit's own first value (the city's baseline is not the unit's). Without one, a `single`
    indicator's reporter answers for the city's target itself, while a `sum` indicator's city
    target is not split: the unit has no target of its own (None) and no completion for it.
    """
    if allocated is not None:
        comparison = AT_MOST if spec.comparison == AT_MOST else AT_LEAST
        return replace(spec, value=allocated, value_max=None, comparison=comparison, baseline=None)
    return spec if rollup == SINGLE else None


def ranking_score(pairs: Iterable[tuple[float | None, float | None]]) -> float | None:
    """A unit's score: the mean over its indicators of min(C / P, 1.2), × 100.

    `pairs` are (completion, progress) as in `Evaluation`; an indicator with no completion or
    with P = 0 is left out. None when nothing is left.
    """
    ratios = [min(c / p, SCORE_CAP) for c, p in pairs if c is not None and p]
    return sum(ratios) / len(ratios) * 100 if ratios else None


def on_time_rate(expected: int, on_time: int) -> float | None:
    """Reports submitted on time / reports expected; None when nothing was expected."""
    return on_time / expected if expected else None


def rank(rows: Sequence[Standing], previous: Mapping[Hashable, int] | None = None) -> list[Ranked]:
    """The league table: higher score first, ties broken by the higher on-time rate; equal
    score and equal rate share a rank (1, 2, 2, 4). Units without a score come last, unranked.
    `previous` maps a unit to its rank in the previous table, for the change.
    """
    previous = previous or {}

    # Rounded so that float noise does not split a tie the table shows as one.
    def key(row: Standing) -> tuple[float, float]:
        return -round(row.score, 6), -round(row.on_time if row.on_time is not None else -1.0, 6)

    scored = sorted((row for row in rows if row.score is not None), key=key)
    table: list[Ranked] = []
    for position, row in enumerate(scored, start=1):
        place = table[-1].rank if table and key(row) == key(scored[position - 2]) else position
        was = previous.get(row.unit)
        table.append(Ranked(row.unit, row.score, row.on_time, place, was - place if was is not None else None))
    table.extend(Ranked(row.unit, None, row.on_time, None, None) for row in rows if row.score is None)
    return table
