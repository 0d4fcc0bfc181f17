"""Deterministic demo months, entered through the same services a reporter uses.

For every policy, from its start to its end or the last full month (whichever comes
first), each assigned unit files its report: most on time, some late, a few missing;
some units are behind their share and some ahead; a couple of outliers are explained;
a few reports are returned and resubmitted; the reviewer approves the rest.

Every kind of target shows (DESIGN.md "Measures and targets"), found from the loaded
targets, not from indicator codes:
- a county that never reports: in each policy with three or more divisions, one of them
  (chosen by the seed, never one a demo account files for) has no report in any month;
- a ceiling exceeded: a standing rule (应答时限≤1天) held most months and slightly
  exceeded in some (1.06天), the first month held and the second over;
- a part year: a 每年 amount in a year the plan covers only in part (Tangshan from
  2024-09, Xingtai from 2022-08) is on pace for the months covered, not a full year;
- a target every county must reach on its own (applies_to each): not shared out, some
  counties reach it every year and the others fall short;
- a year's amount by a deadline: figures every year, growing at constant rate from the
  baseline (given, or 8% a year below) through the milestones to about the target;
- a standing level (每年紧盯100个): around its size every month, not climbing;
- a reduction by a date (清零, or a baseline above the ceiling): falling from where it
  stood towards the target;
- a zero share: a unit whose allocated share (分解目标) is 0 reports 0.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import math
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from policies.models import Policy
from targets import calendar, services
from targets.completeness import due_date_of, lock_date_of
from targets.models import COUNT_UNITS, Assignment, Indicator, Period, Target

PROGRESS = [
    "按月调度重点企业，逐户对接培育需求，本月完成入企走访{n}家。",
    "组织专题培训1场，梳理后备企业名单并建立台账，推动政策直达快享。",
    "召开推进会，分解年度任务到责任科室，对照时序进度逐项推进。",
]
PROBLEMS = [
    "部分企业研发投入不足，申报积极性不高。",
    "受市场需求影响，个别企业项目进度滞后。",
    "认定批次集中在下半年，上半年数据增长较慢。",
    "",
]
NEXT_STEPS = [
    "下月继续开展入企服务，督促重点项目按期推进。",
    "做好下一批次申报的辅导和材料审核工作。",
    "加强与市直部门对接，争取更多企业纳入培育库。",
]


def _rng(*parts) -> random.Random:
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()
    return random.Random(int(digest[:16], 16))


@dataclass
class Series:
    """One unit's monthly figures for one indicator."""

    values: dict[tuple[int, int], Decimal]


# The shape of a unit's figures follows the kind of its indicator's target (DESIGN.md
# "Measures and targets"; the formulas tell the kinds apart in reports.metrics).
FLOW_ANNUAL, FLOW_PLAN, YEAR_AMOUNT = "flow_annual", "flow_plan", "year_amount"
LEVEL_BY_DATE, STANDING_LEVEL, GROWTH = "level_by_date", "standing_level", "growth"
CEILING_RULE, REDUCTION = "ceiling_rule", "reduction"

PACES = [0.55, 0.75, 0.9, 1.0, 1.05, 1.15, 1.3]
# A year's amount by a deadline grows this much a year towards it when no baseline is given.
YEARLY_GROWTH = 1.08
# Of the units that must each reach a target on their own, about this share do.
EACH_MEETING = 0.6


def target_kind(target: Target, indicator: Indicator) -> str:
    """Which shape of figures a target asks for. A ceiling with a date and something to
    come down from (a baseline above it, or 清零) is a reduction; any other is a standing rule."""
    if indicator.growth_rate:
        return GROWTH
    if target.comparison == Target.Comparison.AT_MOST:
        dated_level = target.window != Target.Window.ANNUAL and indicator.measure == Indicator.Measure.LEVEL
        from_above = target.value == 0 or (target.baseline_value is not None and target.baseline_value > target.value)
        return REDUCTION if dated_level and from_above else CEILING_RULE
    if indicator.measure == Indicator.Measure.FLOW:
        return {Target.Window.ANNUAL: FLOW_ANNUAL, Target.Window.PLAN: FLOW_PLAN}.get(target.window, YEAR_AMOUNT)
    return STANDING_LEVEL if target.window == Target.Window.ANNUAL else LEVEL_BY_DATE


