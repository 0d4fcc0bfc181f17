"""The official's home (一张图): each overseen policy's lights, red items, the units at the
bottom of each class, the lights that changed since last month and the missing reports,
read from the same evaluation as the dashboard."""

import datetime as dt
import re

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import metrics
from reports.dashboard import bottom_of_classes, policy_dashboard, policy_overview
from targets.audit import audit_record
from targets.models import Target
from targets.services import indicator_summary_refresh
from tests import factories as f
from tests.reports.test_dashboards import approve, grow


def page(response) -> str:
    """The page without its per-request CSRF tokens."""
    return re.sub(r"[A-Za-z0-9]{64}", "", response.content.decode())


NOW = dt.datetime(2025, 10, 20, 9, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def two_months(world):
    """City A's county: 14 patents in August, none in September (20 a year): on pace in
    August (70% ≥ 66.7%), slightly behind in September (70% < 75%, within the tolerance)."""
    reviewer = world.users["reviewer"]
    approve(world.a, world.a.county, 8, {world.a.indicator.pk: "60", world.a.flow.pk: "14"}, reviewer)
    approve(world.a, world.a.county, 9, {world.a.indicator.pk: "60", world.a.flow.pk: "0"}, reviewer)
    return world


class TestPolicyOverview:
    def test_counts_the_same_lights_as_the_dashboard(self, two_months):
        policy = two_months.a.policy

        overview = policy_overview(policy, TODAY)

        assert overview.at == (2025, 9)
        assert overview.lights == policy_dashboard(policy, (2025, 9))["lights"]
        assert overview.lights == {"green": 0, "yellow": 1, "red": 1, "grey": 0}
        assert [r.indicator for r in overview.red] == [two_months.a.indicator]

    def test_names_the_lights_that_changed_since_last_month(self, two_months):
        overview = policy_overview(two_months.a.policy, TODAY)

        assert [(c.result.indicator, c.before, c.result.light) for c in overview.changed] == [
            (two_months.a.flow, "green", "yellow")
        ]

    def test_names_the_units_that_have_not_reported_the_open_month(self, two_months):
        overview = policy_overview(two_months.a.policy, TODAY)

        assert overview.reporting_month == (2025, 9)
        assert overview.due_date == dt.date(2025, 10, 5)
        assert [u.name for u in overview.missing] == [two_months.a.bureau.name]
        assert overview.expected == 2

    def test_an_ended_plan_asks_for_nothing_but_keeps_its_last_figures(self, two_months):
        policy = two_months.a.policy
        policy.end_date = dt.date(2025, 9, 30)
        policy.save()

        overview = policy_overview(policy, dt.date(2026, 3, 1))

        assert overview.reporting_month is None and overview.missing == []
        assert overview.at == (2025, 9)
        assert overview.total == 2

    def test_the_bar_shares_add_up_to_the_whole(self, two_months):
        overview = policy_overview(two_months.a.policy, TODAY)

        assert [k for k, _n, _s in overview.bar] == ["yellow", "red"]
        assert sum(share for _k, _n, share in overview.bar) == pytest.approx(100)


def _ranked(unit, klass, rank):
    return metrics.Ranked(unit, 50.0, None, rank, None, 3, klass)


class TestBottomOfClasses:
    def test_names_the_last_three_of_a_large_class_and_the_last_of_a_small_one(self):
        counties = [_ranked(f"c{i}", metrics.COUNTIES, i) for i in range(1, 9)]
        departments = [_ranked(f"d{i}", metrics.DEPARTMENTS, i) for i in range(1, 5)]
        unranked = [_ranked("x", metrics.DEPARTMENTS, None)]

        bottom = bottom_of_classes(counties + departments + unranked)

        assert [s.unit for s in bottom] == ["c6", "c7", "c8", "d4"]

    def test_a_class_nobody_is_ranked_in_names_nobody(self):
        assert bottom_of_classes([_ranked("x", metrics.COUNTIES, None)]) == []


class TestOfficialsHome:
    def test_shows_each_policys_red_items_changes_and_missing_reports(self, client, two_months):
        client.force_login(two_months.users["official"])

        html = client.get(reverse("home")).content.decode()

        assert two_months.a.indicator.name in html  # the red item
        assert "较上月灯号变化" in html and two_months.a.flow.name in html
        assert two_months.a.bureau.name in html  # has not reported September
        assert two_months.b.policy.title not in html  # another city's policy

    def test_the_province_leader_sees_every_city(self, client, two_months):
        leader = f.UserFactory()
        f.grant(leader, "official")
        client.force_login(leader)

        response = client.get(reverse("home"))

        assert {o.policy for o in response.context["overview"]} == {two_months.a.policy, two_months.b.policy}

    def test_costs_the_same_queries_with_more_units_indicators_and_months(self, client, two_months):
        client.force_login(two_months.users["official"])
        client.get(reverse("home"))
        cache.clear()  # the overview evaluated, not read from the cache
        with CaptureQueriesContext(connection) as small:
            client.get(reverse("home"))

        grow(two_months.a, two_months.users["reviewer"], indicators=4, units=5, months=range(3, 8))
        cache.clear()
        with CaptureQueriesContext(connection) as large:
            client.get(reverse("home"))

        assert len(large) == len(small)

    def test_a_second_visit_reads_the_overview_from_the_cache_and_shows_the_same_page(self, client, two_months):
        client.force_login(two_months.users["official"])
        first = client.get(reverse("home"))
        with CaptureQueriesContext(connection) as again:
            second = client.get(reverse("home"))

        assert page(second) == page(first)
        assert not [q for q in again if "targets_reportvalue" in q["sql"] or "targets_indicatormonth" in q["sql"]]

    def test_an_approval_after_a_visit_shows_on_the_next_visit(self, client, two_months):
        client.force_login(two_months.users["official"])
        before = client.get(reverse("home")).context["overview"][0]
        assert two_months.a.bureau in before.missing

        approve(
            two_months.a,
            two_months.a.bureau,
            9,
            {two_months.a.indicator.pk: "60", two_months.a.flow.pk: "3"},
            two_months.users["reviewer"],
        )
        after = client.get(reverse("home")).context["overview"][0]

        fresh = policy_overview(two_months.a.policy, TODAY)
        assert two_months.a.bureau not in after.missing
        assert (after.lights, after.missing, [s.unit for s, _u in after.bottom]) == (
            fresh.lights,
            fresh.missing,
            [s.unit for s, _u in fresh.bottom],
        )

    def test_a_target_changed_in_the_admin_after_a_visit_shows_on_the_next_visit(self, client, two_months):
        client.force_login(two_months.users["official"])
        before = client.get(reverse("home")).context["overview"][0]

        # As the admin changes a target (targets.admin.AuditedAdmin): the row, its audit entry,
        # the city figures and the policy's inputs marked changed; the clock stands still.
        target = two_months.a.flow.targets.get()
        Target.objects.filter(pk=target.pk).update(value=target.value * 100)
        audit_record(by=None, action="后台修改", obj=target, changes={"value": [str(target.value), "2000"]})
        indicator_summary_refresh(indicators=[two_months.a.flow])
        after = client.get(reverse("home")).context["overview"][0]

        assert after.lights == policy_overview(two_months.a.policy, TODAY).lights
        assert after.lights != before.lights
