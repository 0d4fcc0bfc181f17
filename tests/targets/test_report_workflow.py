import pytest

from targets.models import MonthlyReport, ReportEvent
from targets.services import (
    IllegalTransition,
    ReportError,
    ReportInvalid,
    StaleVersion,
    report_approve,
    report_get_or_create,
    report_return,
    report_save,
    report_submit,
)
from tests.conftest import ON_DATE

State = MonthlyReport.State


class TestReportSave:
    def test_a_draft_keeps_what_is_not_a_number_as_typed(self, world, period):
        report = report_get_or_create(policy=world.a.policy, unit=world.a.county, period=period)

        result = report_save(
            report=report,
            by=world.users["reporter"],
            version=report.version,
            values={world.a.indicator.pk: "十二"},
            on_date=ON_DATE,
        )

        row = result.report.values.get(indicator=world.a.indicator)
        assert row.value is None
        assert row.raw_text == "十二"
        assert result.errors[world.a.indicator.pk]

    def test_every_change_is_kept_with_who_old_and_new(self, world, report_draft):
        report_save(
            report=report_draft,
            by=world.users["reporter"],
            version=report_draft.version,
            values={world.a.indicator.pk: "65"},
            on_date=ON_DATE,
        )

        event = ReportEvent.objects.filter(report=report_draft, indicator=world.a.indicator).latest("id")
        assert (event.old, event.new, event.created_by) == ("60", "65", world.users["reporter"])

    def test_a_stale_version_is_refused_and_names_what_changed(self, world, report_draft):
        opened_version = report_draft.version
        report_save(
            report=report_draft,
            by=world.users["admin"],
            version=opened_version,
            values={world.a.flow.pk: "3"},
            on_date=ON_DATE,
        )

        with pytest.raises(StaleVersion) as caught:
            report_save(
                report=report_draft,
                by=world.users["reporter"],
                version=opened_version,
                values={world.a.flow.pk: "4"},
                on_date=ON_DATE,
            )

        assert [c.new for c in caught.value.changes] == ["3"]
        assert report_draft.values.get(indicator=world.a.flow).value == 3

    def test_another_units_indicator_is_refused(self, world, report_draft):
        with pytest.raises(ReportError, match="不属于本单位"):
            report_save(
                report=report_draft,
                by=world.users["reporter"],
                version=report_draft.version,
                values={world.b.indicator.pk: "1"},
                on_date=ON_DATE,
            )


class TestReportSubmit:
    def test_every_indicator_must_be_filled(self, world, period):
        report = report_get_or_create(policy=world.a.policy, unit=world.a.county, period=period)
        report = report_save(
            report=report,
            by=world.users["reporter"],
            version=report.version,
            values={world.a.indicator.pk: "60"},
            on_date=ON_DATE,
        ).report

        with pytest.raises(ReportInvalid) as caught:
            report_submit(report=report, by=world.users["reporter"], version=report.version, on_date=ON_DATE)

        assert caught.value.errors == {world.a.flow.pk: ["请填写本月数据（没有发生请填 0）"]}

    def test_submitting_records_the_first_submission_time(self, report_submitted):
        assert report_submitted.state == State.SUBMITTED
        assert report_submitted.first_submitted_at is not None


class TestReportReturn:
    def test_keeps_the_reason_for_the_reporter(self, report_returned):
        assert report_returned.state == State.RETURNED
        assert report_returned.return_reason == "请核对专利数据口径"
        assert report_returned.events.filter(kind="state", comment="请核对专利数据口径").exists()

    def test_a_return_without_reason_is_refused(self, world, report_submitted):
        with pytest.raises(ReportError, match="原因"):
            report_return(report=report_submitted, by=world.users["reviewer"], reason="  ")

    def test_the_reporter_fixes_and_resubmits(self, world, report_returned):
        report = report_save(
            report=report_returned,
            by=world.users["reporter"],
            version=report_returned.version,
            values={world.a.flow.pk: "3"},
            on_date=ON_DATE,
        ).report

        report = report_submit(report=report, by=world.users["reporter"], version=report.version, on_date=ON_DATE)

        assert report.state == State.SUBMITTED


class TestReportApprove:
    def test_approved_reports_cannot_be_edited(self, world, report_submitted):
        report = report_approve(report=report_submitted, by=world.users["reviewer"])

        with pytest.raises(IllegalTransition):
            report_save(
                report=report,
                by=world.users["reporter"],
                version=report.version,
                values={world.a.flow.pk: "9"},
                on_date=ON_DATE,
            )

    def test_a_draft_cannot_be_approved(self, world, report_draft):
        with pytest.raises(IllegalTransition, match="草稿"):
            report_approve(report=report_draft, by=world.users["reviewer"])

    def test_the_history_shows_every_state(self, world, report_submitted):
        report_approve(report=report_submitted, by=world.users["reviewer"])

        states = list(report_submitted.events.filter(kind="state").values_list("new", flat=True))

        assert states == ["已报送", "已审核"]


class TestConcurrentSave:
    def test_the_second_saver_is_told_what_changed_and_keeps_their_input(self, client, world, report_draft):
        url = f"/targets/{world.a.policy.code}/{world.a.county.code}/2025-09/"
        opened = report_draft.version
        colleague = world.users["admin"]
        report_save(report=report_draft, by=colleague, version=opened, values={world.a.flow.pk: "7"}, on_date=ON_DATE)
        client.force_login(world.users["reporter"])

        response = client.post(url, {"version": opened, f"v-{world.a.flow.pk}": "9", "action": "save"})

        html = response.content.decode()
        assert response.status_code == 200
        assert "他人在您打开后修改了此月报" in html
        assert 'value="9"' in html  # the input is kept to re-apply
        assert report_draft.values.get(indicator=world.a.flow).value == 7  # nothing overwritten


class TestDashboardFreshness:
    def test_approval_updates_the_city_figure_in_the_same_transaction(self, world, report_submitted):
        from targets.models import IndicatorMonth

        assert not IndicatorMonth.objects.exists()

        report_approve(report=report_submitted, by=world.users["reviewer"])

        row = IndicatorMonth.objects.get(indicator=world.a.indicator)
        assert (row.year, row.month, row.total, row.reporters) == (2025, 9, 60, 1)

    def test_reopening_an_approved_report_takes_its_figures_out(self, world, report_submitted):
        from targets.models import IndicatorMonth

        approved = report_approve(report=report_submitted, by=world.users["reviewer"])

        report_return(report=approved, by=world.users["reviewer"], reason="数据口径有误，需更正")

        assert not IndicatorMonth.objects.exists()

    def test_a_summed_level_carries_a_silent_units_latest_value_forward(self, world, period):
        from targets.models import IndicatorMonth
        from tests import factories as f

        def file(unit, month, value):
            p = f.PeriodFactory(year=2025, month=month)
            r = report_get_or_create(policy=world.a.policy, unit=unit, period=p)
            r = report_save(
                report=r,
                by=None,
                version=r.version,
                values={world.a.indicator.pk: value, world.a.flow.pk: "1"},
                on_date=ON_DATE,
            ).report
            r = report_submit(report=r, by=None, version=r.version, on_date=ON_DATE)
            report_approve(report=r, by=world.users["reviewer"])

        file(world.a.bureau, 9, "30")
        file(world.a.county, 9, "60")
        file(world.a.county, 10, "65")

        totals = dict(IndicatorMonth.objects.filter(indicator=world.a.indicator).values_list("month", "total"))
        assert totals == {9: 90, 10: 95}  # the bureau's 30 is carried into October
