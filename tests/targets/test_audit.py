"""Changes of shares, targets and locks leave a row saying who changed what from what,
whether made on the portal's pages or in the admin; a lock cannot be cleared in the admin."""

import datetime as dt

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from targets import services
from targets.admin import TargetAdmin
from targets.models import AuditEntry, MonthlyReport, PeriodLock, Target


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.cn", "x-very-long-pass-1")


def test_splitting_a_target_records_each_share_changed(world):
    county = world.a.flow.assignments.get(unit=world.a.county)

    services.assignment_split(indicator=world.a.flow, shares={county.unit_id: "12"}, by=world.users["reviewer"])
    services.assignment_split(indicator=world.a.flow, shares={county.unit_id: "12"}, by=world.users["reviewer"])

    entry = AuditEntry.objects.get()  # the second call changed nothing
    assert entry.created_by == world.users["reviewer"]
    assert entry.object_type == "targets.Assignment" and entry.object_id == str(county.pk)
    assert entry.changes["allocated_value"][1] == "12"


def test_a_target_changed_in_the_admin_records_before_and_after(world, superuser):
    target = Target.objects.filter(indicator=world.a.flow).first()
    old = str(target.value)
    request = RequestFactory().post("/admin/")
    request.user = superuser
    target.value = target.value + 7

    TargetAdmin(Target, admin.site).save_model(request, target, form=None, change=True)

    entry = AuditEntry.objects.get()
    assert entry.created_by == superuser and entry.action == "后台修改"
    assert entry.changes == {"value": [old, str(target.value)]}


def test_a_target_deleted_in_the_admin_is_recorded(world, superuser):
    target = Target.objects.filter(indicator=world.a.flow).first()
    request = RequestFactory().post("/admin/")
    request.user = superuser

    TargetAdmin(Target, admin.site).delete_model(request, target)

    entry = AuditEntry.objects.get()
    assert entry.action == "后台删除" and entry.changes["value"][0] == str(target.value)


def test_a_period_lock_cannot_be_cleared_in_the_admin(client, world, superuser):
    lock = services.period_close(policy=world.a.policy, year=2025, month=9, by=world.users["reviewer"])
    client.force_login(superuser)
    url = reverse("admin:targets_periodlock_change", args=[lock.pk])

    page = client.get(url)
    response = client.post(url, {"locked_at": "", "locked_by": ""})

    assert page.status_code == 200  # it can be read
    assert response.status_code == 403
    assert PeriodLock.objects.get(pk=lock.pk).locked_at is not None


def test_a_share_changed_through_the_admin_form_is_recorded(client, world, superuser):
    assignment = world.a.flow.assignments.get(unit=world.a.county)
    client.force_login(superuser)
    url = reverse("admin:targets_assignment_change", args=[assignment.pk])

    response = client.post(
        url, {"indicator": world.a.flow.pk, "unit": world.a.county.pk, "allocated_value": "13", "is_override": ""}
    )

    assert response.status_code == 302
    entry = AuditEntry.objects.get()
    assert entry.created_by == superuser and entry.action == "后台修改"
    assert entry.object_type == "targets.Assignment" and entry.changes["allocated_value"][1] == "13"


def test_a_report_cannot_be_changed_or_deleted_in_the_admin(client, world, superuser, report_draft):
    client.force_login(superuser)
    change = reverse("admin:targets_monthlyreport_change", args=[report_draft.pk])
    delete = reverse("admin:targets_monthlyreport_delete", args=[report_draft.pk])

    assert client.post(change, {"state": "approved"}).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert MonthlyReport.objects.filter(pk=report_draft.pk, state=report_draft.state).exists()


def test_closing_a_period_early_records_who_closed_it(world):
    lock = services.period_close(policy=world.a.policy, year=2025, month=9, by=world.users["reviewer"])
    services.period_close(policy=world.a.policy, year=2025, month=9, by=world.users["reviewer"])

    entry = AuditEntry.objects.get(action="提前关闭报告期")  # the second close changed nothing
    assert entry.created_by == world.users["reviewer"]
    assert entry.object_type == "targets.PeriodLock" and entry.object_id == str(lock.pk)
    assert entry.changes["locked_at"][0] is None


def test_the_lock_day_job_records_each_lock_it_sets(world):
    services.period_open(on_date=dt.date(2025, 10, 1))
    services.period_lock_due(on_date=dt.date(2025, 12, 31))
    services.period_lock_due(on_date=dt.date(2025, 12, 31))

    opened = AuditEntry.objects.filter(action="开放报告期")
    locked = AuditEntry.objects.filter(action="到期锁定")
    assert opened.count() == PeriodLock.objects.count() >= 1
    assert locked.count() == PeriodLock.objects.filter(locked_at__isnull=False).count() == opened.count()
    assert all(e.created_by is None for e in locked)


def test_unlocking_a_unit_records_the_reason(world):
    services.period_close(policy=world.a.policy, year=2025, month=9, by=world.users["reviewer"])

    services.period_unlock(
        policy=world.a.policy,
        year=2025,
        month=9,
        unit=world.a.county,
        by=world.users["reviewer"],
        reason="补报遗漏的专利数据",
        until_date=dt.date(2025, 10, 20),
    )

    entry = AuditEntry.objects.get(action="单位解锁")
    assert entry.reason == "补报遗漏的专利数据" and entry.created_by == world.users["reviewer"]
    assert entry.changes == {"unlocked_unit": [None, world.a.county.code], "until_date": [None, "2025-10-20"]}
