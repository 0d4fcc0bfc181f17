"""The quarterly bulletin workbook, built from hand-made data and read back with openpyxl;
and once through LibreOffice, as a reader's PDF."""

import datetime as dt
import io
import re
import shutil
import subprocess
import time
from dataclasses import replace

import openpyxl
import pytest

from reports.builders.bulletin import build_bulletin_xlsx, bulletin_filename, bulletin_title
from reports.builders.bulletin_text import overall_text, ranking_text, timeliness_text
from reports.builders.data import Letter, UnitTimeliness
from tests.reports.builder_data import bulletin_data, header

SHEETS = ["总体情况", "指标完成情况", "县区部门排名", "报送情况", "滞后事项", "说明"]
ATTACHMENTS = SHEETS[1:5]
FILLS = {"绿灯": "C6EFCE", "黄灯": "FFEB9C", "红灯": "FFC7CE", "灰灯": "E7E6E6"}
FIRST_ROW = 5  # 附件N, title, issuer line, header


def read(data=None):
    return openpyxl.load_workbook(io.BytesIO(build_bulletin_xlsx(data or bulletin_data())))


def find(ws, text, column):
    for row in ws.iter_rows(min_col=column, max_col=column):
        if row[0].value == text:
            return row[0].row
    raise AssertionError(f"{text!r} not found in {ws.title}")


def texts(ws):
    return [cell.value for row in ws.iter_rows() for cell in row if isinstance(cell.value, str)]


@pytest.fixture(scope="module")
def workbook():
    return read()


