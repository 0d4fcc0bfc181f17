import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from targets import notifications, services
from targets.models import Notification, PeriodLock
from targets.tasks import email_send as email_send_task
from tests.conftest import ON_DATE


@pytest.fixture
def reporter_email(world):
    world.users["reporter"].email = "qinghe@example.cn"
    world.users["reporter"].save()
    return world.users["reporter"]


class TestPeriods:
    def test_open_and_lock_are_safe_to_run_twice(self, world):
        first = services.period_open(on_date=dt.date(2025, 10, 1))
        second = services.period_open(on_date=dt.date(2025, 10, 1))

        assert {lock.policy for lock in first} == {world.a.policy, world.b.policy}
        assert second == []
        assert services.period_lock_due(on_date=dt.date(2025, 10, 14)) == []
        assert len(services.period_lock_due(on_date=dt.date(2025, 10, 15))) == 2
        assert services.period_lock_due(on_date=dt.date(2025, 10, 16)) == []

    def test_a_plan_that_has_ended_is_not_opened(self, world):
        world.a.policy.end_date = dt.date(2025, 6, 30)
        world.a.policy.save()

        opened = services.period_open(on_date=dt.date(2025, 10, 1))

        assert [lock.policy for lock in opened] == [world.b.policy]

    def test_a_locked_period_refuses_edits_until_an_administrator_unlocks_it(self, world, report_draft):
        services.period_open(on_date=dt.date(2025, 10, 1))
        services.period_lock_due(on_date=dt.date(2025, 10, 15))
        lock = PeriodLock.objects.get(policy=world.a.policy)
        month = {"policy": world.a.policy, "year": lock.period.year, "month": lock.period.month}

        with pytest.raises(services.ReportLocked):
            services.report_save(
                report=report_draft,
                by=world.users["reporter"],
                version=report_draft.version,
                values={world.a.flow.pk: "5"},
                on_date=dt.date(2025, 10, 16),
            )
        with pytest.raises(services.ReportError, match="原因"):
            services.period_unlock(
                **month, unit=world.a.county, by=world.users["admin"], reason="", until_date=dt.date(2025, 10, 20)
            )
        services.period_unlock(
            **month,
            unit=world.a.county,
            by=world.users["admin"],
            reason="补报漏填数据",
            until_date=dt.date(2025, 10, 20),
        )

        result = services.report_save(
            report=report_draft,
            by=world.users["reporter"],
            version=report_draft.version,
            values={world.a.flow.pk: "5"},
            on_date=dt.date(2025, 10, 16),
        )

        assert result.changed == 1
        assert lock.unlocks.get().reason == "补报漏填数据"

    def test_the_calendar_command_runs_every_job_for_a_date(self, world):
        call_command("run_calendar", "--date", "2025-10-01")

        assert PeriodLock.objects.filter(period__year=2025, period__month=9).count() == 2


class TestReminders:
    def test_units_that_have_not_submitted_are_reminded_once_before_and_once_on_the_due_day(
        self, world, reporter_email, django_capture_on_commit_callbacks, celery_eager
    ):
        with django_capture_on_commit_callbacks(execute=True):
            before = notifications.reminders_send(on_date=dt.date(2025, 10, 2))
            again = notifications.reminders_send(on_date=dt.date(2025, 10, 3))
            on_due = notifications.reminders_send(on_date=dt.date(2025, 10, 5))

        assert (before, again, on_due) == (2, 0, 2)  # the county reporters of both cities
        titles = list(Notification.objects.filter(user=reporter_email).values_list("title", flat=True))
        assert titles == ["9月报告今天截止（10月5日），请尽快报送", "9月报告将于10月5日截止"]
        assert [m.to for m in mail.outbox] == [["qinghe@example.cn"]] * 2  # the other reporter has no e-mail

    def test_an_smtp_failure_is_retried_by_the_task_and_the_notice_is_mailed_once(
        self, world, reporter_email, celery_eager, monkeypatch
    ):
        note = Notification.objects.create(user=reporter_email, kind=Notification.Kind.DUE, key="k", title="催报")
        attempts = []

        def flaky(*args, **kwargs):
            attempts.append(args)
            if len(attempts) == 1:
                raise ConnectionRefusedError("smtp down")
            return mail.send_mail(*args, **kwargs)

        monkeypatch.setattr(notifications, "send_mail", flaky)

        assert email_send_task.apply(args=[note.pk]).get() is True
        assert len(attempts) == 2
        note.refresh_from_db()
        assert note.emailed_at is not None
        assert email_send_task.apply(args=[note.pk]).get() is False  # already mailed: not again
        assert len(mail.outbox) == 1

    def test_a_submitted_unit_is_not_reminded(self, world, report_submitted):
        notifications.reminders_send(on_date=dt.date(2025, 10, 5))

        assert not Notification.objects.filter(user=world.users["reporter"]).exists()

    def test_the_reviewer_gets_one_digest_a_day(self, world, report_submitted):
        first = notifications.reviewer_digest_send(on_date=ON_DATE)
        second = notifications.reviewer_digest_send(on_date=ON_DATE)

        assert (first, second) == (1, 0)
        assert Notification.objects.get(user=world.users["reviewer"]).title == "1 份月报等待您审核"

    def test_a_returned_report_notifies_its_reporter(self, world, report_returned, client):
        client.force_login(world.users["reporter"])

        html = client.get(reverse("targets:notifications")).content.decode()

        assert "月报被退回" in html
        assert "请核对专利数据口径" in html


