"""The permission matrix of the web API: every endpoint against every role, each with its
own personal token, watched at the database. Another city's or unit's object is not found
(404); a refused write changes nothing; no read writes (but a token's last use). An API
URL without a row here fails the last test."""

from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from reports.models import ReportRun
from targets import services
from tests.api.conftest import ROLES
from tests.portal.test_action_matrix import write_queries
from tests.portal.test_permission_matrix import MONTH, report_of

# A token's last use is the authentication's bookkeeping, not a change of the portal's data.
TOKEN_TABLE = "api_apitoken"

PUBLIC = dict.fromkeys(ROLES, 200)
SIGNED_IN = {**dict.fromkeys(ROLES, 200), "anonymous": 401}
OWN = {**SIGNED_IN, "other_reporter": 404, "other_reviewer": 404}
OVERSEERS = {**OWN, "reporter": 404}
ENTERERS = {**OWN, "reviewer": 403, "official": 403, "admin": 403}  # the unit's figures are its own
REVIEWERS = {**OWN, "reporter": 403, "official": 403}  # the reporter sees the report, may not judge it


def month_kwargs(side):
    return {"policy": side.policy.code, "unit": side.county.code, "month": MONTH}


def done_run(side):
    run, _ = ReportRun.objects.get_or_create(kind="dispatch", policy=side.policy, period_label=MONTH, version=1)
    if not run.file:
        run.file.save("dispatch.xlsx", ContentFile(b"PK-test"), save=False)
        run.status = ReportRun.Status.DONE
        run.save()
    return run


def filled(side, by):
    """A draft with every figure, ready to submit."""
    report = report_of(side)
    values = {side.flow.pk: "2", side.indicator.pk: "60"}
    return services.report_save(report=report, by=by, version=report.version, values=values).report


def submitted(side, by):
    report = filled(side, by)
    return services.report_submit(report=report, by=by, version=report.version)


# name → (kwargs builder taking the world's side, {role: status})
READS = {
    "api:schema": (lambda s: {}, PUBLIC),
    "api:docs": (lambda s: {}, PUBLIC),
    "api:policy_list": (lambda s: {}, SIGNED_IN),
    "api:unit_list": (lambda s: {}, SIGNED_IN),
    "api:period_list": (lambda s: {}, SIGNED_IN),
    "api:report_list": (lambda s: {}, SIGNED_IN),
    "api:policy_detail": (lambda s: {"code": s.policy.code}, OWN),
    "api:policy_periods": (lambda s: {"code": s.policy.code}, OWN),
    "api:policy_evaluation": (lambda s: {"code": s.policy.code}, OVERSEERS),
    "api:policy_runs": (lambda s: {"code": s.policy.code}, OVERSEERS),
    "api:run_download": (lambda s: {"pk": done_run(s).pk}, OVERSEERS),
    "api:month_entry": (month_kwargs, OWN),
    "api:report_detail": (lambda s: {"pk": report_of(s).pk}, OWN),
}


@dataclass
class Write:
    name: str
    method: str
    kwargs: object  # (world, side) → url kwargs
    data: object = lambda w, s: {}  # (world, side) → JSON body
    expected: dict = field(default_factory=dict)


WRITES = [
    Write(
        "api:month_entry",
        "put",
        lambda w, s: month_kwargs(s),
        lambda w, s: {"version": 0, "values": {s.flow.code: "3"}},
        ENTERERS,
    ),
    Write(
        "api:month_submit",
        "post",
        lambda w, s: month_kwargs(s) if filled(s, w.users["admin"]) else None,
        lambda w, s: {"version": report_of(s).version},
        ENTERERS,
    ),
    Write(
        "api:report_approve",
        "post",
        lambda w, s: {"pk": submitted(s, w.users["admin"]).pk},
        expected=REVIEWERS,
    ),
    Write(
        "api:report_return",
        "post",
        lambda w, s: {"pk": submitted(s, w.users["admin"]).pk},
        lambda w, s: {"reason": "数据口径不一致"},
        REVIEWERS,
    ),
]


def portal_writes(queries) -> list[str]:
    return [q for q in write_queries(queries) if TOKEN_TABLE not in q]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(READS))
def test_every_endpoint_answers_each_role_as_its_scope_allows_and_never_writes(api_client, api_world, name, role):
    kwargs, expected = READS[name]
    url = reverse(name, kwargs=kwargs(api_world.a))
    client = api_client(role)

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)

    assert response.status_code == expected[role], f"{role} → {name}: {response.content[:200]}"
    assert portal_writes(ctx.captured_queries) == [], f"GET {name} as {role} wrote to the database"


def _write(api_client, world, side, write: Write, role: str):
    url = reverse(write.name, kwargs=write.kwargs(world, side))
    data = write.data(world, side)
    client = api_client(role)
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, write.method)(url, data, format="json")
    return response, portal_writes(ctx.captured_queries)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("write", WRITES, ids=[f"{w.method}:{w.name}" for w in WRITES])
def test_every_write_for_every_role_writes_only_when_allowed(api_client, api_world, write, role):
    expected = write.expected[role]

    response, writes = _write(api_client, api_world, api_world.a, write, role)

    assert response.status_code == expected, f"{role} → {write.name}: {response.content[:300]}"
    if expected >= 400:
        assert writes == [], f"{role} was refused {write.name} but the database changed"
    else:
        assert writes, f"{role} may {write.name}, but nothing was saved"


@pytest.mark.parametrize("role", ["reporter", "reviewer", "official"])
@pytest.mark.parametrize("write", WRITES, ids=[f"{w.method}:{w.name}" for w in WRITES])
def test_a_write_on_another_citys_object_is_not_found_and_changes_nothing(api_client, api_world, write, role):
    response, writes = _write(api_client, api_world, api_world.b, write, role)

    assert response.status_code == 404
    assert writes == []


@pytest.mark.parametrize("role", ["reporter", "reviewer", "official"])
@pytest.mark.parametrize("name", sorted(n for n, (_k, e) in READS.items() if e["other_reporter"] == 404))
def test_another_citys_object_is_not_found(api_client, api_world, name, role):
    kwargs, _expected = READS[name]

    response = api_client(role).get(reverse(name, kwargs=kwargs(api_world.b)))

    assert response.status_code == 404


def _names(resolver, namespace=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _names(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_every_api_url_is_in_the_matrix():
    names = {n for n in _names(get_resolver()) if n.startswith("api:")}

    assert names - set(READS) - {w.name for w in WRITES} == set(), "add these endpoints to the API matrix"
