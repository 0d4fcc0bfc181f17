"""Filing a month and judging it by API: the web form's services, validation, messages and
history; a write names the version it was made from, and a stale one changes nothing."""

import pytest
from django.urls import reverse

from targets.models import MonthlyReport, ReportEvent, ReportValue
from tests.api.test_api_matrix import filled, month_kwargs, submitted

MONTH = "2025-09"


def entry_url(side, unit=None):
    return reverse("api:month_entry", kwargs={**month_kwargs(side), **({"unit": unit.code} if unit else {})})


def snapshot():
    """Everything a write could touch, to compare before and after a refusal."""
    return (
        list(MonthlyReport.objects.order_by("pk").values()),
        list(ReportValue.objects.order_by("pk").values()),
        ReportEvent.objects.count(),
    )


class TestAClerksToken:
    def test_files_its_own_units_month_and_submits_it(self, api_client, api_world):
        w, clerk = api_world, api_client("reporter")

        saved = clerk.put(
            entry_url(w.a),
            {"values": {w.a.flow.code: "3", w.a.indicator.code: "60"}, "progress_text": "新认定高企2家"},
            format="json",
            HTTP_IF_MATCH='"0"',
        )
        sent = clerk.post(entry_url(w.a) + "submit/", format="json", HTTP_IF_MATCH=saved["ETag"])

        assert saved.status_code == 200 and sent.status_code == 200
        report = MonthlyReport.objects.get(policy=w.a.policy, unit=w.a.county)
        assert report.state == MonthlyReport.State.SUBMITTED
        assert report.submitted_by == w.users["reporter"]
        assert report.progress_text == "新认定高企2家"
        assert {v.indicator.code: v.value for v in report.values.all()} == {w.a.flow.code: 3, w.a.indicator.code: 60}
        assert sent.json()["report"]["state"] == "submitted"
        assert sent["ETag"] == f'"{report.version}"'

    def test_every_change_is_in_the_reports_history_by_the_token_owner(self, api_client, api_world):
        w = api_world

        api_client("reporter").put(entry_url(w.a), {"version": 0, "values": {w.a.flow.code: "3"}}, format="json")

        event = ReportEvent.objects.get(report__unit=w.a.county, kind=ReportEvent.Kind.VALUE)
        assert (event.field, event.old, event.new, event.created_by, event.get_source_display()) == (
            w.a.flow.name,
            "",
            "3",
            w.users["reporter"],
            "数据接口",
        )

    @pytest.mark.parametrize("where", ["bureau of its own city", "county of another city"])
    def test_cannot_file_another_units_month(self, api_client, api_world, where):
        w = api_world
        url = entry_url(w.a, w.a.bureau) if where.startswith("bureau") else entry_url(w.b)
        before = snapshot()

        response = api_client("reporter").put(url, {"version": 0, "values": {w.a.flow.code: "3"}}, format="json")

        assert response.status_code == 404
        assert snapshot() == before

    def test_cannot_judge_its_own_report_nor_read_the_dashboards_numbers(self, api_client, api_world):
        w, clerk = api_world, api_client("reporter")
        report = submitted(w.a, w.users["reporter"])

        approve = clerk.post(reverse("api:report_approve", args=[report.pk]), format="json")
        evaluation = clerk.get(reverse("api:policy_evaluation", args=[w.a.policy.code]))

        assert approve.status_code == 403
        assert approve.json()["detail"] == "只有该政策文件的审核员可以审核"
        assert evaluation.status_code == 404
        report.refresh_from_db()
        assert report.state == MonthlyReport.State.SUBMITTED


