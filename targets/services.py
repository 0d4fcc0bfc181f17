"""Every write of the reporting cycle: periods opening and locking, reports saved,
submitted, returned, approved and reopened. Each is atomic and writes its history row
in the same transaction; nothing is overwritten without a trace."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from policies.models import Policy, Unit
from policies.numbers import round_half_up

from . import calendar
from .audit import audit_record, field_changes
from .models import (
    Assignment,
    Indicator,
    IndicatorMonth,
    MonthlyReport,
    Period,
    PeriodLock,
    PeriodUnlock,
    ReportEvent,
    ReportValue,
    ordinal,
)
from .notifications import notify_returned
from .rollup import city_series
from .validation import NumberInvalid, Rule, check_value, parse_number
from .worklists import policy_asks_for

State = MonthlyReport.State
Source = ReportEvent.Source

TRANSITIONS = {
    State.DRAFT: {State.SUBMITTED},
    State.SUBMITTED: {State.APPROVED, State.RETURNED},
    State.RETURNED: {State.SUBMITTED},
    # A correction after approval goes back through the reviewer.
    State.APPROVED: {State.RETURNED},
}
EDITABLE = {State.DRAFT, State.RETURNED}


class ReportError(Exception):
    """A domain refusal; its message is shown to the user as it is."""


class IllegalTransition(ReportError):
    pass


class ReportLocked(ReportError):
    pass


class StaleVersion(ReportError):
    """Someone else saved the report after this user opened it."""

    def __init__(self, report: MonthlyReport, changes: list[ReportEvent]):
        self.report = report
        self.changes = changes
        names = "、".join(
            sorted({c.created_by.get_full_name() or c.created_by.username for c in changes if c.created_by})
        )
        super().__init__(
            f"此月报已被{names or '他人'}修改（当前版本 {report.version}）。您的输入已保留，请核对下列变化后重新保存。"
        )


@dataclass
class Loaded:
    """What the form showed when the user opened it (the values as loaded with the page):
    a field whose posted value equals it was not changed by this user and is never written."""

    values: dict[int, str] = field(default_factory=dict)
    notes: dict[int, str] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)


@dataclass
class Conflict:
    """One field both this user and a colleague changed since the form was opened."""

    key: str  # the form's field name: v-<id>, n-<id> or a text field's name
    label: str
    mine: str
    theirs: str
    by: str  # who saved the colleague's value


class FieldConflict(ReportError):
    """A save that would overwrite a colleague's change of the same field: nothing is written;
    the user sees both values and chooses."""

    def __init__(self, report: MonthlyReport, conflicts: list[Conflict], current: Loaded):
        self.report = report
        self.conflicts = conflicts
        self.current = current  # every field as it is saved now
        super().__init__(
            f"您和同事同时修改了{len(conflicts)}处相同的数据，尚未保存：请在下方逐项选择保留哪一个值后再保存。"
        )


class ReportInvalid(ReportError):
    def __init__(self, errors: dict, message: str = "有数据未通过校验，请按提示修改后再报送。"):
        self.errors = errors
        super().__init__(message)


# -- periods --------------------------------------------------------------------------


@transaction.atomic
def period_open(*, on_date: dt.date, at: dt.datetime | None = None, policies=None) -> list[PeriodLock]:
    """Open the month just ended for every policy that asks for it. Safe to run twice."""
    year, month = calendar.previous_month(on_date)
    period, _ = Period.objects.get_or_create(year=year, month=month)
    opened = []
    for policy in (policies if policies is not None else Policy.objects.all()).filter(reporting_active=True):
        if not policy_asks_for(policy, year, month):
            continue
        lock, created = PeriodLock.objects.get_or_create(
            policy=policy, period=period, defaults={"opened_at": at or timezone.now()}
        )
        if created:
            audit_record(by=None, action="开放报告期", obj=lock, changes={"opened_at": [None, str(lock.opened_at)]})
            opened.append(lock)
    return opened


@transaction.atomic
def period_lock_due(*, on_date: dt.date, at: dt.datetime | None = None, policies=None) -> list[PeriodLock]:
    """Lock every open period whose lock day has come. Safe to run twice."""
    locked = []
    locks = PeriodLock.objects.filter(locked_at__isnull=True).select_related("policy", "period")
    if policies is not None:
        locks = locks.filter(policy__in=policies)
    for lock in locks:
        # The lock day stored when the period opened: a later change of the policy's
        # calendar applies to the months opened after it.
        if on_date >= calendar.lock_date(lock.period.year, lock.period.month, lock.lock_day or lock.policy.lock_day):
            lock.locked_at = at or timezone.now()
            lock.save(update_fields=["locked_at"])
            audit_record(by=None, action="到期锁定", obj=lock, changes={"locked_at": [None, str(lock.locked_at)]})
            locked.append(lock)
    return locked


def _lock_for(policy: Policy, year: int, month: int) -> PeriodLock:
    period = period_get_or_create(year=year, month=month)
    return PeriodLock.objects.get_or_create(policy=policy, period=period, defaults={"opened_at": timezone.now()})[0]


@transaction.atomic
def period_close(*, policy: Policy, year: int, month: int, by) -> PeriodLock:
    """The reviewer closes a period before its lock day."""
    lock = _lock_for(policy, year, month)
    if lock.locked_at is None:
        lock.locked_at = timezone.now()
        lock.locked_by = by
        lock.save(update_fields=["locked_at", "locked_by"])
        audit_record(by=by, action="提前关闭报告期", obj=lock, changes={"locked_at": [None, str(lock.locked_at)]})
    return lock


@transaction.atomic
def period_unlock(
    *, policy: Policy, year: int, month: int, unit: Unit, by, reason: str, until_date: dt.date
) -> PeriodUnlock:
    reason = (reason or "").strip()
    if not reason:
        raise ReportError("解锁必须填写原因。")
    lock = _lock_for(policy, year, month)
    unlock = PeriodUnlock.objects.create(lock=lock, unit=unit, reason=reason, unlocked_by=by, until_date=until_date)
    audit_record(
        by=by,
        action="单位解锁",
        obj=lock,
        changes={"unlocked_unit": [None, unit.code], "until_date": [None, str(until_date)]},
        reason=reason,
    )
    return unlock


def is_locked_for(report: MonthlyReport, on_date: dt.date) -> bool:
    return unit_lock(report.policy_id, report.period.ordinal, report.unit_id, on_date) is not None


def unit_lock(policy_id: int, period_ordinal: int, unit_id: int, on_date: dt.date) -> PeriodLock | None:
    """The lock that keeps the unit from writing the month, or None: a unit with no report yet
    is locked out of a locked month just as one with a report is (unless it was unlocked)."""
    lock = (
        PeriodLock.objects.filter(policy_id=policy_id, period__ordinal=period_ordinal, locked_at__isnull=False)
        .select_related("locked_by")
        .first()
    )
    if lock is None or lock.unlocks.filter(unit_id=unit_id, until_date__gte=on_date).exists():
        return None
    return lock


# -- reports --------------------------------------------------------------------------


def assigned_indicators(policy: Policy, unit: Unit):
    return (
        Indicator.objects.filter(policy=policy, assignments__unit=unit)
        .select_related("task")
        .prefetch_related("targets__milestones")
        .order_by("order")
    )


@transaction.atomic
def report_get_or_create(*, policy: Policy, unit: Unit, period: Period, by=None) -> MonthlyReport:
    return _report_for(policy=policy, unit=unit, period=period, by=by)[0]


def _report_for(*, policy: Policy, unit: Unit, period: Period, by=None) -> tuple[MonthlyReport, bool]:
    if not Assignment.objects.filter(indicator__policy=policy, unit=unit).exists():
        raise ReportError(f"{unit.name}在该政策文件下没有需要填报的指标。")
    if period.pk is None:
        period = period_get_or_create(year=period.year, month=period.month)
    # Version 0 until its first save, so that the first saved version is 第 1 版.
    return MonthlyReport.objects.get_or_create(
        policy=policy, unit=unit, period=period, defaults={"updated_by": by, "version": 0}
    )


def _expected_version(report: MonthlyReport, created: bool, version: int) -> int:
    """Version 0 means "there was no report when the user began": true only if this call made it."""
    return report.version if created and version == 0 else version


def period_get_or_create(*, year: int, month: int) -> Period:
    return Period.objects.get_or_create(year=year, month=month)[0]


@transaction.atomic
def report_entry_save(
    *,
    policy: Policy,
    unit: Unit,
    period: Period,
    by,
    version: int,
    values: dict[int, object],
    notes: dict[int, str],
    texts: dict[str, str],
    submit: bool = False,
    source: str = Source.WEB,
    loaded: Loaded | None = None,
    on_date: dt.date | None = None,
) -> SaveResult:
    """The entry page's save (and submit), or the web API's: the report is made on its first
    save. A save refused because the month is locked writes nothing, not even an empty report."""
    on_date = on_date or timezone.localdate()
    if period.pk is not None and unit_lock(policy.pk, period.ordinal, unit.pk, on_date) is not None:
        raise ReportLocked(LOCKED_MESSAGE)
    report, created = _report_for(policy=policy, unit=unit, period=period, by=by)
    result = report_save(
        report=report,
        by=by,
        version=_expected_version(report, created, version),
        values=values,
        notes=notes,
        texts=texts,
        source=source,
        loaded=loaded,
        on_date=on_date,
    )
    if submit:
        result.report = report_submit(
            report=result.report, by=by, version=result.report.version, on_date=on_date, source=source
        )
    return result


@transaction.atomic
def excel_upload_apply(*, policy: Policy, period: Period, by, units: dict[str, Unit], items: list[dict]) -> int:
    """Save a confirmed upload, every sheet or none; returns the number of figures changed.

    Each item carries the report version its preview was made from (0: no report yet),
    so that a colleague's save in between is a conflict, not silently overwritten.
    """
    saved = 0
    for item in items:
        report, created = _report_for(policy=policy, unit=units[item["unit"]], period=period, by=by)
        result = report_save(
            report=report,
            by=by,
            version=_expected_version(report, created, item["version"]),
            values={int(k): v for k, v in item["values"].items()},
            notes={int(k): v for k, v in item["notes"].items()},
            texts=item["texts"],
            loaded=Loaded(
                values={int(k): v for k, v in item.get("loaded", {}).get("values", {}).items()},
                notes={int(k): v for k, v in item.get("loaded", {}).get("notes", {}).items()},
                texts=item.get("loaded", {}).get("texts", {}),
            )
            if "loaded" in item
            else None,
            source=Source.EXCEL,
        )
        saved += result.changed
    return saved


@dataclass
class BulkApproval:
    approved: list[MonthlyReport]
    skipped: list[MonthlyReport]  # submitted, chosen, but with a warning nobody confirmed


@transaction.atomic
def reports_approve(*, policy: Policy, ids: list[int], by, confirmed: Iterable[int] = ()) -> BulkApproval:
    """Approve the chosen submitted reports of a policy together (all or none). A report with
    an outlier warning (targets.review) is approved only if its id is in `confirmed`, i.e.
    the reviewer confirmed it on its own; the others are skipped and named."""
    from .review import report_checks

    reports = list(
        MonthlyReport.objects.filter(policy=policy, pk__in=ids, state=State.SUBMITTED)
        .select_related("period", "unit")
        .select_for_update(of=("self",))
        .order_by("unit__sort_order", "unit__name")
    )
    checks = report_checks(reports)
    confirmed = set(confirmed)
    result = BulkApproval([], [])
    for report in reports:
        if checks[report.pk].has_warnings and report.pk not in confirmed:
            result.skipped.append(report)
            continue
        result.approved.append(report_approve(report=report, by=by))
    return result


def rule_for(indicator: Indicator) -> Rule:
    return Rule(
        is_ratio=indicator.unit_of_measure == "%",
        allow_negative=indicator.growth_rate,
        decimals=indicator.decimals,
    )


@dataclass
class SaveResult:
    report: MonthlyReport
    changed: int
    errors: dict = field(default_factory=dict)  # indicator id → [messages]
    warnings: dict = field(default_factory=dict)


def _history(report: MonthlyReport, indicator_ids) -> dict[int, list[Decimal]]:
    """The unit's previous months of each indicator, oldest first (for outlier checks)."""
    rows = (
        ReportValue.objects.filter(
            report__policy_id=report.policy_id,
            report__unit_id=report.unit_id,
            indicator_id__in=indicator_ids,
            value__isnull=False,
        )
        .filter(
            Q(report__period__year__lt=report.period.year)
            | Q(report__period__year=report.period.year, report__period__month__lt=report.period.month)
        )
        .order_by("report__period__year", "report__period__month")
        .values_list("indicator_id", "value")
    )
    history: dict[int, list[Decimal]] = {}
    for indicator_id, value in rows:
        history.setdefault(indicator_id, []).append(value)
    return history


