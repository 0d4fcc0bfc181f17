"""The light and running total the entry page previews while a clerk types: asked of the
server (targets.preview), computed by the dashboards' formulas over the unit's approved
months plus the typed figure, and never written anywhere.

Every case is evaluated at the end of September 2025: an annual window is 9/12 = 75% gone,
the plan's window (January 2024 to a December 2025 deadline) 21/24 = 87.5%.
"""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from policies.models import Membership
from reports import evaluation
from targets import services
from targets.models import MonthlyReport, Period, ReportEvent, ReportValue
from tests import factories as f
from tests.portal.test_action_matrix import write_queries

NOW = dt.datetime(2025, 10, 3, 9, 0, tzinfo=dt.UTC)
SEPTEMBER = (2025, 9)


@pytest.fixture(autouse=True)
def october():
    with time_machine.travel(NOW, tick=False):
        yield


class Plan:
    """One policy whose county reports one indicator, and the county's clerk."""

    def __init__(self, *, measure="level", unit_of_measure="家", share=None, bureau_reports=False, **target):
        self.city = f.CityFactory()
        self.county = f.UnitFactory(city=self.city, kind="county")
        self.bureau = f.UnitFactory(city=self.city)
        self.policy = f.PolicyFactory(city=self.city, lead_unit=self.bureau)
        self.policy.units.set([self.county, self.bureau])
        task = f.TaskFactory(policy=self.policy)
        self.indicator = f.IndicatorFactory(task=task, measure=measure, unit_of_measure=unit_of_measure)
        f.TargetFactory(indicator=self.indicator, **target)
        f.AssignmentFactory(indicator=self.indicator, unit=self.county, allocated_value=share)
        if bureau_reports:
            f.AssignmentFactory(indicator=self.indicator, unit=self.bureau)
        self.clerk = f.UserFactory()
        f.grant(self.clerk, Membership.Role.REPORTER, unit=self.county)
        self.reviewer = f.UserFactory()
        f.grant(self.reviewer, Membership.Role.REVIEWER, policy=self.policy)

    def url(self, unit=None, month="2025-09"):
        return reverse(
            "targets:report_preview",
            args=[self.policy.code, (unit or self.county).code, month, self.indicator.pk],
        )

    def report(self, month: int, value: str, *, approve: bool = True):
        """The county's figure for a month of 2025, submitted on the 3rd of the next and approved."""
        period = f.PeriodFactory(year=2025, month=month)
        report = services.report_get_or_create(policy=self.policy, unit=self.county, period=period)
        on_date = dt.date(2025, month + 1, 3)
        report = services.report_save(
            report=report, by=self.clerk, version=report.version, values={self.indicator.pk: value}, on_date=on_date
        ).report
        report = services.report_submit(report=report, by=self.clerk, version=report.version, on_date=on_date)
        if approve:
            report = services.report_approve(report=report, by=self.reviewer)
        return report


def preview(client, plan, typed, user=None):
    client.force_login(user or plan.clerk)
    return client.get(plan.url(), {f"v-{plan.indicator.pk}": typed})


def light_of(response) -> str:
    html = response.content.decode()
    return next(light for light in ("green", "yellow", "red", "grey") if f"light-{light}" in html)


class TestLevelWithoutBaseline:
    """到2025年底达到100家, no baseline and no earlier figure: the first figure is the
    baseline, so completion is 0 whatever is typed below the target (the browser's old copy
    said 90/100 = 90% ≥ 87.5%, green)."""

    def test_previews_red_with_no_progress(self, client, db):
        plan = Plan()

        response = preview(client, plan, "90")

        assert response.status_code == 200
        assert light_of(response) == "red"
        assert "红灯 0%" in response.content.decode()

    def test_the_preview_is_the_light_the_dashboards_give_once_approved(self, client, db):
        plan = Plan()
        previewed = light_of(preview(client, plan, "90"))

        plan.report(9, "90")

        [result] = evaluation.unit_results(plan.policy, SEPTEMBER)
        assert result.evaluation.light == previewed == "red"
        assert result.evaluation.completion == 0

    def test_previews_green_when_the_typed_figure_reaches_the_target(self, client, db):
        plan = Plan()

        response = preview(client, plan, "100")

        assert light_of(response) == "green"


