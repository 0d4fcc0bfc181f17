"""The monthly dispatch workbook, built from hand-made data and read back with openpyxl."""

import io
import time
from dataclasses import replace

import openpyxl
import pytest

from reports.builders.data import Narrative
from reports.builders.dispatch import build_dispatch_xlsx, dispatch_context, dispatch_filename
from tests.reports.builder_data import dispatch_data

SHEETS = ["月调度", "工作进展", "慢于时序进度事项", "下月重点", "说明"]
HEADERS = [
    "任务",
    "牵头单位",
    "指标",
    "单位",
    "目标",
    "本月",
    "累计/当前值",
    "完成率",
    "时序进度",
    "与时序进度差距\n（百分点）",
    "状态",
]
HEADER_ROW = 6
FILLS = {"绿灯": "C6EFCE", "黄灯": "FFEB9C", "红灯": "FFC7CE", "灰灯": "E7E6E6"}


def read(data=None):
    return openpyxl.load_workbook(io.BytesIO(build_dispatch_xlsx(data or dispatch_data())))


def row_of(ws, text, column=3):
    """The row whose `column` holds `text`."""
    for row in ws.iter_rows(min_col=column, max_col=column):
        if row[0].value == text:
            return row[0].row
    raise AssertionError(f"{text!r} not found in {ws.title}")


def texts(ws):
    return [cell.value for row in ws.iter_rows() for cell in row if isinstance(cell.value, str)]


@pytest.fixture(scope="module")
def workbook():
    return read()