TEXT_FIELDS = {"progress_text": "工作进展", "problems_text": "存在问题", "next_steps_text": "下步计划"}
LOCKED_MESSAGE = "该报告期已锁定，不能修改；如需补报请联系管理员解锁。"


def same_field(a, b) -> bool:
    """Two renderings of one field are the same figure or the same text ("1,800" is 1800)."""
    a, b = ("" if a is None else str(a)).strip(), ("" if b is None else str(b)).strip()
    if a == b:
        return True
    try:
        x, y = parse_number(a), parse_number(b)
    except NumberInvalid:
        return False
    return x is not None and x == y


def _current(report: MonthlyReport, existing: dict[int, ReportValue]) -> Loaded:
    return Loaded(
        values={pk: _shown(row.value, row.raw_text) for pk, row in existing.items()},
        notes={pk: row.note for pk, row in existing.items()},
        texts={name: getattr(report, name) for name in TEXT_FIELDS},
    )


def _merge(report, version, existing, loaded: Loaded, values, notes, texts, indicators) -> None:
    """A save made on an older version: keep only the fields this user changed (posted ≠ as
    loaded); a field a colleague changed too, to another value, is a conflict and nothing is
    written. Otherwise the user's changes go on top of the colleague's."""
    current = _current(report, existing)
    events = list(report.events.filter(version__gt=version).select_related("created_by", "indicator"))

    def by_whom(field_name):
        names = [e.created_by.get_full_name() or e.created_by.username for e in events if e.field == field_name]
        return names[-1] if names else "同事"

    conflicts = []
    for pk, mine in values.items():
        theirs = current.values.get(pk, "")
        if not same_field(theirs, loaded.values.get(pk, "")) and not same_field(theirs, mine):
            name = indicators[pk].name if pk in indicators else str(pk)
            conflicts.append(Conflict(f"v-{pk}", name, str(mine), theirs, by_whom(name)))
    for pk, mine in notes.items():
        theirs = current.notes.get(pk, "")
        if not same_field(theirs, loaded.notes.get(pk, "")) and not same_field(theirs, mine):
            name = indicators[pk].name if pk in indicators else str(pk)
            conflicts.append(Conflict(f"n-{pk}", f"{name}的说明", str(mine), theirs, by_whom(name)))
    for name, mine in texts.items():
        theirs = current.texts.get(name, "")
        if not same_field(theirs, loaded.texts.get(name, "")) and not same_field(theirs, mine):
            conflicts.append(Conflict(name, TEXT_FIELDS[name], mine, theirs, by_whom(TEXT_FIELDS[name])))
    if conflicts:
        raise FieldConflict(report, conflicts, current)


