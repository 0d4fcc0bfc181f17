"""The dashboards show the formulas' results and cost the same queries at two data sizes."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from targets.audit import audit_record
from targets.models import Indicator, Target
from targets.services import (
    assignment_split,
    indicator_summary_refresh,
    report_approve,
    report_get_or_create,
    report_save,
    report_submit,
)
from tests import factories as f

NOW = dt.datetime(2025, 10, 20, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def approve(side, unit, month, values, reviewer):
    period = f.PeriodFactory(year=2025, month=month)
    report = report_get_or_create(policy=side.policy, unit=unit, period=period)
    report = report_save(
        report=report, by=None, version=report.version, values=values, on_date=dt.date(2025, month % 12 + 1, 2)
    ).report
    at = dt.datetime(2025, month % 12 + 1, 2, 9, 0, tzinfo=dt.UTC)
    report = report_submit(report=report, by=None, version=report.version, on_date=at.date(), at=at)
    return report_approve(report=report, by=reviewer)


def grow(side, reviewer, indicators: int, units: int, months: range):
    new_units = [f.UnitFactory(city=side.city, kind="county") for _ in range(units)]
    new_indicators = []
    for _ in range(indicators):
        ind = f.IndicatorFactory(task=side.task, measure="flow", unit_of_measure="件")
        f.TargetFactory(indicator=ind, value=24, window="annual", year=None, deadline_date=None)
        new_indicators.append(ind)
    for unit in [side.county, *new_units]:
        for ind in [side.indicator, side.flow, *new_indicators]:
            if not ind.assignments.filter(unit=unit).exists():
                f.AssignmentFactory(indicator=ind, unit=unit)
    for month in months:
        for unit in [side.county, *new_units]:
            values = {ind.pk: str(month) for ind in Indicator.objects.filter(assignments__unit=unit)}
            values[side.indicator.pk] = str(50 + month)
            approve(side, unit, month, values, reviewer)


def cost(client, url) -> int:
    """The queries of a page evaluated afresh (not read from the cache), the session warm."""
    client.get(url)
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(ctx)


class TestPolicyDashboard:
    def test_shows_lights_reports_and_ranking(self, client, world):
        approve(
            world.a, world.a.county, 9, {world.a.indicator.pk: "60", world.a.flow.pk: "18"}, world.users["reviewer"]
        )
        client.force_login(world.users["official"])

        response = client.get(reverse("reports:policy", args=[world.a.policy.code]) + "?month=2025-09")

        ctx = response.context
        assert ctx["at"] == (2025, 9)
        assert ctx["total"] == 2
        # 18 patents of 20 a year by September: C 90% ≥ P 75% → green; 60 firms of 100 → level from 60: C 0.
        lights = {r.indicator.code: r.light for r in ctx["results"]}
        assert lights == {world.a.indicator.code: "red", world.a.flow.code: "green"}
        assert ctx["reports"]["on_time"] == 1
        assert [unit.name for _r, unit in ctx["ranking"]][:1] in ([world.a.county.name], [world.a.bureau.name])

    def test_defaults_to_the_latest_month_with_data(self, client, world):
        approve(world.a, world.a.county, 7, {world.a.indicator.pk: "60", world.a.flow.pk: "3"}, world.users["reviewer"])
        client.force_login(world.users["reviewer"])

        response = client.get(reverse("reports:policy", args=[world.a.policy.code]))

        assert response.context["at"] == (2025, 7)

    def test_exports_the_indicator_table(self, client, world):
        client.force_login(world.users["reviewer"])

        response = client.get(reverse("reports:policy", args=[world.a.policy.code]) + "?month=2025-09&_export=csv")

        assert response.status_code == 200
        assert "新增发明专利" in response.getvalue().decode("utf-8")

    def test_a_figure_shows_the_moment_it_is_approved(self, client, world):
        client.force_login(world.users["reviewer"])
        url = reverse("reports:policy", args=[world.a.policy.code]) + "?month=2025-09"
        before = {r.indicator.pk: r.evaluation for r in client.get(url).context["results"]}
        # Due and not reported: counted as nothing done (red), never grey.
        assert {e.light for e in before.values()} == {"red"}
        assert {e.actual for e in before.values()} == {None}

        approve(
            world.a, world.a.county, 9, {world.a.indicator.pk: "60", world.a.flow.pk: "18"}, world.users["reviewer"]
        )

        response = client.get(url)
        after = {r.indicator.pk: r.evaluation for r in response.context["results"]}
        assert after[world.a.flow.pk].actual == 18
        assert "18 件" in response.content.decode()  # the table's HTML, kept in the cache, too

    def test_a_target_changed_in_the_admin_shows_on_the_next_visit(self, client, world):
        approve(
            world.a, world.a.county, 9, {world.a.indicator.pk: "60", world.a.flow.pk: "18"}, world.users["reviewer"]
        )
        client.force_login(world.users["reviewer"])
        url = reverse("reports:policy", args=[world.a.policy.code]) + "?month=2025-09"
        assert {r.indicator.pk: r.light for r in client.get(url).context["results"]}[world.a.flow.pk] == "green"

        # As targets.admin.AuditedAdmin saves it: the row, its audit entry, the summary refreshed.
        target = world.a.flow.targets.get()
        Target.objects.filter(pk=target.pk).update(value=2000)
        audit_record(by=None, action="后台修改", obj=target, changes={"value": [str(target.value), "2000"]})
        indicator_summary_refresh(indicators=[world.a.flow])

        after = {r.indicator.pk: r.light for r in client.get(url).context["results"]}
        assert after[world.a.flow.pk] == "red"


@pytest.mark.parametrize(
    "page",
    ["reports:policy", "reports:indicator", "reports:unit", "reports:concept"],
)
def test_dashboard_cost_does_not_grow_with_units_indicators_or_months(client, world, page):
    reviewer = world.users["reviewer"]
    args = {
        "reports:policy": [world.a.policy.code],
        "reports:indicator": [world.a.indicator.code],
        "reports:unit": [world.a.county.code],
        "reports:concept": ["high_tech_enterprise"],
    }[page]
    url = reverse(page, args=args) + ("?month=2025-09" if page in ("reports:policy", "reports:indicator") else "")
    client.force_login(world.users["admin"])
    grow(world.a, reviewer, indicators=1, units=1, months=range(1, 3))
    small = cost(client, url)

    grow(world.a, reviewer, indicators=6, units=5, months=range(3, 6))
    large = cost(client, url)

    assert large == small


def test_the_unit_page_shows_a_figure_approved_after_a_visit(client, world):
    assignment_split(indicator=world.a.flow, shares={world.a.county.pk: "10", world.a.bureau.pk: "10"}, by=None)
    client.force_login(world.users["reviewer"])
    url = reverse("reports:unit", args=[world.a.county.code]) + "?month=2025-09"

    def flow_actual():
        (block,) = client.get(url).context["blocks"]
        result = next(r for i, r in block["rows"] if i == world.a.flow)
        return result.evaluation.actual if result and result.evaluation else None

    assert flow_actual() is None
    approve(world.a, world.a.county, 9, {world.a.indicator.pk: "60", world.a.flow.pk: "18"}, world.users["reviewer"])

    assert flow_actual() == 18
