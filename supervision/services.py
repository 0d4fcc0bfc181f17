"""Every write of 督查督办: problems raised, assigned, answered, closed, sent back, extended,
instructed and urged; 催报; red targets sent as 督办 items; the daily overdue reminder;
包联 firms and visits. Keyword-only, atomic, each with its ProblemEvent and audit row in
the same transaction; notices go out after commit (targets.notifications.notify)."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from policies.models import Membership, Policy, Unit
from targets.audit import audit_record
from targets.completeness import due_date_of
from targets.models import MonthlyReport, ReportEvent
from targets.notifications import notify
from targets.worklists import policy_asks_for

from . import clock
from .credit_code import normalize, validate_credit_code
from .evidence import EvidenceRefused, sniff
from .models import AssessmentItem, Evidence, Firm, Problem, ProblemEvent, SupervisionSettings, Urge, Visit

State = Problem.State
Event = ProblemEvent.Kind
OPEN = (State.IN_PROGRESS, State.RETURNED, State.EXTENDED)

# action → {from state: to state}: an action not allowed from a state is not in its row.
MOVES: dict[str, dict[str, str]] = {
    "assign": {State.PENDING: State.IN_PROGRESS},
    "acknowledge": {s: s for s in OPEN},
    "answer": {State.IN_PROGRESS: State.IN_PROGRESS, State.RETURNED: State.IN_PROGRESS, State.EXTENDED: State.EXTENDED},
    "close": {State.IN_PROGRESS: State.CLOSED, State.EXTENDED: State.CLOSED},
    "return": {State.IN_PROGRESS: State.RETURNED, State.EXTENDED: State.RETURNED},
    "extend": {s: State.EXTENDED for s in OPEN},
    "instruct": {s: s for s in State.values},
    "urge": {s: s for s in OPEN},
    "ask_extend": {s: s for s in OPEN},
}
# Closing and sending back judge an answer: there must be one since the last send-back.
NEEDS_ANSWER = {"close", "return"}
# Who does each action: the lead bureau (reviewer of the policy), the assigned unit's
# clerk, or an official.
ASSIGNER_ACTIONS = {"assign", "close", "return", "extend", "urge"}
UNIT_ACTIONS = {"acknowledge", "answer", "ask_extend"}
OFFICIAL_ACTIONS = {"instruct"}
NOTICE_KIND = "supervise"  # targets.Notification.kind: a notice of 督查督办


class SupervisionError(Exception):
    """A domain refusal; its message is shown to the user as it is."""


class IllegalMove(SupervisionError):
    pass


def settings_for(policy: Policy) -> SupervisionSettings:
    """The policy's clock and weights (defaults when none were set)."""
    found = SupervisionSettings.objects.filter(policy=policy).first()
    return found or SupervisionSettings(policy=policy)


def _now(at):
    return at or timezone.now()


def _local_date(at: dt.datetime) -> dt.date:
    return timezone.localdate(at)


def _check(problem: Problem, action: str) -> str:
    to = MOVES[action].get(problem.state)
    if to is None:
        raise IllegalMove(
            gettext("问题当前为“%(state)s”，不能%(action)s。")
            % {"state": problem.get_state_display(), "action": ACTION_LABELS[action]}
        )
    if action in NEEDS_ANSWER and not problem.awaits_close:
        raise IllegalMove(gettext("承办单位尚未答复，不能%(action)s。") % {"action": ACTION_LABELS[action]})
    return to


ACTION_LABELS = {
    "assign": _("交办"),
    "acknowledge": _("应答"),
    "answer": _("答复"),
    "close": _("办结销号"),
    "return": _("退回"),
    "extend": _("延期"),
    "instruct": _("批示"),
    "urge": _("催办"),
    "ask_extend": _("申请延期"),
}


