"""Each rule of DESIGN.md's "Metrics", pinned with numbers worked out by hand."""

import datetime as dt
from decimal import Decimal as D

import pytest

from reports.metrics import (
    FORMULAS,
    LIGHT_LABELS,
    Standing,
    TargetSpec,
    actual,
    choose_target,
    city_series,
    evaluate,
    rank,
    ranking_score,
    time_progress,
    unit_target,
    window_for,
)
from targets import calendar

# A three-year plan, 2023-01 … 2025-12: 36 months.
PLAN = {"plan_start": dt.date(2023, 1, 1), "plan_end": dt.date(2025, 12, 31)}


def target(**fields) -> TargetSpec:
    return TargetSpec(**{**PLAN, **fields})


def yearly_flow(value="20", **fields) -> TargetSpec:
    """每年新增发明专利20件."""
    return target(value=D(value), window="annual", measure="flow", **fields)


def level_by_2025(value="1800", **fields) -> TargetSpec:
    """到2025年底高新技术企业达到1800家."""
    return target(value=D(value), window="date", deadline=dt.date(2025, 12, 31), measure="level", **fields)


class TestWindowFor:
    def test_annual_window_is_the_calendar_year_being_evaluated(self):
        spec = yearly_flow()

        window = window_for(spec, (2024, 5))

        assert window == ((2024, 1), (2024, 12))

    def test_annual_window_is_clipped_to_a_plan_that_starts_mid_year(self):
        spec = yearly_flow(plan_start=dt.date(2022, 8, 1))

        window = window_for(spec, (2022, 9))

        assert window == ((2022, 8), (2022, 12))

    def test_annual_window_is_clipped_to_a_plan_that_ends_mid_year(self):
        spec = yearly_flow(plan_end=dt.date(2025, 6, 30))

        window = window_for(spec, (2025, 3))

        assert window == ((2025, 1), (2025, 6))

    def test_annual_window_before_the_plan_is_its_first_year(self):
        spec = yearly_flow()

        window = window_for(spec, (2022, 11))

        assert window == ((2023, 1), (2023, 12))

    def test_annual_window_after_the_plan_is_its_last_year(self):
        spec = yearly_flow()

        window = window_for(spec, (2027, 3))

        assert window == ((2025, 1), (2025, 12))

    def test_a_year_specific_target_does_not_apply_before_its_year(self):
        spec = yearly_flow(year=2025)

        window = window_for(spec, (2024, 6))

        assert window is None

    def test_a_year_specific_target_stays_evaluable_at_its_end_once_its_year_is_over(self):
        spec = yearly_flow(year=2023)

        window = window_for(spec, (2024, 6))

        assert window == ((2023, 1), (2023, 12))

    def test_plan_window_runs_from_the_plan_start_to_the_deadline(self):
        spec = target(value=D("3"), window="plan", deadline=dt.date(2023, 12, 31), measure="flow")

        window = window_for(spec, (2023, 6))

        assert window == ((2023, 1), (2023, 12))

    def test_the_year_of_a_dated_target_does_not_hide_it_before_that_year(self):
        spec = level_by_2025(year=2025)

        window = window_for(spec, (2023, 6))

        assert window == ((2023, 1), (2025, 12))

    def test_a_yearly_amount_by_a_deadline_counts_the_deadlines_year(self):
        # 到2025年全市特色产业集群年营业收入达到6500亿元: a flow in a date window.
        spec = target(value=D("6500"), window="date", year=2025, deadline=dt.date(2025, 12, 31), measure="flow")

        window = window_for(spec, (2025, 4))

        assert window == ((2025, 1), (2025, 12))

    def test_a_yearly_amount_by_a_deadline_judges_each_earlier_year_on_its_own_amount(self):
        spec = target(value=D("6500"), window="date", year=2025, deadline=dt.date(2025, 12, 31), measure="flow")
        series = {(2024, 12): D("600"), (2025, 1): D("500")}

        early = evaluate(spec, series, (2024, 12))
        later = evaluate(spec, series, (2025, 1))

        # 2024's revenue is 2024's amount (no milestone: shown, grey, "无分年度目标"); in
        # January 2025 A = 500, P = 1 / 12.
        assert (early.window, early.actual, early.light, early.note) == (
            ((2024, 1), (2024, 12)),
            D("600"),
            "grey",
            "无分年度目标",
        )
        assert later.actual == D("500")
        assert later.progress == pytest.approx(1 / 12)


