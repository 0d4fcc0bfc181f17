"""The served OpenAPI description holds: drf-spectacular generates it without a warning,
and schemathesis, calling the Django app in-process (WSGI) as a reviewer with a token, gets
no server error and only responses that match it. Driven from this test by Hypothesis
directly, not through schemathesis' pytest plugin, so it runs under `-p no:…` too."""

import time

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.services import token_create
from tests.api.test_api_matrix import done_run, submitted

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = 12  # per operation: generated values, and as many on the world's real objects
BUDGET_SECONDS = 60


def test_the_schema_generates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))

    assert "/api/v1/policies/{code}/evaluation/" in (tmp_path / "schema.yaml").read_text()


@pytest.fixture
def high_rates(monkeypatch):
    from api.throttling import ApiRateThrottle

    monkeypatch.setattr(
        ApiRateThrottle, "THROTTLE_RATES", dict.fromkeys(["api_read", "api_write", "api_anon"], "100000/min")
    )


@pytest.fixture(autouse=True)
def hypothesis_home():
    """Hypothesis' caches go to the suite's var folder, not into the checkout."""
    set_hypothesis_home_dir(django_settings.TEST_VAR / "hypothesis")


@pytest.fixture
def wsgi_app():
    """Django's WSGI application, minus the closing of the database connection after each
    request (which would close the test's transaction), as Django's own test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def exercise(strategy, examples: int, headers: dict, statuses: list) -> None:
    """Call the app with `examples` cases of `strategy` and check every response."""

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case):
        response = case.call(headers=headers)
        statuses.append(response.status_code)
        case.validate_response(response, checks=CHECKS, headers=headers)

    run()


def test_every_operation_answers_as_its_schema_says(api_world, high_rates, wsgi_app):
    w = api_world
    report = submitted(w.a, w.users["reporter"])
    run = done_run(w.a)
    tokens = {role: token_create(user=w.users[role], name="schemathesis")[1] for role in ("reviewer", "reporter")}
    real = {
        "code": w.a.policy.code,
        "policy": w.a.policy.code,
        "unit": w.a.county.code,
        "month": "2025-09",
        "id": report.pk,
    }
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    # Every operation as the reviewer; the unit's month also as its reporter, who may write it.
    runs = [(op, "reviewer") for op in operations] + [(op, "reporter") for op in operations if "/months/" in op.path]
    summary = {}
    started = time.monotonic()

    for operation, role in runs:
        names = {p.name for p in operation.path_parameters}
        known = {k: v for k, v in real.items() if k in names}
        if operation.path.startswith("/api/v1/runs/"):
            known = {"id": run.pk}
        strategies = [operation.as_strategy()]
        if role == "reporter":
            # A month without a report yet, written from version 0: the first save is accepted.
            known = {**known, "month": "2025-08"}
            strategies.append(operation.as_strategy(path_parameters=known, headers={"If-Match": '"0"'}))
        if known:
            strategies.append(operation.as_strategy(path_parameters=known))
        label = f"{operation.method.upper()} {operation.path} as {role}"
        headers = {"Authorization": f"Bearer {tokens[role]}"}
        summary[label] = []

        exercise(st.one_of(strategies), EXAMPLES * len(strategies), headers, summary[label])

    elapsed = time.monotonic() - started
    print(f"\nschemathesis: {len(operations)} operations, {sum(map(len, summary.values()))} calls, {elapsed:.1f} s")
    for name, calls in summary.items():
        print(f"  {name}: {len(calls)} calls, statuses {sorted(set(calls))}")
    assert len(summary) == len(runs) and all(summary.values())
    # The real objects were reached, not only 404s: the reviewer reads them and judges the
    # report, the reporter saves the month.
    reached = {name for name, calls in summary.items() if 200 in calls}
    assert {
        "GET /api/v1/policies/{code}/evaluation/ as reviewer",
        "POST /api/v1/reports/{id}/approve/ as reviewer",
        "PUT /api/v1/policies/{policy}/units/{unit}/months/{month}/ as reporter",
    } <= reached
    assert elapsed < BUDGET_SECONDS
