"""The entry page and the review queue cost the same number of queries at two data sizes."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from targets.services import report_get_or_create, report_save
from tests import factories as f
from tests.conftest import ON_DATE


def _grow(side, period, indicators: int, units: int, months: int):
    for _ in range(indicators):
        ind = f.IndicatorFactory(task=side.task, measure="flow", unit_of_measure="件")
        f.TargetFactory(indicator=ind, window="annual", year=None, deadline_date=None)
        f.TargetFactory(indicator=ind, value=5, window="annual", year=2025, deadline_date="2025-12-31")
        f.AssignmentFactory(indicator=ind, unit=side.county)
    for _ in range(units):
        unit = f.UnitFactory(city=side.city, kind="county")
        f.AssignmentFactory(indicator=side.indicator, unit=unit)
    for m in range(1, months + 1):
        earlier = f.PeriodFactory(year=2025, month=m)
        report = report_get_or_create(policy=side.policy, unit=side.county, period=earlier)
        report_save(
            report=report, by=None, version=report.version, values={side.indicator.pk: str(10 + m)}, on_date=ON_DATE
        )


def _cost(client, url) -> int:
    """The queries of a page computed afresh (not read from the cache), the session warm."""
    client.get(url)
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


@pytest.mark.parametrize("page", ["entry", "queue"])
def test_page_cost_does_not_grow_with_indicators_units_or_months(client, world, period, page):
    side = world.a
    client.force_login(world.users["reporter" if page == "entry" else "reviewer"])
    url = (
        reverse(
            "targets:report_entry", kwargs={"policy": side.policy.code, "unit": side.county.code, "month": "2025-09"}
        )
        if page == "entry"
        else reverse("targets:review_queue", kwargs={"policy": side.policy.code}) + "?month=2025-09"
    )
    _grow(side, period, indicators=2, units=2, months=1)
    small = _cost(client, url)

    _grow(side, period, indicators=40, units=30, months=7)
    large = _cost(client, url)

    assert large == small


def _save_cost(client, url, values: dict) -> tuple[int, int]:
    page = client.get(url)
    version = page.context["report"].version if page.context.get("report") else 0
    data = {"action": "save", "version": version, **{f"v-{pk}": v for pk, v in values.items()}}
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(url, data)
    assert response.status_code == 302, response.content[:500]
    return len(ctx), response.status_code


def test_a_report_of_forty_indicators_is_one_save_whose_cost_does_not_grow(client, world, period):
    side = world.a
    client.force_login(world.users["reporter"])
    url = reverse(
        "targets:report_entry", kwargs={"policy": side.policy.code, "unit": side.county.code, "month": "2025-09"}
    )

    def figures(value):
        return {a.indicator_id: value for a in side.county.assignments.all()}

    _grow(side, period, indicators=2, units=0, months=0)
    _save_cost(client, url, figures("3"))
    # Each measured save changes the figures already there and adds new ones.
    _grow(side, period, indicators=1, units=0, months=0)
    small, _ = _save_cost(client, url, figures("4"))
    _grow(side, period, indicators=40, units=0, months=0)

    large, _ = _save_cost(client, url, figures("5"))

    assert len(figures("5")) >= 40
    assert large == small