class TestSplit:
    def test_shares_are_saved_and_the_difference_shown(self, world):
        shares = {world.a.bureau.pk: "40", world.a.county.pk: "50"}

        difference = services.assignment_split(indicator=world.a.indicator, shares=shares, by=world.users["reviewer"])

        assert difference == 10
        assert world.a.indicator.assignments.get(unit=world.a.county).allocated_value == 50

    def test_equal_proposal_divides_the_city_target(self, world):
        proposal = services.split_proposal(indicator=world.a.indicator, method="equal", year=2025)

        assert proposal == {world.a.bureau.pk: 50, world.a.county.pk: 50}

    def test_a_negative_share_is_refused(self, world):
        with pytest.raises(services.ReportError, match="不能为负数"):
            services.assignment_split(indicator=world.a.indicator, shares={world.a.county.pk: "-3"}, by=None)

    def test_the_unit_sees_its_share_on_the_entry_page(self, world, period, client):
        services.assignment_split(indicator=world.a.indicator, shares={world.a.county.pk: "30"}, by=None)
        client.force_login(world.users["reporter"])

        response = client.get(
            reverse("targets:report_entry", args=[world.a.policy.code, world.a.county.code, "2025-09"])
        )

        row = next(r for g in response.context["groups"] for r in g.rows if r.indicator == world.a.indicator)
        assert row.share == 30
        assert row.own_target == 30


class TestTimeliness:
    def test_counts_on_time_late_and_missing(self, world, report_submitted, client):
        client.force_login(world.users["reviewer"])

        response = client.get(reverse("targets:timeliness", args=[world.a.policy.code]) + "?year=2025")

        rows = {r.unit: r for r in response.context["rows"]}
        assert rows[world.a.county].marks[9] == "on_time"
        assert rows[world.a.bureau].marks[9] == "missing"
        assert rows[world.a.county].rate(range(7, 10)) == pytest.approx(1 / 3)

    def test_downloads_as_excel(self, world, client):
        client.force_login(world.users["reviewer"])

        response = client.get(reverse("targets:timeliness", args=[world.a.policy.code]) + "?year=2025&_export=xlsx")

        assert response["Content-Type"].startswith("application/vnd.openxmlformats")


class TestApportion:
    def test_whole_things_are_split_into_whole_numbers_that_add_up(self):
        shares = services.apportion(Decimal(10), [Decimal(1)] * 7, 0)

        assert shares == [2, 2, 2, 1, 1, 1, 1]
        assert sum(shares) == 10

    def test_one_firm_goes_to_one_unit(self):
        assert services.apportion(Decimal(1), [Decimal(1)] * 3, 0) == [1, 0, 0]

    def test_amounts_keep_two_decimals_and_follow_the_weights(self):
        shares = services.apportion(Decimal("100"), [Decimal(1), Decimal(2)], 2)

        assert shares == [Decimal("33.33"), Decimal("66.67")]

    def test_no_history_means_equal_weights(self):
        assert services.apportion(Decimal(6), [Decimal(0), Decimal(0)], 0) == [3, 3]