class TestAReviewersToken:
    def test_approves_within_its_city(self, api_client, api_world):
        w = api_world
        report = submitted(w.a, w.users["reporter"])

        response = api_client("reviewer").post(
            reverse("api:report_approve", args=[report.pk]), format="json", HTTP_IF_MATCH=f'"{report.version}"'
        )

        assert response.status_code == 200
        report.refresh_from_db()
        assert (report.state, report.reviewed_by) == (MonthlyReport.State.APPROVED, w.users["reviewer"])
        judged = report.events.filter(kind=ReportEvent.Kind.STATE).latest("id")
        assert (judged.new, judged.created_by, judged.source) == ("已审核", w.users["reviewer"], "api")

    def test_cannot_approve_in_another_city(self, api_client, api_world):
        w = api_world
        report = submitted(w.b, w.users["other_reporter"])
        before = snapshot()

        response = api_client("reviewer").post(reverse("api:report_approve", args=[report.pk]), format="json")

        assert response.status_code == 404
        assert snapshot() == before

    def test_of_the_other_city_approves_only_there(self, api_client, api_world):
        w, other = api_world, api_client("other_reviewer")
        ours, theirs = submitted(w.a, w.users["reporter"]), submitted(w.b, w.users["other_reporter"])

        refused = other.post(reverse("api:report_approve", args=[ours.pk]), format="json")
        approved = other.post(reverse("api:report_approve", args=[theirs.pk]), format="json")

        assert (refused.status_code, approved.status_code) == (404, 200)

    def test_returns_with_the_reason_the_reporter_sees(self, api_client, api_world):
        report = submitted(api_world.a, api_world.users["reporter"])

        response = api_client("reviewer").post(
            reverse("api:report_return", args=[report.pk]), {"reason": "请核对专利口径"}, format="json"
        )

        assert response.status_code == 200
        assert response.json()["return_reason"] == "请核对专利口径"
        assert response.json()["state"] == "returned"

    def test_a_return_without_reason_is_refused_with_the_web_forms_message(self, api_client, api_world):
        report = submitted(api_world.a, api_world.users["reporter"])

        response = api_client("reviewer").post(
            reverse("api:report_return", args=[report.pk]), {"reason": "  "}, format="json"
        )

        assert response.status_code == 400
        assert response.json()["detail"] == "退回必须写明原因，填报员会看到它。"

    def test_cannot_approve_a_draft(self, api_client, api_world):
        report = filled(api_world.a, api_world.users["reporter"])

        response = api_client("reviewer").post(reverse("api:report_approve", args=[report.pk]), format="json")

        assert response.status_code == 409
        assert response.json()["detail"] == "月报当前为“草稿”，不能变为“已审核”。"


class TestAStaleWrite:
    @pytest.fixture
    def saved(self, api_client, api_world):
        """The clerk's draft at version 2, and a colleague's save on top of it (version 3)."""
        w, clerk = api_world, api_client("reporter")
        first = clerk.put(entry_url(w.a), {"version": 0, "values": {w.a.flow.code: "3"}}, format="json")
        clerk.put(entry_url(w.a), {"version": first.json()["version"], "values": {w.a.flow.code: "4"}}, format="json")
        return first.json()["version"]

    def test_by_if_match_is_412_and_changes_nothing(self, api_client, api_world, saved):
        w = api_world
        before = snapshot()

        response = api_client("reporter").put(
            entry_url(w.a), {"values": {w.a.flow.code: "9"}}, format="json", HTTP_IF_MATCH=f'"{saved}"'
        )

        assert response.status_code == 412
        assert snapshot() == before
        body = response.json()
        assert body["current_version"] == saved + 1
        assert [(c["field"], c["old"], c["new"]) for c in body["changes"]] == [(w.a.flow.name, "3", "4")]
        assert "此月报已被" in body["detail"]

    def test_by_version_field_is_409_and_changes_nothing(self, api_client, api_world, saved):
        w = api_world
        before = snapshot()

        response = api_client("reporter").put(
            entry_url(w.a), {"version": saved, "values": {w.a.flow.code: "9"}}, format="json"
        )

        assert response.status_code == 409
        assert snapshot() == before

    def test_submit_is_refused_too(self, api_client, api_world, saved):
        before = snapshot()

        response = api_client("reporter").post(entry_url(api_world.a) + "submit/", {"version": saved}, format="json")

        assert response.status_code == 409
        assert snapshot() == before

    def test_approval_on_an_older_version_is_412(self, api_client, api_world):
        report = submitted(api_world.a, api_world.users["reporter"])
        before = snapshot()

        response = api_client("reviewer").post(
            reverse("api:report_approve", args=[report.pk]), format="json", HTTP_IF_MATCH=f'"{report.version - 1}"'
        )

        assert response.status_code == 412
        assert snapshot() == before

    def test_a_write_without_any_version_is_428_and_changes_nothing(self, api_client, api_world):
        before = snapshot()

        response = api_client("reporter").put(
            entry_url(api_world.a), {"values": {api_world.a.flow.code: "9"}}, format="json"
        )

        assert response.status_code == 428
        assert snapshot() == before