def _goal(target: Target) -> float:
    if target.comparison == Target.Comparison.RANGE and target.value_max is not None:
        return float(target.value + target.value_max) / 2
    return float(target.value)


def _by_deadline(targets: list[Target]) -> list[Target]:
    return sorted(targets, key=lambda t: (t.deadline_date or dt.date.max, t.order))


def _in_force(targets: list[Target], year: int) -> Target:
    """The target that a year's figures aim at: that year's own, else the first deadline not passed."""
    own = [t for t in targets if t.window == Target.Window.ANNUAL and t.year == year]
    running = [t for t in _by_deadline(targets) if t.deadline_date is None or t.deadline_date.year >= year]
    return (own or running or _by_deadline(targets)[-1:])[0]


def _milestone(target: Target, year: int) -> float | None:
    return next((float(m.value) for m in target.milestones.all() if m.year == year), None)


def _ordinal(day: dt.date) -> int:
    return calendar.month_ordinal(calendar.month_of(day))


def _quantize(value: float, indicator: Indicator) -> Decimal:
    if indicator.unit_of_measure in COUNT_UNITS:
        return Decimal(int(round(value)))
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _year_amounts(targets: list[Target], kind: str, plan: list[tuple[int, int]]) -> dict[int, float]:
    """The city's amount for each plan year, before a unit's share and pace: a 每年 target
    pro-rated by the months the plan covers (a milestone wins), a year's amount growing at
    constant rate from its baseline through the milestones to the deadline's value, or a
    plan total spread evenly between its deadlines."""
    covered: dict[int, int] = {}
    for year, _month in plan:
        covered[year] = covered.get(year, 0) + 1
    if kind == FLOW_ANNUAL:
        amounts = {}
        for year, months in covered.items():
            target = _in_force(targets, year)
            own = _milestone(target, year)
            amounts[year] = own if own is not None else _goal(target) * months / 12
        return amounts
    if kind == YEAR_AMOUNT:
        known: dict[int, float] = {}
        for target in _by_deadline(targets):
            known.update({m.year: float(m.value) for m in target.milestones.all()})
            if target.deadline_date:
                known[target.deadline_date.year] = _goal(target)
        main = _by_deadline(targets)[0]
        last = max(known, default=plan[-1][0])
        base_year = main.baseline_date.year if main.baseline_date else plan[0][0] - 1
        if main.baseline_value:
            known.setdefault(base_year, float(main.baseline_value))
        else:
            known.setdefault(base_year, known.get(last, _goal(main)) / YEARLY_GROWTH ** max(last - base_year, 1))
        years = sorted(known)
        amounts = {}
        for year, months in covered.items():
            below = max((y for y in years if y <= year), default=years[0])
            above = min((y for y in years if y >= year), default=years[-1])
            if below == above:
                full = known[below] * YEARLY_GROWTH ** (year - below)
            else:
                full = known[below] * (known[above] / known[below]) ** ((year - below) / (above - below))
            # A part year of the plan has the covered months of that year's amount.
            amounts[year] = full * months / 12
        return amounts
    # Over the plan: each deadline's total less the one before, spread over the months between.
    amounts = dict.fromkeys(covered, 0.0)
    done, start, rate = 0.0, calendar.month_ordinal(plan[0]) - 1, 0.0
    segments = [t for t in _by_deadline(targets) if t.deadline_date]
    for target in segments:
        end = _ordinal(target.deadline_date)
        span = [ym for ym in plan if start < calendar.month_ordinal(ym) <= end]
        if span:
            rate = max(_goal(target) - done, 0.0) / len(span)
            for year, _month in span:
                amounts[year] += rate
        done, start = max(done, _goal(target)), max(start, end)
    if not segments:
        rate = _goal(targets[0]) / len(plan)
    for year, _month in (ym for ym in plan if calendar.month_ordinal(ym) > start):
        amounts[year] += rate
    return amounts