class TestTimeProgress:
    def test_is_one_twelfth_at_the_end_of_the_first_month_of_a_year(self):
        progress = time_progress((2024, 1), (2024, 12), (2024, 1))

        assert progress == pytest.approx(1 / 12)

    def test_counts_months_elapsed_over_the_months_of_the_window(self):
        # 2023-01 … 2024-06 is 18 of the 36 months.
        progress = time_progress((2023, 1), (2025, 12), (2024, 6))

        assert progress == pytest.approx(0.5)

    def test_is_zero_before_the_window_starts(self):
        progress = time_progress((2023, 1), (2023, 12), (2022, 11))

        assert progress == 0

    def test_is_one_once_the_window_has_ended(self):
        progress = time_progress((2023, 1), (2023, 12), (2024, 3))

        assert progress == 1

    def test_counts_a_clipped_year_by_its_own_months(self):
        # A plan starting in August: 2022-08 … 2022-12 is five months, one of them elapsed.
        progress = time_progress((2022, 8), (2022, 12), (2022, 8))

        assert progress == pytest.approx(0.2)


class TestActual:
    def test_flow_adds_the_months_of_the_window_up_to_the_month(self):
        series = {(2023, 12): D("5"), (2024, 1): D("3"), (2024, 2): D("4"), (2024, 3): D("6")}

        value = actual(yearly_flow(), series, (2024, 2))

        assert value == D("7")  # 3 + 4: December is last year's, March is after t

    def test_flow_with_nothing_reported_in_the_window_has_no_value(self):
        series = {(2023, 12): D("5")}

        value = actual(yearly_flow(), series, (2024, 2))

        assert value is None

    def test_level_is_the_latest_value_at_or_before_the_month(self):
        series = {(2023, 3): D("10"), (2023, 5): D("12"), (2023, 8): D("15")}

        value = actual(level_by_2025(), series, (2023, 7))

        assert value == D("12")

    def test_level_carries_a_value_reported_before_the_window(self):
        spec = target(value=D("3.5"), window="annual", measure="level")
        series = {(2023, 11): D("3.1")}

        value = actual(spec, series, (2024, 2))

        assert value == D("3.1")

    def test_growth_rate_does_not_carry_last_years_rate_into_the_new_year(self):
        spec = target(value=D("1"), window="annual", measure="level", growth_rate=True)
        series = {(2023, 12): D("5.2")}

        value = actual(spec, series, (2024, 1))

        assert value is None

    def test_stops_at_the_end_of_a_window_that_has_ended(self):
        spec = target(value=D("3"), window="plan", deadline=dt.date(2023, 12, 31), measure="flow")
        series = {(2023, 6): D("2"), (2024, 2): D("3")}

        value = actual(spec, series, (2024, 6))

        assert value == D("2")