class TestDispatchSheets:
    def test_has_the_five_sheets_in_order(self, workbook):
        assert workbook.sheetnames == SHEETS

    def test_header_names_policy_month_cutoff_and_generation_time(self, workbook):
        ws = workbook["月调度"]

        assert ws["A1"].value == "唐山市《强化创新引领 推进产业集群高质量发展实施方案》2025年9月调度情况"
        assert ws["A1"].font.b and ws["A1"].font.sz == 16
        assert ws["A1"].alignment.horizontal == "center"
        assert "A1:K1" in {str(r) for r in ws.merged_cells.ranges}
        assert ws["A2"].value == (
            "唐山市工业和信息化局　　数据截至2025年9月末，计入2025年10月16日 08:00前审核通过的月报"
        )

    def test_summary_counts_the_lights_and_the_reports(self, workbook):
        ws = workbook["月调度"]

        assert ws["A3"].value == "指标状态：本月调度指标13项，其中绿灯6项、黄灯3项、红灯3项、灰灯1项。"
        assert ws["A4"].value == (
            "月报报送：应报26份，按时报送21份，逾期报送3份，逾期未报送2份（古冶区、汉沽管理区）。"
        )

    def test_indicator_table_has_its_headers(self, workbook):
        ws = workbook["月调度"]

        assert [c.value for c in ws[HEADER_ROW]] == HEADERS

    def test_sections_and_tasks_group_the_indicators(self, workbook):
        ws = workbook["月调度"]
        first = row_of(ws, "每年培育高新技术企业数量")

        assert ws.cell(HEADER_ROW + 1, 1).value == "一、主要目标"
        assert f"A{first}:A{first + 1}" in {str(r) for r in ws.merged_cells.ranges}
        assert ws.cell(first, 1).value == "1. 大力培育创新主体"
        assert ws.cell(first, 2).value.replace("\n", "") == "市工业和信息化局"  # broken into lines (避头尾)

    def test_a_row_carries_the_figures_of_the_metrics(self, workbook):
        ws = workbook["月调度"]
        row = row_of(ws, "每年引进研究生人数")

        # 1000 a year; Jan–Sep 30+25+60+55+62+70+90+68+60 = 520, September 60; P = 9/12.
        assert ws.cell(row, 4).value == "人"
        assert ws.cell(row, 5).value == "≥1000人（每年）"
        assert ws.cell(row, 6).value == 60
        assert ws.cell(row, 7).value == 520
        assert ws.cell(row, 8).value == pytest.approx(0.52)
        assert ws.cell(row, 9).value == pytest.approx(0.75)
        assert ws.cell(row, 10).value == pytest.approx(-23.0)
        assert ws.cell(row, 11).value == "红灯"

    def test_figures_have_number_formats(self, workbook):
        ws = workbook["月调度"]
        revenue = row_of(ws, "特色产业集群年营业收入")
        level = row_of(ws, "特色产业集群高新技术企业数量")

        assert ws.cell(revenue, 7).value == pytest.approx(4716.75)
        assert ws.cell(revenue, 7).number_format == "#,##0.0#"
        assert ws.cell(level, 7).number_format == "#,##0"
        assert ws.cell(level, 6).value == "—"  # a level has no amount for the month
        assert ws.cell(level, 8).number_format == "0.0%"
        assert ws.cell(level, 9).number_format == "0.0%"
        assert ws.cell(level, 10).number_format == "+0.0;-0.0;0.0"

    @pytest.mark.parametrize(
        ("indicator", "word"),
        [
            ("特色产业集群“专精特新”企业数量", "绿灯"),
            ("特色产业集群年营业收入", "黄灯"),
            ("特色产业集群高新技术企业数量", "红灯"),
            ("集群规上工业企业上云用云覆盖率", "灰灯"),
        ],
    )
    def test_lights_are_a_fill_and_a_word(self, workbook, indicator, word):
        cell = workbook["月调度"].cell(row_of(workbook["月调度"], indicator), 11)

        assert cell.value == word
        assert cell.fill.fgColor.rgb.endswith(FILLS[word])

    def test_every_units_narrative_has_progress_problems_and_plans(self, workbook):
        ws = workbook["工作进展"]

        assert [c.value for c in ws[3]] == ["序号", "单位", "工作进展", "存在问题", "下步计划"]
        assert ws["B4"].value == "市工业和信息化局"
        assert ws["C4"].value.startswith("9月份组织召开产业集群发展推进会")
        assert ws["D7"].value == "—"  # 市发展改革委 reported no problem

    def test_slow_items_are_the_yellow_and_red_ones_red_first(self, workbook):
        ws = workbook["慢于时序进度事项"]
        lights = [ws.cell(row, 9).value for row in range(4, ws.max_row + 1)]

        assert lights == ["红灯"] * 3 + ["黄灯"] * 3

    def test_slow_items_name_who_answers_for_them_and_what_they_reported(self, workbook):
        ws = workbook["慢于时序进度事项"]
        row = row_of(ws, "每年培育高新技术企业数量")

        assert ws.cell(row, 10).value.replace("\n", "") == "市工业和信息化局、市科学技术局、市商务局、曹妃甸区、迁安市"
        problems = ws.cell(row, 11).value
        assert problems.replace("\n", "") == (
            "市科学技术局：申报集中在四季度，前三季度入库企业偏少。曹妃甸区：重点培育企业研发投入不足，尚未达到认定条件。"
        )
        assert "\n曹妃甸区：" in problems  # each unit on a line of its own

    def test_units_past_the_due_day_that_did_not_report_are_listed_under_next_months_focus(self, workbook):
        ws = workbook["下月重点"]
        column = [ws.cell(row, 1).value for row in range(1, ws.max_row + 1)]
        heading = column.index("二、逾期未报送9月月报的单位（报送截止日已过）") + 1

        assert column.index("一、下月工作重点") < heading
        assert [ws.cell(heading + 1, 2).value, ws.cell(heading + 2, 2).value] == ["古冶区", "汉沽管理区"]
        assert any(str(v).startswith("督促古冶区、汉沽管理区补报9月月报") for v in texts(ws))

    def test_explanation_gives_the_formulas_and_the_tolerance(self, workbook):
        lines = texts(workbook["说明"])

        assert lines[0] == "指标计算说明"
        assert any("红黄绿灯" in line and "10个百分点" in line for line in lines)
        assert "本期黄灯容差：10个百分点" in " ".join(lines)


