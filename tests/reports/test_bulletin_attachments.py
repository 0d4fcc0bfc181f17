"""The bulletin's attachments (xlsx) as an official prints them: a per-unit sheet for each
key indicator, the baseline wherever a level's completion uses one, merged text that fits
its rows, 避头尾 in generated prose, and dates that are the data's, not the last approval's."""

import datetime as dt
import io
from dataclasses import replace
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.utils import timezone

from reports import selectors
from reports.builders import xlsx
from reports.builders.bulletin import build_bulletin_xlsx
from reports.builders.data import UnitFigure
from reports.builders.dispatch import build_dispatch_xlsx
from reports.builders.tongbao import build_tongbao_docx
from targets.models import MonthlyReport
from tests.reports.builder_data import bulletin_data, dispatch_data
from tests.reports.test_dashboards import approve

COUNTY = "县(市、区)"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def figure(name, completion, progress=0.75, light=None, baseline=None, note=""):
    gap = completion - progress
    light = light or ("green" if gap >= 0 else "red" if gap < -0.1 else "yellow")
    return UnitFigure(name, COUNTY, D(20), D(12), completion, progress, gap, light, baseline=baseline, note=note)


def with_units(data):
    """The 高新技术企业 row as a level from a baseline, carried by four counties."""
    rows = list(data.rows)
    index = next(i for i, row in enumerate(rows) if row.indicator == "特色产业集群高新技术企业数量")
    rows[index] = replace(
        rows[index],
        measure="level",
        baseline=D(1500),
        units=[
            figure("迁西县", 0.41, baseline=D(8)),
            figure("滦南县", 0.95, baseline=D(6)),
            figure("乐亭县", 0.0, baseline=D(5), note="未报送，按0计"),
            figure("遵化市", 0.70, baseline=D(9)),
        ],
    )
    return replace(data, rows=rows)


@pytest.fixture(scope="module")
def workbook():
    return openpyxl.load_workbook(io.BytesIO(build_bulletin_xlsx(with_units(bulletin_data()))))


def header_row(ws) -> list:
    row = next(r for r in range(1, 8) if ws.cell(r, 1).value == "序号")
    return [c.value for c in ws[row]]


class TestPerUnitSheets:
    def test_each_key_indicator_has_a_sheet_of_its_units(self, workbook):
        names = [n for n in workbook.sheetnames if n.startswith("分单位")]

        assert names == ["分单位1-特色产业集群高新技术企业数量"]
        assert workbook.sheetnames.index(names[0]) == workbook.sheetnames.index("指标完成情况") + 1

    def test_the_sheet_says_who_is_behind_and_by_how_much_with_the_baselines(self, workbook):
        ws = workbook["分单位1-特色产业集群高新技术企业数量"]
        headers = header_row(ws)
        rows = {ws.cell(r, 2).value: [c.value for c in ws[r]] for r in range(5, 9)}

        assert ws["A1"].value == "附件2（1）"
        assert headers[:5] == ["序号", "单位", "类别", "目标", "基数"]
        assert rows["迁西县"][headers.index("基数")] == 8
        assert rows["迁西县"][headers.index("与时序进度差距\n（百分点）")] == pytest.approx(-34)
        assert rows["迁西县"][headers.index("状态")] == "红灯"
        note = ws.cell(9, 1).value.replace("\n", "")
        assert (
            "低于时序进度的单位3个：乐亭县未报送，按0计；迁西县完成41%，低于时序进度34个百分点；遵化市完成70%" in note
        )

    def test_the_indicator_sheet_shows_the_baseline_a_levels_completion_uses(self, workbook):
        ws = workbook["指标完成情况"]
        headers = header_row(ws)
        row = next(r for r in range(5, ws.max_row + 1) if ws.cell(r, 4).value == "特色产业集群高新技术企业数量")

        assert "基数" in headers
        assert ws.cell(row, headers.index("基数") + 1).value == 1500
        assert any("（当前值 − 基数）÷（目标 − 基数）" in str(c.value) for c in ws["A"])

    def test_without_levels_there_is_no_baseline_column_nor_per_unit_sheet(self):
        book = openpyxl.load_workbook(io.BytesIO(build_bulletin_xlsx(bulletin_data())))

        assert "基数" not in header_row(book["指标完成情况"])
        assert not [n for n in book.sheetnames if n.startswith("分单位")]