class TestCompletion:
    def test_flow_per_year_is_the_years_sum_over_the_target(self):
        series = {(2024, 1): D("2"), (2024, 2): D("3"), (2024, 3): D("4")}

        result = evaluate(yearly_flow(), series, (2024, 3))

        # A = 9, C = 9 / 20 = 0.45, P = 3 / 12 = 0.25, gap = 0.20
        assert result.actual == D("9")
        assert result.completion == pytest.approx(0.45)
        assert result.progress == pytest.approx(0.25)
        assert result.gap == pytest.approx(0.20)
        assert result.light == "green"

    def test_flow_over_the_plan_is_the_sum_since_the_plan_start(self):
        # 累计腾出低效工业用地3万亩, 2023-01 … 2027-12: 60 months.
        spec = target(
            value=D("3"),
            window="plan",
            deadline=dt.date(2027, 12, 31),
            measure="flow",
            plan_end=dt.date(2027, 12, 31),
        )
        series = {(2023, 5): D("0.2"), (2023, 11): D("0.3"), (2024, 6): D("0.1")}

        result = evaluate(spec, series, (2024, 6))

        # A = 0.6, C = 0.6 / 3 = 0.20, P = 18 / 60 = 0.30: exactly 10 points behind
        assert result.actual == D("0.6")
        assert result.completion == pytest.approx(0.20)
        assert result.progress == pytest.approx(0.30)
        assert result.light == "yellow"

    def test_level_counts_from_the_given_baseline(self):
        series = {(2023, 1): D("1500"), (2024, 6): D("1650")}

        result = evaluate(level_by_2025(baseline=D("1500")), series, (2024, 6))

        # C = (1650 − 1500) / (1800 − 1500) = 0.5 = P (18 / 36)
        assert result.completion == pytest.approx(0.5)
        assert result.progress == pytest.approx(0.5)
        assert result.baseline == D("1500")
        assert result.light == "green"

    def test_level_counts_from_the_first_value_reported_when_no_baseline_is_given(self):
        series = {(2023, 1): D("1500"), (2023, 9): D("1560"), (2024, 6): D("1620")}

        result = evaluate(level_by_2025(), series, (2024, 6))

        # Not 1620 / 1800 = 90%: C = (1620 − 1500) / (1800 − 1500) = 0.4, P = 0.5
        assert result.baseline == D("1500")
        assert result.completion == pytest.approx(0.4)
        assert result.gap == pytest.approx(-0.1)
        assert result.light == "yellow"

    def test_a_given_baseline_wins_over_the_first_value_reported(self):
        series = {(2023, 1): D("1500"), (2024, 6): D("1650")}

        result = evaluate(level_by_2025(baseline=D("1400")), series, (2024, 6))

        # C = (1650 − 1400) / (1800 − 1400) = 250 / 400
        assert result.completion == pytest.approx(0.625)

    def test_level_already_at_or_past_the_target_is_met(self):
        series = {(2023, 1): D("1500"), (2023, 2): D("1850")}

        result = evaluate(level_by_2025(), series, (2023, 2))

        # C = 350 / 300 ≈ 1.17 while P is only 2 / 36
        assert result.met
        assert result.completion == pytest.approx(350 / 300)
        assert result.light == "green"

    def test_level_whose_baseline_equals_the_target_is_met_while_it_holds(self):
        spec = level_by_2025(baseline=D("1800"))

        held = evaluate(spec, {(2024, 6): D("1800")}, (2024, 6))
        slipped = evaluate(spec, {(2024, 6): D("1790")}, (2024, 6))

        assert (held.met, held.completion) == (True, 1.0)
        assert (slipped.met, slipped.completion) == (False, 0.0)

    def test_coverage_of_100_percent_counts_from_the_first_coverage_reported(self):
        # 工业区块有机更新全覆盖 by 2027-12, plan 2023-01 … 2027-12: 60 months.
        spec = target(
            value=D("100"),
            window="date",
            deadline=dt.date(2027, 12, 31),
            measure="level",
            plan_end=dt.date(2027, 12, 31),
        )
        series = {(2023, 1): D("60"), (2024, 12): D("80")}

        result = evaluate(spec, series, (2024, 12))

        # C = (80 − 60) / (100 − 60) = 0.5, P = 24 / 60 = 0.4
        assert result.completion == pytest.approx(0.5)
        assert result.progress == pytest.approx(0.4)
        assert result.light == "green"

    def test_coverage_of_100_percent_is_met_at_100(self):
        spec = target(value=D("100"), window="date", deadline=dt.date(2025, 12, 31), measure="level")
        series = {(2023, 1): D("60"), (2024, 12): D("100")}

        result = evaluate(spec, series, (2024, 12))

        assert result.met
        assert result.completion == pytest.approx(1.0)

    def test_range_is_met_from_its_lower_bound(self):
        # 每年培育1-2家“小巨人”: one by June is met, though half the year is left.
        spec = yearly_flow("1", value_max=D("2"), comparison="range")

        result = evaluate(spec, {(2024, 3): D("1")}, (2024, 6))

        assert result.met
        assert result.completion == pytest.approx(1.0)
        assert result.light == "green"

    def test_range_stays_met_above_its_upper_bound(self):
        spec = yearly_flow("1", value_max=D("2"), comparison="range")

        result = evaluate(spec, {(2024, 3): D("3")}, (2024, 6))

        assert result.met
        assert result.light == "green"


