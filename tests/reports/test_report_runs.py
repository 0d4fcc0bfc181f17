"""Runs of the dispatch and bulletin: one archive per request, new versions only after
new data, failures kept with their reason, nothing left running forever."""

import datetime as dt

import pytest
from django.urls import reverse

from reports import services
from reports.models import ReportRun
from tests.reports.test_dashboards import approve

pytestmark = pytest.mark.usefixtures("no_queue")


@pytest.fixture
def no_queue(monkeypatch):
    """Runs are executed by calling the service, not through the broker, in these tests."""
    queued = []
    monkeypatch.setattr(services, "_enqueue", queued.append)
    return queued


def data(world, month=9, value="18"):
    approve(
        world.a, world.a.county, month, {world.a.indicator.pk: "60", world.a.flow.pk: value}, world.users["reviewer"]
    )


class TestRunRequest:
    def test_asking_twice_gives_one_run(self, world, django_capture_on_commit_callbacks):
        data(world)
        with django_capture_on_commit_callbacks(execute=True):
            first, created = services.run_request(kind="dispatch", policy=world.a.policy, label="2025-09")
            second, again = services.run_request(kind="dispatch", policy=world.a.policy, label="2025-09")

        assert (created, again) == (True, False)
        assert first == second
        assert ReportRun.objects.count() == 1

    def test_a_rerun_after_new_data_is_a_new_version_and_keeps_the_old(self, world):
        data(world)
        first, _ = services.run_request(kind="dispatch", policy=world.a.policy, label="2025-09")
        services.run_execute(run_id=first.pk)
        unchanged, created = services.run_request(kind="dispatch", policy=world.a.policy, label="2025-09")
        assert (unchanged, created) == (first, False)

        data(world, month=8, value="5")
        second, created = services.run_request(kind="dispatch", policy=world.a.policy, label="2025-09")

        first.refresh_from_db()
        assert created and second.version == 2
        assert first.status == "done" and first.file and len(first.checksum) == 64

    def test_a_month_outside_the_plan_is_refused(self, world):
        with pytest.raises(services.RunRefused, match="计划期"):
            services.run_request(kind="dispatch", policy=world.a.policy, label="2030-01")


class TestRunExecute:
    def test_archives_the_file_with_its_checksum(self, world):
        data(world)
        run, _ = services.run_request(kind="bulletin", policy=world.a.policy, label="2025q3")

        run = services.run_execute(run_id=run.pk)

        assert run.status == "done" and run.progress == 100
        assert run.period_label == "2025Q3"
        assert run.file.name.endswith(".xlsx")

    def test_a_failure_is_kept_with_its_reason(self, world, monkeypatch):
        run, _ = services.run_request(kind="dispatch", policy=world.a.policy, label="2025-09")
        monkeypatch.setattr(services, "build_file", lambda *a: (_ for _ in ()).throw(ValueError("磁盘已满")))

        with pytest.raises(ValueError):
            services.run_execute(run_id=run.pk)

        run.refresh_from_db()
        assert run.status == "failed" and "磁盘已满" in run.error

    def test_a_run_left_running_is_marked_failed_after_the_time_limit(self, world):
        run, _ = services.run_request(kind="dispatch", policy=world.a.policy, label="2025-09")
        ReportRun.objects.filter(pk=run.pk).update(status="running", started_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))

        reaped = services.runs_reap_stale(older_than=dt.timedelta(minutes=30))

        run.refresh_from_db()
        assert reaped == 1 and run.status == "failed" and "中断" in run.error


class TestSchedule:
    @pytest.mark.parametrize(
        ("day", "expected"),
        [
            (dt.date(2025, 10, 10), []),
            (dt.date(2025, 10, 16), [("dispatch", "2025-09"), ("bulletin", "2025Q3")]),
            (dt.date(2025, 11, 16), [("dispatch", "2025-10"), ("bulletin", "2025Q3")]),
        ],
    )
    def test_wants_the_dispatch_after_the_lock_day_and_the_bulletin_after_the_quarter(self, world, day, expected):
        assert services.scheduled_labels(world.a.policy, day) == expected

    def test_running_the_schedule_twice_builds_once(self, world):
        first = services.runs_schedule(on_date=dt.date(2025, 10, 16))
        second = services.runs_schedule(on_date=dt.date(2025, 10, 17))

        assert len(first) == 4  # two policies × (dispatch, bulletin)
        assert second == []


class TestArchivePage:
    def test_the_reviewer_generates_and_follows_the_progress(self, client, world, no_queue):
        client.force_login(world.users["reviewer"])
        url = reverse("reports:run_archive", args=[world.a.policy.code])

        response = client.post(url, {"kind": "bulletin", "quarter": "2025Q3"}, follow=True)

        run = ReportRun.objects.get()
        assert "已开始生成" in response.content.decode()
        progress = client.get(reverse("reports:run_progress", args=[run.pk])).content.decode()
        assert 'hx-trigger="every 1s"' in progress

    def test_a_failed_run_shows_its_reason(self, client, world):
        run, _ = services.run_request(kind="dispatch", policy=world.a.policy, label="2025-09")
        ReportRun.objects.filter(pk=run.pk).update(status="failed", error="生成进程中断")
        client.force_login(world.users["reviewer"])

        html = client.get(reverse("reports:run_progress", args=[run.pk])).content.decode()

        assert "生成失败：生成进程中断" in html
        assert "hx-trigger" not in html

    def test_an_official_cannot_generate(self, client, world):
        client.force_login(world.users["official"])

        response = client.post(
            reverse("reports:run_archive", args=[world.a.policy.code]), {"kind": "dispatch", "month": "2025-09"}
        )

        assert response.status_code == 403