class TestFlowWithShare:
    """每年新增20件, the county's share 12 (a bureau reports too), 3 approved in July and 3
    in August, 5 in June still awaiting review (not counted)."""

    @pytest.fixture
    def plan(self, db):
        plan = Plan(
            measure="flow",
            unit_of_measure="件",
            share=Decimal(12),
            bureau_reports=True,
            value=20,
            window="annual",
            year=None,
            deadline_date=None,
        )
        plan.report(6, "5", approve=False)
        plan.report(7, "3")
        plan.report(8, "3")
        return plan

    @pytest.mark.parametrize(
        ("typed", "light", "total", "shown"),
        [
            ("3", "green", "9", "绿灯 75%"),  # 9 / 12 = 75% = the year's 75%
            ("2", "yellow", "8", "黄灯 66.7%"),  # 8 / 12 = 66.7%, within 10 points of 75%
            ("1", "red", "7", "红灯 58.3%"),  # 7 / 12 = 58.3%
        ],
    )
    def test_previews_the_light_and_year_to_date_of_the_typed_figure(self, client, plan, typed, light, total, shown):
        response = preview(client, plan, typed)

        html = response.content.decode()
        assert light_of(response) == light
        assert shown in html
        assert f'id="total-{plan.indicator.pk}" hx-swap-oob="true">{total}</span>' in html

    def test_the_entry_page_opens_with_the_light_of_the_saved_figure(self, client, plan):
        period = f.PeriodFactory(year=2025, month=9)
        report = services.report_get_or_create(policy=plan.policy, unit=plan.county, period=period)
        services.report_save(report=report, by=plan.clerk, version=report.version, values={plan.indicator.pk: "3"})
        client.force_login(plan.clerk)

        response = client.get(reverse("targets:report_entry", args=[plan.policy.code, plan.county.code, "2025-09"]))

        html = response.content.decode()
        assert "绿灯 75%" in html
        assert f'<span class="entry-total" id="total-{plan.indicator.pk}">9</span>' in html
        assert plan.url() in html  # the input asks the server again as the clerk types

    @pytest.mark.parametrize("typed", ["", "abc", "-3", "2.5.1"])
    def test_an_empty_or_refused_figure_previews_no_light_and_the_total_of_the_approved_months(
        self, client, plan, typed
    ):
        response = preview(client, plan, typed)

        html = response.content.decode()
        assert light_of(response) == "grey"
        # July and August approved (3 + 3); June's 5 is not approved and does not count.
        assert f'id="total-{plan.indicator.pk}" hx-swap-oob="true">6</span>' in html

    def test_the_entry_page_opens_with_the_total_so_far_before_anything_is_typed(self, client, plan):
        client.force_login(plan.clerk)

        response = client.get(reverse("targets:report_entry", args=[plan.policy.code, plan.county.code, "2025-09"]))

        assert f'<span class="entry-total" id="total-{plan.indicator.pk}">6</span>' in response.content.decode()


class TestCeiling:
    """应答时限≤1天, every year: held or exceeded, never a rate."""

    @pytest.fixture
    def plan(self, db):
        return Plan(unit_of_measure="天", value=1, comparison="at_most", window="annual", year=None, deadline_date=None)

    def test_previews_red_with_the_excess_when_typed_over_its_value(self, client, plan):
        response = preview(client, plan, "1.06")

        assert light_of(response) == "red"
        assert "超出0.06" in response.content.decode()

    def test_previews_green_when_held(self, client, plan):
        response = preview(client, plan, "0.8")

        assert light_of(response) == "green"


class TestUnsplitSum:
    def test_a_unit_without_a_share_of_a_summed_target_previews_no_light(self, client, db):
        plan = Plan(bureau_reports=True)

        response = preview(client, plan, "90")

        assert "未分解，不计灯号" in response.content.decode()
        assert "light-" not in response.content.decode()


class TestScope:
    def test_a_clerk_of_another_unit_is_not_found(self, client, db):
        plan = Plan()
        other = f.UserFactory()
        f.grant(other, Membership.Role.REPORTER, unit=plan.bureau)

        response = preview(client, plan, "90", user=other)

        assert response.status_code == 404

    def test_an_indicator_the_unit_does_not_report_is_not_found(self, client, db):
        plan = Plan()
        stranger = f.IndicatorFactory(task=plan.indicator.task)
        f.AssignmentFactory(indicator=stranger, unit=plan.bureau)
        client.force_login(plan.clerk)

        response = client.get(
            reverse("targets:report_preview", args=[plan.policy.code, plan.county.code, "2025-09", stranger.pk])
        )

        assert response.status_code == 404

    def test_it_is_only_read_never_posted(self, client, db):
        plan = Plan()
        client.force_login(plan.clerk)

        response = client.post(plan.url(), {f"v-{plan.indicator.pk}": "90"})

        assert response.status_code == 405


class TestNothingWritten:
    def test_previewing_a_month_with_no_report_creates_no_period_report_or_value(self, client, db):
        plan = Plan()
        client.force_login(plan.clerk)
        tables = (Period, MonthlyReport, ReportValue, ReportEvent)
        before = [model.objects.count() for model in tables]

        with CaptureQueriesContext(connection) as ctx:
            response = client.get(plan.url(), {f"v-{plan.indicator.pk}": "90"})

        assert response.status_code == 200
        assert write_queries(ctx.captured_queries) == []
        assert [model.objects.count() for model in tables] == before == [0, 0, 0, 0]