def _flow(
    indicator: Indicator, amounts: dict[int, float], share: float, pace: float, meets, plan, rng
) -> dict[tuple[int, int], Decimal]:
    """Each year's amount × the unit's share and pace, spread unevenly over its months."""
    counts = indicator.unit_of_measure in COUNT_UNITS
    decimals = 0 if counts else 2
    values = {}
    for year, amount in amounts.items():
        months = [ym for ym in plan if ym[0] == year]
        amount *= share * pace * rng.uniform(0.92, 1.08)
        if counts:
            # Whole things: 0.4 firms a year is one firm in some years and none in others; a
            # unit that must reach a count on its own reaches it or falls short of it.
            whole = math.floor(amount)
            if meets or (meets is None and rng.random() < amount - whole):
                whole = math.ceil(amount)
            amount = whole
        # Amounts (亿元) vary less from month to month than the few firms of a count.
        swing = 0.5 if counts else 0.3
        weights = [Decimal(str(round(rng.uniform(1 - swing, 1 + swing), 4))) for _ in months]
        spread = services.apportion(Decimal(str(round(max(amount, 0.0), 4))), weights, decimals)
        values.update(zip(months, spread, strict=True))
    return values


def _series(
    policy: Policy,
    indicator: Indicator,
    unit_id: int,
    share: float,
    months: list[tuple[int, int]],
    seed: int,
    *,
    plan: list[tuple[int, int]] | None = None,
    meets: bool | None = None,
) -> Series:
    """`share` scales the city's target to the unit (its allocated share, or 1 for a target
    every unit must reach on its own); `plan` is every month of the plan, so that a year's
    figures pace that year whatever part of it is filed; `meets` says whether a unit that
    must reach a target on its own does (None for a city target)."""
    plan = plan or months
    rng = _rng(seed, policy.code, indicator.code, unit_id)
    pace = rng.choice(PACES)
    targets = list(indicator.targets.all())
    if share == 0:
        # A zero share (分解目标为0) has nothing to report.
        return Series(dict.fromkeys(months, Decimal(0)))
    if not targets:
        goal = 10.0
        kind = FLOW_PLAN if indicator.measure == Indicator.Measure.FLOW else LEVEL_BY_DATE
    else:
        goal = _goal(targets[0])
        kind = target_kind(targets[0], indicator)
    if meets is not None and kind != GROWTH:
        pace = rng.uniform(1.1, 1.5) if meets else rng.uniform(0.0, 0.7)
    if kind in (FLOW_ANNUAL, FLOW_PLAN, YEAR_AMOUNT):
        if kind == YEAR_AMOUNT and meets is None:
            # A year's amount by a deadline comes in at about the target.
            pace = rng.choice([0.94, 0.97, 1.0, 1.02, 1.05])
        if not targets:
            amounts = {y: goal * sum(1 for ym in plan if ym[0] == y) / len(plan) for y, _m in plan}
        else:
            amounts = _year_amounts(targets, kind, plan)
        values = _flow(indicator, amounts, share, pace, meets, plan, rng)
        return Series({ym: values[ym] for ym in months})
    values = {}
    if kind == CEILING_RULE:
        # A standing rule: held most months, slightly exceeded in some. The first month holds
        # and the second runs over, so that every plan with a ceiling shows both.
        limit = goal * share
        step = 1 if indicator.unit_of_measure in COUNT_UNITS else 0.01
        for i, ym in enumerate(plan):
            over = i == 1 or (i > 1 and rng.random() < (0.6 if meets is False else 0.2))
            if over and meets is not True:
                values[ym] = max(
                    _quantize(limit * rng.uniform(1.02, 1.08), indicator), _quantize(limit + step, indicator)
                )
            else:
                values[ym] = min(_quantize(limit * rng.uniform(0.8, 0.98), indicator), _quantize(limit, indicator))
        return Series({ym: values[ym] for ym in months})
    if kind == REDUCTION:
        # Down from where it stood towards the ceiling by the deadline, at the unit's pace.
        target = _by_deadline(targets)[0]
        floor = goal * share
        if target.baseline_value is not None and target.baseline_value > target.value:
            start = float(target.baseline_value) * share
        else:
            start = floor * rng.uniform(1.5, 2.0) if goal > 0 else rng.uniform(30, 80) * share
        first = calendar.month_ordinal(plan[0])
        end = _ordinal(target.deadline_date) if target.deadline_date else calendar.month_ordinal(plan[-1])
        jitter = 0.5 if indicator.unit_of_measure in COUNT_UNITS else 0.0
        last = None
        for ym in plan:
            done = min((calendar.month_ordinal(ym) - first + 1) / max(end - first + 1, 1), 1.0)
            value = start - (start - floor) * done * pace + rng.uniform(-jitter, jitter)
            value = max(_quantize(max(value, 0.0), indicator), Decimal(0))
            last = value if last is None else min(last, value)
            values[ym] = last
        return Series({ym: values[ym] for ym in months})
    if kind == GROWTH:
        for ym in months:
            values[ym] = _quantize(goal * pace * rng.uniform(0.8, 1.1), indicator)
        return Series(values)
    if kind == STANDING_LEVEL:
        # A size held every year (每年紧盯100个): around it, not climbing from a baseline.
        if meets is None:
            size = goal * share * rng.uniform(0.92, 1.06)
        else:
            size = goal * (rng.uniform(1.0, 1.15) if meets else rng.uniform(0.7, 0.95))
        for ym in months:
            value = _quantize(size * rng.uniform(0.97, 1.03), indicator)
            values[ym] = min(value, Decimal(100)) if indicator.unit_of_measure == "%" else value
        return Series(values)
    # A level by a deadline climbs from its baseline (the one given, or one below the goal)
    # through each deadline's value, the behind units slowly, the ahead ones past it.
    ordered = _by_deadline(targets) if targets else []
    first = ordered[0] if ordered else None
    if first is not None and first.baseline_value is not None:
        base = float(first.baseline_value) * share
    else:
        base = goal * share * rng.uniform(0.55, 0.8)
    knots = [(calendar.month_ordinal(plan[0]) - 1, base)]
    for target in ordered:
        at = _ordinal(target.deadline_date) if target.deadline_date else calendar.month_ordinal(plan[-1])
        if at > knots[-1][0]:
            knots.append((at, _goal(target) * share))
    if len(knots) == 1:
        knots.append((calendar.month_ordinal(plan[-1]), goal * share))
    stretch = pace * rng.uniform(0.9, 1.1) if meets is None else pace
    last = Decimal(0)
    jitter = 0.5 if indicator.unit_of_measure in COUNT_UNITS else 0.0
    for ym in plan:
        at = calendar.month_ordinal(ym)
        path = knots[-1][1]
        for (o0, v0), (o1, v1) in itertools.pairwise(knots):
            if at <= o1:
                path = v0 + (v1 - v0) * max(at - o0, 0) / (o1 - o0)
                break
        # Small counts round by chance, so that a unit's few firms still grow over the months.
        value = _quantize(base + (path - base) * stretch + rng.uniform(-jitter, jitter), indicator)
        if indicator.unit_of_measure == "%":
            value = min(value, Decimal(100))
        last = max(last, value)
        values[ym] = last
    return Series({ym: values[ym] for ym in months})