class TestBulletinSummary:
    def test_has_the_summary_and_its_attachments_in_order(self, workbook):
        assert workbook.sheetnames == SHEETS

    def test_title_is_centred_bold_16pt_over_the_page(self, workbook):
        ws = workbook["总体情况"]

        assert ws["A1"].value == "唐山市《强化创新引领 推进产业集群高质量发展实施方案》\n2025年第三季度推进情况通报"
        assert (ws["A1"].font.sz, ws["A1"].font.b, ws["A1"].alignment.horizontal) == (16, True, "center")
        assert ws["A1"].font.name == "Noto Sans CJK SC"
        assert "A1:H1" in {str(r) for r in ws.merged_cells.ranges}

    def test_a_title_that_names_its_city_is_not_prefixed_with_it_again(self):
        data = replace(
            bulletin_data(), header=replace(header(), city="湖州市", policy_title="湖州市聚焦产业链行动方案")
        )

        assert bulletin_title(data) == "《湖州市聚焦产业链行动方案》\n2025年第三季度推进情况通报"

    def test_the_issuer_follows_the_title_and_no_date_before_the_bulletin_is_issued(self, workbook):
        ws = workbook["总体情况"]

        assert ws["A2"].value == "唐山市工业和信息化局"
        assert ws["A3"].value == (
            "（数据截至2025年第三季度末，计入2025年10月16日 08:00前审核通过的月报；黄灯容差10个百分点）"
        )

    def test_an_issued_bulletin_is_dated_the_day_of_issue_not_of_its_build(self):
        data = replace(bulletin_data(), letter=Letter(issued_on=dt.date(2025, 10, 20)))

        ws = read(data)["总体情况"]

        assert ws["A2"].value == "唐山市工业和信息化局　　2025年10月20日"

    def test_text_counts_what_reached_time_progress_as_published_bulletins_do(self):
        text = overall_text(bulletin_data())

        assert text.startswith(
            "截至2025年第三季度末，全市共有目标任务13项，达到时序进度6项，占比46.2%（时序进度：年度目标三个季度75%"
        )
        assert (
            "已完成2025年度目标的有2项：每年在集群内培育省级绿色工厂数量、每年新增主导或参与制修订国际、国家、行业标准数量。"
            in text
        )
        assert "未达到时序进度（低于时序进度，或增幅低于目标任务）的有6项（黄灯3项、红灯3项）" in text
        assert "每年引进研究生人数（完成率52%）" in text
        assert text.endswith("尚未到考核期或无分年度目标的有1项：集群规上工业企业上云用云覆盖率。")

    def test_text_names_the_top_three_and_the_bottom_three(self):
        text = ranking_text(bulletin_data())

        assert text.startswith("县(市、区)参与排名的18个单位中")
        assert (
            "总分居前3位的是曹妃甸区（115.6分）、路南区（112.4分）、唐山高新技术产业开发区（110.0分）；"
            "居后3位的是滦州市（69.5分）、古冶区（64.0分）、汉沽管理区（58.7分）。"
        ) in text
        assert "排名上升最多的是丰润区（↑3），下降最多的是芦台经济开发区（↓3）" in text

    def test_text_names_who_reported_late_or_not_at_all(self):
        text = timeliness_text(bulletin_data())

        assert text.startswith(
            "2025年1—9月，各单位应报送月报66份，按时报送57份，逾期报送4份，未报送5份，按时报送率86.4%。"
        )
        assert "滦州市（逾期1份、未报1份）" in text

    def test_the_paragraphs_are_on_the_summary_sheet(self, workbook):
        body = texts(workbook["总体情况"])

        assert "一、总体情况" in body and "二、县(市、区)排名" in body
        assert "　　" + overall_text(bulletin_data()) in [line.replace("\n", "") for line in body]  # 避头尾 breaks
        assert any(line.startswith("附件：1．2025年第三季度指标完成情况表；") for line in body)

    def test_key_figures(self, workbook):
        ws = workbook["总体情况"]
        row = find(ws, "目标任务（项）", 1)

        figures = {ws.cell(row, c).value: ws.cell(row + 1, c).value for c in range(1, 9)}

        assert figures["目标任务（项）"] == 13
        assert figures["达到时序进度（项）"] == 6
        assert figures["达到时序进度占比"] == pytest.approx(6 / 13)
        assert figures["已完成2025年度目标（项）"] == 2
        assert (figures["黄灯（项）"], figures["红灯（项）"], figures["灰灯（项）"]) == (3, 3, 1)
        assert figures["按时报送率"] == pytest.approx(57 / 66)
        assert ws.cell(row + 1, 3).number_format == "0.0%"

    def test_lights_by_section_table_feeds_the_chart(self, workbook):
        ws = workbook["总体情况"]
        row = find(ws, "板块", 1)

        assert [ws.cell(row, c).value for c in range(1, 9)] == [
            "板块",
            None,
            "绿灯",
            "黄灯",
            "红灯",
            "灰灯",
            "合计",
            "达到时序进度占比",
        ]
        assert [ws.cell(row + 1, c).value for c in (1, 3, 4, 5, 6, 7)] == ["一、主要目标", 1, 2, 1, 0, 4]
        assert [ws.cell(row + 3, c).value for c in (1, 3, 4, 5, 6, 7)] == ["合计", 6, 3, 3, 1, 13]
        assert ws.cell(row, 4).fill.fgColor.rgb.endswith(FILLS["黄灯"])

    def test_has_a_stacked_chart_of_lights_and_a_ranking_chart(self, workbook):
        charts = workbook["总体情况"]._charts

        assert [type(chart).__name__ for chart in charts] == ["BarChart", "BarChart"]
        lights, ranking = charts
        assert (lights.type, lights.grouping) == ("col", "stacked")
        assert len(lights.series) == 4
        assert ranking.type == "bar"
        assert "县区部门排名'!$D$5:$D$22" in ranking.series[0].val.numRef.f

    def test_charts_are_anchored_to_the_cells_of_the_page(self, workbook):
        anchors = [chart.anchor for chart in workbook["总体情况"]._charts]

        assert [type(anchor).__name__ for anchor in anchors] == ["TwoCellAnchor", "TwoCellAnchor"]
        assert [(a._from.col, a.to.col) for a in anchors] == [(0, 4), (4, 8)]

    def test_summary_prints_at_a_fixed_scale_and_never_leaves_a_heading_at_the_foot_of_a_page(self, workbook):
        ws = workbook["总体情况"]
        headings = {
            cell.row
            for cell in ws["A"]
            if isinstance(cell.value, str) and cell.value[:2] in {"一、", "二、", "三、", "四、"}
        }

        assert int(ws.page_setup.scale) == 85
        assert not ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.row_breaks.brk
        assert not headings & {brk.id for brk in ws.row_breaks.brk}


