"""Every figure follows the data at once: an administrator's change to an indicator's
rollup or measure, to an assignment or to a target shows on the dashboard and in the next
dispatch without waiting for another report to be approved."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from catalogue.exporting import catalogue_export
from catalogue.loading import catalogue_load
from policies.models import Policy
from reports import selectors, services
from targets.models import Assignment, IndicatorMonth, Target
from tests.reports.test_dashboards import approve

NOW = dt.datetime(2025, 10, 20, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def clock():
    """Set before the world is made, so that every row is stamped on this clock."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def firms(world, clock):
    """September: the bureau reports 30 high-tech firms and the county 60 (summed: 90); the
    county 65 in October (summed, the bureau's 30 carried forward: 95)."""
    side, reviewer = world.a, world.users["reviewer"]
    approve(side, side.bureau, 9, {side.indicator.pk: "30", side.flow.pk: "4"}, reviewer)
    approve(side, side.county, 9, {side.indicator.pk: "60", side.flow.pk: "5"}, reviewer)
    approve(side, side.county, 10, {side.indicator.pk: "65", side.flow.pk: "1"}, reviewer)
    return side


def city(indicator) -> dict:
    return dict(IndicatorMonth.objects.filter(indicator=indicator).values_list("month", "total"))


def dashboard_actual(client, side) -> object:
    response = client.get(reverse("reports:policy", args=[side.policy.code]) + "?month=2025-09")
    assert response.status_code == 200
    return next(r.evaluation.actual for r in response.context["results"] if r.indicator == side.indicator)


def dispatch_actual(side) -> object:
    data = selectors.dispatch_data(side.policy, 2025, 9, generated_at=NOW)
    return next(row.to_date for row in data.rows if row.indicator == side.indicator.name)


def admin_form(response) -> dict:
    """The POST the admin's change page would send unchanged: its form and every inline."""
    data = {}

    def add(form):
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for form in inline.formset.forms:
            add(form)
    return data


class TestRollupChangedInTheAdmin:
    def test_the_dashboard_and_a_fresh_dispatch_show_the_new_city_figure(self, client, world, firms):
        client.force_login(world.users["admin"])
        url = reverse("admin:targets_indicator_change", args=[firms.indicator.pk])
        assert dashboard_actual(client, firms) == 90 and dispatch_actual(firms) == 90
        form = admin_form(client.get(url))

        response = client.post(url, {**form, "rollup": "single"})

        assert response.status_code == 302, response.context and response.context["adminform"].form.errors
        # single: the one reporter's figure, the first unit in order (the bureau's 30), not 30 + 60
        assert city(firms.indicator) == {9: 30}  # the bureau reported September only
        assert dashboard_actual(client, firms) == 30
        assert dispatch_actual(firms) == 30

    def test_a_dispatch_built_before_the_change_is_built_again(self, client, world, firms, clock):
        first, _ = services.run_request(kind="dispatch", policy=firms.policy, label="2025-09")
        services.run_execute(run_id=first.pk)
        clock.shift(dt.timedelta(hours=1))
        client.force_login(world.users["admin"])
        url = reverse("admin:targets_indicator_change", args=[firms.indicator.pk])

        client.post(url, {**admin_form(client.get(url)), "rollup": "single"})
        again, created = services.run_request(kind="dispatch", policy=firms.policy, label="2025-09")

        assert created and again.version == 2


def admin_post(client, world, name, *args, **changes):
    """Post the admin's change page of `name` (e.g. "targets_indicator") with `changes`."""
    client.force_login(world.users["admin"])
    url = reverse(f"admin:{name}_change", args=args)
    response = client.post(url, {**admin_form(client.get(url)), **changes})
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    return response


class TestMeasureChanged:
    def test_a_level_turned_flow_adds_each_months_amounts_without_carrying(self, client, world, firms):
        admin_post(client, world, "targets_indicator", firms.indicator.pk, measure="flow")

        # level: Sep 30 + 60 = 90, Oct 30 (carried) + 65 = 95; flow: Sep 90, Oct 65
        assert city(firms.indicator) == {9: 90, 10: 65}


class TestAssignmentChanged:
    def test_a_unit_no_longer_assigned_leaves_the_city_sum_and_returns_with_its_assignment(self, client, world, firms):
        client.force_login(world.users["admin"])
        county = Assignment.objects.get(indicator=firms.indicator, unit=firms.county)

        client.post(reverse("admin:targets_assignment_delete", args=[county.pk]), {"post": "yes"})

        assert city(firms.indicator) == {9: 30}  # the bureau reported September only

        response = client.post(
            reverse("admin:targets_assignment_add"),
            {"indicator": firms.indicator.pk, "unit": firms.county.pk, "allocated_value": ""},
        )

        assert response.status_code == 302, response.context and response.context["adminform"].form.errors
        assert city(firms.indicator) == {9: 90, 10: 95}

    def test_an_assignment_moved_to_another_unit_counts_that_units_figures(self, client, world, firms):
        client.force_login(world.users["admin"])
        county = Assignment.objects.get(indicator=firms.indicator, unit=firms.county)
        bureau = Assignment.objects.get(indicator=firms.indicator, unit=firms.bureau)
        client.post(reverse("admin:targets_assignment_delete", args=[bureau.pk]), {"post": "yes"})
        assert city(firms.indicator) == {9: 60, 10: 65}

        admin_post(client, world, "targets_assignment", county.pk, unit=firms.bureau.pk)

        assert city(firms.indicator) == {9: 30}  # the bureau reported September only


class TestTargetChanged:
    def test_a_dispatch_built_before_a_target_changed_is_built_again(self, client, world, firms, clock):
        first, _ = services.run_request(kind="dispatch", policy=firms.policy, label="2025-09")
        services.run_execute(run_id=first.pk)
        unchanged, created = services.run_request(kind="dispatch", policy=firms.policy, label="2025-09")
        assert (unchanged, created) == (first, False)
        clock.shift(dt.timedelta(hours=1))
        target = Target.objects.get(indicator=firms.indicator)

        admin_post(client, world, "targets_target", target.pk, value="120")
        again, created = services.run_request(kind="dispatch", policy=firms.policy, label="2025-09")

        assert created and again.version == 2


class TestCatalogueReloaded:
    def test_a_file_that_changes_the_rollup_changes_the_city_figure(self, firms):
        data = catalogue_export(Policy.objects.filter(pk=firms.policy.pk))
        for indicator in (i for s in data["policies"][0]["sections"] for t in s["tasks"] for i in t["indicators"]):
            if indicator["code"] == firms.indicator.code:
                indicator["rollup"] = "single"

        catalogue_load(data=data)

        assert city(firms.indicator) == {9: 30}  # the first unit's figure (the bureau's), not 30 + 60
