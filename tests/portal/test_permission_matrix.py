"""Every role against every page: what each may open, and 404 for another city's or
unit's objects. A URL added to the project without a row here fails the last test."""

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from api.services import token_create
from policies.models import IngestDraft
from reports.models import ReportRun
from supervision import services as supervision_services
from targets.services import report_get_or_create
from tests import factories as f

MONTH = "2025-09"
ROLES = ["anonymous", "reporter", "other_reporter", "reviewer", "official", "admin"]
LOGIN = 302  # anonymous users are sent to the login page

# name → (kwargs builder, {role: expected status}); a builder takes the world.
OWN = {"anonymous": LOGIN, "reporter": 200, "other_reporter": 404, "reviewer": 200, "official": 200, "admin": 200}
EVERYONE = {"anonymous": LOGIN, "reporter": 200, "other_reporter": 200, "reviewer": 200, "official": 200, "admin": 200}
OVERSEERS = {"anonymous": LOGIN, "reporter": 404, "other_reporter": 404, "reviewer": 200, "official": 200, "admin": 200}
REVIEWERS = {**OVERSEERS, "official": 403}
ENTERERS = {**OWN, "official": 403}
POST_ONLY = {**dict.fromkeys(ROLES, 405), "anonymous": LOGIN}
ADMINS = {**dict.fromkeys(ROLES, 403), "anonymous": LOGIN, "admin": 200}
STAFF_ONLY = {
    "anonymous": LOGIN,
    "reporter": LOGIN,
    "other_reporter": LOGIN,
    "reviewer": LOGIN,
    "official": LOGIN,
    "admin": 200,
}

