"""81.25% reads 81.3% everywhere (四舍五入, one function: policies.numbers): on the page, in
the dispatch and in the bulletin."""

import io
from dataclasses import replace

import openpyxl
from django.template import Context, Template

from policies.numbers import percent, points, round_half_up
from reports.builders.bulletin import build_bulletin_xlsx
from reports.builders.dispatch import build_dispatch_xlsx, dispatch_context
from reports.metrics import YELLOW
from reports.tables import IndicatorResultTable
from tests.reports.builder_data import bulletin_data, dispatch_data

SHARE = 0.8125  # 13 of 16


def _texts(workbook_bytes: bytes) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes))
    # Prose is broken into lines (避头尾): a phrase is looked for across the breaks.
    return [c.value.replace("\n", "") for ws in book for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


class TestHalfUp:
    def test_halves_go_up_and_float_noise_does_not_decide(self):
        assert str(round_half_up(81.25, 1)) == "81.3"
        assert str(round_half_up(-31.25, 1)) == "-31.3"
        assert str(round_half_up(0.125, 2)) == "0.13"
        assert str(round_half_up(1.005 * 100, 0)) == "101"  # 100.49999… as a float
        assert percent(0.75) == "75%"
        assert points(-0.3125) == "-31.3"
        assert percent(None) == "—"


class TestEightyOnePointTwoFive:
    def test_shows_as_81_3_on_the_dashboard_page(self):
        page = IndicatorResultTable([])
        rendered = Template("{% load portal_tags %}{{ share|percent }}").render(Context({"share": SHARE}))

        assert page.render_completion(SHARE) == "81.3%"
        assert rendered == "81.3%"

    def test_shows_as_81_3_in_the_dispatch(self):
        data = dispatch_data()
        row = replace(data.rows[0], completion=SHARE, light=YELLOW)
        data = replace(data, rows=[row, *data.rows[1:]])

        shown = dispatch_context(data)["sections"][0]["tasks"][0]["rows"][0]
        book = openpyxl.load_workbook(io.BytesIO(build_dispatch_xlsx(data)))
        cells = [c for ws in book for r in ws.iter_rows() for c in r if c.value == SHARE]

        assert shown["completion"] == "81.3%"
        assert cells and all(c.number_format == "0.0%" for c in cells)

    def test_shows_as_81_3_in_the_bulletin(self):
        data = bulletin_data()
        row = replace(data.rows[0], completion=SHARE, light=YELLOW)
        data = replace(data, rows=[row, *data.rows[1:]])

        texts = _texts(build_bulletin_xlsx(data))

        assert any(f"{row.indicator}（完成率81.3%）" in t for t in texts)
        assert not any("81.2%" in t or "81.25%" in t for t in texts)