@transaction.atomic
def report_save(
    *,
    report: MonthlyReport,
    by,
    version: int,
    values: dict[int, object],
    notes: dict[int, str] | None = None,
    texts: dict[str, str] | None = None,
    loaded: Loaded | None = None,
    source: str = Source.WEB,
    on_date: dt.date | None = None,
    at: dt.datetime | None = None,
) -> SaveResult:
    """Save a draft: what parses is stored, what does not is kept as typed; never blocks.

    Refused when the report is not editable or its period is locked. With ``loaded`` (what
    the form showed), only the fields the user changed are written, and a save on an older
    ``version`` merges with a colleague's: a field both changed is a FieldConflict. Without
    it, a save on an older version is refused whole (StaleVersion; the caller keeps the
    user's input to re-apply).
    """
    at = at or timezone.now()
    on_date = on_date or timezone.localdate()
    report = MonthlyReport.objects.select_for_update().select_related("period").get(pk=report.pk)
    if report.state not in EDITABLE:
        raise IllegalTransition(f"月报{report.get_state_display()}，不能修改；如需更正请联系审核员退回。")
    if is_locked_for(report, on_date):
        raise ReportLocked(LOCKED_MESSAGE)
    notes = {int(k): v for k, v in (notes or {}).items()}
    values = {int(k): v for k, v in values.items()}
    if loaded is not None:
        # Only what this user changed is written: an untouched field never goes back stale.
        values = {k: v for k, v in values.items() if not same_field(v, loaded.values.get(k, ""))}
        notes = {k: v for k, v in notes.items() if not same_field(v, loaded.notes.get(k, ""))}
        texts = {k: v for k, v in (texts or {}).items() if not same_field(v, loaded.texts.get(k, ""))}
    elif report.version != version:
        changes = list(report.events.filter(version__gt=version).select_related("created_by", "indicator"))
        raise StaleVersion(report, changes)
    indicators = {i.pk: i for i in assigned_indicators(report.policy, report.unit)}
    existing = {v.indicator_id: v for v in report.values.all()}
    if loaded is not None and report.version != version:
        _merge(report, version, existing, loaded, values, notes, texts or {}, indicators)
    history = _history(report, indicators)
    result = SaveResult(report=report, changed=0)
    events = []
    # Written in two statements, whatever the number of figures: a report of 40 indicators
    # costs what one of 4 does.
    new_rows: list[ReportValue] = []
    changed_rows: list[ReportValue] = []
    for indicator_id in [*values, *(k for k in notes if k not in values)]:
        indicator = indicators.get(int(indicator_id))
        if indicator is None:
            raise ReportError("提交了不属于本单位的指标，已拒绝保存。")
        row = existing.get(indicator.pk) or ReportValue(report=report, indicator=indicator)
        # A note changed alone keeps the saved figure.
        raw = values[indicator_id] if indicator_id in values else _display(row)
        try:
            number = parse_number(raw)
            raw_text = ""
        except NumberInvalid as exc:
            number, raw_text = None, str(raw)[:100]
            result.errors.setdefault(indicator.pk, []).append(str(exc))
        if number is not None:
            check = check_value(
                number,
                rule_for(indicator),
                history.get(indicator.pk, []),
                is_level=indicator.measure == Indicator.Measure.LEVEL,
                direction_up=indicator.direction == Indicator.Direction.UP,
            )
            if check.errors:
                result.errors.setdefault(indicator.pk, []).extend(check.errors)
            if check.warnings:
                result.warnings.setdefault(indicator.pk, []).extend(check.warnings)
        note = (notes.get(indicator.pk, row.note) or "").strip()[:300]
        old_display = _display(row)
        if row.pk and row.value == number and row.raw_text == raw_text and row.note == note:
            continue
        (changed_rows if row.pk else new_rows).append(row)
        row.value, row.raw_text, row.note = number, raw_text, note
        new_display = _shown(number, raw_text)
        if old_display != new_display or not existing.get(indicator.pk):
            events.append(
                ReportEvent(
                    report=report,
                    indicator=indicator,
                    kind=ReportEvent.Kind.VALUE,
                    field=indicator.name,
                    old=old_display,
                    new=new_display,
                    comment=note,
                    source=source,
                    created_by=by,
                    created_at=at,
                    version=report.version + 1,
                )
            )
        result.changed += 1
    for name, label in TEXT_FIELDS.items():
        if texts is None or name not in texts:
            continue
        new = (texts[name] or "").strip()
        old = getattr(report, name)
        if new != old:
            setattr(report, name, new)
            events.append(
                ReportEvent(
                    report=report,
                    kind=ReportEvent.Kind.TEXT,
                    field=label,
                    old=old,
                    new=new,
                    source=source,
                    created_by=by,
                    created_at=at,
                    version=report.version + 1,
                )
            )
            result.changed += 1
    ReportValue.objects.bulk_create(new_rows)
    ReportValue.objects.bulk_update(changed_rows, ["value", "raw_text", "note"])
    ReportEvent.objects.bulk_create(events)
    if result.changed:
        report.version += 1
        report.updated_by = by
        report.save()
    return result


