"""Every POST action against every role, and every GET of the page matrix, watched at the
database: a refused action writes nothing, an allowed one writes, and no GET ever writes.
A view that accepts POST without a row here fails the last test."""

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from policies.models import Membership
from reports.models import ReportRun
from targets import services
from targets.excel.views import SESSION_KEY
from targets.models import Notification
from tests.portal.test_permission_matrix import (
    MATRIX,
    MONTH,
    ROLES,
    _client,
    draft_of,
    entry,
    problem_kwargs,
    report_of,
    token_of,
)

# The session row and django-axes' login attempts and access log are the framework's
# bookkeeping, not a change of the portal's data.
IGNORED_TABLES = ("django_session", "axes_")
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def write_queries(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(WRITES) and not any(t in q["sql"] for t in IGNORED_TABLES)
    ]


def submitted(side, by):
    report = report_of(side)
    report = services.report_save(
        report=report, by=by, version=report.version, values={side.flow.pk: "2", side.indicator.pk: "60"}
    ).report
    return services.report_submit(report=report, by=by, version=report.version, on_date=dt.date(2025, 10, 3))


def done_run(side):
    run, _ = ReportRun.objects.get_or_create(kind="dispatch", policy=side.policy, period_label=MONTH, version=1)
    run.file.save("dispatch.xlsx", ContentFile(b"PK-test"), save=False)
    run.status = ReportRun.Status.DONE
    run.save()
    return run


def pending_upload(unit, flow):
    return {
        "policy": unit["policy"],
        "period": MONTH,
        "checksum": "x",
        "filename": "模板.xlsx",
        "units": [{"unit": unit["unit"], "version": 0, "values": {str(flow.pk): "4"}, "notes": {}, "texts": {}}],
    }


@dataclass
class Action:
    name: str
    kwargs: object  # world, side → url kwargs
    data: object = lambda w, s: {}  # world, side → POST data
    expected: dict = field(default_factory=dict)  # role → status; "login" for the login redirect
    writes: bool = True  # whether an allowed request changes the portal's data
    prepare: object = None  # (client, world, side, role) → None, run before the request
    foreign: bool = True  # whether city B's object exists to try from city A


LOGIN = "login"
REPORTER_ONLY = {"anonymous": LOGIN, "reporter": 302, "other_reporter": 404, "reviewer": 403, "official": 403}
REVIEWER_ONLY = {"anonymous": LOGIN, "reporter": 404, "other_reporter": 404, "reviewer": 302, "official": 403}
REVIEWER_OF_VISIBLE = {**REVIEWER_ONLY, "reporter": 403}  # the reporter sees the report, may not judge it
ADMIN_ONLY = {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 403), "admin": 302}
ANYONE = {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 302)}


def _session(key, value):
    def prepare(client, world, side, role):
        session = client.session
        session[key] = value(world, side)
        session.save()

    return prepare


def _notice(client, world, side, role):
    if role != "anonymous":
        Notification.objects.create(user=world.users[role], kind=Notification.Kind.DUE, key="k", title="催报")


def _report_with_problems(side):
    report = report_of(side)
    report.problems_text = "用地审批慢\n融资难"
    report.save(update_fields=["problems_text"])
    return report


def _firm(world, side):
    from supervision.models import Firm

    official = world.users["official"] if side is world.a else world.users["admin"]
    return Firm.objects.get_or_create(policy=side.policy, name="某某钢铁有限公司", defaults={"official": official})[0]


OWN_UNIT = {"anonymous": LOGIN, "reporter": 302, "other_reporter": 404, "reviewer": 302, "official": 403, "admin": 302}
UNIT_CLERK = {**REPORTER_ONLY, "admin": 403}
OFFICIAL_ONLY = {
    "anonymous": LOGIN,
    "reporter": 403,
    "other_reporter": 404,
    "reviewer": 403,
    "official": 302,
    "admin": 302,
}
REVIEWER_OF_PROBLEM = {**REVIEWER_OF_VISIBLE, "admin": 302}


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("佐证.pdf", b"%PDF-1.4 test")


