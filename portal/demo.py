"""Deterministic demo months, entered through the same services a reporter uses.

For every policy, from its start to its end or the last full month (whichever comes
first), each assigned unit files its report: most on time, some late, a few missing;
some units are behind their share and some ahead; a couple of outliers are explained;
a few reports are returned and resubmitted; the reviewer approves the rest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.db import transaction

from policies.models import Policy
from targets import calendar, services
from targets.models import COUNT_UNITS, Assignment, Indicator, Period

TZ = ZoneInfo("Asia/Shanghai")

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


def _quantize(value: float, indicator: Indicator) -> Decimal:
    if indicator.unit_of_measure in COUNT_UNITS:
        return Decimal(int(round(value)))
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _series(
    policy: Policy, indicator: Indicator, unit_id: int, share: float, months: list[tuple[int, int]], seed: int
) -> Series:
    rng = _rng(seed, policy.code, indicator.code, unit_id)
    pace = rng.choice([0.55, 0.75, 0.9, 1.0, 1.05, 1.15, 1.3])
    target = indicator.targets.all()[0] if indicator.targets.all() else None
    goal = float(target.value) if target else 10.0
    if target is not None and target.comparison == "range" and target.value_max is not None:
        goal = (float(target.value) + float(target.value_max)) / 2
    values = {}
    n = len(months)
    if indicator.measure == Indicator.Measure.FLOW:
        if target is not None and target.window == "annual":
            monthly = goal * share / 12
        else:
            monthly = goal * share / max(n, 1)
        counts = indicator.unit_of_measure in COUNT_UNITS
        for ym in months:
            amount = monthly * pace * rng.uniform(0.5, 1.5)
            if counts and amount < 1:
                # A few firms a year spread over many units: some months bring one, most none.
                amount = 1.0 if rng.random() < amount else 0.0
            values[ym] = max(_quantize(amount, indicator), Decimal(0))
        return Series(values)
    # Levels: a ceiling hovers around its limit; a growth rate around its rate; anything
    # else climbs from a baseline toward the goal at the unit's pace.
    if target is not None and target.comparison == "at_most":
        for ym in months:
            values[ym] = _quantize(goal * rng.uniform(0.85, 1.08), indicator)
        return Series(values)
    if indicator.growth_rate:
        for ym in months:
            values[ym] = _quantize(goal * pace * rng.uniform(0.8, 1.1), indicator)
        return Series(values)
    base = goal * share * rng.uniform(0.55, 0.8)
    # Every unit grows toward its share; the behind ones slowly, the ahead ones past it.
    end = base + (goal * share - base) * pace * rng.uniform(0.9, 1.1)
    last = Decimal(0)
    jitter = 0.5 if indicator.unit_of_measure in COUNT_UNITS else 0.0
    for i, ym in enumerate(months):
        # Small counts round by chance, so that a unit's few firms still grow over the months.
        value = _quantize(base + (end - base) * (i + 1) / n + rng.uniform(-jitter, jitter), indicator)
        if indicator.unit_of_measure == "%":
            value = min(value, Decimal(100))
        last = max(last, value)
        values[ym] = last
    return Series(values)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=TZ)


def demo_months(
    *, until: dt.date, reviewers: dict[int, object], reporters: dict[int, object], left_open: set[int], seed: int = 2025
) -> int:
    """File every demo report up to the month ending before `until`. Returns reports made.

    `reviewers` maps a policy id to its reviewing user, `reporters` a unit id to a user
    who reports for it; both come from the demo accounts. The units in `left_open` have
    not filed the month now open, so that the demo reporter has something to do.
    """
    made = 0
    last_year, last_month = calendar.previous_month(until)
    for policy in Policy.objects.select_related("city").order_by("code"):
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
        .prefetch_related("indicator__targets")
    )
    reporters_of = {}
    for a in assignments:
        reporters_of.setdefault(a.indicator_id, []).append(a.unit_id)
    # The reviewer has split each summed target equally across its reporting units (分解下达).
    shares = {}
    for indicator in {a.indicator for a in assignments}:
        if indicator.rollup == Indicator.Rollup.SUM and len(reporters_of[indicator.pk]) > 1:
            proposal = services.split_proposal(indicator=indicator, method="equal", year=months[0][0])
            services.assignment_split(indicator=indicator, shares=proposal, by=reviewer)
            city = sum(proposal.values(), Decimal(0))
            shares.update({(indicator.pk, u): float(v / city) if city else 0.0 for u, v in proposal.items()})
    series = {}
    for a in assignments:
        share = shares.get((a.indicator_id, a.unit_id), 1.0)
        series[(a.indicator_id, a.unit_id)] = _series(policy, a.indicator, a.unit_id, share, months, seed)
    units = {}
    for a in assignments:
        units.setdefault(a.unit_id, (a.unit, []))[1].append(a.indicator)
    made = 0
    outliers_left = 2
    for year, month in months:
        period, _ = Period.objects.get_or_create(year=year, month=month)
        first = dt.date(*calendar.following_month(year, month), 1)
        services.period_open(on_date=first, at=_at(first, 0), policies=Policy.objects.filter(pk=policy.pk))
        due = calendar.due_date(year, month, policy.due_day)
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
            if outliers_left and rng.random() < 0.01:
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
        lock_day = calendar.lock_date(year, month, policy.lock_day)
        if lock_day <= today:
            services.period_lock_due(
                on_date=lock_day, at=_at(lock_day, 0), policies=Policy.objects.filter(pk=policy.pk)
            )
    return made
