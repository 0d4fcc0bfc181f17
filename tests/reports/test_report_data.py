"""What the dispatch and bulletin read from the database: the problems listed beside an
item behind time progress are those of the units that are themselves behind on it."""

import datetime as dt
from decimal import Decimal as D

from reports import selectors
from reports.builders.dispatch import month_cell
from reports.metrics import Evaluation
from targets.models import Target
from targets.services import assignment_split, report_approve, report_get_or_create, report_save, report_submit
from tests import factories as f

AT = dt.datetime(2025, 10, 3, 9, tzinfo=dt.UTC)
LOCKED = dt.datetime(2025, 10, 16, 9, tzinfo=dt.UTC)  # September locked on the 15th: the bulletin reads it


def file(side, unit, patents: str, problems: str, reviewer):
    period = f.PeriodFactory(year=2025, month=9)
    report = report_get_or_create(policy=side.policy, unit=unit, period=period)
    report = report_save(
        report=report,
        by=None,
        version=report.version,
        values={side.indicator.pk: "60", side.flow.pk: patents},
        texts={"problems_text": problems},
        on_date=AT.date(),
    ).report
    report = report_submit(report=report, by=None, version=report.version, on_date=AT.date(), at=AT)
    report_approve(report=report, by=reviewer)


class TestProblemsOfTheUnitsBehind:
    def test_a_unit_on_pace_has_nothing_to_explain(self, world):
        side = world.a
        assignment_split(indicator=side.flow, shares={side.bureau.pk: "10", side.county.pk: "10"}, by=None)
        file(side, side.bureau, "9", "市局：无", world.users["reviewer"])  # 9 of 10 by September: on pace
        file(side, side.county, "1", "县里：企业申报积极性不高", world.users["reviewer"])  # 1 of 10: behind

        data = selectors.bulletin_data(side.policy, 2025, 3, generated_at=LOCKED)

        row = next(r for r in data.rows if r.indicator == side.flow.name)
        assert row.light == "red"  # 10 of 20 at three quarters of the year
        assert row.responsible_units == [side.bureau.name, side.county.name]
        assert row.problems == [(side.county.name, "县里：企业申报积极性不高")]

    def test_without_shares_every_reporting_unit_speaks(self, world):
        side = world.a
        file(side, side.bureau, "9", "市局：认定批次集中在下半年", world.users["reviewer"])
        file(side, side.county, "1", "县里：企业申报积极性不高", world.users["reviewer"])

        data = selectors.dispatch_data(side.policy, 2025, 9, generated_at=AT)

        row = next(r for r in data.rows if r.indicator == side.flow.name)
        assert {name for name, _text in row.problems} == {side.bureau.name, side.county.name}


class TestEachUnitsOwnFigures:
    def test_the_row_lists_every_assigned_unit_with_its_gap_and_the_units_behind_furthest_first(self, world):
        side = world.a
        assignment_split(indicator=side.flow, shares={side.bureau.pk: "10", side.county.pk: "20"}, by=None)
        file(side, side.bureau, "9", "", world.users["reviewer"])  # 9 of 10 at 75%: 90%, ahead
        file(side, side.county, "5", "", world.users["reviewer"])  # 5 of 20: 25%, 50 points behind

        data = selectors.bulletin_data(side.policy, 2025, 3, generated_at=LOCKED)

        row = next(r for r in data.rows if r.indicator == side.flow.name)
        by_name = {u.unit: u for u in row.units}
        assert set(by_name) == {side.bureau.name, side.county.name}
        county = by_name[side.county.name]
        assert (county.target_value, county.to_date, county.light) == (20, 5, "red")
        assert county.completion == 0.25 and county.progress == 0.75
        assert round(county.gap, 4) == -0.5
        assert by_name[side.bureau.name].light == "green"
        assert [u.unit for u in row.units_behind] == [side.county.name]

    def test_a_level_row_carries_the_baseline_its_completion_used(self, world):
        side = world.a
        Target.objects.filter(indicator=side.indicator).update(baseline_value=40)
        file(side, side.bureau, "1", "", world.users["reviewer"])  # 60 high-tech firms

        data = selectors.dispatch_data(side.policy, 2025, 9, generated_at=AT)

        row = next(r for r in data.rows if r.indicator == side.indicator.name)
        assert (row.measure, row.baseline, row.to_date) == ("level", 40, 60)
        assert round(row.completion, 4) == round(20 / 60, 4)  # (60 − 40) / (100 − 40)


class TestDispatchPack:
    """The 月调度 as the meeting needs it: what waits for review shown as such, every unit's
    narrative, 未报送 only once the due day has passed."""

    def submitted(self, side, unit, patents: str, progress: str, on=AT):
        period = f.PeriodFactory(year=2025, month=9)
        report = report_get_or_create(policy=side.policy, unit=unit, period=period)
        report = report_save(
            report=report,
            by=None,
            version=report.version,
            values={side.indicator.pk: "60", side.flow.pk: patents},
            texts={"progress_text": progress},
            on_date=on.date(),
        ).report
        return report_submit(report=report, by=None, version=report.version, on_date=on.date(), at=on)

    def test_a_figure_awaiting_review_is_shown_as_such_and_its_unit_speaks(self, world):
        side = world.a
        self.submitted(side, side.county, "4", "县里：走访企业12家")

        data = selectors.dispatch_data(side.policy, 2025, 9, generated_at=AT)

        row = next(r for r in data.rows if r.indicator == side.flow.name)
        assert row.period_value is None  # not approved: not in the figures yet
        assert row.pending == [(side.county.name, 4)]
        assert data.awaiting_review == [side.county.name]
        assert [(n.unit, n.progress, n.state) for n in data.narratives] == [
            (side.county.name, "县里：走访企业12家", "待审核")
        ]
        assert month_cell(row) == "4（待审核）"

    def test_a_unit_that_has_not_reported_is_late_only_after_the_due_day(self, world):
        side = world.a
        self.submitted(side, side.county, "4", "")
        before = dt.datetime(2025, 10, 3, 9, tzinfo=dt.UTC)  # the 5th is the due day
        after = dt.datetime(2025, 10, 8, 9, tzinfo=dt.UTC)

        early = selectors.dispatch_data(side.policy, 2025, 9, generated_at=before)
        late = selectors.dispatch_data(side.policy, 2025, 9, generated_at=after)

        assert (early.missing_units, early.not_yet_due) == ([], [side.bureau.name])
        assert (late.missing_units, late.not_yet_due) == ([side.bureau.name], [])
        assert late.due_on == dt.date(2025, 10, 5)


def test_a_target_past_its_deadline_says_it_keeps_the_deadlines_figures():
    evaluation = Evaluation(((2022, 8), (2023, 12)), D(100), 1.0, 1.0, 0.0, "green", True, None)

    assert selectors._closed(evaluation, (2025, 9)) == "；已于2023年12月截止，按截止时数据"
    assert selectors._closed(evaluation, (2023, 12)) == ""
