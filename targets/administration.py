"""The administrator's writes on the portal's own pages: granting and revoking a role
(Membership) and a policy's reporting calendar (due day, lock day, tolerance, whether it
asks for reports). Each is atomic and writes its AuditEntry in the same transaction.

They live beside the other audited writes (targets.audit) rather than in policies/, which
the audit model may not be imported into (the apps import downward only)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from policies.models import City, Membership, Policy, Unit

from .audit import audit_record, field_changes, snapshot

Role = Membership.Role
CALENDAR_FIELDS = ("due_day", "lock_day", "tolerance", "reporting_active")


class AdministrationError(Exception):
    """A refusal; its message is shown to the administrator as it is."""


@transaction.atomic
def membership_grant(
    *, by, user, role: str, unit: Unit | None = None, policy: Policy | None = None, city: City | None = None
) -> Membership:
    """Give `user` a role with the scope it needs: a reporter a unit, a reviewer a policy,
    an official a city (none: every city), an administrator nothing."""
    if role not in Role.values:
        raise AdministrationError(_("请选择角色。"))
    needs = {Role.REPORTER: ("unit", unit), Role.REVIEWER: ("policy", policy)}
    if role in needs and needs[role][1] is None:
        raise AdministrationError(_("填报员须指定单位。") if role == Role.REPORTER else _("审核员须指定政策文件。"))
    # Only the scope the role reads is kept: a reporter's city would mean nothing.
    scope = {
        Role.REPORTER: {"unit": unit},
        Role.REVIEWER: {"policy": policy},
        Role.OFFICIAL: {"city": city},
        Role.ADMIN: {},
    }[role]
    membership = Membership(user=user, role=role, **scope)
    # Asked, not only constrained: NULLS NOT DISTINCT is PostgreSQL's; SQLite lets a NULL pass.
    same = {"unit": None, "policy": None, "city": None, **scope}
    if Membership.objects.filter(user=user, role=role, **same).exists():
        raise AdministrationError(_("该用户已有这一角色授权。"))
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError:
        raise AdministrationError(_("该用户已有这一角色授权。")) from None
    audit_record(by=by, action="授予角色", obj=membership, changes=field_changes({}, snapshot(membership)))
    return membership


@transaction.atomic
def membership_revoke(*, by, membership: Membership, reason: str = "") -> None:
    audit_record(
        by=by, action="撤销角色", obj=membership, changes=field_changes(snapshot(membership), {}), reason=reason
    )
    membership.delete()


def _day(raw, label: str) -> int:
    try:
        day = int(str(raw).strip())
    except (TypeError, ValueError):
        raise AdministrationError(_("%(label)s须为1—28之间的整数。") % {"label": label}) from None
    if not 1 <= day <= 28:
        raise AdministrationError(_("%(label)s须为1—28之间的整数。") % {"label": label})
    return day


@transaction.atomic
def policy_calendar_update(*, by, policy: Policy, due_day, lock_day, tolerance, reporting_active: bool) -> dict:
    """Change what the policy asks of its units each month. A new due or lock day applies to
    the periods not yet opened: an opened period keeps the days stored with it
    (targets.completeness), so no report turns late after the fact. Returns the changes."""
    due = _day(due_day, _("报送截止日"))
    lock = _day(lock_day, _("锁定日"))
    if lock < due:
        raise AdministrationError(_("锁定日不能早于报送截止日。"))
    try:
        tol = Decimal(str(tolerance).strip())
    except (InvalidOperation, ValueError):
        raise AdministrationError(_("黄灯容差须为0—100之间的数字。")) from None
    if not tol.is_finite() or not 0 <= tol <= 100:
        raise AdministrationError(_("黄灯容差须为0—100之间的数字。"))
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    before = {f: getattr(policy, f) for f in CALENDAR_FIELDS}
    after = {"due_day": due, "lock_day": lock, "tolerance": tol, "reporting_active": bool(reporting_active)}
    changes = field_changes(before, after)
    # 10 and 10.00 are the same tolerance: no row for a change that is not one.
    if "tolerance" in changes and Decimal(changes["tolerance"][0]) == tol:
        del changes["tolerance"]
    if changes:
        for name, value in after.items():
            setattr(policy, name, value)
        policy.save()  # updated_at moves: the dispatch's data cut-off follows the new tolerance
        audit_record(by=by, action="修改报送设置", obj=policy, changes=changes)
    return changes
