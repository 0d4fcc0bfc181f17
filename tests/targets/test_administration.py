"""The administrator's writes: a role granted or revoked, a policy's reporting calendar
changed; each refused with a clear message or written with its audit row."""

import datetime as dt
from decimal import Decimal

import pytest

from policies.models import Membership, Policy
from targets import administration
from targets.administration import AdministrationError
from targets.completeness import due_date_of
from targets.models import AuditEntry, PeriodLock
from targets.services import period_open
from tests import factories as f


class TestMembershipGrant:
    def test_gives_a_reporter_their_unit_and_keeps_an_audit_row(self, world):
        user = f.UserFactory()

        m = administration.membership_grant(
            by=world.users["admin"], user=user, role="reporter", unit=world.b.county, city=world.a.city
        )

        assert (m.unit, m.city) == (world.b.county, None)  # a reporter's city would mean nothing
        entry = AuditEntry.objects.get(object_type="policies.Membership", object_id=str(m.pk))
        assert entry.action == "授予角色" and entry.created_by == world.users["admin"]
        assert entry.changes["unit_id"] == [None, str(world.b.county.pk)]

    @pytest.mark.parametrize(("role", "message"), [("reporter", "须指定单位"), ("reviewer", "须指定政策文件")])
    def test_refuses_a_role_without_the_scope_it_needs(self, world, role, message):
        with pytest.raises(AdministrationError, match=message):
            administration.membership_grant(by=world.users["admin"], user=f.UserFactory(), role=role)

        assert not AuditEntry.objects.exists()

    def test_refuses_the_same_role_twice_and_writes_nothing(self, world):
        with pytest.raises(AdministrationError, match="已有这一角色"):
            administration.membership_grant(
                by=world.users["admin"], user=world.users["reporter"], role="reporter", unit=world.a.county
            )

        assert Membership.objects.filter(user=world.users["reporter"]).count() == 1
        assert not AuditEntry.objects.exists()

    def test_an_official_without_a_city_sees_every_city(self, world):
        m = administration.membership_grant(by=world.users["admin"], user=f.UserFactory(), role="official")

        assert m.city is None


class TestMembershipRevoke:
    def test_deletes_the_role_and_keeps_what_it_was(self, world):
        m = Membership.objects.get(user=world.users["reporter"])

        administration.membership_revoke(by=world.users["admin"], membership=m, reason="调岗")

        assert not Membership.objects.filter(pk=m.pk).exists()
        entry = AuditEntry.objects.get(action="撤销角色")
        assert entry.reason == "调岗" and entry.changes["unit_id"] == [str(world.a.county.pk), None]


class TestPolicyCalendarUpdate:
    def test_saves_the_days_and_tolerance_with_an_audit_row(self, world):
        policy = world.a.policy

        changes = administration.policy_calendar_update(
            by=world.users["admin"], policy=policy, due_day="8", lock_day="20", tolerance="7.5", reporting_active=True
        )

        policy.refresh_from_db()
        assert (policy.due_day, policy.lock_day, policy.tolerance) == (8, 20, Decimal("7.5"))
        assert changes == {"due_day": ["5", "8"], "lock_day": ["15", "20"], "tolerance": ["10.00", "7.5"]}
        assert AuditEntry.objects.get(action="修改报送设置").changes == changes

    def test_an_opened_period_keeps_its_due_day(self, world):
        period_open(on_date=dt.date(2025, 10, 1), policies=Policy.objects.filter(pk=world.a.policy.pk))

        administration.policy_calendar_update(
            by=world.users["admin"],
            policy=world.a.policy,
            due_day="9",
            lock_day="20",
            tolerance="10",
            reporting_active=True,
        )

        world.a.policy.refresh_from_db()
        assert PeriodLock.objects.filter(policy=world.a.policy).exists()
        assert due_date_of(world.a.policy, 2025, 9) == dt.date(2025, 10, 5)
        assert due_date_of(world.a.policy, 2025, 10) == dt.date(2025, 11, 9)

    @pytest.mark.parametrize(
        ("due", "lock", "tolerance", "message"),
        [
            ("0", "15", "10", "报送截止日须为1—28"),
            ("五", "15", "10", "报送截止日须为1—28"),
            ("5", "29", "10", "锁定日须为1—28"),
            ("10", "6", "10", "锁定日不能早于报送截止日"),
            ("5", "15", "-1", "黄灯容差须为0—100"),
            ("5", "15", "abc", "黄灯容差须为0—100"),
        ],
    )
    def test_refuses_impossible_values_and_changes_nothing(self, world, due, lock, tolerance, message):
        with pytest.raises(AdministrationError, match=message):
            administration.policy_calendar_update(
                by=world.users["admin"],
                policy=world.a.policy,
                due_day=due,
                lock_day=lock,
                tolerance=tolerance,
                reporting_active=True,
            )

        world.a.policy.refresh_from_db()
        assert (world.a.policy.due_day, world.a.policy.lock_day) == (5, 15)
        assert not AuditEntry.objects.exists()

    def test_the_same_values_write_no_row(self, world):
        changes = administration.policy_calendar_update(
            by=world.users["admin"],
            policy=world.a.policy,
            due_day="5",
            lock_day="15",
            tolerance="10",
            reporting_active=True,
        )

        assert changes == {} and not AuditEntry.objects.exists()