class TestBulletinIndicators:
    def test_headers_and_every_indicator(self, workbook):
        ws = workbook["指标完成情况"]

        assert ws["A1"].value == "附件1"
        assert ws["A2"].value == "唐山市2025年第三季度指标完成情况表"
        assert [c.value for c in ws[4]] == [
            "序号",
            "板块",
            "任务",
            "指标",
            "单位",
            "目标",
            "本季度",
            "累计/当前值",
            "完成率",
            "时序进度",
            "与时序进度差距\n（百分点）",
            "状态",
            "牵头单位",
        ]
        assert [ws.cell(r, 4).value for r in range(FIRST_ROW, ws.max_row + 1)] == [
            row.indicator for row in bulletin_data().rows
        ]

    def test_quarter_and_to_date_figures_against_the_metrics(self, workbook):
        ws = workbook["指标完成情况"]
        row = find(ws, "特色产业集群年营业收入", 4)

        # July–September 518 + 505 + 536; January–September 4,716.75 of 6,500; P = 9/12.
        assert ws.cell(row, 7).value == 1559
        assert ws.cell(row, 8).value == pytest.approx(4716.75)
        assert ws.cell(row, 9).value == pytest.approx(4716.75 / 6500)
        assert ws.cell(row, 10).value == pytest.approx(0.75)
        assert ws.cell(row, 11).value == pytest.approx((4716.75 / 6500 - 0.75) * 100)
        assert ws.cell(row, 12).value == "黄灯"

    def test_a_level_measures_from_its_baseline(self, workbook):
        ws = workbook["指标完成情况"]
        row = find(ws, "特色产业集群高新技术企业数量", 4)

        # 1,500 when the plan began (2024-09), 1,650 now, 1,800 by 2025-12: (1650−1500)/(1800−1500);
        # 13 of the window's 16 months have passed.
        assert ws.cell(row, 7).value == "—"
        assert ws.cell(row, 8).value == 1650
        assert ws.cell(row, 9).value == pytest.approx(0.5)
        assert ws.cell(row, 10).value == pytest.approx(13 / 16)
        assert ws.cell(row, 12).value == "红灯"

    def test_number_formats(self, workbook):
        ws = workbook["指标完成情况"]
        row = find(ws, "特色产业集群年营业收入", 4)

        assert [ws.cell(row, c).number_format for c in (7, 8, 9, 10, 11)] == [
            "#,##0",
            "#,##0.0#",
            "0.0%",
            "0.0%",
            "+0.0;-0.0;0.0",
        ]

    @pytest.mark.parametrize("word", FILLS)
    def test_lights_are_a_fill_and_a_word(self, workbook, word):
        ws = workbook["指标完成情况"]
        cells = [ws.cell(r, 12) for r in range(FIRST_ROW, ws.max_row + 1) if ws.cell(r, 12).value == word]

        assert cells
        assert all(c.fill.fill_type == "solid" and c.fill.fgColor.rgb.endswith(FILLS[word]) for c in cells)
        assert all(c.font.b for c in cells)


class TestBulletinRanking:
    def test_score_rank_change_and_tier(self, workbook):
        ws = workbook["县区部门排名"]
        rows = {ws.cell(r, 2).value: [c.value for c in ws[r]] for r in range(FIRST_ROW, FIRST_ROW + 19)}

        assert [c.value for c in ws[4]] == [
            "排名",
            "单位",
            "类别",
            "得分",
            "较上季度",
            "按时报送率",
            "档次",
            "计分指标数",
        ]
        assert rows["曹妃甸区"][:5] == [1, "曹妃甸区", "县(市、区)", 115.6, "—"]
        assert rows["曹妃甸区"][7] == 13
        assert rows["曹妃甸区"][6] == "前三"
        assert rows["路南区"][4] == "↑2"
        assert rows["迁安市"][4] == "↓2"
        assert rows["汉沽管理区"][6] == "后三"
        assert rows["唐山国际旅游岛"][:5] == ["—", "唐山国际旅游岛", "县(市、区)", "—", "—"]

    def test_tiers_are_filled(self, workbook):
        ws = workbook["县区部门排名"]

        assert ws["G5"].fill.fgColor.rgb.endswith("C6EFCE")
        assert ws["G22"].fill.fgColor.rgb.endswith("FFC7CE")
        assert ws["D5"].number_format == "0.0"
        assert ws["F5"].number_format == "0.0%"

    def test_explains_the_score_under_the_table(self, workbook):
        assert any(
            line.startswith("注：得分 = 各计分指标 min(") and "分别排名" in line
            for line in texts(workbook["县区部门排名"])
        )