SUPERVISION_ACTIONS = [
    Action(
        "supervision:report_problems",
        lambda w, s: {"pk": report_of(s).pk},
        lambda w, s: {"action": "attach", "file": _pdf()},
        OWN_UNIT,
    ),
    Action(
        "supervision:problem_detail",
        lambda w, s: problem_kwargs(s, w),
        lambda w, s: {"action": "attach", "file": _pdf()},
        {**OWN_UNIT, "reporter": 302},
    ),
    Action(
        "supervision:report_problems",
        lambda w, s: {"pk": _report_with_problems(s).pk},
        lambda w, s: {"line": "0"},
        OWN_UNIT,
    ),
    Action(
        "supervision:problem_raise",
        lambda w, s: {"policy": s.policy.code},
        lambda w, s: {"title": "企业反映用电报装慢", "source": "firm", "firm_name": "某某有限公司"},
        OWN_UNIT,
    ),
    Action(
        "supervision:problem_detail",
        lambda w, s: problem_kwargs(s, w, "pending"),
        lambda w, s: {"action": "assign", "assign-unit": s.county.pk},
        {**REVIEWER_ONLY, "admin": 302},  # not yet assigned: the county does not see it
    ),
    Action(
        "supervision:problem_detail",
        lambda w, s: problem_kwargs(s, w),
        lambda w, s: {"action": "answer", "answer-text": "已协调用地指标"},
        UNIT_CLERK,
    ),
    Action(
        "supervision:problem_detail",
        lambda w, s: problem_kwargs(s, w, "answered"),
        lambda w, s: {"action": "close", "close-result": "已办结"},
        REVIEWER_OF_PROBLEM,
    ),
    Action(
        "supervision:problem_detail",
        lambda w, s: problem_kwargs(s, w, "answered"),
        lambda w, s: {"action": "return", "return-reason": "未附佐证"},
        REVIEWER_OF_PROBLEM,
    ),
    Action(
        "supervision:problem_detail",
        lambda w, s: problem_kwargs(s, w),
        lambda w, s: {"action": "extend", "extend-reason": "等待批复", "extend-due_date": "2099-12-31"},
        REVIEWER_OF_PROBLEM,
    ),
    Action(
        "supervision:problem_detail",
        lambda w, s: problem_kwargs(s, w),
        lambda w, s: {"action": "urge"},
        REVIEWER_OF_PROBLEM,
    ),
    Action(
        "supervision:problem_detail",
        lambda w, s: problem_kwargs(s, w),
        lambda w, s: {"action": "ask_extend", "ask_extend-reason": "等待批复", "ask_extend-due_date": "2099-12-31"},
        UNIT_CLERK,
    ),
    Action(
        "supervision:problem_detail",
        lambda w, s: problem_kwargs(s, w),
        lambda w, s: {"action": "instruct", "instruct-text": "抓紧办理"},
        OFFICIAL_ONLY,
    ),
    Action(
        "supervision:urge_list",
        lambda w, s: {"policy": s.policy.code},
        lambda w, s: {"month": MONTH},
        {**REVIEWER_ONLY, "admin": 302},
    ),
    Action(
        "supervision:explanation_request",
        lambda w, s: {"policy": s.policy.code},
        lambda w, s: {"indicator": s.indicator.pk, "units": [s.county.pk]},
        {**REVIEWER_ONLY, "admin": 302},
    ),
    Action(
        "supervision:assessment_item_add",
        lambda w, s: {"policy": s.policy.code},
        lambda w, s: {"year": "2025", "unit": s.county.pk, "points": "+2", "reason": "获评省级先进"},
        {**REVIEWER_ONLY, "admin": 302},
    ),
    Action(
        "supervision:visit_list",
        lambda w, s: {"policy": s.policy.code},
        lambda w, s: {"action": "firm", "firm-name": "某某精工有限公司", "firm-official": w.users["official"].pk},
        {**REVIEWER_ONLY, "admin": 302},
    ),
    Action(
        "supervision:visit_list",
        lambda w, s: {"policy": s.policy.code},
        lambda w, s: {"firm": _firm(w, s).pk, "visit_date": "2025-09-10", "findings": "了解用工需求"},
        {**REVIEWER_ONLY, "official": 302, "admin": 302},
    ),
]

