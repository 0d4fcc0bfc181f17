"""Changes of shares, targets and locks leave a row saying who changed what from what,
whether made on the portal's pages or in the admin; a lock cannot be cleared in the admin."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from targets import services
from targets.admin import TargetAdmin
from targets.models import AuditEntry, PeriodLock, Target


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