def problem_actions(problem: Problem, scope) -> list[str]:
    """What this user may do to this problem now: the buttons of its page, and what its
    POST accepts."""
    allowed = []
    for action, moves in MOVES.items():
        if problem.state not in moves:
            continue
        if action in NEEDS_ANSWER and not problem.awaits_close:
            continue
        if action == "acknowledge" and problem.acknowledged_at is not None:
            continue
        if action in ASSIGNER_ACTIONS and scope.can_review(problem.policy_id):
            allowed.append(action)
        elif action in UNIT_ACTIONS and problem.assignee_id and scope.can_enter(problem.assignee_id):
            allowed.append(action)
        elif action in OFFICIAL_ACTIONS and is_official_of(scope, problem.policy):
            allowed.append(action)
    return allowed


def is_official_of(scope, policy: Policy) -> bool:
    return scope.is_admin or (
        Membership.Role.OFFICIAL in scope.roles
        and (scope.official_everywhere or policy.city_id in scope.official_city_ids)
    )


def _event(problem, kind, *, by, at, text="", unit=None, due_date=None, from_state="", to_state=""):
    return ProblemEvent.objects.create(
        problem=problem,
        kind=kind,
        text=text,
        unit=unit,
        due_date=due_date,
        from_state=from_state,
        to_state=to_state,
        created_by=by if getattr(by, "pk", None) else None,
        created_at=at,
    )


def _move(
    problem: Problem, action: str, *, by, at, text="", fields=(), unit=None, due_date=None, to: str | None = None
) -> Problem:
    """Move by the MOVES table (``to`` when the caller checked it before changing fields the
    check reads), keep the step and the audit row."""
    before = problem.state
    problem.state = to or _check(problem, action)
    problem.save(update_fields=["state", *fields])
    _event(
        problem,
        action,
        by=by,
        at=at,
        text=text,
        unit=unit,
        due_date=due_date,
        from_state=before,
        to_state=problem.state,
    )
    changes = {"state": [before, problem.state]} if before != problem.state else {}
    audit_record(by=by, action=f"problem_{action}", obj=problem, changes=changes, reason=text[:500])
    return problem