MATRIX = {
    "home": (lambda w: {}, EVERYONE),
    "healthz": (lambda w: {}, dict.fromkeys(ROLES, 200)),
    "login": (lambda w: {}, {**dict.fromkeys(ROLES, 302), "anonymous": 200}),
    "logout": (lambda w: {}, dict.fromkeys(ROLES, 405)),  # POST only
    "password_change": (lambda w: {}, EVERYONE),
    "password_change_done": (lambda w: {}, EVERYONE),
    "set_language": (lambda w: {}, dict.fromkeys(ROLES, 302)),  # GET just redirects back
    "policies:policy_list": (lambda w: {}, EVERYONE),
    "policies:policy_detail": (lambda w: {"code": w.a.policy.code}, OWN),
    "policies:policy_source": (lambda w: {"code": w.a.policy.code}, OWN),
    "policies:unit_list": (lambda w: {}, EVERYONE),
    "policies:unit_detail": (lambda w: {"code": w.a.county.code}, OWN),
    "targets:concept_list": (lambda w: {}, EVERYONE),
    "targets:concept_detail": (lambda w: {"code": "high_tech_enterprise"}, EVERYONE),
    "admin:index": (lambda w: {}, STAFF_ONLY),
    "targets:indicator_history": (lambda w: {"code": w.a.indicator.code}, OWN),
    "targets:review_queue": (lambda w: {"policy": w.a.policy.code}, OVERSEERS),
    "targets:bulk_approve": (lambda w: {"policy": w.a.policy.code}, POST_ONLY),
    "targets:report_review": (lambda w: {"pk": report_of(w.a).pk}, POST_ONLY),
    "targets:report_history": (lambda w: {"pk": report_of(w.a).pk}, OWN),
    "targets:report_entry": (lambda w: entry(w.a), OWN),
    "targets:report_preview": (lambda w: {**entry(w.a), "indicator": w.a.flow.pk}, OWN),
    "targets:excel_template": (lambda w: entry(w.a), OWN),
    "targets:excel_upload": (lambda w: entry(w.a), ENTERERS),
    "targets:policy_excel": (lambda w: {"policy": w.a.policy.code, "month": MONTH}, REVIEWERS),
    "targets:policy_upload": (lambda w: {"policy": w.a.policy.code, "month": MONTH}, REVIEWERS),
    "targets:period_lock": (lambda w: {"policy": w.a.policy.code, "month": MONTH}, POST_ONLY),
    "targets:timeliness": (lambda w: {"policy": w.a.policy.code}, OVERSEERS),
    "targets:assignment_split": (lambda w: {"code": w.a.indicator.code}, OVERSEERS),
    "targets:notifications": (lambda w: {}, EVERYONE),
    "reports:policy": (lambda w: {"policy": w.a.policy.code}, OVERSEERS),
    "reports:indicator": (lambda w: {"code": w.a.indicator.code}, OWN),
    "reports:unit": (lambda w: {"code": w.a.county.code}, OWN),
    "reports:concept": (lambda w: {"code": "high_tech_enterprise"}, EVERYONE),
    "reports:run_archive": (lambda w: {"policy": w.a.policy.code}, OVERSEERS),
    "reports:dispatch": (lambda w: {"policy": w.a.policy.code}, OVERSEERS),
    "reports:run_progress": (lambda w: {"pk": run_of(w.a).pk}, OVERSEERS),
    "reports:run_download": (lambda w: {"pk": run_of(w.a, done=True).pk}, OVERSEERS),
    "reports:run_issue": (lambda w: {"pk": run_of(w.a).pk}, POST_ONLY),
    "membership_list": (lambda w: {}, ADMINS),
    "policy_calendar_list": (lambda w: {}, ADMINS),
    "policy_calendar": (lambda w: {"code": w.a.policy.code}, ADMINS),
    "supervision:index": (lambda w: {}, EVERYONE),
    "supervision:evidence_download": (lambda w: {"pk": evidence_of(w.a, w).pk}, OWN),
    "supervision:assessment_item_add": (lambda w: {"policy": w.a.policy.code}, POST_ONLY),
    "reports:assessment": (lambda w: {"policy": w.a.policy.code}, OVERSEERS),
    "supervision:problem_list": (lambda w: {"policy": w.a.policy.code}, OVERSEERS),
    "supervision:problem_raise": (lambda w: {"policy": w.a.policy.code}, ENTERERS),
    "supervision:problem_detail": (lambda w: problem_kwargs(w.a, w), OWN),
    "supervision:report_problems": (lambda w: {"pk": report_of(w.a).pk}, OWN),
    "supervision:urge_list": (lambda w: {"policy": w.a.policy.code}, OVERSEERS),
    "supervision:explanation_request": (lambda w: {"policy": w.a.policy.code}, REVIEWERS),
    "supervision:visit_list": (lambda w: {"policy": w.a.policy.code}, OVERSEERS),
    "reports:bulletin_letter": (lambda w: {"policy": w.a.policy.code}, POST_ONLY),
    "catalogue:ingest_upload": (lambda w: {}, ADMINS),
    "catalogue:ingest_review": (lambda w: {"pk": draft_of(w).pk}, ADMINS),
    "tokens:list": (lambda w: {}, EVERYONE),
    "tokens:revoke": (lambda w: {"pk": token_of(w.users["reporter"]).pk}, POST_ONLY),
}

# Objects of city B: nobody in city A may open them, whatever their role.
FOREIGN = {
    "policies:policy_detail": lambda w: {"code": w.b.policy.code},
    "policies:policy_source": lambda w: {"code": w.b.policy.code},
    "policies:unit_detail": lambda w: {"code": w.b.county.code},
    "targets:indicator_history": lambda w: {"code": w.b.indicator.code},
    "targets:review_queue": lambda w: {"policy": w.b.policy.code},
    "targets:report_history": lambda w: {"pk": report_of(w.b).pk},
    "targets:report_entry": lambda w: entry(w.b),
    "targets:report_preview": lambda w: {**entry(w.b), "indicator": w.b.flow.pk},
    "targets:excel_template": lambda w: entry(w.b),
    "targets:excel_upload": lambda w: entry(w.b),
    "targets:policy_excel": lambda w: {"policy": w.b.policy.code, "month": MONTH},
    "targets:timeliness": lambda w: {"policy": w.b.policy.code},
    "targets:assignment_split": lambda w: {"code": w.b.indicator.code},
    "reports:policy": lambda w: {"policy": w.b.policy.code},
    "reports:indicator": lambda w: {"code": w.b.indicator.code},
    "reports:unit": lambda w: {"code": w.b.county.code},
    "reports:run_archive": lambda w: {"policy": w.b.policy.code},
    "reports:dispatch": lambda w: {"policy": w.b.policy.code},
    "reports:run_progress": lambda w: {"pk": run_of(w.b).pk},
    "reports:run_download": lambda w: {"pk": run_of(w.b, done=True).pk},
    "supervision:problem_list": lambda w: {"policy": w.b.policy.code},
    "supervision:evidence_download": lambda w: {"pk": evidence_of(w.b, w).pk},
    "reports:assessment": lambda w: {"policy": w.b.policy.code},
    "supervision:problem_raise": lambda w: {"policy": w.b.policy.code},
    "supervision:problem_detail": lambda w: problem_kwargs(w.b, w),
    "supervision:report_problems": lambda w: {"pk": report_of(w.b).pk},
    "supervision:urge_list": lambda w: {"policy": w.b.policy.code},
    "supervision:explanation_request": lambda w: {"policy": w.b.policy.code},
    "supervision:visit_list": lambda w: {"policy": w.b.policy.code},
}


