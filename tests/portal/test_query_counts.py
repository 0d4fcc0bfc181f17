"""The exact number of queries each list and dashboard page costs a reviewer on a small world.

One table, as NetBox keeps them: a page that starts costing more (or less) fails here with
its old and new count, and the table is updated on purpose. Whether a page's cost grows
with the data is checked beside each page (test_page_costs, test_dashboards, test_home,
policies/test_pages); this table pins the count itself.
"""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from tests import factories as f
from tests.portal.test_permission_matrix import MONTH, run_of

NOW = dt.datetime(2025, 10, 20, 9, 0, tzinfo=dt.UTC)
ROLE = "reviewer"  # reviews city A's policy: sees its queue, dashboards and archive

# name → (kwargs builder, query string, queries for the reviewer)
QUERIES = {
    # 12, + the 一张图 of the reviewer's one policy, read from the cache on this second
    # visit: + the data version that keys it (reports.dashboard.data_version), not the
    # policy's evaluation (HOME_PER_POLICY, see below: -15)
    "home": (lambda w: {}, "", 13),
    # Issue 15: the unread notifications are counted once per request, not again when
    # django-tables2 renders a table with the context processors (-1 on each table page).
    "policies:policy_list": (lambda w: {}, "", 11),
    "policies:unit_list": (lambda w: {}, "", 11),
    "targets:concept_list": (lambda w: {}, "", 8),
    "targets:notifications": (lambda w: {}, "", 8),
    "targets:review_queue": (
        lambda w: {"policy": w.a.policy.code},
        f"?month={MONTH}",
        13,
    ),  # perf: each report's figures and warnings read from the cache on this second visit
    # (targets.versions): + the data version, - the reports, their figures, indicators and
    # history (16 → 13; judged afresh it costs 16, tests/targets/test_review_queue.py)
    # + the periods' stored due days; issue 15: + each report's figures, their indicators,
    # last month's and the history the warnings are judged on (4); - the second unread count, the list view's
    # own count of the page, the state counts and late count (taken from the table's rows),
    # the due day read three times over, the unlocks for a reviewer (-5)
    "targets:timeliness": (lambda w: {"policy": w.a.policy.code}, "", 11),  # + stored due days
    "targets:report_entry": (
        lambda w: {"policy": w.a.policy.code, "unit": w.a.county.code, "month": MONTH},
        "",
        # 19, + the period's stored due day (e5d9e48), + the targets' milestones the rows'
        # lights are evaluated with (targets.preview); perf: the rows' HTML read from the
        # cache on this second visit (targets.versions): + the data version, - the rows'
        # seven reads (21 → 15; computed afresh it costs 22, tests/targets/test_page_costs.py)
        15,
    ),
    # Issue 11 added, per page and not per row: the targets' milestones, the units' kinds
    # (the ranking classes), the stored due days, the each targets' per-unit results.
    # issue 15: one unread count; + the ledger's per-unit counts (supervision.selectors.unit_counts, one query)
    # Perf: the policy's month read from the cache on this second visit (reports.dashboard.
    # cached_policy_dashboard): + the data version, - its evaluation (28 → 10; evaluated
    # afresh it costs the same as before, tests/reports/test_dashboards.py).
    "reports:policy": (lambda w: {"policy": w.a.policy.code}, f"?month={MONTH}", 10),
    "reports:indicator": (lambda w: {"code": w.a.indicator.code}, f"?month={MONTH}", 22),
    # Perf: the unit's blocks read from the cache on this second visit (reports.dashboard.
    # cached_unit_dashboard): + the data version, - their evaluation (24 → 10).
    "reports:unit": (lambda w: {"code": w.a.county.code}, "", 10),
    # 15, + city B's policy, now compared on the concept (its evaluation: 3 queries per policy)
    "reports:concept": (lambda w: {"code": "high_tech_enterprise"}, "", 18),
    "reports:run_archive": (lambda w: {"policy": w.a.policy.code}, "", 10),  # +1: the 通报主送 from the reporting units
    # + the per-unit figures; issue 12: marks from the reports read once, no lead-unit query; + the
    # ledger's open items, its pending count and the 包联 roster (supervision.selectors.ledger, missing_visits)
    "reports:dispatch": (lambda w: {"policy": w.a.policy.code}, "", 30),
    "supervision:index": (lambda w: {}, "", 8),
    "reports:assessment": (lambda w: {"policy": w.a.policy.code}, "?year=2025", 23),
    "supervision:problem_list": (lambda w: {"policy": w.a.policy.code}, "", 16),
    "supervision:urge_list": (lambda w: {"policy": w.a.policy.code}, "", 10),
    "supervision:visit_list": (lambda w: {"policy": w.a.policy.code}, "", 13),  # + the officials of the roster form
}


@pytest.fixture
def small_world(world, report_submitted):
    """The two cities of `world`, city A's September report submitted and one archived run."""
    run = run_of(world.a, done=True)
    run.requested_by = world.users[ROLE]
    run.save(update_fields=["requested_by"])
    return world


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_page_costs_the_pinned_number_of_queries(client, small_world, django_assert_num_queries, name):
    kwargs, query, expected = QUERIES[name]
    url = reverse(name, kwargs=kwargs(small_world)) + query
    client.force_login(small_world.users[ROLE])
    with time_machine.travel(NOW, tick=False):
        assert client.get(url).status_code == 200  # the session and the per-process caches warmed

        with django_assert_num_queries(expected):
            response = client.get(url)

    assert response.status_code == 200


# The official's home evaluates each overseen policy (reports.dashboard.policy_overview): a
# fixed number of queries per policy, whatever its indicators, units and reports.
HOME_PER_POLICY = 15


def test_the_officials_home_costs_a_fixed_number_of_queries_per_policy(client, small_world, django_assert_num_queries):
    leader = f.UserFactory()
    f.grant(leader, "official")  # every city: both policies
    client.force_login(leader)
    with time_machine.travel(NOW, tick=False):
        client.get(reverse("home"))

        # The shell (session, user, roles, policies, notifications…): 8, no review summary;
        # + the data version; each policy evaluated (the cache emptied, as after a change).
        cache.clear()
        with django_assert_num_queries(8 + 1 + 2 * HOME_PER_POLICY):
            response = client.get(reverse("home"))

        # Read again with nothing changed: the policies come from the cache.
        with django_assert_num_queries(8 + 1):
            again = client.get(reverse("home"))

    assert len(response.context["overview"]) == len(again.context["overview"]) == 2