def _display(row: ReportValue) -> str:
    if row.pk is None:
        return ""
    return _shown(row.value, row.raw_text)


def _shown(value: Decimal | None, raw_text: str) -> str:
    return f"{value.normalize():f}" if value is not None else raw_text


def _move(report: MonthlyReport, to: str, *, by, at, comment: str = "", source: str = Source.WEB) -> None:
    if to not in TRANSITIONS.get(report.state, set()):
        raise IllegalTransition(f"月报当前为“{report.get_state_display()}”，不能变为“{State(to).label}”。")
    ReportEvent.objects.create(
        report=report,
        kind=ReportEvent.Kind.STATE,
        field="状态",
        old=report.get_state_display(),
        new=State(to).label,
        comment=comment,
        source=source,
        created_by=by,
        created_at=at,
        version=report.version + 1,
    )
    report.state = to
    report.version += 1


def submission_errors(report: MonthlyReport) -> tuple[dict, dict]:
    """Everything a submission must satisfy: every indicator filled with a valid number,
    every warning explained. Returns (errors, unexplained warnings) by indicator id."""
    indicators = list(assigned_indicators(report.policy, report.unit))
    values = {v.indicator_id: v for v in report.values.all()}
    history = _history(report, [i.pk for i in indicators])
    errors, warnings = {}, {}
    for indicator in indicators:
        row = values.get(indicator.pk)
        if row is None or (row.value is None and not row.raw_text):
            errors[indicator.pk] = ["请填写本月数据（没有发生请填 0）"]
            continue
        if row.value is None:
            errors[indicator.pk] = [f"“{row.raw_text}”不是数字"]
            continue
        check = check_value(
            row.value,
            rule_for(indicator),
            history.get(indicator.pk, []),
            is_level=indicator.measure == Indicator.Measure.LEVEL,
            direction_up=indicator.direction == Indicator.Direction.UP,
        )
        if check.errors:
            errors[indicator.pk] = check.errors
        elif check.warnings and not row.note:
            warnings[indicator.pk] = [*check.warnings, "请在“说明”中写明原因"]
    return errors, warnings