def _silent_county(policy: Policy, units, left_open: set[int], seed: int) -> int | None:
    """The one county (or district, zone) of a policy that never reports, chosen by the seed
    among the policy's divisions when it has at least three, never one a demo account files for."""
    divisions = sorted((u for u in units if u.is_division), key=lambda u: (u.sort_order, u.code))
    candidates = [u for u in divisions if u.pk not in left_open and u.pk != policy.lead_unit_id]
    if len(divisions) < 3 or not candidates:
        return None
    return _rng(seed, policy.code, "silent").choice(candidates).pk


def _meeting_units(indicator: Indicator, unit_ids: list[int], seed: int) -> set[int]:
    """Of the units that must each reach a target on their own, the ones that do (at least
    one does and, with two or more, at least one does not)."""
    ordered = sorted(unit_ids)
    _rng(seed, indicator.code, "each").shuffle(ordered)
    meeting = round(len(ordered) * EACH_MEETING)
    return set(ordered[: max(1, min(meeting, len(ordered) - 1))])


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def demo_months(
    *,
    until: dt.date,
    reviewers: dict[int, object],
    reporters: dict[int, object],
    left_open: set[int],
    seed: int = 2025,
    codes: list[str] | None = None,
) -> int:
    """File every demo report up to the month ending before `until`. Returns reports made.

    `reviewers` maps a policy id to its reviewing user, `reporters` a unit id to a user
    who reports for it; both come from the demo accounts. The units in `left_open` have
    not filed the month now open, so that the demo reporter has something to do. `codes`
    limits the months to those policies.
    """
    made = 0
    last_year, last_month = calendar.previous_month(until)
    policies = Policy.objects.select_related("city").order_by("code")
    if codes:
        policies = policies.filter(code__in=codes)
    for policy in policies:
        if policy.reports.exists() or not policy.start_date:
            continue
        end = min(policy.end_date or until, dt.date(last_year, last_month, 1))
        months = calendar.months_between(policy.start_date, end)
        if not months:
            continue
        made += _policy_months(policy, months, reviewers[policy.pk], reporters, left_open, seed, until)
    return made