class TestValidation:
    def test_a_figure_that_is_not_a_number_is_kept_as_typed_with_the_forms_message(self, api_client, api_world):
        w = api_world

        response = api_client("reporter").put(
            entry_url(w.a), {"version": 0, "values": {w.a.flow.code: "三"}}, format="json"
        )

        assert response.status_code == 200
        assert response.json()["errors"] == {w.a.flow.code: ["“三”不是数字，请只填写数字（可带小数点）"]}
        assert ReportValue.objects.get(indicator=w.a.flow).raw_text == "三"

    def test_submitting_an_incomplete_month_lists_what_is_missing_and_changes_nothing(self, api_client, api_world):
        w, clerk = api_world, api_client("reporter")
        version = clerk.put(entry_url(w.a), {"version": 0, "values": {w.a.flow.code: "3"}}, format="json")["ETag"]
        before = snapshot()

        response = clerk.post(entry_url(w.a) + "submit/", format="json", HTTP_IF_MATCH=version)

        assert response.status_code == 400
        assert response.json()["errors"] == {w.a.indicator.code: ["请填写本月数据（没有发生请填 0）"]}
        assert snapshot() == before

    def test_an_indicator_the_unit_does_not_report_is_refused(self, api_client, api_world):
        w = api_world
        before = snapshot()

        response = api_client("reporter").put(
            entry_url(w.a), {"version": 0, "values": {w.b.flow.code: "3"}}, format="json"
        )

        assert response.status_code == 400
        assert response.json()["detail"] == f"以下指标不属于本单位的填报范围：{w.b.flow.code}"
        assert snapshot() == before

    def test_a_malformed_body_gets_a_chinese_message(self, api_client, api_world):
        response = api_client("reporter").put(entry_url(api_world.a), {"version": "x"}, format="json")

        assert response.status_code == 400
        assert response.json() == {
            "detail": "提交的数据有误，请按提示修改。",
            "errors": {"version": ["请填写合法的整数值。"]},
        }

    def test_a_note_alone_keeps_the_saved_figure(self, api_client, api_world):
        w, clerk = api_world, api_client("reporter")
        version = clerk.put(entry_url(w.a), {"version": 0, "values": {w.a.flow.code: "3"}}, format="json")["ETag"]

        clerk.put(entry_url(w.a), {"notes": {w.a.flow.code: "含2件PCT"}}, format="json", HTTP_IF_MATCH=version)

        row = ReportValue.objects.get(indicator=w.a.flow)
        assert (row.value, row.note) == (3, "含2件PCT")


class TestTheBrowserSession:
    def test_keeps_csrf_for_writes(self, api_world):
        from rest_framework.test import APIClient

        client = APIClient(enforce_csrf_checks=True)
        client.force_login(api_world.users["reporter"])

        read = client.get(entry_url(api_world.a))
        write = client.put(entry_url(api_world.a), {"version": 0, "values": {}}, format="json")

        assert read.status_code == 200
        assert write.status_code == 403
        assert "CSRF" in write.json()["detail"]
