"""The entry page's rows are kept in the cache on a plain visit (targets.versions): a second
visit reads none of them again, and any change they show gives a new key."""

import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from targets import services
from tests.conftest import ON_AT, ON_DATE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(ON_AT, tick=False):
        yield


def entry(client, world):
    client.force_login(world.users["reporter"])
    url = reverse("targets:report_entry", args=[world.a.policy.code, world.a.county.code, "2025-09"])
    return client.get(url)


def page(response) -> str:
    """The page without its per-request CSRF tokens."""
    return re.sub(r"[A-Za-z0-9]{64}", "", response.content.decode())


def test_a_second_visit_shows_the_same_rows_without_reading_them(client, world, period):
    first = entry(client, world)
    with CaptureQueriesContext(connection) as again:
        second = entry(client, world)

    assert page(second) == page(first)
    # The rows' figures, history, targets and milestones (targets.entry.entry_rows): not read.
    assert not [q for q in again if "targets_reportvalue" in q["sql"] or "targets_milestone" in q["sql"]]


def test_a_figure_saved_after_a_visit_shows_on_the_next_visit(client, world, period):
    assert f'name="v-{world.a.flow.pk}" inputmode="decimal" autocomplete="off"\n                 value=""' in page(
        entry(client, world)
    )

    report = services.report_get_or_create(policy=world.a.policy, unit=world.a.county, period=period)
    services.report_save(
        report=report,
        by=world.users["reporter"],
        version=report.version,
        values={world.a.flow.pk: "7"},
        on_date=ON_DATE,
    )

    html = page(entry(client, world))
    assert f'name="v-{world.a.flow.pk}" inputmode="decimal" autocomplete="off"\n                 value="7"' in html


def test_a_share_changed_after_a_visit_shows_on_the_next_visit(client, world, period):
    assert 'data-label="本单位分解">30<' not in page(entry(client, world))

    services.assignment_split(indicator=world.a.indicator, shares={world.a.county.pk: "30"}, by=None)

    assert 'data-label="本单位分解">30<' in page(entry(client, world))