ACTIONS = [
    *SUPERVISION_ACTIONS,
    Action(
        "targets:report_entry",
        lambda w, s: entry(s),
        lambda w, s: {"action": "save", "version": "0", f"v-{s.flow.pk}": "3"},
        {**REPORTER_ONLY, "admin": 403},  # figures are the unit's own: nobody types them in for it
    ),
    Action(
        "targets:report_entry",
        lambda w, s: entry(s),
        lambda w, s: {"action": "submit", "version": "0", f"v-{s.flow.pk}": "3", f"v-{s.indicator.pk}": "60"},
        {**REPORTER_ONLY, "admin": 403},
    ),
    Action(
        "targets:report_review",
        lambda w, s: {"pk": submitted(s, w.users["admin"]).pk},
        lambda w, s: {"action": "approve"},
        {**REVIEWER_OF_VISIBLE, "admin": 302},
    ),
    Action(
        "targets:report_review",
        lambda w, s: {"pk": submitted(s, w.users["admin"]).pk},
        lambda w, s: {"action": "return", "reason": "数据口径不一致"},
        {**REVIEWER_OF_VISIBLE, "admin": 302},
    ),
    Action(
        "targets:bulk_approve",
        lambda w, s: {"policy": s.policy.code},
        lambda w, s: {"report": [submitted(s, w.users["admin"]).pk], "confirm": "1"},
        {**REVIEWER_ONLY, "admin": 302},
    ),
    # The first step only lists what would be approved: a page for the reviewer, no write.
    Action(
        "targets:bulk_approve",
        lambda w, s: {"policy": s.policy.code},
        lambda w, s: {"report": [submitted(s, w.users["admin"]).pk], "step": "list"},
        {**REVIEWER_ONLY, "reviewer": 200, "admin": 200},
        writes=False,
    ),
    Action(
        "targets:period_lock",
        lambda w, s: {"policy": s.policy.code, "month": MONTH},
        lambda w, s: {"action": "close"},
        {**REVIEWER_ONLY, "admin": 302},
    ),
    Action(
        "targets:period_lock",
        lambda w, s: {"policy": s.policy.code, "month": MONTH},
        lambda w, s: {"action": "unlock", "unit": s.county.code, "reason": "补报", "until": "2025-10-20"},
        {**REVIEWER_ONLY, "reviewer": 403, "admin": 302},
    ),
    Action(
        "targets:assignment_split",
        lambda w, s: {"code": s.flow.code},
        lambda w, s: {"action": "save", f"s-{s.county.pk}": "12", f"s-{s.bureau.pk}": "8"},
        {**REVIEWER_ONLY, "admin": 302},
    ),
    Action(
        "targets:excel_upload",
        lambda w, s: entry(s),
        lambda w, s: {"action": "confirm"},
        # the lead bureau may upload a workbook a unit sent it; the unit's web form stays the unit's
        {**REPORTER_ONLY, "reviewer": 302, "admin": 302},
        prepare=_session(SESSION_KEY, lambda w, s: pending_upload(entry(s), s.flow)),
    ),
    Action(
        "targets:policy_upload",
        lambda w, s: {"policy": s.policy.code, "month": MONTH},
        lambda w, s: {"action": "confirm"},
        {**REVIEWER_ONLY, "admin": 302},
        prepare=_session(
            SESSION_KEY, lambda w, s: pending_upload({"policy": s.policy.code, "unit": s.county.code}, s.flow)
        ),
    ),
    Action("targets:notifications", lambda w, s: {}, expected=ANYONE, prepare=_notice, foreign=False),
    Action(
        "reports:run_archive",
        lambda w, s: {"policy": s.policy.code},
        lambda w, s: {"kind": "dispatch", "month": MONTH},
        {**REVIEWER_ONLY, "admin": 302},
    ),
    Action(
        "reports:run_issue",
        lambda w, s: {"pk": done_run(s).pk},
        lambda w, s: {"confirm": "1"},
        expected={**REVIEWER_ONLY, "admin": 302},
    ),
    # 印发 without its confirmation issues nothing.
    Action(
        "reports:run_issue",
        lambda w, s: {"pk": done_run(s).pk},
        expected={**REVIEWER_ONLY, "admin": 302},
        writes=False,
    ),
    Action(
        "reports:bulletin_letter",
        lambda w, s: {"policy": s.policy.code},
        lambda w, s: {"bulletin_doc_prefix": "甲工信", "bulletin_commend_top": "on"},
        {**REVIEWER_ONLY, "admin": 302},
    ),
    Action(
        "catalogue:ingest_upload",
        lambda w, s: {},
        lambda w, s: {"text": "一、主要目标\n到2025年底，全市高新技术企业达到100家。", "city": s.city.code},
        ADMIN_ONLY,
        foreign=False,
    ),
    Action(
        "membership_list",
        lambda w, s: {},
        lambda w, s: {"action": "grant", "user": w.users["official"].pk, "role": "reporter", "unit": s.county.pk},
        ADMIN_ONLY,
        foreign=False,
    ),
    Action(
        "membership_list",
        lambda w, s: {},
        lambda w, s: {"action": "revoke", "membership": Membership.objects.get(user=w.users["reporter"]).pk},
        ADMIN_ONLY,
        foreign=False,
    ),
    Action(
        "policy_calendar",
        lambda w, s: {"code": s.policy.code},
        lambda w, s: {"due_day": "6", "lock_day": "16", "tolerance": "8", "reporting_active": "on"},
        ADMIN_ONLY,
        foreign=False,
    ),
    # Refused in the form (wrong old password): no change for anyone, and no page for the anonymous.
    Action(
        "password_change",
        lambda w, s: {},
        lambda w, s: {"old_password": "wrong", "new_password1": "x", "new_password2": "y"},
        {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 200)},
        writes=False,
        foreign=False,
    ),
    Action(
        "catalogue:ingest_review",
        lambda w, s: {"pk": draft_of(w).pk},
        lambda w, s: {"action": "edit", "title": "改过的标题"},
        ADMIN_ONLY,
        foreign=False,
    ),
    Action(
        "login",
        lambda w, s: {},
        lambda w, s: {"username": "reporter", "password": "wrong"},
        {"anonymous": 200, **dict.fromkeys(ROLES[1:], 302)},
        writes=False,
        foreign=False,
    ),
    # A personal API token: anyone signed in makes their own (the page shows its key once) …
    Action(
        "tokens:list",
        lambda w, s: {},
        lambda w, s: {"name": "统计局推送"},
        {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 200)},
        foreign=False,
    ),
    # … and revokes only their own: another user's token is not found.
    Action(
        "tokens:revoke",
        lambda w, s: {"pk": token_of(w.users["reporter"]).pk},
        expected={"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 404), "reporter": 302},
        foreign=False,
    ),
    # Logging out ends at the login page, whoever asks.
    Action("logout", lambda w, s: {}, expected=dict.fromkeys(ROLES, LOGIN), writes=False, foreign=False),
    Action(
        "set_language",
        lambda w, s: {},
        lambda w, s: {"language": "en", "next": "/"},
        dict.fromkeys(ROLES, 302),
        writes=False,
        foreign=False,
    ),
]


