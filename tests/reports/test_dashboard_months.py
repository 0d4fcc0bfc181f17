"""A page opened from a dashboard at a month stays at that month: the unit page reached
from the policy dashboard at 2025-06 shows June's figures, and its links carry the month on."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from targets.services import assignment_split
from tests.reports.test_dashboards import approve

NOW = dt.datetime(2025, 10, 20, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def june_and_september(world):
    """The county, with its shares of both targets: 55 firms and 4 patents in June, 60 firms
    and 5 patents in September."""
    side, reviewer = world.a, world.users["reviewer"]
    assignment_split(indicator=side.indicator, shares={side.county.pk: "80"}, by=None)
    assignment_split(indicator=side.flow, shares={side.county.pk: "10"}, by=None)
    approve(side, side.county, 6, {side.indicator.pk: "55", side.flow.pk: "4"}, reviewer)
    approve(side, side.county, 9, {side.indicator.pk: "60", side.flow.pk: "5"}, reviewer)
    return side


def unit_page(client, side, query=""):
    response = client.get(reverse("reports:unit", args=[side.county.code]) + query)
    assert response.status_code == 200
    (block,) = response.context["blocks"]
    actual = {indicator.code: u.evaluation.actual for indicator, u in block["rows"]}
    return response, block, actual


class TestUnitPageAtAMonth:
    def test_opened_with_a_month_it_shows_that_months_figures_and_says_so(self, client, world, june_and_september):
        side = june_and_september
        client.force_login(world.users["official"])

        response, block, actual = unit_page(client, side, "?month=2025-06")

        html = response.content.decode()
        assert block["at"] == (2025, 6)
        assert actual == {side.indicator.code: 55, side.flow.code: 4}  # June: 55 firms, 4 patents this year
        assert "本单位填报的全部指标（2025年6月）" in html
        assert f'{reverse("reports:indicator", args=[side.indicator.code])}?month=2025-06"' in html
        assert f'{reverse("reports:policy", args=[side.policy.code])}?month=2025-06"' in html  # and back

    def test_opened_without_a_month_it_shows_the_latest_month_with_figures(self, client, world, june_and_september):
        side = june_and_september
        client.force_login(world.users["official"])

        _response, block, actual = unit_page(client, side)

        assert block["at"] == (2025, 9)
        assert actual == {side.indicator.code: 60, side.flow.code: 9}  # 4 + 5 patents by September

    def test_a_reporter_is_not_linked_to_a_dashboard_they_cannot_open(self, client, world, june_and_september):
        side = june_and_september
        client.force_login(world.users["reporter"])

        response, block, _actual = unit_page(client, side, "?month=2025-06")

        assert block["at"] == (2025, 6)
        assert reverse("reports:policy", args=[side.policy.code]) not in response.content.decode()


class TestPolicyDashboardLinks:
    def test_the_units_in_the_ranking_link_to_their_page_at_the_same_month(self, client, world, june_and_september):
        side = june_and_september
        client.force_login(world.users["official"])

        response = client.get(reverse("reports:policy", args=[side.policy.code]) + "?month=2025-06")

        assert f'{reverse("reports:unit", args=[side.county.code])}?month=2025-06"' in response.content.decode()