@transaction.atomic
def report_submit(
    *, report: MonthlyReport, by, version: int, on_date=None, at=None, source: str = Source.WEB
) -> MonthlyReport:
    at = at or timezone.now()
    report = MonthlyReport.objects.select_for_update().select_related("period", "policy", "unit").get(pk=report.pk)
    if report.version != version:
        raise StaleVersion(report, list(report.events.filter(version__gt=version).select_related("created_by")))
    if is_locked_for(report, on_date or timezone.localdate()):
        raise ReportLocked("该报告期已锁定，不能报送；如需补报请联系管理员解锁。")
    errors, warnings = submission_errors(report)
    if errors or warnings:
        merged = {k: errors.get(k, []) + warnings.get(k, []) for k in {*errors, *warnings}}
        raise ReportInvalid(merged)
    _move(report, State.SUBMITTED, by=by, at=at, source=source)
    report.submitted_at, report.submitted_by = at, by
    report.first_submitted_at = report.first_submitted_at or at
    report.return_reason = ""
    report.save()
    return report


def _check_version(report: MonthlyReport, version: int | None) -> None:
    """A judgement made on the version the reviewer saw (None: the caller did not say)."""
    if version is not None and report.version != version:
        raise StaleVersion(report, list(report.events.filter(version__gt=version).select_related("created_by")))


