"""Text that leaves in a spreadsheet never becomes a formula: the unit list, the
timeliness table, the policy dashboard's indicator table (xlsx and CSV) and the clerk's
template; and sheet titles made from unit names are always valid."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from policies.textguard import guard_dataset, guard_text, is_risky, keep_as_text, safe_sheet_title
from targets.excel.workbook import META_SHEET, VALUE_COL
from targets.models import MonthlyReport, ReportValue
from targets.services import report_get_or_create, report_save
from tests.reports.test_dashboards import approve
from tests.targets.test_excel_round_trip import MONTH, _fill, _upload, _urls

LINK = '=HYPERLINK("http://x","y")'
PAYLOADS = [LINK, "+1", "-1+2", "@SUM(A1)", "\t=1+1", "\r=1+1"]


def _xlsx_cells(content: bytes) -> dict:
    ws = load_workbook(io.BytesIO(content)).active
    return {cell.value: cell for row in ws.iter_rows() for cell in row if cell.value is not None}


def _csv_cells(response) -> list[str]:
    text = response.content.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


class TestGuard:
    @pytest.mark.parametrize("payload", PAYLOADS)
    def test_a_formula_start_gets_a_quote(self, payload):
        assert guard_text(payload) == "'" + payload

    @pytest.mark.parametrize("value", ["甲县", "", None, 5, -5, 1.5, -1.5, Decimal("-2.5"), dt.date(2025, 1, 1)])
    def test_numbers_and_safe_text_are_left_alone(self, value):
        assert guard_text(value) is value

    def test_a_dataset_is_guarded_cell_by_cell(self):
        import tablib

        data = tablib.Dataset(headers=["单位", "按时"])
        data.append([LINK, -3])
        guarded = guard_dataset(data)
        assert guarded.headers == ["单位", "按时"]
        assert list(guarded[0]) == ["'" + LINK, -3]

    def test_an_openpyxl_cell_keeps_the_text_and_is_no_formula(self):
        from openpyxl import Workbook

        wb = Workbook()
        keep_as_text(wb.active.cell(1, 1, LINK))
        out = io.BytesIO()
        wb.save(out)
        cell = load_workbook(io.BytesIO(out.getvalue())).active.cell(1, 1)
        assert cell.data_type == "s" and cell.value == LINK
        assert is_risky(cell.value)


class TestSheetTitle:
    def test_forbidden_characters_are_replaced(self):
        title = safe_sheet_title("甲县[开发区]:一/二?*")
        assert not set(title) & set(":/\\?*[]")
        assert title == "甲县（开发区）：一／二？＊"

    def test_long_names_are_cut_and_duplicates_get_a_suffix(self):
        long = "某" * 40
        first = safe_sheet_title(long)
        second = safe_sheet_title(long, [first])
        assert len(first) == 31 and len(second) == 31
        assert second.endswith("(2)") and second != first
        assert safe_sheet_title("A", ["a", "A(2)"]) == "A(3)"

    def test_empty_apostrophes_and_reserved(self):
        assert safe_sheet_title("") == "Sheet"
        assert safe_sheet_title("'x'") == "x"
        assert safe_sheet_title("History") == "History(2)"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_unit_list_exports_names_as_text(client, world, payload):
    world.a.county.name = payload
    world.a.county.save()
    client.force_login(world.users["admin"])
    url = reverse("policies:unit_list")

    cells = _xlsx_cells(client.get(url + "?_export=xlsx").content)
    assert cells[guard_text(payload)].data_type == "s"
    assert payload not in cells

    assert guard_text(payload) in _csv_cells(client.get(url + "?_export=csv"))


def test_the_policy_list_exports_titles_as_text(client, world):
    world.a.policy.title = LINK
    world.a.policy.save()
    client.force_login(world.users["admin"])

    cells = _xlsx_cells(client.get(reverse("policies:policy_list") + "?_export=xlsx").content)

    assert cells["'" + LINK].data_type == "s"


class TestTimeliness:
    @pytest.fixture
    def url(self, client, world):
        world.a.county.name = LINK
        world.a.county.save()
        client.force_login(world.users["reviewer"])
        return reverse("targets:timeliness", args=[world.a.policy.code]) + "?year=2025&_export="

    def test_xlsx(self, client, url):
        cells = _xlsx_cells(client.get(url + "xlsx").content)
        assert cells["'" + LINK].data_type == "s"
        assert all(c.data_type != "f" for c in cells.values())

    def test_csv(self, client, url):
        assert "'" + LINK in _csv_cells(client.get(url + "csv"))

    def test_counts_stay_numbers(self, client, url):
        ws = load_workbook(io.BytesIO(client.get(url + "xlsx").content)).active
        header = [c.value for c in ws[1]]
        for row in ws.iter_rows(min_row=2):
            assert row[header.index("未报")].data_type == "n"


class TestDashboardExport:
    @pytest.fixture
    def url(self, client, world):
        world.a.flow.name = LINK
        world.a.flow.save()
        client.force_login(world.users["reviewer"])
        with time_machine.travel(dt.datetime(2025, 10, 20, 9, 0, tzinfo=dt.UTC), tick=False):
            yield reverse("reports:policy", args=[world.a.policy.code]) + "?month=2025-09&_export="

    def test_xlsx(self, client, url):
        cells = _xlsx_cells(client.get(url + "xlsx").content)
        assert cells["'" + LINK].data_type == "s"
        assert all(c.data_type != "f" for c in cells.values())

    def test_csv(self, client, url):
        assert "'" + LINK in _csv_cells(client.get(url + "csv"))

    def test_figures_stay_numbers(self, client, world, url):
        approve(world.a, world.a.county, 9, {world.a.indicator.pk: "60", world.a.flow.pk: "3"}, world.users["reviewer"])

        ws = load_workbook(io.BytesIO(client.get(url + "xlsx").content)).active
        header = [c.value for c in ws[1]]
        row = {h: c for h, c in zip(header, ws[3], strict=True)}
        assert row["指标"].value == "'" + LINK
        assert row["累计/当前"].value == 3 and row["累计/当前"].data_type == "n"
        assert row["计量单位"].value == "件"
        assert row["差距"].data_type == "n" and row["差距"].value < 0
        assert "'-" not in client.get(url + "csv").content.decode().replace("'" + LINK, "")


class TestTemplate:
    @pytest.fixture
    def template(self, client, world, period):
        world.a.policy.title = LINK
        world.a.policy.save()
        report = report_get_or_create(policy=world.a.policy, unit=world.a.county, period=period)
        report_save(
            report=report,
            by=world.users["reporter"],
            version=report.version,
            values={},
            texts={"progress_text": LINK, "problems_text": "-1+2", "next_steps_text": "@SUM(A1)"},
        )
        client.force_login(world.users["reporter"])
        response = client.get(_urls(world.a)[0])
        assert response.status_code == 200
        return response.content

    def test_narratives_and_titles_are_text_not_formulas(self, template, world):
        wb = load_workbook(io.BytesIO(template))
        ws = wb[wb.sheetnames[1]]
        cells = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
        for text in (LINK, "-1+2", "@SUM(A1)"):
            assert cells[text].data_type == "s"
        assert ws["A1"].data_type == "s" and ws["A1"].value.startswith(LINK)
        assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)

    def test_the_narratives_come_back_unchanged(self, client, world, template):
        response = _upload(client, _urls(world.a)[1], _fill(template, [70, 3]))

        assert response.status_code == 200
        plan = response.context["plan"][0]
        assert plan["texts"]["progress_text"] == LINK
        assert plan["text_changes"] == []


WEIRD = "甲县[开发区]:一/二?*"


class TestUnitNamesAsSheetTitles:
    def test_a_unit_with_forbidden_characters_gets_its_template_and_round_trips(self, client, world, period):
        world.a.county.name = WEIRD
        world.a.county.save()
        client.force_login(world.users["reporter"])
        download, upload = _urls(world.a)

        response = client.get(download)

        assert response.status_code == 200
        wb = load_workbook(io.BytesIO(response.content))
        assert wb.sheetnames[1] == safe_sheet_title(WEIRD)
        assert wb[wb.sheetnames[1]]["A2"].value.startswith(f"填报单位：{WEIRD}")
        response = _upload(client, upload, _fill(response.content, [70, 3]))
        assert response.status_code == 200
        assert [(c.old, c.new) for c in response.context["plan"][0]["changes"]] == [("", "70"), ("", "3")]
        assert client.post(upload, {"action": "confirm"}).status_code == 302
        assert ReportValue.objects.filter(report__unit=world.a.county).count() == 2

    def test_the_reviewer_workbook_with_clashing_and_long_names(self, client, world, period):
        world.a.county.name = WEIRD
        world.a.county.save()
        world.a.bureau.name = safe_sheet_title(WEIRD)  # the same title once cleaned
        world.a.bureau.save()
        client.force_login(world.users["reviewer"])
        kwargs = {"policy": world.a.policy.code, "month": MONTH}

        response = client.get(reverse("targets:policy_excel", kwargs=kwargs))

        assert response.status_code == 200
        wb = load_workbook(io.BytesIO(response.content))
        titles = wb.sheetnames[1:]
        assert len(titles) == 2 and len({t.casefold() for t in titles}) == 2
        meta = {row[3]: row[1] for row in wb[META_SHEET].iter_rows(min_row=2, values_only=True)}
        assert set(meta.values()) == set(titles)
        for title in titles:
            ws = wb[title]
            ws.cell(7, VALUE_COL).value = 70
            ws.cell(8, VALUE_COL).value = 3
        out = io.BytesIO()
        wb.save(out)
        upload = reverse("targets:policy_upload", kwargs=kwargs)
        response = _upload(client, upload, out.getvalue())
        assert response.status_code == 200
        assert {p["unit"] for p in response.context["plan"]} == {world.a.county, world.a.bureau}
        assert client.post(upload, {"action": "confirm"}).status_code == 302
        assert MonthlyReport.objects.filter(policy=world.a.policy).count() == 2

    def test_a_unit_named_like_a_formula_gets_no_formula_in_any_sheet_and_round_trips(self, client, world, period):
        # Found by `make drills`: the hidden identity sheet keeps the sheet title, made from the name.
        world.a.county.name = LINK
        world.a.county.save()
        client.force_login(world.users["reporter"])
        download, upload = _urls(world.a)

        response = client.get(download)

        wb = load_workbook(io.BytesIO(response.content))
        assert [c.coordinate for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"] == []
        assert wb[META_SHEET]["B2"].value == wb.sheetnames[1] == safe_sheet_title(LINK)
        response = _upload(client, upload, _fill(response.content, [70, 3]))
        assert [(c.old, c.new) for c in response.context["plan"][0]["changes"]] == [("", "70"), ("", "3")]
        assert client.post(upload, {"action": "confirm"}).status_code == 302
        assert ReportValue.objects.filter(report__unit=world.a.county).count() == 2

    def test_a_long_unit_name(self, client, world, period):
        world.a.county.name = "某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某县"
        world.a.county.save()
        client.force_login(world.users["reporter"])

        response = client.get(_urls(world.a)[0])

        assert response.status_code == 200
        assert len(load_workbook(io.BytesIO(response.content)).sheetnames[1]) == 31
