"""The entry page as a clerk meets it: a locked or approved month is read-only from the start,
a refused save writes nothing, and a save after a colleague's merges field by field."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from targets import services
from targets.models import MonthlyReport, ReportValue
from targets.services import period_close, report_approve, report_save
from tests.conftest import ON_DATE

pytestmark = pytest.mark.django_db


def entry_url(side, month="2025-09"):
    return reverse("targets:report_entry", args=[side.policy.code, side.county.code, month])


def loaded_form(response) -> dict:
    """Every field of the entry form as the page was loaded (what a browser would post)."""
    import re

    html = response.content.decode()
    data = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or 'type="radio"' in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = value.group(1) if value else ""
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[name] = text
    return data


class TestLockedMonth:
    @pytest.fixture
    def locked(self, world, period):
        return period_close(policy=world.a.policy, year=2025, month=9, by=world.users["reviewer"])

    def test_a_unit_with_no_report_sees_the_month_read_only_before_typing(self, client, world, locked):
        client.force_login(world.users["reporter"])

        html = client.get(entry_url(world.a)).content.decode()

        assert f'name="v-{world.a.flow.pk}"' not in html  # no inputs at all
        assert "<textarea" not in html
        assert "保存草稿" not in html
        assert "只读" in html and "联系系统管理员为本单位解锁" in html
        assert "提前关闭了本报告期" in html  # who closed it: the reviewer

    def test_a_refused_save_writes_nothing_not_even_an_empty_draft(self, client, world, locked):
        client.force_login(world.users["reporter"])

        response = client.post(
            entry_url(world.a), {"version": 0, f"v-{world.a.flow.pk}": "4", "action": "submit"}, follow=True
        )

        assert "该报告期已锁定" in response.content.decode()
        assert not MonthlyReport.objects.filter(unit=world.a.county).exists()
        assert not ReportValue.objects.exists()

    def test_an_unlocked_unit_may_type_again(self, client, world, locked):
        services.period_unlock(
            policy=world.a.policy,
            year=2025,
            month=9,
            unit=world.a.county,
            by=world.users["admin"],
            reason="补报",
            until_date=timezone.localdate() + dt.timedelta(days=3),
        )
        client.force_login(world.users["reporter"])

        assert f'name="v-{world.a.flow.pk}"' in client.get(entry_url(world.a)).content.decode()


class TestApprovedReport:
    def test_opens_read_only_with_the_figures_and_who_can_reopen_it(self, client, world, report_submitted):
        report_approve(report=report_submitted, by=world.users["reviewer"])
        client.force_login(world.users["reporter"])

        html = client.get(entry_url(world.a)).content.decode()

        assert f'name="v-{world.a.flow.pk}"' not in html
        assert f'<div class="text-end fw-semibold entry-value" id="v-{world.a.flow.pk}">2</div>' in html
        assert "审核通过，不能修改" in html and "退回更正" in html


class TestFirstSave:
    def test_the_first_save_is_version_one(self, client, world, period):
        client.force_login(world.users["reporter"])
        form = loaded_form(client.get(entry_url(world.a)))

        client.post(entry_url(world.a), {**form, f"v-{world.a.flow.pk}": "3", "action": "save"})

        html = client.get(entry_url(world.a)).content.decode()
        assert "第 1 版" in html

    def test_a_negative_figure_is_called_negative_not_an_invalid_number(self, client, world, period):
        client.force_login(world.users["reporter"])
        form = loaded_form(client.get(entry_url(world.a)))

        response = client.post(
            entry_url(world.a), {**form, f"v-{world.a.flow.pk}": "-3", "action": "save"}, follow=True
        )

        html = response.content.decode()
        assert "不能为负数" in html
        assert "不是有效数字" not in html


class TestFieldMerge:
    """Two people open the same draft; each save writes only what that person changed."""

    @pytest.fixture
    def opened(self, client, world, report_draft):
        client.force_login(world.users["reporter"])
        return loaded_form(client.get(entry_url(world.a)))

    def colleague_saves(self, world, report, **values):
        report.refresh_from_db()
        return report_save(
            report=report, by=world.users["admin"], version=report.version, values=values, on_date=ON_DATE
        )

    def test_a_colleagues_untouched_figure_is_kept(self, client, world, report_draft, opened):
        self.colleague_saves(world, report_draft, **{str(world.a.indicator.pk): "75"})

        client.post(entry_url(world.a), {**opened, f"v-{world.a.flow.pk}": "5", "action": "save"})

        figures = dict(report_draft.values.values_list("indicator_id", "value"))
        assert figures[world.a.flow.pk] == 5  # mine
        assert figures[world.a.indicator.pk] == 75  # the colleague's, not my stale 60

    def test_a_field_both_changed_is_shown_side_by_side_and_nothing_is_written(
        self, client, world, report_draft, opened
    ):
        self.colleague_saves(world, report_draft, **{str(world.a.flow.pk): "7"})

        response = client.post(
            entry_url(world.a),
            {**opened, f"v-{world.a.flow.pk}": "9", f"v-{world.a.indicator.pk}": "61", "action": "save"},
        )

        html = response.content.decode()
        assert response.status_code == 200
        assert 'id="conflicts"' in html
        assert f'name="keep-v-{world.a.flow.pk}" value="mine"' in html
        assert ">9</span>" in html and ">7</span>" in html  # both values
        figures = dict(report_draft.values.values_list("indicator_id", "value"))
        assert figures == {world.a.flow.pk: 7, world.a.indicator.pk: 60}  # nothing of mine written yet

    @pytest.mark.parametrize(("keep", "expected"), [("mine", 9), ("theirs", 7)])
    def test_the_choice_on_a_conflict_is_saved_with_the_other_changes(
        self, client, world, report_draft, opened, keep, expected
    ):
        self.colleague_saves(world, report_draft, **{str(world.a.flow.pk): "7"})
        shown = client.post(
            entry_url(world.a),
            {**opened, f"v-{world.a.flow.pk}": "9", f"v-{world.a.indicator.pk}": "61", "action": "save"},
        )

        client.post(entry_url(world.a), {**loaded_form(shown), f"keep-v-{world.a.flow.pk}": keep, "action": "save"})

        figures = dict(report_draft.values.values_list("indicator_id", "value"))
        assert figures == {world.a.flow.pk: expected, world.a.indicator.pk: 61}

    def test_an_excel_upload_on_an_older_preview_keeps_a_colleagues_figure(self, world, report_draft):
        report_draft.refresh_from_db()
        item = {
            "unit": world.a.county.code,
            "version": report_draft.version,
            "values": {str(world.a.flow.pk): "5", str(world.a.indicator.pk): "60"},
            "notes": {},
            "texts": {},
            "loaded": {"values": {str(world.a.flow.pk): "2", str(world.a.indicator.pk): "60"}, "notes": {}},
        }
        self.colleague_saves(world, report_draft, **{str(world.a.indicator.pk): "75"})

        services.excel_upload_apply(
            policy=world.a.policy,
            period=report_draft.period,
            by=world.users["reporter"],
            units={world.a.county.code: world.a.county},
            items=[item],
        )

        figures = dict(report_draft.values.values_list("indicator_id", "value"))
        assert figures == {world.a.flow.pk: 5, world.a.indicator.pk: 75}


class TestExcelTemplate:
    def test_shows_the_units_share_beside_the_citys_target(self, client, world, period):
        import io

        from openpyxl import load_workbook

        from targets.models import Assignment

        Assignment.objects.filter(indicator=world.a.flow, unit=world.a.county).update(allocated_value=12)
        client.force_login(world.users["reporter"])

        response = client.get(
            reverse("targets:excel_template", args=[world.a.policy.code, world.a.county.code, "2025-09"])
        )

        book = load_workbook(io.BytesIO(response.content))
        sheet = book[book.sheetnames[1]]
        targets = [sheet.cell(r, 6).value or "" for r in range(7, 12)]
        assert any("20" in t and "本单位分解：12件" in t for t in targets), targets


def test_an_amount_is_thousands_separated_and_half_up():
    from policies.templatetags.figures import amount

    assert amount(12345.675) == "12,345.68"
    assert amount(1800) == "1,800"
    assert amount(None) == "—"