@transaction.atomic
def report_return(
    *, report: MonthlyReport, by, reason: str, at=None, version: int | None = None, source: str = Source.WEB
) -> MonthlyReport:
    reason = (reason or "").strip()
    if not reason:
        raise ReportError("退回必须写明原因，填报员会看到它。")
    at = at or timezone.now()
    report = MonthlyReport.objects.select_for_update().get(pk=report.pk)
    _check_version(report, version)
    was_approved = report.state == State.APPROVED
    _move(report, State.RETURNED, by=by, at=at, comment=reason, source=source)
    report.return_reason = reason[:500]
    report.reviewed_at, report.reviewed_by = at, by
    report.save()
    if was_approved:
        indicator_months_refresh(report=report)
    notify_returned(report)
    return report


@transaction.atomic
def report_approve(
    *, report: MonthlyReport, by, at=None, version: int | None = None, source: str = Source.WEB
) -> MonthlyReport:
    at = at or timezone.now()
    report = MonthlyReport.objects.select_for_update().get(pk=report.pk)
    _check_version(report, version)
    _move(report, State.APPROVED, by=by, at=at, source=source)
    report.reviewed_at, report.reviewed_by = at, by
    report.save()
    indicator_months_refresh(report=report)
    return report


def indicator_months_refresh(*, report: MonthlyReport) -> None:
    """Recompute the city figures of the report's indicators from approved reports; called
    inside the approving (or reopening) transaction, so dashboards are fresh the moment a
    report is approved. A summed level carries each unit's latest value forward, so the
    months after this one can change too (targets.rollup). A fixed number of queries."""
    _summary_write(list(report.values.values_list("indicator_id", flat=True)), since=report.period.ordinal)


