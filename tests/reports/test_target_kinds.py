"""The cases an official saw wrong (issue "Figures an official can trust"), one test each,
with the numbers worked out by hand: the target kinds of DESIGN.md's "Measures and
targets" and the fair ranking of its "Metrics"."""

import datetime as dt
from decimal import Decimal as D

import pytest

from reports.metrics import (
    COUNTIES,
    DEPARTMENTS,
    Evaluation,
    Standing,
    TargetSpec,
    applied_target,
    evaluate,
    evaluate_each,
    kind_of,
    rank,
    ranking_score,
    round_half_up,
    scored,
    unit_target,
)


def spec(**fields) -> TargetSpec:
    plan = {"plan_start": dt.date(2023, 1, 1), "plan_end": dt.date(2027, 12, 31)}
    return TargetSpec(**{**plan, **fields})


class TestPartYears:
    """Tangshan's plan starts 2024-09: a 每年 target in 2024 covers four months."""

    def tangshan(self, **fields) -> TargetSpec:
        # 每年新增高新技术企业50家, plan 2024-09 … 2025-12.
        return spec(
            value=D("50"),
            window="annual",
            measure="flow",
            counts=True,
            plan_start=dt.date(2024, 9, 1),
            plan_end=dt.date(2025, 12, 31),
            **fields,
        )

    def test_seventeen_of_fifty_in_four_months_is_on_pace_not_red(self):
        series = {(2024, 9): D("4"), (2024, 10): D("4"), (2024, 11): D("5"), (2024, 12): D("4")}

        result = evaluate(self.tangshan(), series, (2024, 12))

        # T = 50 × 4 / 12 = 16.67 → 17 (a count, rounded up); A = 17: met.
        assert result.target == D("17")
        assert result.note == "2024年按4个月折算"
        assert result.met
        assert result.light == "green"

    def test_a_whole_year_is_judged_against_the_whole_target(self):
        result = evaluate(self.tangshan(), {(2025, 6): D("20")}, (2025, 6))

        # 20 / 50 = 0.4 against P = 0.5: 10 points behind, yellow.
        assert result.target == D("50")
        assert result.note == ""
        assert result.light == "yellow"

    def test_an_administrators_year_target_wins_over_pro_rating(self):
        target = self.tangshan(milestones=((2024, D("10")),))

        result = evaluate(target, {(2024, 12): D("12")}, (2024, 12))

        assert result.target == D("10")
        assert result.note == "2024年分年度目标"
        assert result.met

    def test_an_amount_that_is_not_a_count_is_pro_rated_exactly(self):
        target = spec(value=D("300"), window="annual", measure="flow", plan_start=dt.date(2022, 8, 1))

        value, note = applied_target(target, ((2022, 8), (2022, 12)))

        # 300 × 5 / 12 = 125
        assert (value, note) == (D("125"), "2022年按5个月折算")


class TestAYearsAmountByADeadline:
    """到2027年 新兴产业集群产值突破6000亿元 (Huzhou), plan 2023 … 2027."""

    def huzhou(self, **fields) -> TargetSpec:
        return spec(value=D("6000"), window="date", year=2027, deadline=dt.date(2027, 12, 31), measure="flow", **fields)

    def test_with_figures_but_no_milestone_the_years_figure_is_shown_not_no_data(self):
        series = {(2025, m): D("20") for m in range(1, 7)}

        result = evaluate(self.huzhou(), series, (2025, 6))

        assert kind_of(self.huzhou()) == "year_amount"
        assert result.actual == D("120")
        assert result.light == "grey"
        assert result.note == "无分年度目标"

    def test_an_earlier_year_is_judged_against_its_milestone(self):
        target = self.huzhou(milestones=((2025, D("4000")),))
        series = {(2025, m): D("350") for m in range(1, 7)}

        result = evaluate(target, series, (2025, 6))

        # A = 2100 of 4000 = 0.525 against P = 0.5
        assert result.target == D("4000")
        assert result.completion == pytest.approx(0.525)
        assert result.light == "green"

    def test_an_earlier_year_is_interpolated_at_constant_growth_from_the_baseline(self):
        # 2022 (the last full year before the plan): 3000; 6000 by 2027: ×2 over 5 years.
        target = self.huzhou(baseline=D("3000"), baseline_date=dt.date(2022, 12, 31))

        value, note = applied_target(target, ((2025, 1), (2025, 12)))

        # 3000 × 2^(3/5) = 4547.65
        assert float(value) == pytest.approx(3000 * 2 ** (3 / 5), abs=1e-3)
        assert note == "2025年目标按基数至目标等比推算"

    def test_the_deadline_year_is_the_years_amount_to_date(self):
        series = {(2026, 12): D("900"), (2027, 1): D("500"), (2027, 2): D("500")}

        result = evaluate(self.huzhou(), series, (2027, 2))

        # 2026's amount is not 2027's: A = 1000, C = 1000 / 6000, P = 2 / 12.
        assert result.actual == D("1000")
        assert result.completion == pytest.approx(1 / 6)
        assert result.progress == pytest.approx(2 / 12)
        assert result.light == "green"


