"""seed_demo: deterministic demo months with the mix a real cycle has, never stamped
after the day they are made for."""

import datetime as dt
import io
import math
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import transaction

from policies.models import Membership, Policy, Unit
from targets import calendar
from targets.models import COUNT_UNITS, Assignment, Indicator, MonthlyReport, ReportEvent, ReportValue, Target

# Tangshan's plan starts in September 2024 and its reports are due on the 5th. A few months
# are enough (each month of demo reports costs about two seconds):
MIX_UNTIL = dt.date(2024, 12, 10)  # September and October closed, November still open
OPEN_UNTIL = dt.date(2024, 11, 3)  # September closed, October open two days: filings clamp to yesterday
TZ = ZoneInfo("Asia/Shanghai")


TANGSHAN = "tangshan-innovation-clusters"


@pytest.fixture
def tangshan(real_catalogue):
    return Policy.objects.get(code=TANGSHAN)


def seed(seed=2025, until=OPEN_UNTIL, policy=TANGSHAN):
    """The demo months of one policy (the other policies' would cost a minute)."""
    call_command("seed_demo", until=until.isoformat(), seed=seed, policies=[policy], stdout=io.StringIO())


def snapshot():
    values = list(
        ReportValue.objects.order_by("report__unit__code", "report__period__ordinal", "indicator__code").values_list(
            "report__unit__code", "report__period__ordinal", "indicator__code", "value"
        )
    )
    states = list(
        MonthlyReport.objects.order_by("unit__code", "period__ordinal").values_list(
            "unit__code", "period__ordinal", "state", "first_submitted_at"
        )
    )
    return values, states


def seeded_snapshot(seed_value=2025):
    with transaction.atomic():
        seed(seed_value)
        result = snapshot()
        transaction.set_rollback(True)
    return result


class TestSeedDemo:
    def test_the_same_seed_gives_the_same_months(self, tangshan):
        first = seeded_snapshot()

        second = seeded_snapshot()

        assert first[0] and first == second
        assert seeded_snapshot(7) != first

    def test_most_reports_are_on_time_some_late_a_few_missing_and_a_few_returned(self, tangshan):
        seed(until=MIX_UNTIL)

        closed = MonthlyReport.objects.exclude(period__year=2024, period__month=11)
        late = [
            r
            for r in closed.select_related("period")
            if r.first_submitted_at.astimezone(TZ).date()
            > calendar.due_date(r.period.year, r.period.month, tangshan.due_day)
        ]
        returned = ReportEvent.objects.filter(
            kind=ReportEvent.Kind.STATE, new=MonthlyReport.State.RETURNED.label
        ).count()
        units = {u for (u,) in MonthlyReport.objects.values_list("unit").distinct()}
        filed_closed_months = closed.count()
        closed_months = closed.values("period").distinct().count()

        assert 0 < len(late) < filed_closed_months / 3
        assert closed_months == 2
        assert filed_closed_months < closed_months * len(units)  # some units missed a closed month
        assert returned >= 1
        assert closed.exclude(state=MonthlyReport.State.APPROVED).count() <= returned + 1

    def test_nothing_is_stamped_after_the_day_it_is_made_for(self, tangshan):
        seed()

        latest = max(MonthlyReport.objects.exclude(submitted_at=None).values_list("submitted_at", flat=True))

        assert MonthlyReport.objects.filter(period__year=2024, period__month=10).exclude(submitted_at=None).exists()
        assert latest.astimezone(TZ).date() < OPEN_UNTIL


# Taizhou's plan starts in January 2018, Huzhou's in January 2023: a few months of each.
TAIZHOU_UNTIL = dt.date(2018, 7, 10)
HUZHOU_UNTIL = dt.date(2023, 7, 10)
DIVISIONS = [str(kind) for kind in Unit.DIVISION_KINDS]


@pytest.fixture
def taizhou(real_catalogue):
    return Policy.objects.get(code="taizhou-five-industries")


@pytest.fixture
def huzhou(real_catalogue):
    return Policy.objects.get(code="huzhou-advanced-manufacturing")


def filed(indicator, **filters):
    """{(unit id, (year, month)): value} of every filed report's figure for `indicator`."""
    rows = ReportValue.objects.filter(indicator=indicator, report__submitted_at__isnull=False, **filters)
    return {
        (unit, (year, month)): value
        for unit, year, month, value in rows.values_list(
            "report__unit", "report__period__year", "report__period__month", "value"
        )
    }


def city_amount(indicator, year, months):
    rows = filed(indicator, report__state=MonthlyReport.State.APPROVED)
    return sum((v for (_u, (y, m)), v in rows.items() if y == year and m in months), Decimal(0))


class TestSeedDemoAccounts:
    def test_the_accounts_of_a_live_plan_are_listed_first_and_the_ended_ones_say_so(self, real_catalogue):
        out = io.StringIO()

        call_command("seed_demo", until="2026-12-06", accounts_only=True, stdout=out)

        lines = out.getvalue().splitlines()
        first = next(i for i, line in enumerate(lines) if "-reporter" in line)
        assert "huzhou-reporter" in lines[first] and "计划进行中" in lines[first]  # to 2027-12
        tangshan = next(line for line in lines if "tangshan-reporter" in line)
        assert "计划期已结束" in tangshan