class TestCeiling:
    def ceiling(self, value="0.52") -> TargetSpec:
        """万元GDP能耗低于0.52吨标准煤."""
        return target(value=D(value), comparison="at_most", window="annual", measure="level")

    def test_is_met_and_green_while_the_value_stays_under_it(self):
        result = evaluate(self.ceiling(), {(2024, 2): D("0.50")}, (2024, 2))

        assert result.met
        assert result.completion == 1.0
        assert result.light == "green"

    def test_ignores_time_progress(self):
        result = evaluate(self.ceiling(), {(2024, 2): D("0.50")}, (2024, 2))

        # Due in full every month, not 2 / 12.
        assert result.progress == 1.0
        assert result.gap == 0.0

    def test_a_standing_rule_slightly_exceeded_is_red_and_shows_the_excess_never_a_negative_rate(self):
        # 应答时限≤1天, answered in 1.06 days: once −500% (C = (1 − 1.06) / (1 − 1.01) …).
        spec = target(value=D("1"), comparison="at_most", window="annual", measure="level")
        series = {(2024, 1): D("1.01"), (2024, 5): D("1.06")}

        result = evaluate(spec, series, (2024, 5))

        assert not result.met
        assert result.completion == 0.0
        assert result.note == "超出0.06"
        assert result.light == "red"

    def test_exceeded_has_no_yellow_however_close(self):
        series = {(2024, 1): D("0.56"), (2024, 5): D("0.523")}

        result = evaluate(self.ceiling(), series, (2024, 5))

        # A standing ceiling is met or not: 0.003 over is red, not yellow.
        assert result.completion == 0.0
        assert result.light == "red"

    def test_clearing_to_zero_counts_the_share_cleared(self):
        # 园区外小企业清零: 100 at the first report, 40 left.
        spec = target(
            value=D("0"), comparison="at_most", window="date", deadline=dt.date(2025, 12, 31), measure="level"
        )
        series = {(2023, 1): D("100"), (2024, 6): D("40")}

        result = evaluate(spec, series, (2024, 6))

        # A reduction by a date, not a standing rule: C = (100 − 40) / (100 − 0) = 0.6 against
        # P = 18 / 36 = 0.5, so it is ahead (it was red as a ceiling "not yet met").
        assert result.completion == pytest.approx(0.6)
        assert result.progress == pytest.approx(0.5)
        assert result.light == "green"


class TestGrowthRate:
    def growth(self, value="1") -> TargetSpec:
        """年均增幅高于全市平均水平1个百分点以上."""
        return target(value=D(value), window="annual", measure="level", growth_rate=True)

    def test_at_or_above_the_target_rate_is_green_from_the_first_month(self):
        result = evaluate(self.growth(), {(2024, 1): D("1.2")}, (2024, 1))

        assert result.met
        assert result.completion == pytest.approx(1.2)
        assert result.progress == 1.0
        assert result.light == "green"

    def test_below_the_target_rate_is_behind_even_early_in_the_year(self):
        # 增幅低于目标任务: 5.3% against 6% in February is not "on schedule" against P = 2 / 12.
        result = evaluate(self.growth("6"), {(2024, 2): D("5.3")}, (2024, 2))

        # C = 5.3 / 6 ≈ 0.883 < 1 − 0.10
        assert not result.met
        assert result.completion == pytest.approx(5.3 / 6)
        assert result.light == "red"

    def test_within_the_tolerance_of_the_target_rate_is_yellow(self):
        # Yellow from 6 × (1 − 10 / 100) = 5.4: 5.5 / 6 ≈ 0.917.
        result = evaluate(self.growth("6"), {(2024, 2): D("5.5")}, (2024, 2))

        assert result.light == "yellow"

    def test_has_no_baseline(self):
        series = {(2024, 1): D("0.5"), (2024, 2): D("0.9")}

        result = evaluate(self.growth(), series, (2024, 2))

        assert result.baseline is None
        assert result.completion == pytest.approx(0.9)