def indicator_summary_refresh(*, indicators) -> None:
    """Rebuild every month of the city figures of `indicators` (instances or ids) after an
    administrator's change that alters them: an indicator's rollup or measure, an
    assignment added, removed or moved to another unit. Called in the changing transaction,
    so that every page and the next build show the new figure without another approval."""
    ids = _ids(indicators)
    if not ids:
        return
    _summary_write(ids, since=0)
    indicator_inputs_changed(indicators=ids)


def indicator_inputs_changed(*, indicators) -> None:
    """Mark the policies of `indicators` as changed now (a target, a milestone, a share): the
    data cut-off of their runs (reports.selectors.data_cutoff) moves, so that a dispatch or
    bulletin asked for after the change is built again instead of returning the old file."""
    ids = _ids(indicators)
    if ids:
        Policy.objects.filter(pk__in=Indicator.objects.filter(pk__in=ids).values("policy_id")).update(
            updated_at=timezone.now()
        )


def _ids(indicators) -> list[int]:
    return sorted({getattr(i, "pk", i) for i in indicators if getattr(i, "pk", i) is not None})


def _summary_write(indicator_ids, *, since: int) -> None:
    """Write the summary rows of `indicator_ids` from month ordinal `since` on, from the
    approved values of the units assigned to each indicator (a unit no longer assigned
    reports for nobody: its old figures leave the city's too)."""
    indicators = Indicator.objects.in_bulk(indicator_ids)
    assigned = Assignment.objects.filter(indicator_id=OuterRef("indicator_id"), unit_id=OuterRef("report__unit_id"))
    approved = ReportValue.objects.filter(
        Exists(assigned), indicator_id__in=indicators, report__state=State.APPROVED, value__isnull=False
    )
    # Each unit's latest value before `since`: what a level carries into it.
    carried = Q(pk__in=[])
    for row in (
        approved.filter(report__period__ordinal__lt=since, indicator__measure=Indicator.Measure.LEVEL)
        .values("indicator_id", "report__unit")
        .annotate(last=Max("report__period__ordinal"))
    ):
        carried |= Q(
            indicator_id=row["indicator_id"], report__unit=row["report__unit"], report__period__ordinal=row["last"]
        )
    per_unit: dict[int, dict[int, dict]] = {pk: {} for pk in indicators}
    counts: dict[tuple[int, int], int] = {}
    rows = approved.filter(Q(report__period__ordinal__gte=since) | carried).order_by(
        "report__unit__sort_order", "report__unit_id"
    )
    for indicator_id, unit_id, year, month, value in rows.values_list(
        "indicator_id", "report__unit_id", "report__period__year", "report__period__month", "value"
    ):
        per_unit[indicator_id].setdefault(unit_id, {})[(year, month)] = value
        counts[(indicator_id, ordinal(year, month))] = counts.get((indicator_id, ordinal(year, month)), 0) + 1
    wanted: dict[tuple[int, int], Decimal] = {}
    for pk, indicator in indicators.items():
        for (year, month), total in city_series(indicator.rollup, indicator.measure, per_unit[pk], (9999, 12)).items():
            if ordinal(year, month) >= since:
                wanted[(pk, ordinal(year, month))] = total
    existing = {
        (row.indicator_id, row.ordinal): row
        for row in IndicatorMonth.objects.filter(indicator_id__in=indicator_ids, ordinal__gte=since)
    }
    IndicatorMonth.objects.filter(pk__in=[row.pk for key, row in existing.items() if key not in wanted]).delete()
    changed, new = [], []
    for (pk, number), total in wanted.items():
        reporters = counts.get((pk, number), 0)
        row = existing.get((pk, number))
        if row is None:
            year, month = divmod(number, 12)
            new.append(
                IndicatorMonth(
                    indicator_id=pk, ordinal=number, year=year, month=month + 1, total=total, reporters=reporters
                )
            )
        elif row.total != total or row.reporters != reporters:
            row.total, row.reporters = total, reporters
            changed.append(row)
    IndicatorMonth.objects.bulk_create(new)
    IndicatorMonth.objects.bulk_update(changed, ["total", "reporters"])