def _id(action: Action) -> str:
    data = action.data.__code__.co_consts
    what = next((c for c in data if isinstance(c, str) and c not in ("action",)), "")
    return f"{action.name}:{what}" if what else action.name


def _post(client, world, side, action: Action, role: str):
    client = _client(client, world, role)
    url = reverse(action.name, kwargs=action.kwargs(world, side))
    data = action.data(world, side)
    if action.prepare:
        action.prepare(client, world, side, role)
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(url, data)
    return response, write_queries(ctx.captured_queries)


def _is_login(response) -> bool:
    return response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS, ids=[_id(a) for a in ACTIONS])
def test_every_action_for_every_role(client, world, action, role):
    expected = action.expected[role]

    response, writes = _post(client, world, world.a, action, role)

    if expected == LOGIN:
        assert _is_login(response), f"{role} → {action.name}: {response.status_code}"
        assert writes == []
        return
    assert response.status_code == expected, f"{role} → {action.name}"
    assert not _is_login(response)
    if expected >= 400 or not action.writes:
        assert writes == [], f"{role} was refused {action.name} but the database changed"
    else:
        assert writes, f"{role} may {action.name}, but nothing was saved"


@pytest.mark.parametrize("role", ["reporter", "reviewer", "official"])
@pytest.mark.parametrize("action", [a for a in ACTIONS if a.foreign], ids=[_id(a) for a in ACTIONS if a.foreign])
def test_an_action_on_another_citys_object_is_not_found_and_changes_nothing(client, world, action, role):
    response, writes = _post(client, world, world.b, action, role)

    assert response.status_code == 404
    assert writes == []


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_no_page_writes_when_it_is_read(client, world, name, role):
    kwargs, _ = MATRIX[name]
    url = reverse(name, kwargs=kwargs(world))
    client = _client(client, world, role)

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)

    assert write_queries(ctx.captured_queries) == [], f"GET {name} as {role} wrote to the database"


def _post_views(resolver, namespace=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # Django's admin guards itself with is_staff
            if pattern.namespace == "api":
                continue  # the web API's writes have their own matrix: tests/api/test_api_matrix.py
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _post_views(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            view_class = getattr(pattern.callback, "view_class", None)
            takes_post = view_class is not None and hasattr(view_class, "post")
            if takes_post or pattern.name == "set_language":
                yield f"{namespace}{pattern.name}"


def test_every_view_that_takes_a_post_has_a_row():
    covered = {a.name for a in ACTIONS}

    assert set(_post_views(get_resolver())) - covered == set(), "add these actions to ACTIONS"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x"])
def test_a_judgement_never_sends_the_reviewer_to_another_site(client, world, target):
    report = submitted(world.a, world.users["admin"])
    client = _client(client, world, "reviewer")

    response = client.post(
        reverse("targets:report_review", kwargs={"pk": report.pk}), {"action": "approve", "next": target}
    )

    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_a_judgement_returns_to_the_page_it_came_from(client, world):
    report = submitted(world.a, world.users["admin"])
    back = reverse("targets:review_queue", kwargs={"policy": world.a.policy.code}) + "?month=2025-09"
    client = _client(client, world, "reviewer")

    response = client.post(
        reverse("targets:report_review", kwargs={"pk": report.pk}), {"action": "approve", "next": back}
    )

    assert response["Location"] == back
