"""A month pushed by API, approved by API, and read back: the API's evaluation is the
dashboard's own, figure for figure."""

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from api.services import token_create
from policies.models import Membership
from reports import dashboard, metrics
from reports.models import ReportRun
from tests import factories as f

FIGURES = {  # unit → month → (flow, level)
    "county": {"2025-08": ("3", "50"), "2025-09": ("4", "60")},
    "bureau": {"2025-08": ("2", "30"), "2025-09": ("1", "35")},
}


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user)[1]}")
    return client


@pytest.fixture
def pushed(api_world, api_client):
    """Both units' August and September filed, submitted and approved, all by API."""
    w = api_world
    clerk_of_bureau = f.UserFactory(username="bureau_clerk")
    f.grant(clerk_of_bureau, Membership.Role.REPORTER, unit=w.a.bureau)
    clerks = {"county": api_client("reporter"), "bureau": token_client(clerk_of_bureau)}
    reviewer = api_client("reviewer")
    for unit_key, months in FIGURES.items():
        unit = getattr(w.a, unit_key)
        for month, (flow, level) in months.items():
            url = reverse("api:month_entry", kwargs={"policy": w.a.policy.code, "unit": unit.code, "month": month})
            values = {w.a.flow.code: flow, w.a.indicator.code: level}
            saved = clerks[unit_key].put(url, {"version": 0, "values": values}, format="json")
            sent = clerks[unit_key].post(url + "submit/", format="json", HTTP_IF_MATCH=saved["ETag"])
            approved = reviewer.post(
                reverse("api:report_approve", args=[sent.json()["report"]["id"]]),
                format="json",
                HTTP_IF_MATCH=sent["ETag"],
            )
            assert (saved.status_code, sent.status_code, approved.status_code) == (200, 200, 200), approved.content
    return w


def test_the_apis_evaluation_is_the_dashboards(pushed, api_client):
    w = pushed

    body = (
        api_client("reviewer")
        .get(reverse("api:policy_evaluation", args=[w.a.policy.code]), {"month": "2025-09"})
        .json()
    )
    data = dashboard.policy_dashboard(w.a.policy, (2025, 9))

    by_code = {row["code"]: row for row in body["indicators"]}
    assert set(by_code) == {r.indicator.code for r in data["results"]}
    for r in data["results"]:
        row, e = by_code[r.indicator.code], r.evaluation
        assert (row["actual"], row["progress"], row["completion"], row["gap"], row["light"], row["met"]) == (
            pytest.approx(float(e.actual)),
            e.progress,
            e.completion,
            e.gap,
            e.light,
            e.met,
        ), r.indicator.code
    assert [(s["unit"], s["score"], s["rank"], s["scored"]) for s in body["ranking"]] == [
        (unit.code, s.score, s.rank, s.scored) for s, unit in data["ranking"]
    ]
    assert body["lights"] == data["lights"]


def test_the_pushed_figures_are_what_the_dashboard_page_shows(pushed, api_client, client):
    w = pushed
    client.force_login(w.users["reviewer"])

    body = (
        api_client("reviewer")
        .get(reverse("api:policy_evaluation", args=[w.a.policy.code]), {"month": "2025-09"})
        .json()
    )
    page = client.get(reverse("reports:policy", args=[w.a.policy.code]), {"month": "2025-09"})

    by_code = {row["code"]: row for row in body["indicators"]}
    # Flow: the year's approved months of both units; level: the units' September values summed.
    assert by_code[w.a.flow.code]["actual"] == 3 + 4 + 2 + 1
    assert by_code[w.a.indicator.code]["actual"] == 60 + 35
    shown = {r.indicator.code: r.evaluation for r in page.context["results"]}
    for code, row in by_code.items():
        assert Decimal(str(row["actual"])) == shown[code].actual
        assert (row["completion"], row["light"]) == (shown[code].completion, shown[code].light)
        assert metrics.LIGHT_LABELS[row["light"]] == row["light_label"]


def test_a_month_outside_the_plan_is_refused_in_chinese(api_world, api_client):
    response = api_client("reviewer").get(
        reverse("api:policy_evaluation", args=[api_world.a.policy.code]), {"month": "2019-01"}
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"month": ["该月份不在计划期内"]}


def test_the_archive_lists_the_issued_runs_with_a_link_that_downloads_the_file(api_world, api_client):
    from django.utils import timezone

    from tests.api.test_api_matrix import done_run

    run = done_run(api_world.a)
    run.issued_at = timezone.now()
    run.save(update_fields=["issued_at"])
    ReportRun.objects.create(kind="dispatch", policy=api_world.a.policy, period_label="2025-10")
    reviewer = api_client("reviewer")

    listed = reviewer.get(reverse("api:policy_runs", args=[api_world.a.policy.code]), {"issued": "true"}).json()
    download = reviewer.get(listed[0]["download_url"])

    assert [(r["id"], r["period_label"]) for r in listed] == [(run.pk, "2025-09")]
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"PK-test"
    assert api_client("official").get(listed[0]["download_url"]).status_code == 200
    assert api_client("other_reviewer").get(listed[0]["download_url"]).status_code == 404