def _required(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise SupervisionError(gettext("请填写%(what)s。") % {"what": what})
    return text


def _unit_users(unit_ids) -> dict[int, list]:
    rows = Membership.objects.filter(role=Membership.Role.REPORTER, unit_id__in=unit_ids).select_related("user")
    found: dict[int, list] = {}
    for m in rows:
        found.setdefault(m.unit_id, []).append(m.user)
    return found


def problem_url(problem: Problem) -> str:
    return reverse("supervision:problem_detail", kwargs={"policy": problem.policy.code, "number": problem.number})


def _notify_unit(problem: Problem, unit_id: int, *, key: str, title: str, body: str = "") -> list:
    users = _unit_users([unit_id]).get(unit_id, [])
    return notify(users=users, kind=NOTICE_KIND, key=key, title=title, body=body, url=problem_url(problem))


# -- raising ------------------------------------------------------------------------------


def _next_number(policy: Policy, year: int) -> str:
    prefix = f"{year}-"
    last = (
        Problem.objects.select_for_update()
        .filter(policy=policy, number__startswith=prefix)
        .aggregate(m=Max("number"))["m"]
    )
    seq = int(last.split("-")[1]) + 1 if last else 1
    return f"{prefix}{seq:03d}"


@transaction.atomic
def problem_raise(
    *,
    policy: Policy,
    title: str,
    by,
    source: str,
    text: str = "",
    raised_unit: Unit | None = None,
    indicator=None,
    task=None,
    firm_name: str = "",
    firm_credit_code: str = "",
    report: MonthlyReport | None = None,
    visit: Visit | None = None,
    kind: str = Problem.Kind.PROBLEM,
    at: dt.datetime | None = None,
) -> Problem:
    """A new problem in the ledger, 待交办, numbered per policy and year (2025-001)."""
    at = _now(at)
    title = _required(title, _("问题标题"))[:200]
    if indicator is not None and indicator.policy_id != policy.pk:
        raise SupervisionError(gettext("所选指标不属于该政策文件。"))
    if task is not None and task.policy_id != policy.pk:
        raise SupervisionError(gettext("所选任务不属于该政策文件。"))
    if source == Problem.Source.FIRM and not firm_name.strip():
        raise SupervisionError(gettext("企业反映的问题请填写企业名称。"))
    code = normalize(firm_credit_code)
    if code:
        try:
            validate_credit_code(code)
        except ValidationError as exc:
            raise SupervisionError(exc.messages[0]) from None
    problem = Problem.objects.create(
        policy=policy,
        number=_next_number(policy, _local_date(at).year),
        kind=kind,
        title=title,
        text=(text or "").strip(),
        indicator=indicator,
        task=task or (indicator.task if indicator is not None else None),
        firm_name=firm_name.strip(),
        firm_credit_code=code,
        source=source,
        report=report,
        visit=visit,
        raised_unit=raised_unit,
        raised_by=by if getattr(by, "pk", None) else None,
        raised_at=at,
    )
    _event(
        problem, Event.RAISE, by=by, at=at, text=problem.text or problem.title, unit=raised_unit, to_state=problem.state
    )
    audit_record(by=by, action="problem_raise", obj=problem, changes={"state": [None, problem.state]})
    return problem


def report_problem_lines(report: MonthlyReport) -> list[str]:
    """The lines of a report's 存在问题 box, each a candidate problem (numbering such as
    "1." or "（一）" kept as written)."""
    return [line.strip() for line in (report.problems_text or "").splitlines() if line.strip()]


@transaction.atomic
def problem_raise_from_report(*, report: MonthlyReport, line: int, by, at=None) -> Problem:
    """One click: the report's 存在问题 line number ``line`` (from 0) becomes a problem of
    the report's unit; the same line twice gives the problem already raised."""
    lines = report_problem_lines(report)
    if not 0 <= line < len(lines):
        raise SupervisionError(gettext("月报的存在问题中没有这一条（可能已被修改），请刷新后再试。"))
    text = lines[line]
    existing = Problem.objects.filter(report=report, text=text).first()
    if existing is not None:
        return existing
    return problem_raise(
        policy=report.policy,
        title=text[:60],
        text=text,
        by=by,
        source=Problem.Source.REPORT,
        raised_unit=report.unit,
        report=report,
        at=at,
    )


# -- the steps ----------------------------------------------------------------------------


def step_due_dates(policy: Policy, start: dt.date) -> tuple[dt.date, dt.date, dt.date]:
    """应答、明确意见、办结 deadlines of the policy's clock for an item assigned on ``start``."""
    rules = settings_for(policy)
    return (
        clock.add_days(start, rules.acknowledge_days, working=rules.working_days),
        clock.add_days(start, rules.opinion_days, working=rules.working_days),
        clock.add_days(start, rules.close_days, working=rules.working_days),
    )


@transaction.atomic
def problem_assign(
    *, problem: Problem, unit: Unit, by, due_date: dt.date | None = None, text: str = "", at=None
) -> Problem:
    """交办 to a unit: the clock's deadlines from today; a due date given wins for 办结."""
    at = _now(at)
    if not problem.policy.units.filter(pk=unit.pk).exists() and problem.policy.lead_unit_id != unit.pk:
        raise SupervisionError(gettext("承办单位不是该政策文件的责任单位。"))
    today = _local_date(at)
    ack, answer, close = step_due_dates(problem.policy, today)
    if due_date is not None and due_date < today:
        raise SupervisionError(gettext("办结期限不能早于今天。"))
    problem.assignee = unit
    problem.assigned_by = by
    problem.assigned_date = today
    problem.due_date = due_date or close
    problem.acknowledge_due_date = min(ack, problem.due_date)
    problem.answer_due_date = min(answer, problem.due_date)
    fields = ["assignee", "assigned_by", "assigned_date", "due_date", "acknowledge_due_date", "answer_due_date"]
    _move(problem, "assign", by=by, at=at, text=text.strip(), fields=fields, unit=unit, due_date=problem.due_date)
    _notify_unit(
        problem,
        unit.pk,
        key=f"problem-assign:{problem.pk}",
        title=f"交办：{problem.title}（{problem.due_date:%m月%d日}前办结）",
        body=problem.text,
    )
    return problem


@transaction.atomic
def problem_acknowledge(*, problem: Problem, by, at=None) -> Problem:
    """应答: the unit has received it (Taizhou's 1天应答)."""
    at = _now(at)
    if problem.acknowledged_at is not None:
        raise IllegalMove(gettext("已应答过。"))
    problem.acknowledged_at = at
    return _move(problem, "acknowledge", by=by, at=at, text="已签收，正在办理", fields=["acknowledged_at"])


@transaction.atomic
def problem_answer(*, problem: Problem, by, text: str, at=None) -> Problem:
    """The unit answers with what it did; the assigner then closes it or sends it back."""
    at = _now(at)
    problem.answer = _required(text, _("办理情况"))
    problem.answered_at = at
    if problem.acknowledged_at is None:
        problem.acknowledged_at = at
    return _move(
        problem, "answer", by=by, at=at, text=problem.answer, fields=["answer", "answered_at", "acknowledged_at"]
    )


@transaction.atomic
def problem_close(*, problem: Problem, by, result: str, at=None) -> Problem:
    """办结销号 with the result."""
    at = _now(at)
    problem.result = _required(result, _("办结结果"))
    problem.closed_at = at
    return _move(problem, "close", by=by, at=at, text=problem.result, fields=["result", "closed_at"])


@transaction.atomic
def problem_return(*, problem: Problem, by, reason: str, at=None) -> Problem:
    """Send the answer back: the unit answers again."""
    at = _now(at)
    reason = _required(reason, _("退回原因"))
    to = _check(problem, "return")
    problem.answered_at = None
    _move(problem, "return", by=by, at=at, text=reason, fields=["answered_at"], to=to)
    _notify_unit(
        problem,
        problem.assignee_id,
        key=f"problem-return:{problem.pk}:{at.isoformat()}",
        title=f"退回：{problem.title}",
        body=reason,
    )
    return problem


@transaction.atomic
def problem_extend(*, problem: Problem, by, reason: str, due_date: dt.date, at=None) -> Problem:
    """延期 with a reason and a later due date."""
    at = _now(at)
    reason = _required(reason, _("延期原因"))
    if due_date is None or problem.due_date is None or due_date <= problem.due_date:
        raise SupervisionError(f"新的办结期限应晚于原期限（{problem.due_date:%Y-%m-%d}）。")
    old = problem.due_date
    problem.due_date = due_date
    problem.extensions += 1
    _move(
        problem,
        "extend",
        by=by,
        at=at,
        text=f"{reason}（办结期限由{old:%Y-%m-%d}延至{due_date:%Y-%m-%d}）",
        fields=["due_date", "extensions"],
        due_date=due_date,
    )
    return problem


@transaction.atomic
def problem_extension_ask(*, problem: Problem, by, reason: str, due_date: dt.date, at=None) -> Problem:
    """延期申请: the unit asks for a later due date with its reason; the lead bureau's
    reviewers are told and grant it with 延期 (or not)."""
    at = _now(at)
    reason = _required(reason, _("申请延期的原因"))
    if due_date is None or problem.due_date is None or due_date <= problem.due_date:
        raise SupervisionError(f"申请的办结期限应晚于原期限（{problem.due_date:%Y-%m-%d}）。")
    text = f"{reason}（申请办结期限延至{due_date:%Y-%m-%d}）"
    _move(problem, "ask_extend", by=by, at=at, text=text, due_date=due_date)
    reviewers = [
        m.user
        for m in Membership.objects.filter(role=Membership.Role.REVIEWER, policy_id=problem.policy_id).select_related(
            "user"
        )
    ]
    notify(
        users=reviewers,
        kind=NOTICE_KIND,
        key=f"problem-ask-extend:{problem.pk}:{at.isoformat()}",
        title=f"延期申请：{problem.assignee.name} · {problem.title}",
        body=text,
        url=problem_url(problem),
    )
    return problem


@transaction.atomic
def problem_instruct(*, problem: Problem, by, text: str, at=None) -> Problem:
    """领导批示 on an item; the assigned unit is told."""
    at = _now(at)
    text = _required(text, _("批示内容"))
    _move(problem, "instruct", by=by, at=at, text=text)
    if problem.assignee_id:
        _notify_unit(
            problem,
            problem.assignee_id,
            key=f"problem-instruct:{problem.pk}:{at.isoformat()}",
            title="领导批示：" + problem.title,
            body=text,
        )
    return problem


def _channels(users) -> str:
    return "站内通知、邮件" if any(u.email for u in users) else "站内通知"


def _names(users) -> str:
    return "、".join(u.get_full_name() or u.username for u in users)[:500]


@transaction.atomic
def problem_urge(*, problem: Problem, by, at=None, key: str | None = None) -> Urge | None:
    """催办 an open item's unit: a notice (and e-mail) to its clerks, kept as an Urge and a
    step. With a ``key`` (the daily job's), a second call with the same key does nothing."""
    at = _now(at)
    _check(problem, "urge")
    if key and Urge.objects.filter(key=key).exists():
        return None
    users = _unit_users([problem.assignee_id]).get(problem.assignee_id, [])
    try:
        with transaction.atomic():
            urge = Urge.objects.create(
                kind=Urge.Kind.PROBLEM,
                policy=problem.policy,
                unit=problem.assignee,
                problem=problem,
                recipients=_names(users),
                channels=_channels(users),
                created_by=by if getattr(by, "pk", None) else None,
                created_at=at,
                key=key,
            )
    except IntegrityError:
        return None  # the same day's reminder, sent by another run
    late = clock.days_late(problem.due_date, _local_date(at))
    title = f"催办：{problem.title}" + (f"（已超期{late}天）" if late else f"（{problem.due_date:%m月%d日}前办结）")
    notify(
        users=users,
        kind=NOTICE_KIND,
        key=f"problem-urge:{urge.pk}",
        title=title,
        body=problem.text,
        url=problem_url(problem),
    )
    _move(
        problem,
        "urge",
        by=by,
        at=at,
        text=f"{title}；通知：{urge.recipients or '（该单位暂无填报员账号）'}，方式：{urge.channels}",
    )
    return urge


@transaction.atomic
def overdue_remind(*, on_date: dt.date, at=None) -> int:
    """The daily job: every open item past its due date gets one 催办 a day to its unit.
    Safe to run twice: the Urge key is the item and the day."""
    sent = 0
    for problem in Problem.objects.overdue(on_date).select_related("policy", "assignee"):
        if problem_urge(problem=problem, by=None, at=at, key=f"overdue:{problem.pk}:{on_date.isoformat()}"):
            sent += 1
    return sent


@transaction.atomic
def report_urge(*, policy: Policy, year: int, month: int, by, at=None) -> list[Urge]:
    """催报: every reporting unit that has not submitted the month gets a notice (and an
    e-mail), and who was urged is kept."""
    at = _now(at)
    if not policy_asks_for(policy, year, month):
        raise SupervisionError(f"{year}年{month}月不在该政策文件的填报期内。")
    expected = set(Unit.objects.reporting_for(policy).values_list("pk", flat=True))
    done = set(
        MonthlyReport.objects.filter(policy=policy, period__year=year, period__month=month)
        .exclude(state__in=[MonthlyReport.State.DRAFT, MonthlyReport.State.RETURNED])
        .values_list("unit_id", flat=True)
    )
    missing = expected - done
    if not missing:
        raise SupervisionError(f"{year}年{month}月各单位均已报送，无需催报。")
    users = _unit_users(missing)
    due = due_date_of(policy, year, month)
    label = f"{year}-{month:02d}"
    made = []
    for unit in Unit.objects.filter(pk__in=missing).order_by("sort_order", "name"):
        unit_users = users.get(unit.pk, [])
        urge = Urge.objects.create(
            kind=Urge.Kind.REPORT,
            policy=policy,
            unit=unit,
            period_label=label,
            recipients=_names(unit_users),
            channels=_channels(unit_users),
            created_by=by,
            created_at=at,
        )
        notify(
            users=unit_users,
            kind=NOTICE_KIND,
            key=f"report-urge:{urge.pk}",
            title=f"催报：{unit.name}{month}月报告尚未报送（截止{due.month}月{due.day}日）",
            body=policy.title,
            url=reverse("targets:report_entry", kwargs={"policy": policy.code, "unit": unit.code, "month": label}),
        )
        audit_record(by=by, action="report_urge", obj=urge, reason=label)
        made.append(urge)
    return made


@transaction.atomic
def explanation_request(
    *, policy: Policy, indicator, units, by, due_date: dt.date | None = None, note: str = "", at=None
) -> list[Problem]:
    """A red target sent to its units as 督办 items asking for a written 整改说明 by a date:
    one item per unit, assigned at once."""
    at = _now(at)
    if indicator.policy_id != policy.pk:
        raise SupervisionError(gettext("所选指标不属于该政策文件。"))
    units = list(units)
    if not units:
        raise SupervisionError(gettext("请选择需提交整改说明的单位。"))
    today = _local_date(at)
    rules = settings_for(policy)
    due = due_date or clock.add_days(today, rules.explanation_days, working=rules.working_days)
    made = []
    for unit in units:
        problem = problem_raise(
            policy=policy,
            title=f"{indicator.name}进度滞后，请提交整改说明",
            text=note.strip() or f"{indicator.name}低于序时进度（红灯），请说明原因、整改措施和完成时限。",
            by=by,
            source=Problem.Source.RED_TARGET,
            raised_unit=policy.lead_unit,
            indicator=indicator,
            kind=Problem.Kind.EXPLANATION,
            at=at,
        )
        made.append(problem_assign(problem=problem, unit=unit, by=by, due_date=due, at=at))
    return made


# -- 包联 -------------------------------------------------------------------------------------


@transaction.atomic
def firm_add(*, policy: Policy, name: str, official, by, credit_code: str = "") -> Firm:
    name = _required(name, _("企业名称"))
    code = normalize(credit_code)
    if code:
        try:
            validate_credit_code(code)
        except ValidationError as exc:
            raise SupervisionError(exc.messages[0]) from None
    if Firm.objects.filter(policy=policy, name=name).exists():
        raise SupervisionError(gettext("%(firm)s已在包联名单中。") % {"firm": name})
    firm = Firm.objects.create(policy=policy, name=name, credit_code=code, official=official)
    audit_record(by=by, action="firm_add", obj=firm, changes={"official": [None, str(official)]})
    return firm


@transaction.atomic
def visit_record(
    *, firm: Firm, official, visit_date: dt.date, findings: str, by, problems: list[str] = (), at=None
) -> Visit:
    """One 入企走访; each line of ``problems`` goes straight into the ledger (企业反映)."""
    at = _now(at)
    if visit_date > _local_date(at):
        raise SupervisionError(gettext("走访日期不能晚于今天。"))
    visit = Visit.objects.create(
        firm=firm, official=official, visit_date=visit_date, findings=(findings or "").strip(), created_by=by
    )
    audit_record(by=by, action="visit_record", obj=visit)
    for line in problems:
        if line.strip():
            problem_raise(
                policy=firm.policy,
                title=line.strip()[:60],
                text=line.strip(),
                by=by,
                source=Problem.Source.VISIT,
                firm_name=firm.name,
                firm_credit_code=firm.credit_code,
                visit=visit,
                raised_unit=firm.policy.lead_unit,
                at=at,
            )
    return visit


# -- 年考核 ----------------------------------------------------------------------------------


@transaction.atomic
def assessment_item_add(*, policy: Policy, year: int, unit: Unit, points, reason: str, by) -> AssessmentItem:
    """A 加分 (positive) or 扣分 (negative) for a unit's year, with its reason."""
    reason = _required(reason, _("加减分事由"))
    try:
        value = Decimal(str(points).strip().replace("＋", "+").replace("－", "-"))
    except (InvalidOperation, ValueError):
        raise SupervisionError(gettext("分值应为数字，如 +2 或 -1.5。")) from None
    if value == 0 or abs(value) > 20 or value != value.quantize(Decimal("0.1")):
        raise SupervisionError(gettext("分值应在 -20 到 +20 之间、不为0，最多一位小数。"))
    if not Unit.objects.reporting_for(policy).filter(pk=unit.pk).exists():
        raise SupervisionError(gettext("该单位不是该政策文件的填报单位。"))
    item = AssessmentItem.objects.create(
        policy=policy, year=year, unit=unit, points=value, reason=reason, created_by=by
    )
    audit_record(by=by, action="assessment_item_add", obj=item, changes={"points": [None, str(value)]}, reason=reason)
    return item


# -- 佐证材料 --------------------------------------------------------------------------------


@transaction.atomic
def evidence_attach(
    *, upload, by, report: MonthlyReport | None = None, problem: Problem | None = None, at=None
) -> Evidence:
    """Keep an uploaded file with a report or a problem, after checking its size and its
    type by content; the step shows in the problem's timeline or the report's history."""
    at = _now(at)
    if (report is None) == (problem is None):
        raise SupervisionError(gettext("佐证材料应附在一份月报或一个问题上。"))
    try:
        kind = sniff(upload)
    except EvidenceRefused as exc:
        raise SupervisionError(str(exc)) from None
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = PurePath(upload.name or "文件").name[:200]
    evidence = Evidence(
        report=report,
        problem=problem,
        name=name,
        content_type=kind.content_type,
        kind_label=kind.label,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=by,
        uploaded_at=at,
    )
    # A name of our own on disk (the type's extension): the uploaded name is only shown.
    evidence.file.save(f"{uuid.uuid4().hex}.{kind.extension}", File(upload), save=False)
    evidence.save()
    text = f"上传佐证材料：{name}（{kind.label}，{upload.size / 1024:.0f} KB）"
    if problem is not None:
        _event(problem, Event.ATTACH, by=by, at=at, text=text, from_state=problem.state, to_state=problem.state)
    else:
        ReportEvent.objects.create(
            report=report,
            kind=ReportEvent.Kind.TEXT,
            field="佐证材料",
            new=name,
            comment=text,
            version=report.version,
            created_by=by,
            created_at=at,
        )
    audit_record(by=by, action="evidence_attach", obj=evidence, changes={"sha256": [None, evidence.sha256]})
    return evidence


def evidence_may_attach(scope, *, report: MonthlyReport | None = None, problem: Problem | None = None) -> bool:
    """The unit's clerk or the policy's lead bureau; a closed problem takes no more files."""
    if report is not None:
        return scope.can_enter(report.unit_id) or scope.can_review(report.policy_id)
    if problem.state == State.CLOSED:
        return False
    return (
        scope.can_review(problem.policy_id)
        or (problem.assignee_id is not None and scope.can_enter(problem.assignee_id))
        or (problem.raised_unit_id is not None and scope.can_enter(problem.raised_unit_id))
    )