class TestLight:
    def test_a_due_target_without_a_value_counts_as_nothing_done(self):
        # Not reporting must never help: no figure once P > 0 is C = 0, not grey.
        result = evaluate(yearly_flow(), {}, (2024, 3))

        assert result.light == "red"
        assert (result.actual, result.completion) == (None, 0.0)
        assert result.gap == pytest.approx(-0.25)
        assert result.progress == pytest.approx(0.25)
        assert result.note == "未报送，按0计"
        assert not result.met

    def test_is_grey_for_a_target_that_does_not_apply_yet(self):
        result = evaluate(yearly_flow(year=2025), {(2024, 3): D("5")}, (2024, 3))

        assert result.light == "grey"
        assert result.window is None
        assert result.progress is None

    def test_first_month_of_a_window_is_green_at_one_twelfth_done(self):
        # 2 of 20 = 0.10 ≥ P = 1 / 12 ≈ 0.083
        result = evaluate(yearly_flow(), {(2024, 1): D("2")}, (2024, 1))

        assert result.progress == pytest.approx(1 / 12)
        assert result.light == "green"

    def test_first_month_of_a_window_with_nothing_done_is_yellow(self):
        # 0 ≥ 1 / 12 − 10 points
        result = evaluate(yearly_flow(), {(2024, 1): D("0")}, (2024, 1))

        assert result.completion == 0.0
        assert result.light == "yellow"

    def test_exactly_the_tolerance_behind_is_yellow_despite_float_rounding(self):
        # C = 29 / 60 = 0.48333…, P − 10 points = 7 / 12 − 0.1 = 0.48333…: equal, though as floats
        # 0.48333333333333334 < 0.4833333333333334.
        result = evaluate(yearly_flow("60"), {(2024, 7): D("29")}, (2024, 7))

        assert result.light == "yellow"

    def test_is_red_more_than_the_tolerance_behind(self):
        series = {(2024, 1): D("1"), (2024, 6): D("5")}

        result = evaluate(yearly_flow(), series, (2024, 6))

        # C = 6 / 20 = 0.30, P = 0.50: 20 points behind
        assert result.light == "red"

    def test_tolerance_is_set_per_policy(self):
        series = {(2024, 6): D("9")}

        default = evaluate(yearly_flow(), series, (2024, 6))
        strict = evaluate(yearly_flow(), series, (2024, 6), tolerance=3)

        # C = 0.45, P = 0.50: 5 points behind
        assert default.light == "yellow"
        assert strict.light == "red"

    def test_a_target_already_met_is_green(self):
        result = evaluate(yearly_flow(), {(2024, 2): D("25")}, (2024, 2))

        assert result.met
        assert result.completion == pytest.approx(1.25)
        assert result.light == "green"

    def test_a_window_not_yet_started_has_nothing_due(self):
        # Evaluated in 2022-11, before a plan starting 2023-01: the level is known from before.
        result = evaluate(level_by_2025(), {(2022, 10): D("1500")}, (2022, 11))

        # Grey means "not yet due": nothing is judged before the window opens.
        assert result.progress == 0.0
        assert result.completion is None
        assert result.light == "grey"

    def test_after_the_plan_ended_it_is_judged_at_the_end(self):
        spec = target(value=D("10"), window="plan", deadline=dt.date(2025, 12, 31), measure="flow")
        series = {(2024, 5): D("4"), (2025, 11): D("4"), (2026, 2): D("5")}

        result = evaluate(spec, series, (2026, 3))

        # A = 8 (February 2026 is past the deadline), C = 0.8, P = 1: 20 points behind
        assert result.actual == D("8")
        assert result.progress == 1.0
        assert result.light == "red"


class TestChooseTarget:
    def milestones(self) -> list[TargetSpec]:
        """到2023年培育上市企业3—5家；到2025年实现上市企业5家以上."""
        by_2023 = target(
            value=D("3"),
            value_max=D("5"),
            comparison="range",
            window="plan",
            year=2023,
            deadline=dt.date(2023, 12, 31),
            measure="flow",
        )
        by_2025 = target(value=D("5"), window="plan", year=2025, deadline=dt.date(2025, 12, 31), measure="flow")
        return [by_2023, by_2025]

    @pytest.mark.parametrize(
        ("at", "milestone"),
        [((2023, 6), 2023), ((2023, 12), 2023), ((2024, 1), 2025), ((2025, 12), 2025), ((2026, 6), 2025)],
    )
    def test_takes_the_2023_milestone_through_2023_then_the_2025_one(self, at, milestone):
        chosen = choose_target(self.milestones(), at)

        assert chosen.year == milestone

    @pytest.mark.parametrize(("at", "year"), [((2024, 5), 2024), ((2025, 1), 2025), ((2027, 2), 2025)])
    def test_takes_the_target_of_the_year(self, at, year):
        per_year = [yearly_flow("10", year=2024), yearly_flow("12", year=2025)]

        chosen = choose_target(per_year, at)

        assert chosen.year == year

    def test_is_none_when_no_target_applies_yet(self):
        per_year = [yearly_flow("10", year=2024), yearly_flow("12", year=2025)]

        chosen = choose_target(per_year, (2023, 5))

        assert chosen is None