def merged_shortfalls(book) -> list[str]:
    """Every merged range whose rows are lower than its text needs at its columns' width."""
    short = []
    for ws in book:
        for merged in ws.merged_cells.ranges:
            cell = ws.cell(merged.min_row, merged.min_col)
            if not isinstance(cell.value, str):
                continue
            width = sum(
                ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width or 8.43
                for c in range(merged.min_col, merged.max_col + 1)
            )
            need = xlsx.block_height(cell.value, width, cell.font.sz)
            have = sum(
                ws.row_dimensions[r].height or xlsx.DEFAULT_ROW_HEIGHT
                for r in range(merged.min_row, merged.max_row + 1)
            )
            if have + 0.1 < need:
                short.append(f"{ws.title}!{merged.coord}: {have} < {need}")
    return short


class TestNothingClipped:
    def test_every_merged_range_of_the_bulletin_is_as_high_as_its_text(self, workbook):
        assert merged_shortfalls(workbook) == []

    def test_a_task_with_four_bureaus_keeps_every_line_of_its_merged_cell_in_the_dispatch(self):
        data = dispatch_data()
        bureaus = ["市工业和信息化局", "市科学技术局", "市发展和改革委员会", "市市场监督管理局"]
        rows = [replace(row, lead_units=bureaus) if i < 2 else row for i, row in enumerate(data.rows)]

        book = openpyxl.load_workbook(io.BytesIO(build_dispatch_xlsx(replace(data, rows=rows))))

        assert merged_shortfalls(book) == []

    def test_generated_prose_never_begins_a_line_with_closing_punctuation(self):
        text = "乐亭县、迁西县完成60%，低于时序进度15个百分点；丰润区未报送，按0计；开平区、路南区完成66.7%。" * 3

        for width in range(10, 60):
            lines = xlsx.prose_lines(text, width).split("\n")
            assert "".join(lines) == text
            assert not [line for line in lines[1:] if line[0] in xlsx.NO_LINE_START], width
            assert not [line for line in lines[:-1] if line[-1] in xlsx.NO_LINE_END], width
            assert xlsx.line_count("\n".join(lines), width) == len(lines)  # each line fits the width


class TestDates:
    def test_the_figures_stand_at_the_quarters_end_not_at_a_later_months_approval(self, world):
        reviewer = world.users["reviewer"]
        approve(world.a, world.a.county, 6, {world.a.indicator.pk: "60", world.a.flow.pk: "18"}, reviewer)
        later = approve(world.a, world.a.county, 11, {world.a.indicator.pk: "70", world.a.flow.pk: "5"}, reviewer)
        MonthlyReport.objects.filter(pk=later.pk).update(reviewed_at=dt.datetime(2026, 1, 13, 10, tzinfo=SHANGHAI))
        built = dt.datetime(2026, 1, 14, 9, 30, tzinfo=SHANGHAI)

        data = selectors.bulletin_data(world.a.policy, 2025, 2, generated_at=built)
        book = openpyxl.load_workbook(io.BytesIO(build_bulletin_xlsx(data)))
        texts = [c.value for ws in book for r in ws.iter_rows() for c in r if isinstance(c.value, str)]
        document = build_tongbao_docx(data)

        assert not any("2026年1月13日" in t for t in texts)
        assert any("数据截至2025年第二季度末，计入2026年1月14日 09:30前审核通过的月报" in t for t in texts)
        assert "2026年1月13日".encode() not in document
        assert timezone.localtime(data.header.generated_at) == built
