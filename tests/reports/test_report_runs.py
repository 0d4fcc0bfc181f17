"""Runs of the dispatch and bulletin: one archive per request, new versions only after
new data, failures kept with their reason, nothing left running forever."""

import datetime as dt
import hashlib
import io
import runpy

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from docx import Document

from reports import services, tasks
from reports.models import ReportRun
from targets.models import AuditEntry
from tests import factories as f
from tests.reports.test_dashboards import approve

pytestmark = pytest.mark.usefixtures("no_queue")


@pytest.fixture
def no_queue(monkeypatch):
    """Runs are executed by calling the service, not through the broker, in these tests."""
    return _sent(monkeypatch)


def _sent(monkeypatch):
    """A broker that takes every message: the ids of the runs sent to it."""
    queued = []

    def enqueue(run_id):
        queued.append(run_id)
        ReportRun.objects.filter(pk=run_id).update(sent_at=timezone.now())
        return True

    monkeypatch.setattr(services, "_enqueue", enqueue)
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

    def test_asking_at_the_same_moment_as_another_process_gives_its_run(self, world, monkeypatch):
        # Found by `make drills` (two beats at once on PostgreSQL): with no run yet there is no
        # row to lock, so both requests took version 1 and the second failed on the unique key.
        data(world)
        next_version = services._next_version
        other = []

        def another_process_in_between(runs):
            version = next_version(runs)
            other.append(
                ReportRun.objects.create(
                    kind="dispatch", policy=world.a.policy, period_label="2025-09", version=version
                )
            )
            return version

        monkeypatch.setattr(services, "_next_version", another_process_in_between)

        run, created = services.run_request(kind="dispatch", policy=world.a.policy, label="2025-09")

        assert (run, created) == (other[0], False)
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

    def test_a_bulletin_run_keeps_the_tongbao_and_its_workbook_each_with_its_checksum(self, world, client):
        data(world)
        run, _ = services.run_request(kind="bulletin", policy=world.a.policy, label="2025Q3")

        run = services.run_execute(run_id=run.pk)

        assert run.document.name.endswith(".docx") and run.file.name.endswith(".xlsx")
        with run.file.open("rb") as book, run.document.open("rb") as letter:
            assert run.checksum == hashlib.sha256(book.read()).hexdigest()
            assert run.document_checksum == hashlib.sha256(letter.read()).hexdigest()
        client.force_login(world.users["reviewer"])
        page = client.get(reverse("reports:run_archive", args=[world.a.policy.code])).content.decode()
        download = reverse("reports:run_download", args=[run.pk])
        assert f'href="{download}?file=document"' in page and f'href="{download}"' in page
        response = client.get(download + "?file=document")
        assert response["Content-Disposition"].endswith(".docx")

    def test_issuing_a_bulletin_dates_its_tongbao_with_its_doc_number(self, world):
        data(world)
        run, _ = services.run_request(kind="bulletin", policy=world.a.policy, label="2025Q3")
        run = services.run_execute(run_id=run.pk)
        workbook, draft = run.checksum, run.document_checksum

        run = services.run_issue(
            run=run, by=world.users["reviewer"], doc_number="甲工信〔2025〕3号", issued_on=dt.date(2025, 10, 20)
        )

        with run.document.open("rb") as stored:
            text = [p.text for p in Document(io.BytesIO(stored.read())).paragraphs]
        assert "甲工信〔2025〕3号" in text and "2025年10月20日" in text
        assert run.checksum == workbook and run.document_checksum != draft
        assert AuditEntry.objects.filter(action="印发", object_id=str(run.pk)).exists()

    def test_a_bulletin_is_not_issued_when_its_data_changed_since_the_build(self, world):
        data(world)
        run, _ = services.run_request(kind="bulletin", policy=world.a.policy, label="2025Q3")
        run = services.run_execute(run_id=run.pk)
        data(world, month=8, value="5")

        with pytest.raises(services.RunRefused, match="重新生成"):
            services.run_issue(run=run, by=world.users["reviewer"])

        run.refresh_from_db()
        assert run.issued_at is None

    def test_a_failure_is_kept_with_its_reason(self, world, monkeypatch):
        run, _ = services.run_request(kind="dispatch", policy=world.a.policy, label="2025-09")
        monkeypatch.setattr(services, "build_files", lambda *a, **k: (_ for _ in ()).throw(ValueError("磁盘已满")))

        with pytest.raises(ValueError):
            services.run_execute(run_id=run.pk)

        run.refresh_from_db()
        assert run.status == "failed" and "磁盘已满" in run.error

    def test_a_finished_run_is_not_built_again_by_a_late_message(self, world, monkeypatch):
        data(world)
        run, _ = services.run_request(kind="dispatch", policy=world.a.policy, label="2025-09")
        run = services.run_execute(run_id=run.pk)
        monkeypatch.setattr(services, "build_files", _must_not_build)

        again = services.run_execute(run_id=run.pk)

        assert (again.status, again.file.name, again.attempts) == ("done", run.file.name, 1)