class TestUnitTarget:
    def test_an_allocated_share_is_the_units_target(self):
        city = level_by_2025(baseline=D("1500"))

        own = unit_target(city, "sum", D("300"))

        assert own.value == D("300")
        assert own.baseline is None  # the city's baseline is not the unit's: its own first value is

    def test_an_allocated_share_of_a_range_is_a_floor(self):
        city = yearly_flow("3", value_max=D("5"), comparison="range")

        own = unit_target(city, "sum", D("1"))

        assert (own.comparison, own.value, own.value_max) == ("at_least", D("1"), None)

    def test_a_summed_city_target_is_not_split_without_a_share(self):
        own = unit_target(level_by_2025(), "sum", None)

        assert own is None

    def test_the_single_reporter_answers_for_the_city_target(self):
        city = target(value=D("3.5"), window="date", deadline=dt.date(2025, 12, 31), measure="level")

        own = unit_target(city, "single", None)

        assert own == city


class TestCitySeries:
    def test_sum_of_flows_adds_the_months_amounts(self):
        per_unit = {
            "county-a": {(2024, 1): D("2"), (2024, 2): D("3")},
            "county-b": {(2024, 1): D("1"), (2024, 3): D("4")},
        }

        city = city_series("sum", "flow", per_unit, (2024, 2))

        assert city == {(2024, 1): D("3"), (2024, 2): D("3")}

    def test_sum_of_levels_adds_each_units_latest_value(self):
        per_unit = {"county-a": {(2024, 1): D("100"), (2024, 3): D("110")}, "county-b": {(2024, 2): D("50")}}

        city = city_series("sum", "level", per_unit, (2024, 3))

        # February: 100 (January's) + 50; March: 110 + 50 (February's)
        assert city == {(2024, 1): D("100"), (2024, 2): D("150"), (2024, 3): D("160")}

    def test_single_is_the_one_reporters_figure(self):
        per_unit = {"bureau": {}, "statistics": {(2024, 1): D("3.2"), (2024, 2): D("3.4")}}

        city = city_series("single", "level", per_unit, (2024, 2))

        assert city == {(2024, 1): D("3.2"), (2024, 2): D("3.4")}

    def test_single_with_several_reporters_takes_the_first_with_data(self):
        per_unit = {"bureau": {(2024, 3): D("3.0")}, "statistics": {(2024, 1): D("3.2")}, "zone": {(2024, 1): D("9")}}

        city = city_series("single", "level", per_unit, (2024, 2))

        assert city == {(2024, 1): D("3.2")}  # the bureau has nothing up to February

    def test_nobody_reporting_is_an_empty_series(self):
        city = city_series("single", "level", {"bureau": {}}, (2024, 2))

        assert city == {}

    def test_the_city_figure_feeds_the_evaluation(self):
        per_unit = {"county-a": {(2023, 1): D("900"), (2024, 6): D("960")}, "county-b": {(2023, 1): D("600")}}
        series = city_series("sum", "level", per_unit, (2024, 6))

        result = evaluate(level_by_2025(), series, (2024, 6))

        # B = 1500, A = 960 + 600 = 1560, C = 60 / 300 = 0.2, P = 0.5
        assert result.actual == D("1560")
        assert result.completion == pytest.approx(0.2)
        assert result.light == "red"