class TestSeedDemoKinds:
    def test_one_county_never_reports_and_the_demo_reporter_still_has_work(self, tangshan):
        seed(until=MIX_UNTIL)

        divisions = set(
            Unit.objects.filter(assignments__indicator__policy=tangshan, kind__in=DIVISIONS).values_list(
                "pk", flat=True
            )
        )
        reporting = set(MonthlyReport.objects.values_list("unit", flat=True))
        demo_units = set(
            Membership.objects.filter(user__username="tangshan-reporter", role=Membership.Role.REPORTER).values_list(
                "unit", flat=True
            )
        )
        open_month = MonthlyReport.objects.filter(period__year=2024, period__month=11)

        assert len(divisions - reporting) == 1
        assert demo_units and demo_units <= reporting
        assert not open_month.filter(unit__in=demo_units).exists()

    def test_yearly_flows_in_a_part_year_are_on_pace_for_the_months_covered(self, tangshan):
        seed(until=MIX_UNTIL)

        annual = Target.objects.filter(
            indicator__policy=tangshan,
            indicator__measure=Indicator.Measure.FLOW,
            window=Target.Window.ANNUAL,
            comparison=Target.Comparison.AT_LEAST,
            applies_to=Target.AppliesTo.TOTAL,
        ).select_related("indicator")
        # September and October of a plan starting in September: 2 of the 4 months of 2024.
        expected = sum(float(t.value) * 2 / 12 for t in annual)
        reported = sum(float(city_amount(t.indicator, 2024, {9, 10})) for t in annual)

        assert expected > 0
        assert 0.6 < reported / expected < 1.4

    def test_a_years_amount_by_a_deadline_has_figures_in_the_years_before(self, tangshan):
        seed(until=MIX_UNTIL)

        dated = Target.objects.filter(
            indicator__policy=tangshan, indicator__measure=Indicator.Measure.FLOW, window=Target.Window.DATE
        ).select_related("indicator")
        before = [city_amount(t.indicator, 2024, set(range(1, 13))) for t in dated if t.deadline_date.year > 2024]

        assert before and all(amount > 0 for amount in before)

    def test_a_target_each_county_must_reach_is_reached_by_some_and_not_by_others(self, tangshan):
        target = self.each_target(tangshan)

        seed(until=MIX_UNTIL)

        # 2024 is four months of the plan: the yearly value pro-rated (counts round up).
        own = target.milestones.filter(year=2024).first()
        due = own.value if own else Decimal(math.ceil(target.value * 4 / 12))
        by_county = {}
        for (unit, _month), value in filed(target.indicator, report__unit__kind__in=DIVISIONS).items():
            by_county[unit] = by_county.get(unit, Decimal(0)) + value
        assignments = Assignment.objects.filter(indicator=target.indicator)

        assert any(amount >= due for amount in by_county.values())
        assert any(amount < due for amount in by_county.values())
        assert not assignments.exclude(allocated_value=None).exists()  # not shared out

    def test_a_unit_with_a_zero_share_reports_zero(self, tangshan):
        seed(until=MIX_UNTIL)

        zero = Assignment.objects.filter(indicator__policy=tangshan, allocated_value=0)
        values = [
            v
            for a in zero
            for (unit, _month), v in filed(a.indicator, report__unit=a.unit_id).items()
            if unit == a.unit_id
        ]

        assert zero.exists() and values
        assert set(values) == {Decimal(0)}

    def test_a_ceiling_is_exceeded_in_some_months_and_held_in_others(self, taizhou):
        seed(until=TAIZHOU_UNTIL, policy=taizhou.code)

        ceilings = Target.objects.filter(indicator__policy=taizhou, comparison=Target.Comparison.AT_MOST)
        both = [t for t in ceilings if {v > t.value for v in filed(t.indicator).values()} == {True, False}]

        assert both

    def test_a_standing_size_is_held_around_it_not_climbed_to(self, taizhou):
        seed(until=TAIZHOU_UNTIL, policy=taizhou.code)

        standing = Target.objects.filter(
            indicator__policy=taizhou,
            indicator__measure=Indicator.Measure.LEVEL,
            indicator__growth_rate=False,
            window=Target.Window.ANNUAL,
            comparison=Target.Comparison.AT_LEAST,
        ).select_related("indicator")
        alone = [t for t in standing if t.indicator.assignments.count() == 1]
        ratios = [float(v / t.value) for t in alone for v in filed(t.indicator).values()]

        assert alone and ratios
        assert all(0.85 <= r <= 1.15 for r in ratios)

    def test_a_reduction_by_a_date_falls_towards_its_target(self, huzhou):
        seed(until=HUZHOU_UNTIL, policy=huzhou.code)

        reductions = Target.objects.filter(
            indicator__policy=huzhou,
            indicator__measure=Indicator.Measure.LEVEL,
            comparison=Target.Comparison.AT_MOST,
            value=0,
        ).exclude(window=Target.Window.ANNUAL)
        falling = []
        for target in reductions:
            series = [v for _key, v in sorted(filed(target.indicator).items(), key=lambda kv: kv[0][1])]
            falling.append(
                len(series) >= 3 and series[0] > series[-1] > target.value and series == sorted(series)[::-1]
            )

        assert falling and all(falling)

    @staticmethod
    def each_target(policy):
        """The policy's first yearly count that every county must reach on its own; when the
        catalogue marks none, the first yearly count its counties share is made one."""
        yearly = Target.objects.filter(
            indicator__policy=policy,
            indicator__measure=Indicator.Measure.FLOW,
            window=Target.Window.ANNUAL,
            comparison=Target.Comparison.AT_LEAST,
        ).order_by("indicator__order", "order")
        target = yearly.filter(applies_to=Target.AppliesTo.EACH).first()
        if target is None:
            target = next(
                t
                for t in yearly
                if t.indicator.assignments.filter(unit__kind__in=DIVISIONS).count() >= 3
                and t.indicator.unit_of_measure in COUNT_UNITS
            )
            target.applies_to = Target.AppliesTo.EACH
            target.save(update_fields=["applies_to"])
        return target
