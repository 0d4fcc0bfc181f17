"""The exact number of queries each list and dashboard page costs a reviewer on a small world.

One table, as NetBox keeps them: a page that starts costing more (or less) fails here with
its old and new count, and the table is updated on purpose. Whether a page's cost grows
with the data is checked beside each page (test_page_costs, test_dashboards, test_home,
policies/test_pages); this table pins the count itself.
"""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tests.portal.test_permission_matrix import MONTH, run_of

NOW = dt.datetime(2025, 10, 20, 9, 0, tzinfo=dt.UTC)
ROLE = "reviewer"  # reviews city A's policy: sees its queue, dashboards and archive

# name → (kwargs builder, query string, queries for the reviewer)
QUERIES = {
    "home": (lambda w: {}, "", 12),
    "policies:policy_list": (lambda w: {}, "", 12),
    "policies:unit_list": (lambda w: {}, "", 12),
    "targets:concept_list": (lambda w: {}, "", 8),
    "targets:notifications": (lambda w: {}, "", 8),
    "targets:review_queue": (
        lambda w: {"policy": w.a.policy.code},
        f"?month={MONTH}",
        17,
    ),  # + the periods' stored due days
    "targets:timeliness": (lambda w: {"policy": w.a.policy.code}, "", 11),  # + stored due days
    "targets:report_entry": (
        lambda w: {"policy": w.a.policy.code, "unit": w.a.county.code, "month": MONTH},
        "",
        # 19, + the period's stored due day (e5d9e48), + the targets' milestones the rows'
        # lights are evaluated with (targets.preview)
        21,
    ),
    # Issue 11 added, per page and not per row: the targets' milestones, the units' kinds
    # (the ranking classes), the stored due days, the each targets' per-unit results.
    "reports:policy": (lambda w: {"policy": w.a.policy.code}, f"?month={MONTH}", 28),
    "reports:indicator": (lambda w: {"code": w.a.indicator.code}, f"?month={MONTH}", 22),
    "reports:unit": (lambda w: {"code": w.a.county.code}, "", 24),
    "reports:concept": (lambda w: {"code": "high_tech_enterprise"}, "", 15),
    "reports:run_archive": (lambda w: {"policy": w.a.policy.code}, "", 10),  # +1: the 通报主送 from the reporting units
    "reports:dispatch": (
        lambda w: {"policy": w.a.policy.code},
        "",
        27,
    ),  # + the per-unit figures; issue 12: marks from the reports read once, no lead-unit query
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
