"""The home page tells each role what to do, at a cost that does not grow with data."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories as f

TODAY = dt.datetime(2025, 10, 3, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


class TestReporterHome:
    def test_lists_this_periods_reports_with_due_date_and_state(self, client, world):
        client.force_login(world.users["reporter"])

        html = client.get(reverse("home")).content.decode()

        assert "本期需填报的月报" in html
        assert "9月报告" in html
        assert "10月5日" in html
        assert "未填报" in html
        assert world.a.county.name in html
        assert world.b.county.name not in html

    def test_shows_the_state_once_saved(self, client, world, report_draft):
        client.force_login(world.users["reporter"])

        html = client.get(reverse("home")).content.decode()

        assert "草稿" in html

    def test_a_plan_that_has_ended_asks_for_nothing(self, client, world):
        world.a.policy.end_date = dt.date(2025, 6, 30)
        world.a.policy.save()
        client.force_login(world.users["reporter"])

        html = client.get(reverse("home")).content.decode()

        assert "本期没有需要填报的月报" in html

    def test_a_plan_that_has_ended_opens_on_its_final_month_and_figures(self, client, world):
        from targets.services import report_approve, report_get_or_create, report_save, report_submit

        world.a.policy.end_date = dt.date(2025, 6, 30)
        world.a.policy.save()
        june = f.PeriodFactory(year=2025, month=6)
        report = report_get_or_create(policy=world.a.policy, unit=world.a.county, period=june)
        by = world.users["reporter"]
        report = report_save(
            report=report, by=by, version=report.version, values={world.a.indicator.pk: "87", world.a.flow.pk: "4"}
        ).report
        report = report_submit(report=report, by=by, version=report.version)
        report_approve(report=report, by=world.users["reviewer"])
        client.force_login(by)

        html = client.get(reverse("home")).content.decode()

        assert "计划期已结束" in html
        assert "最后一期（2025年6月）" in html
        assert ">87</td>" in html  # the final figure itself
        assert f"/targets/{world.a.policy.code}/{world.a.county.code}/2025-06/" in html  # its read-only report


class TestReviewerHome:
    def test_counts_waiting_and_filed_reports_of_own_policies_only(self, client, world, report_submitted):
        client.force_login(world.users["reviewer"])

        response = client.get(reverse("home"))

        rows = response.context["review_rows"]
        assert [(r["policy"], r["waiting"], r["filed"], r["expected"]) for r in rows] == [(world.a.policy, 1, 1, 2)]


class TestOfficialHome:
    def test_shows_the_citys_policies_read_only(self, client, world):
        client.force_login(world.users["official"])

        response = client.get(reverse("home"))

        assert list(response.context["policies"]) == [world.a.policy]
        assert "待我审核" not in response.content.decode()


def _more_units(side, n):
    for _ in range(n):
        unit = f.UnitFactory(city=side.city, kind="county")
        f.AssignmentFactory(indicator=side.indicator, unit=unit)


@pytest.mark.parametrize("role", ["reporter", "reviewer", "official", "admin"])
def test_home_costs_the_same_queries_at_two_sizes(client, world, django_assert_max_num_queries, role):
    client.force_login(world.users[role])
    client.get(reverse("home"))  # warm the session

    cache.clear()  # computed afresh, not read from the cache
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("home"))
    _more_units(world.a, 30)
    _more_units(world.b, 30)

    cache.clear()
    with django_assert_max_num_queries(len(small)):
        client.get(reverse("home"))