class TestLevels:
    def test_a_coverage_that_fell_below_its_first_value_shows_zero_below_the_baseline(self):
        # 上云覆盖率 to 80% by 2027: 40% at the first report, 35% now (once −116.2%).
        target = spec(value=D("80"), window="date", deadline=dt.date(2027, 12, 31), measure="level")
        series = {(2023, 1): D("40"), (2023, 6): D("35")}

        result = evaluate(target, series, (2023, 6))

        assert result.completion == 0.0
        assert result.note == "低于基数"
        assert result.baseline == D("40")

    def test_a_given_baseline_is_counted_from(self):
        # From 1500 firms (the document's 2022 figure) to 1800 by 2027: 1650 is halfway.
        target = spec(
            value=D("1800"), window="date", deadline=dt.date(2027, 12, 31), measure="level", baseline=D("1500")
        )

        result = evaluate(target, {(2025, 6): D("1650")}, (2025, 6))

        assert result.completion == pytest.approx(0.5)

    def test_a_standing_pool_reads_its_size_and_does_not_reset_each_january(self):
        # 每年紧盯100个重点项目: once 80 read as 20% and 81 as 0% in January.
        pool = spec(value=D("100"), window="annual", measure="level")
        series = {(2024, 12): D("80"), (2025, 1): D("81")}

        december = evaluate(pool, series, (2024, 12))
        january = evaluate(pool, series, (2025, 1))

        assert kind_of(pool) == "standing_level"
        assert december.completion == pytest.approx(0.80)
        assert january.completion == pytest.approx(0.81)
        # A standing size is due in full every month.
        assert january.progress == 1.0
        assert january.light == "red"


class TestPerUnitTargets:
    """各县(市、区)每年组织…不少于1次: every county must do it, not the city once."""

    def each(self) -> TargetSpec:
        return spec(value=D("1"), window="annual", measure="flow", applies_to="each", counts=True)

    def test_one_county_of_twenty_having_done_it_is_not_met(self):
        target = self.each()
        per_unit = {n: evaluate(target, {(2024, 12): D("1")} if n == 0 else {}, (2024, 12)) for n in range(20)}

        city = evaluate_each(target, per_unit, (2024, 12))

        # C = mean of min(C, 1) = 1 / 20; P = 1: red, 1 of 20 met.
        assert not city.met
        assert city.completion == pytest.approx(0.05)
        assert city.units == (20, 1, 1)
        assert city.light == "red"

    def test_met_only_when_every_unit_has_met_it(self):
        target = self.each()
        per_unit = {n: evaluate(target, {(2024, 3): D("2")}, (2024, 12)) for n in range(3)}

        city = evaluate_each(target, per_unit, (2024, 12))

        assert city.met
        assert city.units == (3, 3, 3)
        assert city.light == "green"

    def test_each_unit_is_bound_by_the_documents_value_not_a_share(self):
        target = self.each()

        own = unit_target(target, "sum", D("0.05"))

        assert own.value == D("1")


class TestFairRankings:
    def test_a_zero_share_is_not_scored(self):
        # Tangshan 市市场监督管理局: a share of 0, reporting 0, once ranked 2nd with 120.0.
        nothing_to_do = Evaluation(((2025, 1), (2025, 12)), D("0"), 1.0, 0.5, 0.5, "green", True, None, D("0"))

        assert not scored(nothing_to_do, D("0"))
        assert scored(nothing_to_do, D("3"))

    def test_a_unit_that_files_nothing_scores_zero_on_what_it_did_not_file(self):
        # Xingtai 市工信局, January: its unreported indicators count 0 instead of dropping out.
        target = spec(value=D("12"), window="annual", measure="flow")
        reported = evaluate(target, {(2024, 1): D("1")}, (2024, 1))
        silent = evaluate(target, {}, (2024, 1))

        score = ranking_score([(reported.completion, reported.progress), (silent.completion, silent.progress)])

        # (min(1/12 ÷ 1/12, 1.2) + 0) / 2 × 100 = 50
        assert score == pytest.approx(50.0)

    def test_counties_and_departments_are_ranked_apart(self):
        rows = [Standing(f"县{n}", 90.0 - n, 1.0, 13, COUNTIES) for n in range(3)]
        rows += [Standing(f"局{n}", 100.0 - n, 1.0, 3, DEPARTMENTS) for n in range(3)]

        table = rank(rows)

        assert [(r.unit, r.rank, r.klass) for r in table] == [
            ("县0", 1, COUNTIES),
            ("县1", 2, COUNTIES),
            ("县2", 3, COUNTIES),
            ("局0", 1, DEPARTMENTS),
            ("局1", 2, DEPARTMENTS),
            ("局2", 3, DEPARTMENTS),
        ]

    def test_a_race_with_one_runner_is_listed_but_not_ranked(self):
        # Lutai's "赛马" had one runner.
        table = rank([Standing("发展和改革局", 86.6, 1.0, 12, DEPARTMENTS)])

        assert [(r.unit, r.score, r.rank) for r in table] == [("发展和改革局", 86.6, None)]

    def test_a_score_resting_on_fewer_than_three_indicators_is_listed_but_not_ranked(self):
        rows = [Standing(f"县{n}", 80.0, 1.0, 5, COUNTIES) for n in range(3)]
        rows.append(Standing("一项指标的县", 120.0, 1.0, 1, COUNTIES))

        table = rank(rows)

        assert [(r.unit, r.rank, r.scored) for r in table][-1] == ("一项指标的县", None, 1)
        assert [r.rank for r in table[:3]] == [1, 1, 1]


class TestRounding:
    def test_half_up_not_to_even(self):
        assert round_half_up(D("81.25"), 1) == D("81.3")
        assert round_half_up(D("0.125"), 2) == D("0.13")
