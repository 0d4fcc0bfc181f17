"""An API list costs the same number of queries whatever the number of rows it returns."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.models import ReportRun
from targets import services
from tests import factories as f

# name → (url kwargs, query string)
ENDPOINTS = {
    "api:report_list": (lambda w: {}, {}),
    "api:policy_list": (lambda w: {}, {}),
    "api:unit_list": (lambda w: {}, {}),
    "api:period_list": (lambda w: {}, {}),
    "api:policy_detail": (lambda w: {"code": w.a.policy.code}, {}),
    "api:policy_periods": (lambda w: {"code": w.a.policy.code}, {}),
    "api:policy_runs": (lambda w: {"code": w.a.policy.code}, {}),
    "api:policy_evaluation": (lambda w: {"code": w.a.policy.code}, {"month": "2025-09"}),
}


def approved_months(world, months):
    """Approved reports of both units of city A for `months`, and a run for each."""
    admin = world.users["admin"]
    for month in months:
        period = f.PeriodFactory(year=2025, month=month)
        for unit in (world.a.county, world.a.bureau):
            report = services.report_get_or_create(policy=world.a.policy, unit=unit, period=period)
            values = {world.a.flow.pk: str(month), world.a.indicator.pk: str(40 + month)}
            report = services.report_save(report=report, by=admin, version=report.version, values=values).report
            report = services.report_submit(report=report, by=admin, version=report.version)
            services.report_approve(report=report, by=admin)
        ReportRun.objects.create(kind="dispatch", policy=world.a.policy, period_label=f"2025-{month:02d}")


def cost(client, url, query) -> int:
    assert client.get(url, query).status_code == 200  # the token's last use recorded, caches warm
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, query).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_a_list_costs_the_same_for_few_and_many_rows(api_client, api_world, name):
    kwargs, query = ENDPOINTS[name]
    url = reverse(name, kwargs=kwargs(api_world))
    client = api_client("reviewer")
    approved_months(api_world, [9])
    few = cost(client, url, query)

    approved_months(api_world, range(1, 9))
    many = cost(client, url, query)

    assert many == few, f"{name}: {few} queries with one month, {many} with nine"