@transaction.atomic
def assignment_split(*, indicator: Indicator, shares: dict[int, object], by) -> Decimal | None:
    """Set each reporting unit's share of the city target (分解下达). Empty means unsplit.

    Returns the difference between the city target and the sum of the shares, so that
    the page can show it; shares that do not add up are kept, not refused.
    """
    assignments = {a.unit_id: a for a in indicator.assignments.select_for_update()}
    parsed = {}
    for unit_id, raw in shares.items():
        if int(unit_id) not in assignments:
            raise ReportError("只能分解给填报该指标的单位。")
        try:
            value = parse_number(raw)
        except NumberInvalid as exc:
            raise ReportError(f"{assignments[int(unit_id)].unit.name}：{exc}") from None
        if value is not None and value < 0:
            raise ReportError(f"{assignments[int(unit_id)].unit.name}：分解目标不能为负数")
        parsed[int(unit_id)] = value
    changed = False
    for unit_id, value in parsed.items():
        assignment = assignments[unit_id]
        if assignment.allocated_value != value:
            changes = field_changes({"allocated_value": assignment.allocated_value}, {"allocated_value": value})
            assignment.allocated_value = value
            assignment.save(update_fields=["allocated_value"])
            audit_record(by=by, action="分解目标", obj=assignment, changes=changes)
            changed = True
    if changed:
        indicator_inputs_changed(indicators=[indicator])  # a built dispatch shows the old shares
    target = indicator.targets.order_by("order").first()
    given = [v for v in parsed.values() if v is not None]
    if target is None or not given:
        return None
    return target.value - sum(given, Decimal(0))


def apportion(total: Decimal, weights: list[Decimal], decimals: int) -> list[Decimal]:
    """`total` shared in proportion to `weights`, each share rounded to `decimals` places,
    the shares adding up to `total` exactly (largest remainder): 10家 over 7 counties is
    2, 2, 2, 1, 1, 1, 1, not 1.43 each."""
    step = Decimal(1).scaleb(-decimals)
    steps = int(round_half_up(total / step))
    if sum(weights, Decimal(0)) <= 0:
        weights = [Decimal(1)] * len(weights)
    weight_sum = sum(weights, Decimal(0))
    exact = [Decimal(steps) * w / weight_sum for w in weights]
    shares = [int(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: (shares[i] - exact[i], i))
    for i in by_remainder[: steps - sum(shares)]:
        shares[i] += 1
    return [(Decimal(n) * step).quantize(step) for n in shares]


def split_proposal(*, indicator: Indicator, method: str, year: int) -> dict[int, Decimal]:
    """Proposed shares: equal, or by each unit's share of last year's actual, in the
    indicator's precision and adding up to the city target."""
    target = indicator.targets.order_by("order").first()
    units = list(indicator.assignments.order_by("unit__sort_order", "unit_id").values_list("unit_id", flat=True))
    if target is None or not units:
        return {}
    weights = [Decimal(1)] * len(units)
    if method == "last_year":
        rows = ReportValue.objects.filter(
            indicator=indicator, report__period__year=year - 1, value__isnull=False
        ).values_list("report__unit_id", "report__period__month", "value")
        actual: dict[int, Decimal] = {}
        latest: dict[int, int] = {}
        for unit_id, month, value in rows:
            if indicator.measure == Indicator.Measure.FLOW:
                actual[unit_id] = actual.get(unit_id, Decimal(0)) + value
            elif month >= latest.get(unit_id, 0):
                latest[unit_id], actual[unit_id] = month, value
        if sum(actual.values(), Decimal(0)) > 0:
            weights = [actual.get(u, Decimal(0)) for u in units]
    return dict(zip(units, apportion(target.value, weights, indicator.decimals), strict=True))