@transaction.atomic
def _policy_months(policy: Policy, months, reviewer, reporters, left_open, seed, today: dt.date) -> int:
    open_month = calendar.previous_month(today)
    assignments = list(
        Assignment.objects.filter(indicator__policy=policy)
        .select_related("indicator", "unit")
        .prefetch_related("indicator__targets__milestones")
    )
    reporters_of = {}
    for a in assignments:
        reporters_of.setdefault(a.indicator_id, []).append(a.unit_id)
    indicators = sorted({a.indicator for a in assignments}, key=lambda i: i.pk)
    each = {i.pk for i in indicators if any(t.applies_to == Target.AppliesTo.EACH for t in i.targets.all())}
    silent = _silent_county(policy, {a.unit for a in assignments}, left_open, seed)
    # The reviewer has split each summed city target equally across its reporting units (分解下达);
    # a target every unit must reach on its own, or a ceiling of zero (清零), is not shared out.
    shares = {}
    for indicator in indicators:
        targets = list(indicator.targets.all())
        if indicator.rollup != Indicator.Rollup.SUM or len(reporters_of[indicator.pk]) < 2 or indicator.pk in each:
            continue
        if targets and targets[0].value == 0:
            continue
        proposal = services.split_proposal(indicator=indicator, method="equal", year=months[0][0])
        services.assignment_split(indicator=indicator, shares=proposal, by=reviewer)
        city = sum(proposal.values(), Decimal(0))
        shares.update({(indicator.pk, u): float(v / city) if city else 0.0 for u, v in proposal.items()})
    meeting = {
        i.pk: _meeting_units(i, [u for u in reporters_of[i.pk] if u != silent], seed)
        for i in indicators
        if i.pk in each
    }
    deadlines = [t.deadline_date for i in indicators for t in i.targets.all() if t.deadline_date]
    last = dt.date(*months[-1], 1)
    plan = calendar.months_between(policy.start_date, max(policy.end_date or max(deadlines, default=last), last))
    series = {}
    for a in assignments:
        if a.unit_id == silent:
            continue
        if a.indicator_id in each:
            share = 1.0
        elif a.indicator.rollup == Indicator.Rollup.SUM and (a.indicator_id, a.unit_id) not in shares:
            share = 1.0 / len(reporters_of[a.indicator_id])
        else:
            share = shares.get((a.indicator_id, a.unit_id), 1.0)
        meets = a.unit_id in meeting[a.indicator_id] if a.indicator_id in each else None
        series[(a.indicator_id, a.unit_id)] = _series(
            policy, a.indicator, a.unit_id, share, months, seed, plan=plan, meets=meets
        )
    units = {}
    for a in assignments:
        if a.unit_id != silent:
            units.setdefault(a.unit_id, (a.unit, []))[1].append(a.indicator)
    made = 0
    outliers_left = 2
    open_outlier = False
    for year, month in months:
        period, _ = Period.objects.get_or_create(year=year, month=month)
        first = dt.date(*calendar.following_month(year, month), 1)
        services.period_open(on_date=first, at=_at(first, 0), policies=Policy.objects.filter(pk=policy.pk))
        due = due_date_of(policy, year, month)
        # The month now open is still being filled in: some reports are in, none reviewed.
        is_open = (year, month) == open_month
        for unit_id, (unit, indicators) in sorted(units.items(), key=lambda kv: kv[1][0].sort_order):
            rng = _rng(seed, policy.code, unit_id, year, month)
            roll = rng.random()
            if roll < 0.05 or (is_open and (roll > 0.6 or unit_id in left_open)):
                continue  # missing, or not yet filed
            late = roll > 0.88 and not is_open
            user = reporters.get(unit_id) or reviewer
            submit_day = (
                due + dt.timedelta(days=rng.randint(1, 6)) if late else due - dt.timedelta(days=rng.randint(0, 3))
            )
            if is_open:
                # Filed by yesterday at the latest, so that no demo report is stamped later than now.
                submit_day = min(submit_day, today - dt.timedelta(days=1))
                if submit_day < first:
                    continue  # the period opened today: nothing is filed yet
            report = services.report_get_or_create(policy=policy, unit=unit, period=period, by=user)
            values = {i.pk: series[(i.pk, unit_id)].values[(year, month)] for i in indicators}
            notes = {}
            if is_open and not open_outlier:
                # The month under review has one explained outlier, so that the reviewer's
                # queue shows what a warning looks like today.
                flows = [i for i in indicators if i.measure == Indicator.Measure.FLOW and values[i.pk] > 0]
                if flows:
                    values[flows[0].pk] = values[flows[0].pk] * 6
                    notes[flows[0].pk] = "本月集中认定一批，数据已与统计部门核实。"
                    open_outlier = True
            elif outliers_left and rng.random() < 0.01:
                spike = indicators[rng.randrange(len(indicators))]
                if spike.measure == Indicator.Measure.FLOW and values[spike.pk] > 0:
                    values[spike.pk] = values[spike.pk] * 5
                    notes[spike.pk] = "本月集中认定一批，数据已与统计部门核实。"
                    outliers_left -= 1
            texts = {
                "progress_text": rng.choice(PROGRESS).format(n=rng.randint(3, 20)),
                "problems_text": rng.choice(PROBLEMS),
                "next_steps_text": rng.choice(NEXT_STEPS),
            }
            at = max(_at(submit_day - dt.timedelta(days=1)), _at(first, 9))
            result = services.report_save(
                report=report,
                by=user,
                version=report.version,
                values=values,
                notes=notes,
                texts=texts,
                on_date=submit_day,
                at=at,
            )
            report = result.report
            _errors, warnings = services.submission_errors(report)
            if warnings:
                # A careful reporter explains each flagged figure before submitting.
                report = services.report_save(
                    report=report,
                    by=user,
                    version=report.version,
                    values={k: values[k] for k in warnings},
                    notes={k: "已核实：本月企业集中入库/认定。" for k in warnings},
                    on_date=submit_day,
                    at=at,
                ).report
            report = services.report_submit(
                report=report, by=user, version=report.version, on_date=submit_day, at=_at(submit_day)
            )
            if rng.random() < 0.04:
                report = services.report_return(
                    report=report,
                    by=reviewer,
                    reason="请补充存在问题的具体情况，并核对本月数据口径。",
                    at=_at(submit_day, 15),
                )
                report = services.report_save(
                    report=report,
                    by=user,
                    version=report.version,
                    values={},
                    texts={
                        **texts,
                        "problems_text": (texts["problems_text"] or "暂无突出问题。") + "已按要求补充说明。",
                    },
                    on_date=submit_day + dt.timedelta(days=1),
                    at=_at(submit_day + dt.timedelta(days=1)),
                ).report
                report = services.report_submit(
                    report=report,
                    by=user,
                    version=report.version,
                    on_date=submit_day + dt.timedelta(days=1),
                    at=_at(submit_day + dt.timedelta(days=1), 11),
                )
            made += 1
            if is_open:
                continue
            review_day = max(submit_day, due) + dt.timedelta(days=2)
            services.report_approve(report=report, by=reviewer, at=_at(review_day, 16))
        lock_day = lock_date_of(policy, year, month)
        if lock_day <= today:
            services.period_lock_due(
                on_date=lock_day, at=_at(lock_day, 0), policies=Policy.objects.filter(pk=policy.pk)
            )
    return made
