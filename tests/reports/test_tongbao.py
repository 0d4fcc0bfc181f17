"""The 通报 itself, a 公文 Word document built from hand-made data and read back with
python-docx: its GB/T 9704 frame, its 正文 and its 附件 list."""

import datetime as dt
import io
import itertools
import os
import re
import shutil
import subprocess
from dataclasses import replace
from decimal import Decimal as D
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Pt

from reports.builders import xlsx
from reports.builders.bulletin_text import attachments, overall_text
from reports.builders.data import Letter, ProblemItem, UnitFigure
from reports.builders.tongbao import build_tongbao_docx, tongbao_filename
from supervision.selectors import UnitLedgerCount
from tests.reports.builder_data import bulletin_data

COUNTY = "县(市、区)"


def read(data):
    return Document(io.BytesIO(build_tongbao_docx(data)))


def lines(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def line_starting(document, text: str) -> str:
    found = [line for line in lines(document) if line.startswith(text)]
    assert found, f"no paragraph starts with {text!r}"
    return found[0]


def unit(name, completion, progress=0.75, light="red", note=""):
    gap = None if completion is None else completion - progress
    return UnitFigure(name, COUNTY, D(10), D(0), completion, progress, gap, light, note=note)


@pytest.fixture(scope="module")
def document():
    return read(bulletin_data(letter=Letter(addressees="各县（市、区）人民政府，市直有关部门", doc_prefix="唐工信")))


class TestFrame:
    def test_the_page_is_a4_with_the_margins_of_gb_t_9704(self, document):
        section = document.sections[0]

        def mm(*lengths):  # stored in twips: a tenth of a millimetre is the precision
            return tuple(round(length.mm, 1) for length in lengths)

        assert mm(section.page_width, section.page_height) == (210, 297)
        assert mm(section.top_margin, section.bottom_margin) == (37, 35)
        assert mm(section.left_margin, section.right_margin) == (28, 26)

    def test_the_body_is_fangsong_sanhao_at_a_fixed_line_of_about_29_points(self, document):
        normal = document.styles["Normal"]
        fonts = normal.element.rPr.rFonts

        assert normal.font.size == Pt(16)
        assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "仿宋_GB2312"
        assert Pt(28) <= normal.paragraph_format.line_spacing <= Pt(29)

    def test_the_red_head_names_the_issuer_in_red_and_the_doc_number_leaves_blanks_never_brackets(self, document):
        head, number = [p for p in document.paragraphs if p.text][:2]

        assert head.text == "唐山市工业和信息化局文件"
        assert str(head.runs[0].font.color.rgb) == "E60012"
        assert number.text == "唐工信〔＿＿〕＿＿号"
        assert "（）" not in "".join(lines(document))

    def test_the_title_is_in_xiaobiaosong_erhao(self, document):
        title = next(p for p in document.paragraphs if p.text.startswith("关于"))

        lines = title.text.split("\n")
        assert "".join(lines) == "关于2025年第三季度唐山市《强化创新引领 推进产业集群高质量发展实施方案》推进情况的通报"
        widths = [xlsx.text_width(line) / 2 for line in lines]  # in characters of 二号
        assert len(lines) == 3 and max(widths) <= 20 and max(widths) - min(widths) <= 4.5
        assert title.runs[0].font.size == Pt(22)
        assert (
            title.runs[0]._element.rPr.rFonts.get(
                "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
            )
            == "方正小标宋简体"
        )

    def test_a_long_title_never_parts_a_number_or_a_span_of_years(self):
        data = bulletin_data(
            header=replace(
                bulletin_data().header,
                policy_title="湖州市聚焦八大新兴产业链建设聚力打造湖州市先进制造业集群行动方案(2023—2027年)",
                city="湖州市",
            )
        )

        lines = read(data).paragraphs[2].text.split("\n")

        assert len(lines) >= 3
        assert not [(a, b) for a, b in itertools.pairwise(lines) if a[-1:].isdigit() and b[:1].isdigit()]
        assert not [line for line in lines if line.startswith("—") or line.endswith("—")]

    def test_the_footer_numbers_pages_with_a_page_field_between_dashes(self, document):
        footer = document.sections[0].footer.paragraphs[0]

        assert footer.text.startswith("— ") and footer.text.endswith(" —")
        assert "PAGE" in footer._p.xml

    def test_a_bulletin_not_yet_issued_has_a_blank_date_and_an_issued_one_its_date(self, document):
        issued = read(bulletin_data(letter=Letter(doc_number="唐工信〔2025〕12号", issued_on=dt.date(2025, 10, 20))))

        assert "　　　　年　　月　　日" in lines(document)
        assert "2025年10月20日" in lines(issued)
        assert "唐工信〔2025〕12号" in lines(issued)


class TestText:
    def test_the_addressees_come_after_the_title(self, document):
        assert "各县（市、区）人民政府，市直有关部门：" in lines(document)

    def test_the_overall_paragraph_says_as_of_the_end_of_the_quarter(self, document):
        text = line_starting(document, "截至2025年第三季度末")

        assert text == overall_text(bulletin_data()).replace("(", "（").replace(")", "）")
        assert "（时序进度：年度目标三个季度75%，计划期累计和截止时点目标81.3%）" in text

    def test_the_ranking_is_given_per_class_with_commendation_and_interview_as_the_policy_sets(self):
        data = bulletin_data()
        bureaus = [replace(s, klass="市直部门", unit=f"市直{n}局", rank=None) for n, s in enumerate(data.standings[:2])]
        plain = read(replace(data, standings=[*data.standings, *bureaus]))
        strict = read(bulletin_data(letter=Letter(commend_top=True, interview_bottom=True)))

        ranking = line_starting(plain, "（一）县（市、区）。参与排名的18个单位中")
        assert "总分居前3位的是曹妃甸区（115.6分）、路南区（112.4分）、唐山高新技术产业开发区（110.0分）" in ranking
        assert "通报表扬" not in ranking
        assert line_starting(plain, "（二）市直部门。参评单位或计分指标不足，不排名")
        strict_ranking = line_starting(strict, "县（市、区）参与排名的18个单位中")
        assert "对曹妃甸区、路南区、唐山高新技术产业开发区予以通报表扬。" in strict_ranking
        assert "对滦州市、古冶区、汉沽管理区进行约谈督办。" in strict_ranking

    def test_each_item_behind_names_the_units_behind_and_by_how_much(self):
        data = bulletin_data()
        rows = list(data.rows)
        index = next(i for i, row in enumerate(rows) if row.indicator == "每年培育高新技术企业数量")
        rows[index] = replace(
            rows[index],
            units=[
                unit("迁西县", 0.41),
                unit("滦南县", 0.41),
                unit("乐亭县", None, note="未报送，按0计"),
                unit("遵化市", 0.9, light="green"),
            ],
        )

        text = line_starting(read(replace(data, rows=rows)), "（三）每年培育高新技术企业数量（红灯）。")

        assert text.startswith("（三）每年培育高新技术企业数量（红灯）。全市完成60%，低于时序进度15个百分点")
        assert "其中，乐亭县未报送，按0计；迁西县、滦南县完成41%，低于时序进度34个百分点。" in text
        assert "遵化市" not in text

    def test_the_next_steps_are_drafted_from_the_red_items_unless_given(self):
        drafted = read(bulletin_data())
        given = read(bulletin_data(letter=Letter(requirements="一要抓好落实。\n二要按时报送。")))

        assert line_starting(drafted, "（一）加快推进滞后事项。")
        assert "一要抓好落实。" in lines(given) and "二要按时报送。" in lines(given)
        assert not any(line.startswith("（一）加快推进") for line in lines(given))

    def test_the_attachments_list_the_sheets_of_the_workbook(self, document):
        titles = [title for _key, title in attachments(bulletin_data())]
        first = lines(document).index(f"附件：1．{titles[0]}")

        assert lines(document)[first + 1 : first + len(titles)] == [
            f"{n}．{t.replace('(', '（').replace(')', '）')}" for n, t in enumerate(titles[1:], start=2)
        ]
        assert titles[-1] == "指标计算说明"

    def test_the_problem_section_appears_only_with_problems_of_the_ledger(self, document):
        problems = [ProblemItem("高新技术企业认定进度慢", ["迁西县"], "办理中", overdue_days=5)]

        with_ledger = read(bulletin_data(problems=problems))

        assert not any("问题办理情况" in line for line in lines(document))
        assert "五、问题办理情况" in lines(with_ledger)
        assert "1．高新技术企业认定进度慢（责任单位：迁西县；办理中，逾期5天）。" in lines(with_ledger)

    def test_the_problem_section_counts_the_ledger_and_names_the_units_past_due(self):
        counts = [
            UnitLedgerCount(unit_id=1, unit="迁西县", collected=4, closed=3, overdue=1, open=1),
            UnitLedgerCount(unit_id=2, unit="滦州市", collected=2, closed=2, overdue=0, open=0),
        ]

        text = lines(read(bulletin_data(ledger_counts=counts)))

        assert "五、问题办理情况" in text
        assert any(
            "收集问题6件、已办结5件、办结率83.3%、超期1件（详见附件5）。超期办理的单位有：迁西县（1件）。" in line
            for line in text
        )
        assert any(line.endswith("2025年第三季度问题办理情况表") for line in text)

    def test_the_file_is_named_for_the_city_policy_and_quarter(self):
        assert (
            tongbao_filename(bulletin_data())
            == "唐山市-强化创新引领推进产业集群高质量发展实施方案-2025年第三季度通报.docx"
        )

    def test_the_same_data_gives_the_same_bytes(self):
        assert build_tongbao_docx(bulletin_data()) == build_tongbao_docx(bulletin_data())


@pytest.mark.skipif(
    shutil.which("libreoffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice test skipped: apt-get install libreoffice-writer poppler-utils fonts-noto-cjk",
)
def test_libreoffice_prints_it_on_a4_with_page_numbers_and_no_line_starting_with_a_comma(tmp_path):
    source = tmp_path / "通报.docx"
    source.write_bytes(build_tongbao_docx(bulletin_data(letter=Letter(addressees="各县（市、区）人民政府"))))
    fonts = Path(__file__).resolve().parents[2] / "reports" / "builders" / "gongwen-fonts.conf"

    subprocess.run(
        [
            "libreoffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",  # not another LibreOffice's profile
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
        env={**os.environ, "FONTCONFIG_FILE": str(fonts)},
    )
    pdf = tmp_path / "通报.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout

    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+", info)  # A4
    assert "唐山市工业和信息化局文件" in text
    assert re.search(r"—\s*1\s*—", text) and re.search(r"—\s*2\s*—", text)
    assert not [line for line in text.splitlines() if line.strip()[:1] in ("、", "，", "。", "）", "；")]