class TestDispatchPrinting:
    @pytest.mark.parametrize("name", SHEETS)
    def test_every_sheet_prints_on_a4_landscape_fit_to_width(self, workbook, name):
        ws = workbook[name]

        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert (int(ws.page_setup.fitToWidth), int(ws.page_setup.fitToHeight)) == (1, 0)

    @pytest.mark.parametrize(
        ("name", "title_rows", "freeze"),
        [("月调度", "$6:$6", "A7"), ("工作进展", "$3:$3", "A4"), ("慢于时序进度事项", "$3:$3", "A4")],
    )
    def test_tables_repeat_their_header_and_freeze_below_it(self, workbook, name, title_rows, freeze):
        ws = workbook[name]

        assert ws.print_title_rows == title_rows
        assert ws.freeze_panes == freeze

    def test_columns_have_widths(self, workbook):
        ws = workbook["月调度"]

        assert ws.column_dimensions["C"].width == 30
        assert ws.column_dimensions["K"].width == 6


class TestDispatchText:
    @pytest.mark.parametrize("text", ["=SUM(A1)", "+1", "-", "@cmd", "-2+3", "=1+1"])
    def test_text_that_looks_like_a_formula_stays_text(self, text):
        data = dispatch_data()
        rows = [replace(data.rows[0], problems=[(text, text)], responsible_units=[text], light="red"), *data.rows[1:]]
        data = replace(
            data,
            rows=rows,
            narratives=[Narrative(text, text, text, text)],
            missing_units=[text],
        )

        workbook = read(data)

        cells = [
            workbook["工作进展"]["B4"],
            workbook["工作进展"]["C4"],
            workbook["慢于时序进度事项"]["J4"],
            next(c for c in workbook["下月重点"]["B"] if c.value == text),
        ]
        assert [(c.value, c.data_type) for c in cells] == [(text, "s")] * 4
        assert workbook["慢于时序进度事项"]["K4"].value == f"{text}：{text}"
        assert all(c.quotePrefix for c in cells)

    def test_an_empty_month_still_builds(self):
        data = replace(
            dispatch_data(), rows=[], lights={}, narratives=[], missing_units=[], reports_expected=0, reports_on_time=0
        )

        workbook = read(data)

        assert workbook["月调度"].cell(HEADER_ROW + 1, 1).value == "本月无调度指标"
        assert workbook["慢于时序进度事项"]["A4"].value == "本月无慢于时序进度的事项"
        assert "无" in texts(workbook["下月重点"])

    def test_the_same_data_gives_the_same_bytes_whenever_built(self, monkeypatch):
        first = build_dispatch_xlsx(dispatch_data())
        monkeypatch.setattr(time, "time", lambda: 2_000_000_000.0)

        again = build_dispatch_xlsx(dispatch_data())

        assert again == first

    def test_file_name_says_city_policy_and_month(self):
        assert (
            dispatch_filename(dispatch_data()) == "唐山市-强化创新引领推进产业集群高质量发展实施方案-2025年9月调度.xlsx"
        )


class TestDispatchContext:
    def test_gives_the_page_what_the_workbook_says(self):
        context = dispatch_context(dispatch_data())

        assert context["title"] == "唐山市《强化创新引领 推进产业集群高质量发展实施方案》2025年9月调度情况"
        assert context["cutoff"] == "2025年10月15日 17:30"
        assert context["lights"][2] == ("red", "红灯", 3)
        assert context["reports"] == {"expected": 26, "on_time": 21, "late": 3, "missing": 2}
        assert [s["section"] for s in context["sections"]] == ["一、主要目标", "二、重点任务"]
        assert [len(t["rows"]) for t in context["sections"][1]["tasks"]][:2] == [2, 1]
        assert [item["row"].light for item in context["slow"]] == ["red"] * 3 + ["yellow"] * 3
        assert context["slow"][0]["gap"] == "-31.3"
        assert context["missing_units"] == ["古冶区", "汉沽管理区"]
