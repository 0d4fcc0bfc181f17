"""The Excel round trip: a unit's pre-filled template, upload, preview, confirm; and the
set of bad files, each refused with a clear message while nothing changes."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from policies.models import Membership
from targets.excel.workbook import META_SHEET, VALUE_COL
from targets.models import ReportEvent, ReportValue
from tests import factories as f

MONTH = "2025-09"


def _urls(side):
    kwargs = {"policy": side.policy.code, "unit": side.county.code, "month": MONTH}
    return reverse("targets:excel_template", kwargs=kwargs), reverse("targets:excel_upload", kwargs=kwargs)


@pytest.fixture
def reporter(client, world, period):
    client.force_login(world.users["reporter"])
    return client


@pytest.fixture
def template(reporter, world):
    download, _ = _urls(world.a)
    response = reporter.get(download)
    assert response.status_code == 200
    return response.content


def _fill(data: bytes, values: list) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    ws = wb[wb.sheetnames[1]]
    for i, value in enumerate(values):
        ws.cell(7 + i, VALUE_COL).value = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _upload(client, url, data: bytes, name="月报.xlsx"):
    return client.post(url, {"file": SimpleUploadedFile(name, data)})


class TestTemplate:
    def test_is_prefilled_locked_and_carries_its_identity(self, template, world):
        wb = load_workbook(io.BytesIO(template))
        meta = wb[META_SHEET]
        ws = wb[world.a.county.name]

        assert meta.sheet_state == "veryHidden"
        assert [c.value for c in meta[2]][2:5] == [world.a.policy.code, world.a.county.code, MONTH]
        assert ws.protection.sheet is True
        assert ws.cell(7, VALUE_COL).protection.locked is False
        assert ws.cell(7, 3).protection.locked is True
        assert {ws.cell(7, 3).value, ws.cell(8, 3).value} == {world.a.indicator.name, world.a.flow.name}
        assert ws.data_validations.dataValidation[0].type == "decimal"


class TestUpload:
    def test_preview_shows_each_change_and_saves_only_when_confirmed(self, reporter, world, template):
        _, upload = _urls(world.a)

        response = _upload(reporter, upload, _fill(template, [70, 3]))

        assert response.status_code == 200
        assert [(c.old, c.new) for c in response.context["plan"][0]["changes"]] == [("", "70"), ("", "3")]
        assert not ReportValue.objects.exists()

        response = reporter.post(upload, {"action": "confirm"})

        assert response.status_code == 302
        saved = dict(ReportValue.objects.values_list("indicator_id", "value"))
        assert saved == {world.a.indicator.pk: 70, world.a.flow.pk: 3}
        assert ReportEvent.objects.filter(source="excel").count() == 2

    def test_text_in_a_number_cell_is_shown_by_cell_and_blocks_saving(self, reporter, world, template):
        _, upload = _urls(world.a)

        response = _upload(reporter, upload, _fill(template, ["七十", 3]))

        change = response.context["plan"][0]["changes"][0]
        assert change.cell == "H7"
        assert "不是数字" in change.errors[0]
        assert response.context["blocking"] is True
        assert "确认保存" not in response.content.decode()

    def test_a_formula_is_taken_by_its_value_or_refused_without_one(self, reporter, world, template):
        _, upload = _urls(world.a)

        response = _upload(reporter, upload, _fill(template, ["=10*7", 3]))

        change = response.context["plan"][0]["changes"][0]
        assert "公式" in change.errors[0]


def _csv_renamed() -> bytes:
    return "指标,本月\n高新技术企业,70\n".encode("gb18030")


def _xlsm() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<Types><Override ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/></Types>',
        )
        z.writestr("xl/vbaProject.bin", b"\x00macro")
    return out.getvalue()


def _foreign_workbook() -> bytes:
    wb = Workbook()
    wb.active["A1"] = "某县统计表"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _tampered(template: bytes, unit_code: str) -> bytes:
    wb = load_workbook(io.BytesIO(template))
    wb[META_SHEET]["D2"] = unit_code
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


BAD_FILES = {
    "empty": (lambda t, w: b"", "月报.xlsx", "文件是空的"),
    "damaged": (lambda t, w: t[: len(t) // 2], "月报.xlsx", "损坏"),
    "csv renamed": (lambda t, w: _csv_renamed(), "月报.xlsx", "不是有效的 Excel"),
    "csv": (lambda t, w: _csv_renamed(), "月报.csv", "不接受CSV"),
    "xlsm": (lambda t, w: _xlsm(), "月报.xlsx", "含有宏"),
    "xlsm by name": (lambda t, w: t, "月报.xlsm", "含宏"),
    "foreign workbook": (lambda t, w: _foreign_workbook(), "月报.xlsx", "不是本平台下载的填报模板"),
    "identity tampered": (lambda t, w: _tampered(t, w.a.bureau.code), "月报.xlsx", "被改动"),
    "too large": (lambda t, w: b"PK\x03\x04" + b"0" * (5 * 1024 * 1024 + 10), "月报.xlsx", "超过 5 MB"),
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_a_bad_file_gets_a_clear_message_and_changes_nothing(reporter, world, template, kind):
    make, name, message = BAD_FILES[kind]
    _, upload = _urls(world.a)

    response = _upload(reporter, upload, make(template, world), name=name)

    assert response.status_code == 200
    assert message in response.context["rejected"]
    assert "没有保存任何内容" in response.content.decode()
    assert not ReportValue.objects.exists()
    assert "excel_upload" not in reporter.session


def test_another_units_template_is_refused(client, world, period):
    other = f.UserFactory(username="both")
    f.grant(other, "reporter", unit=world.a.county)
    f.grant(other, "reporter", unit=world.a.bureau)
    client.force_login(other)
    bureau_template = client.get(
        reverse(
            "targets:excel_template",
            kwargs={"policy": world.a.policy.code, "unit": world.a.bureau.code, "month": MONTH},
        )
    ).content
    _, county_upload = _urls(world.a)

    response = _upload(client, county_upload, bureau_template)

    assert "属于其他单位" in response.context["rejected"]
    assert not ReportValue.objects.exists()


def test_another_periods_template_is_refused(reporter, world, template):
    f.PeriodFactory(year=2025, month=8)
    upload = reverse(
        "targets:excel_upload", kwargs={"policy": world.a.policy.code, "unit": world.a.county.code, "month": "2025-08"}
    )

    response = _upload(reporter, upload, template)

    assert "2025-09的模板" in response.context["rejected"]


def test_the_reviewer_workbook_has_a_sheet_per_unit_and_round_trips(client, world, period):
    client.force_login(world.users["reviewer"])
    kwargs = {"policy": world.a.policy.code, "month": MONTH}
    data = client.get(reverse("targets:policy_excel", kwargs=kwargs)).content
    wb = load_workbook(io.BytesIO(data))
    assert set(wb.sheetnames) == {META_SHEET, world.a.bureau.name, world.a.county.name}
    for name in (world.a.bureau.name, world.a.county.name):
        wb[name].cell(7, VALUE_COL).value = 5
    out = io.BytesIO()
    wb.save(out)
    upload = reverse("targets:policy_upload", kwargs=kwargs)

    response = _upload(client, upload, out.getvalue())
    assert len(response.context["plan"]) == 2
    client.post(upload, {"action": "confirm"})

    assert ReportValue.objects.filter(value=5).count() == 2


class TestAColleaguesSaveInBetween:
    """Issue 17 item 1: an Excel preview, a colleague's save on the web, then the confirm."""

    def _colleague_saves(self, world, value):
        colleague = f.UserFactory()
        f.grant(colleague, Membership.Role.REPORTER, unit=world.a.county)
        client = Client()  # a browser of their own: the reporter's pending upload stays in theirs
        client.force_login(colleague)
        entry = reverse(
            "targets:report_entry", kwargs={"policy": world.a.policy.code, "unit": world.a.county.code, "month": MONTH}
        )
        version = client.get(entry).context["report"]
        version = version.version if version else 0
        answer = client.post(
            entry,
            {"version": version, "action": "save", f"v-{world.a.indicator.pk}": value, f"v-{world.a.flow.pk}": "5"},
        )
        assert answer.status_code == 302

    def _figures(self, world):
        return dict(ReportValue.objects.filter(report__unit=world.a.county).values_list("indicator_id", "value"))

    def test_a_preview_made_before_the_report_existed_does_not_overwrite_the_web_save(self, reporter, world, template):
        _, upload = _urls(world.a)
        assert _upload(reporter, upload, _fill(template, [70, 3])).context["plan"][0]["version"] == 0

        self._colleague_saves(world, "11")
        response = reporter.post(upload, {"action": "confirm"}, follow=True)

        assert "未保存任何内容：同事在您上传后修改了相同的数据" in response.content.decode()
        assert self._figures(world) == {world.a.indicator.pk: 11, world.a.flow.pk: 5}
        assert not ReportEvent.objects.filter(source="excel").exists()

    def test_a_preview_of_an_existing_report_does_not_overwrite_a_later_web_save(self, reporter, world, template):
        self._colleague_saves(world, "11")
        _, upload = _urls(world.a)
        template = reporter.get(_urls(world.a)[0]).content
        _upload(reporter, upload, _fill(template, [70, 3]))

        self._colleague_saves(world, "12")
        response = reporter.post(upload, {"action": "confirm"}, follow=True)

        assert "未保存任何内容：同事在您上传后修改了相同的数据" in response.content.decode()
        assert self._figures(world) == {world.a.indicator.pk: 12, world.a.flow.pk: 5}