def report_of(side):
    period = f.PeriodFactory(year=2025, month=9)
    return report_get_or_create(policy=side.policy, unit=side.county, period=period)


def problem_of(side, world, state="assigned"):
    """A problem of the side's policy assigned to its county (state: pending, assigned, answered)."""
    problem = supervision_services.problem_raise(
        policy=side.policy, title="企业用地难", by=world.users["admin"], source="lead", raised_unit=side.bureau
    )
    if state == "pending":
        return problem
    supervision_services.problem_assign(problem=problem, unit=side.county, by=world.users["admin"])
    if state == "answered":
        supervision_services.problem_answer(problem=problem, by=world.users["admin"], text="已协调")
    return problem


def evidence_of(side, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return supervision_services.evidence_attach(
        upload=SimpleUploadedFile("佐证.pdf", b"%PDF-1.4 test"), by=world.users["admin"], report=report_of(side)
    )


def problem_kwargs(side, world, state="assigned"):
    problem = problem_of(side, world, state)
    return {"policy": side.policy.code, "number": problem.number}


def run_of(side, done=False):
    run, _ = ReportRun.objects.get_or_create(kind="dispatch", policy=side.policy, period_label=MONTH, version=1)
    if done and not run.file:
        run.file.save("dispatch.xlsx", ContentFile(b"PK-test"), save=False)
        run.status = "done"
        run.save()
    return run


def draft_of(world):
    return IngestDraft.objects.get_or_create(
        filename="t.txt",
        defaults={
            "data": {
                "code": "x",
                "city": {"code": world.a.city.code, "name": "甲市"},
                "title": "草稿",
                "sections": [],
                "units": [],
                "source_text": "",
            }
        },
    )[0]


def token_of(user):
    return token_create(user=user, name="接口")[0]


def entry(side):
    return {"policy": side.policy.code, "unit": side.county.code, "month": MONTH}


def _client(client, world, role):
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_role_sees_what_its_scope_allows(client, world, name, role):
    kwargs, expected = MATRIX[name]

    response = _client(client, world, role).get(reverse(name, kwargs=kwargs(world)))

    assert response.status_code == expected[role], f"{role} → {name}"


@pytest.mark.parametrize("role", ["reporter", "reviewer", "official"])
@pytest.mark.parametrize("name", sorted(FOREIGN))
def test_another_citys_object_is_not_found(client, world, name, role):
    response = _client(client, world, role).get(reverse(name, kwargs=FOREIGN[name](world)))

    assert response.status_code == 404


@pytest.mark.parametrize("name", sorted(FOREIGN))
def test_administrator_opens_every_citys_objects(client, world, name):
    response = _client(client, world, "admin").get(reverse(name, kwargs=FOREIGN[name](world)))

    assert response.status_code == 200


def _names(resolver, namespace=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if entry.namespace == "admin":
                continue  # Django's admin guards itself with is_staff; admin:index is checked above
            if entry.namespace == "api":
                continue  # the web API has its own matrix, by token: tests/api/test_api_matrix.py
            yield from _names(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_every_named_url_of_the_project_is_in_the_matrix():
    names = set(_names(get_resolver()))

    assert names - set(MATRIX) == set(), "add these pages to the permission matrix"