class TestBulletinTimeliness:
    def test_months_on_time_late_and_missing_per_unit_with_a_total(self, workbook):
        ws = workbook["报送情况"]
        row = find(ws, "滦州市", 2)
        total = find(ws, "合计", 1)

        assert [c.value for c in ws[row]][2:] == [3, 1, 1, 1, pytest.approx(1 / 3)]
        assert [c.value for c in ws[total]][2:] == [66, 57, 4, 5, pytest.approx(57 / 66)]


class TestBulletinLagging:
    def test_lists_the_red_items_with_who_answers_for_them_and_their_problems(self, workbook):
        ws = workbook["滞后事项"]
        items = [[c.value for c in ws[r]] for r in range(FIRST_ROW, ws.max_row + 1)]

        assert [item[2] for item in items] == [
            "特色产业集群高新技术企业数量",
            "每年培育高新技术企业数量",
            "每年引进研究生人数",
        ]
        assert {item[8] for item in items} == {"红灯"}
        assert items[2][9].replace("\n", "") == "市委组织部、市人力资源社会保障局、市教育局"
        problems = items[2][10]
        assert problems.replace("\n", "") == (
            "市委组织部：高校毕业生签约集中在下半年，引进进度滞后。市人力资源社会保障局：人才公寓等配套政策尚未落地。"
        )
        assert "\n市人力资源社会保障局：" in problems  # each unit on a line of its own


class TestBulletinExplanation:
    def test_gives_the_formulas_and_the_tolerance(self, workbook):
        lines = texts(workbook["说明"])

        assert lines[0] == "指标计算说明"
        assert any("单位得分 = 该单位各计分指标 min(C ÷ P, 1.2) 的平均值 × 100" in line for line in lines)
        assert any(line.startswith("本期黄灯容差：10个百分点") for line in lines)


class TestBulletinPrinting:
    @pytest.mark.parametrize("name", SHEETS)
    def test_every_sheet_prints_on_a4_landscape_centred(self, workbook, name):
        ws = workbook[name]

        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9
        assert ws.print_options.horizontalCentered
        assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"

    @pytest.mark.parametrize("name", SHEETS[1:])
    def test_tables_fit_the_page_width(self, workbook, name):
        ws = workbook[name]

        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert int(ws.page_setup.fitToWidth) == 1

    @pytest.mark.parametrize("name", ["县区部门排名", "报送情况"])
    def test_a_short_unit_table_prints_on_one_page(self, workbook, name):
        assert int(workbook[name].page_setup.fitToHeight) == 1

    @pytest.mark.parametrize("name", ["指标完成情况", "滞后事项", "说明"])
    def test_long_tables_run_on_as_many_pages_as_they_need(self, workbook, name):
        assert int(workbook[name].page_setup.fitToHeight) == 0

    @pytest.mark.parametrize("name", ATTACHMENTS)
    def test_attachments_repeat_the_header_merge_the_title_and_freeze_the_panes(self, workbook, name):
        ws = workbook[name]
        merged = {str(r) for r in ws.merged_cells.ranges}

        assert ws.print_title_rows == "$4:$4"
        assert ws.freeze_panes == "A5"
        assert any(r.startswith("A2:") for r in merged)
        assert ws["A2"].font.sz == 16
        assert all(ws.column_dimensions[letter].width for letter in "ABCDEFG")

    def test_wrapped_rows_are_tall_enough_for_their_lines(self, workbook):
        ws = workbook["滞后事项"]

        assert ws.row_dimensions[FIRST_ROW + 2].height > 2 * 10.5 * 1.4