def _must_not_build(*args, **kwargs):
    raise AssertionError("built a run that another build had already claimed or finished")


LONG_AGO = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


class TestWhatTheBrokerLost:
    """Redis restarted without persistence, a worker killed mid-build, a broker down when
    the reviewer asks: each request still ends in exactly one archive."""

    def test_asking_while_the_broker_is_down_keeps_the_request_queued(
        self, world, monkeypatch, django_capture_on_commit_callbacks
    ):
        monkeypatch.undo()  # the real _enqueue, with a broker that refuses connections
        monkeypatch.setattr(tasks.report_run_execute, "delay", _broker_down)

        with django_capture_on_commit_callbacks(execute=True):
            run, created = services.run_request(kind="dispatch", policy=world.a.policy, label="2025-09")

        run.refresh_from_db()
        assert created and (run.status, run.sent_at, run.task_id) == ("queued", None, "")

    def test_the_sweeper_sends_a_run_that_was_never_sent(self, world, monkeypatch):
        run, _ = services.run_request(kind="dispatch", policy=world.a.policy, label="2025-09")
        sent = _sent(monkeypatch)

        assert services.runs_sweep(now=run.requested_at)["sent"] == 0  # just asked: not yet
        outcome = services.runs_sweep(now=run.requested_at + dt.timedelta(minutes=10))

        assert outcome["sent"] == 1 and sent == [run.pk]

    def test_the_sweeper_resends_a_queued_run_whose_message_the_broker_lost(self, world, monkeypatch):
        run, _ = services.run_request(kind="dispatch", policy=world.a.policy, label="2025-09")
        ReportRun.objects.filter(pk=run.pk).update(sent_at=LONG_AGO)
        sent = _sent(monkeypatch)

        services.runs_sweep()

        assert sent == [run.pk]

    def test_a_run_whose_worker_died_is_built_once_more_and_archived_once(self, world, monkeypatch):
        data(world)
        run, _ = services.run_request(kind="dispatch", policy=world.a.policy, label="2025-09")
        ReportRun.objects.filter(pk=run.pk).update(status="running", started_at=LONG_AGO, attempts=1)
        sent = _sent(monkeypatch)

        outcome = services.runs_sweep()
        built = services.run_execute(run_id=run.pk)
        redelivered = services.run_execute(run_id=run.pk)  # the dead worker's own message, back from Redis

        assert outcome["requeued"] == 1 and sent == [run.pk]
        assert (built.status, built.attempts) == ("done", 2)
        assert (redelivered.status, redelivered.file.name) == ("done", built.file.name)
        assert ReportRun.objects.filter(policy=world.a.policy, status="done").count() == 1

    def test_a_second_message_during_a_live_build_builds_nothing(self, world, monkeypatch):
        run, _ = services.run_request(kind="dispatch", policy=world.a.policy, label="2025-09")
        ReportRun.objects.filter(pk=run.pk).update(status="running", started_at=timezone.now(), attempts=1)
        monkeypatch.setattr(services, "build_files", _must_not_build)

        assert services.run_execute(run_id=run.pk).status == "running"
        assert services.runs_sweep()["requeued"] == 0

    def test_a_run_that_keeps_losing_its_worker_fails_with_the_reason(self, world, monkeypatch):
        run, _ = services.run_request(kind="dispatch", policy=world.a.policy, label="2025-09")
        ReportRun.objects.filter(pk=run.pk).update(
            status="running", started_at=LONG_AGO, attempts=services.MAX_ATTEMPTS
        )
        _sent(monkeypatch)

        outcome = services.runs_sweep()

        run.refresh_from_db()
        assert outcome["failed"] == 1 and run.status == "failed" and "中断" in run.error

    def test_a_failed_run_is_not_rebuilt_when_its_message_returns(self, world, monkeypatch):
        run, _ = services.run_request(kind="dispatch", policy=world.a.policy, label="2025-09")
        ReportRun.objects.filter(pk=run.pk).update(status="failed", error="x")
        monkeypatch.setattr(services, "build_files", _must_not_build)

        assert services.run_execute(run_id=run.pk).status == "failed"

    @pytest.mark.django_db(transaction=True)
    def test_the_page_says_the_request_waits_for_the_queue(self, client, world, monkeypatch):
        monkeypatch.undo()
        monkeypatch.setattr(tasks.report_run_execute, "delay", _broker_down)
        client.force_login(world.users["reviewer"])

        response = client.post(
            reverse("reports:run_archive", args=[world.a.policy.code]),
            {"kind": "dispatch", "month": "2025-09"},
            follow=True,
        )

        assert response.status_code == 200
        assert "任务队列暂时不可用" in response.content.decode()
        assert ReportRun.objects.get().status == "queued"

    def test_redis_gives_a_message_back_when_its_run_may_be_claimed_again(self, monkeypatch):
        monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
        base = runpy.run_path(str(settings.BASE_DIR / "portal" / "settings" / "base.py"))

        timeout = base["CELERY_BROKER_TRANSPORT_OPTIONS"]["visibility_timeout"]

        assert timeout == services.stale_after().total_seconds()
        assert timeout > base["CELERY_TASK_TIME_LIMIT"]


