"""The reviewer's queue shows each report's figures against last month, its warnings (the
unit's own outliers) and the clerk's notes; bulk approval lists what it will approve first
and approves a warned report only when it was confirmed on its own."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse

from reports.models import ReportRun
from targets import services
from targets.models import MonthlyReport
from tests import factories as f

pytestmark = pytest.mark.django_db
ON = dt.date(2025, 10, 3)


def file_month(side, unit, by, month, flow, level="60", note="", submit=True, approve=None):
    period = f.PeriodFactory(year=2025, month=month)
    report = services.report_get_or_create(policy=side.policy, unit=unit, period=period)
    report = services.report_save(
        report=report,
        by=by,
        version=report.version,
        values={side.flow.pk: flow, side.indicator.pk: level},
        notes={side.flow.pk: note} if note else {},
        on_date=ON,
    ).report
    if submit:
        report = services.report_submit(report=report, by=by, version=report.version, on_date=ON)
    if approve:
        report = services.report_approve(report=report, by=approve)
    return report


@pytest.fixture
def month(world):
    """Both units filed June to August; in September the county's patents jump to 10× its usual
    (explained), the bureau's are ordinary."""
    side, reporter, reviewer = world.a, world.users["reporter"], world.users["reviewer"]
    for m in (6, 7, 8):
        for unit in (side.county, side.bureau):
            file_month(side, unit, reporter, m, "2", approve=reviewer)
    county = file_month(side, side.county, reporter, 9, "20", note="本月集中授权一批")
    bureau = file_month(side, side.bureau, reporter, 9, "3")
    return county, bureau


def queue(client, world):
    client.force_login(world.users["reviewer"])
    return client.get(reverse("targets:review_queue", args=[world.a.policy.code]) + "?month=2025-09").content.decode()


class TestQueue:
    def test_shows_figures_against_last_month_warnings_and_notes(self, client, world, month):
        html = queue(client, world)

        assert "1 项预警" in html  # the county's jump
        assert "是近几个月中位数（2）的 10.0 倍" in html
        assert "本月集中授权一批" in html  # the clerk's note beside it
        assert "无预警" in html  # the bureau
        assert "+18" in html  # 20 against last month's 2

    def test_costs_the_same_queries_for_one_or_many_reports(self, client, world, month, django_assert_max_num_queries):
        client.force_login(world.users["reviewer"])
        url = reverse("targets:review_queue", args=[world.a.policy.code]) + "?month=2025-09"
        client.get(url)
        cache.clear()  # the figures judged afresh, not read from the cache
        with django_assert_max_num_queries(30):
            client.get(url)

    def test_a_figure_corrected_after_a_visit_shows_on_the_next_visit(self, client, world, month):
        county, _bureau = month
        assert "1 项预警" in queue(client, world)

        report = services.report_return(report=county, by=world.users["reviewer"], reason="请核实")
        report = services.report_save(
            report=report, by=world.users["reporter"], version=report.version, values={world.a.flow.pk: "2"}, on_date=ON
        ).report
        services.report_submit(report=report, by=world.users["reporter"], version=report.version, on_date=ON)

        html = queue(client, world)
        assert "项预警" not in html and "本月集中授权一批" in html


class TestBulkApprove:
    url = staticmethod(lambda world: reverse("targets:bulk_approve", args=[world.a.policy.code]))

    def test_the_first_step_lists_what_will_be_approved_and_approves_nothing(self, client, world, month):
        county, bureau = month
        client.force_login(world.users["reviewer"])

        response = client.post(self.url(world), {"report": [county.pk, bureau.pk]})

        html = response.content.decode()
        assert response.status_code == 200
        assert "将审核通过以下 1 份月报（无预警）" in html
        assert f'name="confirmed" value="{county.pk}"' in html  # the warned one, to confirm on its own
        assert MonthlyReport.objects.filter(state="approved", period__month=9).count() == 0

    def test_confirming_approves_only_the_reports_without_warnings(self, client, world, month):
        county, bureau = month
        client.force_login(world.users["reviewer"])

        response = client.post(self.url(world), {"report": [county.pk, bureau.pk], "confirm": "1"}, follow=True)

        county.refresh_from_db()
        bureau.refresh_from_db()
        assert bureau.state == "approved"
        assert county.state == "submitted"
        assert "未审核通过" in response.content.decode()

    def test_a_warned_report_confirmed_on_its_own_is_approved(self, client, world, month):
        county, bureau = month
        client.force_login(world.users["reviewer"])

        client.post(self.url(world), {"report": [county.pk, bureau.pk], "confirm": "1", "confirmed": [county.pk]})

        assert set(MonthlyReport.objects.filter(period__month=9).values_list("state", flat=True)) == {"approved"}

    def test_the_service_refuses_a_warned_report_unless_confirmed(self, world, month):
        county, bureau = month

        result = services.reports_approve(policy=world.a.policy, ids=[county.pk, bureau.pk], by=world.users["reviewer"])

        assert [r.pk for r in result.approved] == [bureau.pk]
        assert [r.pk for r in result.skipped] == [county.pk]


class TestIssue:
    def test_issuing_without_confirmation_issues_nothing(self, client, world):
        run = ReportRun.objects.create(
            kind="dispatch", policy=world.a.policy, period_label="2025-09", version=1, status=ReportRun.Status.DONE
        )
        client.force_login(world.users["reviewer"])
        url = reverse("reports:run_issue", args=[run.pk])

        client.post(url)
        run.refresh_from_db()
        assert run.issued_at is None

        client.post(url, {"confirm": "1"})
        run.refresh_from_db()
        assert run.issued_at is not None


class TestQueueOrder:
    def test_sorts_by_a_column_and_ignores_an_unknown_one(self, client, world, month):
        client.force_login(world.users["reviewer"])
        url = reverse("targets:review_queue", args=[world.a.policy.code]) + "?month=2025-09"

        def names(query):
            return [u.name for u in client.get(url + query).context["rows"]]

        assert names("&sort=-name") == sorted(names("&sort=name"), reverse=True)
        assert names("&sort=password") == names("")  # not a column: the units' own order