class TestBulletinText:
    @pytest.mark.parametrize("text", ["=SUM(A1)", "+1", "-", "@cmd", '=HYPERLINK("http://x")'])
    def test_text_that_looks_like_a_formula_stays_text(self, text):
        data = bulletin_data()
        standings = [replace(data.standings[0], unit=text), *data.standings[1:]]
        rows = [replace(data.rows[0], light="red", responsible_units=[text], problems=[(text, text)]), *data.rows[1:]]
        timeliness = [UnitTimeliness(text, 3, 3, 0, 0), *data.timeliness]
        data = replace(data, standings=standings, rows=rows, timeliness=timeliness)

        workbook = read(data)

        cells = [workbook["县区部门排名"]["B5"], workbook["报送情况"]["B5"], workbook["滞后事项"]["J5"]]
        assert [(c.value, c.data_type) for c in cells] == [(text, "s")] * 3
        assert all(c.quotePrefix for c in cells)
        problems = workbook["滞后事项"]["K5"]
        assert (problems.value.replace("\n", ""), problems.data_type) == (f"{text}：{text}", "s")

    def test_long_lists_in_the_text_stop_at_ten_names(self):
        data = bulletin_data()
        behind = [replace(data.rows[0], indicator=f"指标{n}", light="red") for n in range(30)]

        text = overall_text(replace(data, rows=behind))

        assert "指标9（完成率72.6%）等30项（详见附件1）" in text
        assert "指标10" not in text

    @pytest.mark.parametrize(("quarter", "wording"), [(1, "一个季度25%"), (2, "上半年50%"), (4, "全年100%")])
    def test_states_the_time_progress_of_the_quarter(self, quarter, wording):
        text = overall_text(replace(bulletin_data(), quarter=quarter))

        assert f"（时序进度：年度目标{wording}" in text

    def test_an_empty_quarter_still_builds(self):
        data = replace(
            bulletin_data(), rows=[], lights_by_section={}, standings=[], timeliness=[], completed_for_year=[]
        )

        workbook = read(data)

        assert workbook["指标完成情况"]["A5"].value == "本季度无调度指标"
        assert workbook["县区部门排名"]["A5"].value == "本季度暂无可排名的单位"
        assert workbook["滞后事项"]["A5"].value == "本季度无红灯事项"
        assert workbook["总体情况"]._charts == []

    def test_the_same_data_gives_the_same_bytes_whenever_built(self, monkeypatch):
        first = build_bulletin_xlsx(bulletin_data())
        monkeypatch.setattr(time, "time", lambda: 2_000_000_000.0)

        again = build_bulletin_xlsx(bulletin_data())

        assert again == first

    def test_file_name_says_city_policy_and_quarter(self):
        assert (
            bulletin_filename(bulletin_data())
            == "唐山市-强化创新引领推进产业集群高质量发展实施方案-2025年第三季度通报.xlsx"
        )

    def test_file_name_drops_characters_no_file_system_allows(self):
        data = replace(bulletin_data(), header=replace(header(), policy_title='关于"数字/智能":制造*方案?'), quarter=4)

        assert bulletin_filename(data) == "唐山市-关于数字智能制造方案-2025年第四季度通报.xlsx"


@pytest.mark.skipif(
    shutil.which("libreoffice") is None,
    reason="LibreOffice test skipped: apt-get install libreoffice-calc fonts-noto-cjk",
)
class TestBulletinAsPdf:
    def test_libreoffice_turns_it_into_a_pdf_with_pages(self, tmp_path):
        source = tmp_path / bulletin_filename(bulletin_data())
        source.write_bytes(build_bulletin_xlsx(bulletin_data()))

        # A profile of its own, so that a LibreOffice already running elsewhere does not swallow the call.
        subprocess.run(
            [
                "libreoffice",
                f"-env:UserInstallation=file://{tmp_path}/profile",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(tmp_path),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )

        pdf = source.with_suffix(".pdf").read_bytes()
        assert pdf.startswith(b"%PDF")
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 1