def _broker_down(*args, **kwargs):
    raise ConnectionRefusedError(111, "Connection refused")


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
    def test_a_scheduled_run_shows_who_asked_for_it(self, client, world):
        services.run_request(kind="dispatch", policy=world.a.policy, label="2025-09")  # beat: nobody
        client.force_login(world.users["reviewer"])

        page = client.get(reverse("reports:run_archive", args=[world.a.policy.code]))

        assert page.status_code == 200
        assert "定时任务" in page.content.decode()

    def test_the_reviewer_generates_and_follows_the_progress(
        self, client, world, no_queue, django_capture_on_commit_callbacks
    ):
        client.force_login(world.users["reviewer"])
        url = reverse("reports:run_archive", args=[world.a.policy.code])

        with django_capture_on_commit_callbacks(execute=True):
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


class TestBulletinLetter:
    def test_the_reviewer_sets_the_frame_of_the_tongbao_and_the_change_is_audited(self, client, world):
        client.force_login(world.users["reviewer"])

        response = client.post(
            reverse("reports:bulletin_letter", args=[world.a.policy.code]),
            {"bulletin_doc_prefix": " 甲工信 ", "bulletin_addressees": "各县人民政府", "bulletin_commend_top": "on"},
            follow=True,
        )

        world.a.policy.refresh_from_db()
        assert "通报文头已保存" in response.content.decode()
        assert (world.a.policy.bulletin_doc_prefix, world.a.policy.bulletin_commend_top) == ("甲工信", True)
        entry = AuditEntry.objects.get(action="通报文头")
        assert entry.changes["bulletin_doc_prefix"] == ["", "甲工信"]
        letter = services.selectors.letter_of(world.a.policy)
        assert (letter.doc_prefix, letter.addressees, letter.commend_top) == ("甲工信", "各县人民政府", True)

    def test_an_entry_too_long_is_refused_with_a_message_and_nothing_changes(self, client, world):
        client.force_login(world.users["reviewer"])

        response = client.post(
            reverse("reports:bulletin_letter", args=[world.a.policy.code]),
            {"bulletin_doc_prefix": "字" * 40},
            follow=True,
        )

        world.a.policy.refresh_from_db()
        assert "通报文头未保存：通报文号代字" in response.content.decode()
        assert world.a.policy.bulletin_doc_prefix == ""
        assert not AuditEntry.objects.filter(action="通报文头").exists()

    def test_the_addressees_follow_the_kinds_of_the_units_without_the_issuing_bureau(self, world):
        alone = services.selectors.letter_of(world.a.policy)
        world.a.policy.units.add(f.UnitFactory(city=world.a.city, kind="bureau"))

        letter = services.selectors.letter_of(world.a.policy)

        assert alone.addressees == "各县人民政府"
        assert letter.addressees == "各县人民政府，市直有关部门"
        assert letter.issuer == world.a.city.name + world.a.bureau.name.removeprefix(world.a.city.name)