class TestRankingScore:
    def test_is_the_mean_of_completion_over_progress_times_100(self):
        pairs = [(0.5, 0.5), (0.3, 0.5)]

        score = ranking_score(pairs)

        # (1.0 + 0.6) / 2 × 100
        assert score == pytest.approx(80.0)

    def test_caps_each_indicator_at_1_2(self):
        pairs = [(0.5, 0.5), (0.3, 0.5), (0.9, 0.5)]

        score = ranking_score(pairs)

        # 0.9 / 0.5 = 1.8 counts as 1.2: (1.0 + 0.6 + 1.2) / 3 × 100
        assert score == pytest.approx(280 / 3)

    def test_leaves_out_indicators_with_no_time_progress(self):
        pairs = [(0.0, 0.0), (0.4, 0.5)]

        score = ranking_score(pairs)

        assert score == pytest.approx(80.0)

    def test_leaves_out_indicators_without_a_value(self):
        pairs = [(None, 0.5), (0.4, 0.5)]

        score = ranking_score(pairs)

        assert score == pytest.approx(80.0)

    def test_is_none_when_nothing_can_be_scored(self):
        score = ranking_score([(None, 0.5), (0.2, 0.0)])

        assert score is None

    def test_takes_a_met_ceiling_at_full_marks(self):
        ceiling = target(value=D("0.52"), comparison="at_most", window="annual", measure="level")
        met = evaluate(ceiling, {(2024, 2): D("0.50")}, (2024, 2))

        score = ranking_score([(met.completion, met.progress)])

        assert score == pytest.approx(100.0)


class TestOnTimeRate:
    def test_is_on_time_reports_over_expected_reports(self):
        assert calendar.on_time_rate(due=4, on_time=3) == pytest.approx(0.75)

    def test_is_none_when_nothing_was_expected(self):
        assert calendar.on_time_rate(due=0, on_time=0) is None


def runner(unit, score, on_time, scored=3, klass="departments") -> Standing:
    """A unit in the ranking whose score rests on `scored` indicators."""
    return Standing(unit, score, on_time, scored, klass)


class TestRank:
    def test_puts_the_higher_score_first(self):
        rows = [runner("a", 80.0, 1.0), runner("b", 95.0, 0.5), runner("c", 70.0, 1.0)]

        table = rank(rows)

        assert [(row.unit, row.rank) for row in table] == [("b", 1), ("a", 2), ("c", 3)]

    def test_breaks_a_tie_in_score_by_the_on_time_rate(self):
        rows = [runner("late", 90.0, 0.5), runner("punctual", 90.0, 1.0), runner("third", 50.0, 1.0)]

        table = rank(rows)

        assert [(row.unit, row.rank) for row in table] == [("punctual", 1), ("late", 2), ("third", 3)]

    def test_equal_score_and_equal_on_time_rate_share_a_rank(self):
        rows = [
            runner("a", 100.0, 1.0),
            runner("b", 90.0, 0.75),
            runner("c", 90.0, 0.75),
            runner("d", 70.0, 1.0),
        ]

        table = rank(rows)

        assert [(row.unit, row.rank) for row in table] == [("a", 1), ("b", 2), ("c", 2), ("d", 4)]

    def test_a_tie_is_not_split_by_float_noise(self):
        rows = [runner("a", (0.1 + 0.2) * 100, 1.0), runner("b", 30.0, 1.0), runner("c", 10.0, 1.0)]

        table = rank(rows)

        assert [row.rank for row in table] == [1, 1, 3]

    def test_units_without_a_score_come_last_unranked(self):
        rows = [runner("silent", None, 0.0), runner("a", 60.0, 1.0), runner("b", 50.0, 1.0), runner("c", 40.0, 1.0)]

        table = rank(rows)

        assert [(row.unit, row.rank) for row in table] == [("a", 1), ("b", 2), ("c", 3), ("silent", None)]

    def test_shows_the_change_since_the_previous_ranking(self):
        rows = [runner("a", 90.0, 1.0), runner("b", 80.0, 1.0), runner("new", 70.0, 1.0)]

        table = rank(rows, previous={"a": 3, "b": 1})

        # a: 3rd → 1st is up two; b: 1st → 2nd is down one
        assert [(row.unit, row.change) for row in table] == [("a", 2), ("b", -1), ("new", None)]


class TestTexts:
    def test_names_every_light_in_chinese(self):
        assert LIGHT_LABELS == {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "grey": "灰灯"}

    def test_formulas_print_the_policys_tolerance(self):
        text = FORMULAS.format(tolerance=10)

        assert "C ≥ P − 10个百分点为黄灯" in text
        assert "min(C ÷ P, 1.2)" in text
