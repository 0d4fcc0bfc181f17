"""The 通报 itself: the 季通报 as a 公文 Word document in the frame of GB/T 9704-2012, with
the xlsx (reports.builders.bulletin) as its attachments. Plain data in, bytes out.

Frame: A4, margins 37 mm top, 35 mm bottom, 28 mm left, 26 mm right; the 红头 (issuer) in
red 小标宋, the 文号 centred under it and a red rule; the title in 小标宋 二号; 主送; the
正文 in 仿宋_GB2312 三号 at a fixed 28.95 pt line (22 lines a page), its headings 黑体
(一、) and 楷体 (（一）); the 附件 list; the 落款 and the date of issue (a blank date line
while not issued); 抄送 and the 印发 line; page numbers "— N —" in 宋体 四号, odd pages
right and even pages left.

Fonts: each run names its East Asian font (w:rFonts eastAsia) as 公文 do, and the font
table gives each a fallback (w:altName) and a family, so Word on a machine without 方正
fonts uses 宋体/仿宋/黑体/楷体; LibreOffice substitutes Noto Serif/Sans CJK SC.
"""

from __future__ import annotations

import copy
import io
import math

from django.utils import timezone
from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor
from lxml import etree

from reports.builders import xlsx
from reports.builders.bulletin_text import (
    as_of_text,
    attachment_label,
    attachments,
    lagging_items,
    overall_text,
    problems_text,
    ranking_items,
    requirements_items,
    timeliness_text,
)
from reports.builders.data import BulletinData

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEI_FONT = "黑体"
KAI_FONT = "楷体_GB2312"
SONG_FONT = "宋体"
LATIN_FONT = "Times New Roman"
# name → (fallback Word uses when it is missing, w:family, w:pitch): LibreOffice finds a
# serif (Noto Serif CJK SC) for "roman" and a sans (Noto Sans CJK SC) for "swiss".
FONTS = {
    TITLE_FONT: ("宋体", "roman"),
    BODY_FONT: ("仿宋", "roman"),
    KAI_FONT: ("楷体", "roman"),
    HEI_FONT: ("SimHei", "swiss"),
    SONG_FONT: ("SimSun", "roman"),
}

RED = RGBColor(0xE6, 0x00, 0x12)  # the 红头's red
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
NOTE_SIZE = Pt(14)  # 四号: page numbers, 抄送 and 印发 lines
LINE = Pt(28.95)  # fixed line pitch: 22 lines on the 225 mm type area
INDENT = Pt(32)  # two characters of 三号
TYPE_WIDTH_CHARS = 28  # characters of 三号 on a line of the 156 mm type area
BLANK = "＿＿"
TITLE_CHARS = 19.5  # characters of 二号 on a line of the type area


def tongbao_title(data: BulletinData) -> str:
    period = xlsx.quarter_label(data.year, data.quarter)
    return f"关于{period}{xlsx.policy_named(data.header)}推进情况的通报"


def tongbao_filename(data: BulletinData) -> str:
    city = xlsx.file_part(data.header.city)
    policy = xlsx.file_part(data.header.policy_title)
    return f"{city}-{policy}-{xlsx.quarter_label(data.year, data.quarter)}通报.docx"


def issuer_of(data: BulletinData) -> str:
    return data.letter.issuer or xlsx.issuer(data.header.city, data.header.lead_unit)


def doc_number_text(data: BulletinData) -> str:
    """The 文号 as given, else the policy's 代字 with blanks to fill in: 唐工信〔2025〕＿＿号;
    never "（）"."""
    letter = data.letter
    if letter.doc_number:
        return letter.doc_number
    return f"{letter.doc_prefix or BLANK}〔{letter.issued_on.year if letter.issued_on else BLANK}〕{BLANK}号"


def date_text(data: BulletinData) -> str:
    """The date of issue in Arabic figures (GB/T 9704 7.3.5.1); blanks while not issued."""
    day = data.letter.issued_on
    if day is None:
        return "　　　　年　　月　　日"
    return f"{day.year}年{day.month}月{day.day}日"


def build_tongbao_docx(data: BulletinData) -> bytes:
    document = Document()
    _frame(document)
    _fallbacks(document)
    letter = data.letter
    issuer = issuer_of(data)

    red_head = _paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER, line=None, space_before=Mm(25))
    size = min(Pt(36), Pt(int(440 / max(len(issuer) + 2, 1))))
    _run(red_head, f"{issuer}文件", TITLE_FONT, size, colour=RED)
    number = _paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER, space_before=LINE * 2)
    _run(number, doc_number_text(data), BODY_FONT, BODY_SIZE)
    _rule(number, colour="E60012", size=12, space=11)

    title = _paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(36), space_before=LINE * 2)
    for index, line in enumerate(balanced_lines(chinese_text(tongbao_title(data)), TITLE_CHARS)):
        if index:
            title.runs[-1].add_break()
        _run(title, line, TITLE_FONT, TITLE_SIZE)
    _paragraph(document)
    addressees = _paragraph(document)
    _run(addressees, chinese_text((letter.addressees or "各有关单位").rstrip("：:")) + "：", BODY_FONT, BODY_SIZE)

    header = data.header
    source = f"《{header.policy_title}》" + (f"（{header.doc_number}）" if header.doc_number else "")
    _body(
        document,
        f"根据{source}推进工作安排，现将{xlsx.quarter_label(data.year, data.quarter)}目标任务推进情况通报如下。",
    )

    number_of = iter("一二三四五六七八九十")
    _heading(document, f"{next(number_of)}、总体情况")
    _body(document, overall_text(data))

    rankings = ranking_items(data)
    if rankings:
        _heading(document, f"{next(number_of)}、排名情况")
        for index, (klass, text) in enumerate(rankings):
            if len(rankings) > 1:
                _body(document, text.removeprefix(klass), lead=f"（{_cn(index + 1)}）{klass}。")
            else:
                _body(document, text)

    lagging = lagging_items(data)
    _heading(document, f"{next(number_of)}、滞后事项")
    if lagging:
        where = attachment_label(data, "lagging")
        _body(document, f"{as_of_text(data)}，以下{len(lagging)}项目标任务未达到时序进度（详见{where}）：")
        for index, (name, text) in enumerate(lagging, start=1):
            _body(document, text, lead=f"（{_cn(index)}）{name}。")
    else:
        _body(document, "本季度各项目标任务均达到时序进度。")

    _heading(document, f"{next(number_of)}、报送情况")
    _body(document, timeliness_text(data))

    collected = sum(c.collected for c in data.ledger_counts)
    if data.problems or collected:
        _heading(document, f"{next(number_of)}、问题办理情况")
        if collected:
            _body(document, problems_text(data))
        for index, item in enumerate(data.problems, start=1):
            state = item.state + (f"，逾期{item.overdue_days}天" if item.overdue_days else "")
            _body(
                document,
                f"{item.title}（责任单位：{'、'.join(item.units) or xlsx.DASH}；{state}）。",
                lead=f"{index}．",
            )

    _heading(document, f"{next(number_of)}、下步工作要求")
    for index, (lead, text) in enumerate(requirements_items(data), start=1):
        _body(document, text, lead=f"（{_cn(index)}）{lead}" if lead else "")

    _attachments(document, [title for _key, title in attachments(data)])
    _signature(document, issuer, date_text(data))
    _colophon(document, letter.copies_to)
    _page_numbers(document)

    out = io.BytesIO()
    _stamp(document, data)
    document.save(out)
    # Dated by the data, not the clock, to the entry: the same data gives the same checksum.
    return xlsx.restamp_zip(out.getvalue(), timezone.localtime(data.header.generated_at))


# Frame -------------------------------------------------------------------------------------


def _frame(document) -> None:
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(24)  # the page number 7 mm under the type area
    normal = document.styles["Normal"]
    normal.font.size = BODY_SIZE
    normal.font.name = LATIN_FONT
    _east_asian(normal.element.get_or_add_rPr(), BODY_FONT)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.widow_control = True
    p_pr = normal.element.get_or_add_pPr()
    for tag in ("w:kinsoku", "w:overflowPunct", "w:autoSpaceDE", "w:autoSpaceDN"):
        _ordered(p_pr, OxmlElement(tag))  # 避头尾 and punctuation compression, stated rather than left to defaults
    document.settings.odd_and_even_pages_header_footer = True


def _fallbacks(document) -> None:
    """Each Chinese font in the font table with its fallback, charset GB2312 and family."""
    table = next((part for part in document.part.package.parts if part.partname.endswith("fontTable.xml")), None)
    if table is None:  # pragma: no cover - python-docx's template has one
        return
    root = etree.fromstring(table.blob)
    for name, (alt, family) in FONTS.items():
        font = OxmlElement("w:font")
        font.set(qn("w:name"), name)
        for tag, value in (("w:altName", alt), ("w:charset", "86"), ("w:family", family), ("w:pitch", "variable")):
            child = OxmlElement(tag)
            child.set(qn("w:val"), value)
            font.append(child)
        root.append(font)
    table._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _east_asian(r_pr, name: str) -> None:
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), name)
    fonts.set(qn("w:hint"), "eastAsia")


def _stamp(document, data: BulletinData) -> None:
    """Document properties from the data, not the clock: the same data gives the same file."""
    props = document.core_properties
    props.title = tongbao_title(data)
    props.author = props.last_modified_by = issuer_of(data)
    moment = data.header.generated_at.replace(tzinfo=None)
    props.created = props.modified = moment
    props.revision = 1
    props.language = "zh-CN"


# Paragraphs --------------------------------------------------------------------------------


def _paragraph(document, *, align=None, line=LINE, space_before=None, indent=None, keep_next=False):
    paragraph = document.add_paragraph()
    fmt = paragraph.paragraph_format
    if align is not None:
        paragraph.alignment = align
    if line is None:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    if space_before is not None:
        fmt.space_before = space_before
    if indent is not None:
        fmt.first_line_indent = indent
    if keep_next:
        fmt.keep_with_next = True
    return paragraph


def _run(paragraph, text: str, font: str, size, *, colour=None, bold: bool = False):
    run = paragraph.add_run(text)
    run.font.size = size
    run.font.name = LATIN_FONT
    run.font.bold = bold
    if colour is not None:
        run.font.color.rgb = colour
    _east_asian(run._element.get_or_add_rPr(), font)
    return run


def _heading(document, text: str) -> None:
    """一级标题: 黑体, indented two characters, kept with what follows."""
    paragraph = _paragraph(document, indent=INDENT, keep_next=True)
    _run(paragraph, text, HEI_FONT, BODY_SIZE)


def _body(document, text: str, *, lead: str = "") -> None:
    """A paragraph of 正文, its (一) lead in 楷体."""
    paragraph = _paragraph(document, indent=INDENT, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    if lead:
        _run(paragraph, chinese_text(lead), KAI_FONT, BODY_SIZE)
    _run(paragraph, chinese_text(text), BODY_FONT, BODY_SIZE)


def chinese_text(text: str) -> str:
    """Brackets and colons of Chinese text full width, as 公文 print them: 县（市、区）."""
    return text.translate(FULL_WIDTH)


FULL_WIDTH = str.maketrans({"(": "（", ")": "）"})


def _attachments(document, titles: list[str]) -> None:
    """附件说明 (GB/T 9704 7.3.4): a blank line under the 正文, "附件：1．…" indented two
    characters, the later items aligned under the first."""
    _paragraph(document)
    for index, title in enumerate(titles, start=1):
        paragraph = _paragraph(document, keep_next=True)
        fmt = paragraph.paragraph_format
        if index == 1:
            fmt.left_indent = INDENT + BODY_SIZE * 3  # "附件：" hangs before the numbers
            fmt.first_line_indent = -BODY_SIZE * 3
            prefix = "附件：" if len(titles) > 1 else "附件："
        else:
            fmt.left_indent = INDENT + BODY_SIZE * 3
            prefix = ""
        number = f"{index}．" if len(titles) > 1 else ""
        _run(paragraph, chinese_text(f"{prefix}{number}{title}"), BODY_FONT, BODY_SIZE)


def _signature(document, issuer: str, date: str) -> None:
    """落款: the issuer centred over the date, the date four characters from the right."""
    _paragraph(document)
    _paragraph(document)
    date_width = _width(date)
    offset = max(0, (date_width - _width(issuer)) / 2)
    signer = _paragraph(document, align=WD_ALIGN_PARAGRAPH.RIGHT, keep_next=True)
    signer.paragraph_format.right_indent = Emu(int(BODY_SIZE * (4 + offset)))
    _run(signer, issuer, BODY_FONT, BODY_SIZE)
    dated = _paragraph(document, align=WD_ALIGN_PARAGRAPH.RIGHT, keep_next=True)
    dated.paragraph_format.right_indent = BODY_SIZE * 4
    _run(dated, date, BODY_FONT, BODY_SIZE)


def _colophon(document, copies_to: str) -> None:
    """抄送 (when set) under the 落款, in 四号 between rules (版记)."""
    if not copies_to:
        return
    _paragraph(document)
    copies = _paragraph(document)
    copies.paragraph_format.left_indent = NOTE_SIZE
    copies.paragraph_format.right_indent = NOTE_SIZE
    _run(copies, chinese_text(f"抄送：{copies_to.rstrip('。')}。"), BODY_FONT, NOTE_SIZE)
    _rule(copies, colour="000000", size=4, space=1, side="top")
    _rule(copies, colour="000000", size=4, space=1, side="bottom")


def _page_numbers(document) -> None:
    """— N — in 宋体 四号: odd pages on the right, even pages on the left, one character in."""
    section = document.sections[0]
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        paragraph = footer.paragraphs[0]
        paragraph.alignment = align
        fmt = paragraph.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            fmt.right_indent = NOTE_SIZE
        else:
            fmt.left_indent = NOTE_SIZE
        _run(paragraph, "— ", SONG_FONT, NOTE_SIZE)
        _field(_run(paragraph, "", SONG_FONT, NOTE_SIZE), "PAGE")
        _run(paragraph, " —", SONG_FONT, NOTE_SIZE)


# XML helpers -------------------------------------------------------------------------------


def _field(run, instruction: str) -> None:
    r = run._element
    template = copy.deepcopy(r)
    for child in list(template):
        if child.tag != qn("w:rPr"):
            template.remove(child)
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    r.append(begin)
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    second = copy.deepcopy(template)
    second.append(text)
    third = copy.deepcopy(template)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    third.append(separate)
    fourth = copy.deepcopy(template)
    shown = OxmlElement("w:t")
    shown.text = "1"
    fourth.append(shown)
    fifth = copy.deepcopy(template)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    fifth.append(end)
    r.addnext(second)
    second.addnext(third)
    third.addnext(fourth)
    fourth.addnext(fifth)


def _rule(paragraph, *, colour: str, size: int, space: int, side: str = "bottom") -> None:
    """A horizontal rule along the paragraph: `size` in eighths of a point, `space` in points."""
    p_pr = paragraph._p.get_or_add_pPr()
    borders = p_pr.find(qn("w:pBdr"))
    if borders is None:
        borders = _ordered(p_pr, OxmlElement("w:pBdr"))
    line = OxmlElement(f"w:{side}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(size))
    line.set(qn("w:space"), str(space))
    line.set(qn("w:color"), colour)
    if side == "top":
        borders.insert(0, line)  # top, left, bottom, right, between in the schema's order
    else:
        borders.append(line)


# The order CT_PPr's children must come in (ECMA-376 Part 1, 17.3.1.26).
PPR_ORDER = [
    qn(f"w:{tag}")
    for tag in (
        "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd "
        "tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi "
        "adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc "
        "textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"
    ).split()
]


def _ordered(p_pr, element):
    """Put `element` into a w:pPr at its place in the schema's order (Word rejects others)."""
    rank = PPR_ORDER.index(element.tag)
    for child in p_pr:
        if child.tag in PPR_ORDER and PPR_ORDER.index(child.tag) > rank:
            child.addprevious(element)
            return element
    p_pr.append(element)
    return element


def _width(text: str) -> float:
    """Width in characters of 三号 (a CJK character 1, other characters half)."""
    return xlsx.text_width(text) / 2


def balanced_lines(text: str, per_line: float) -> list[str]:
    """A title broken into lines of about equal length (GB/T 9704: 梯形或菱形, not a long line
    and a word left over), never before closing or after opening punctuation."""
    total = _width(text)
    count = max(1, math.ceil(total / per_line))
    if count == 1:
        return [text]
    target = total / count
    lines, start, used = [], 0, 0.0
    for index, char in enumerate(text):
        if used >= target and len(lines) < count - 1:
            cut = index
            while cut > start + 1 and (
                text[cut] in xlsx.NO_LINE_START
                or text[cut - 1] in xlsx.NO_LINE_END
                or _joined(text[cut - 1], text[cut])
            ):
                cut -= 1
            lines.append(text[start:cut])
            start, used = cut, _width(text[cut:index])
        used += _width(char)
    lines.append(text[start:])
    return lines


def _joined(before: str, after: str) -> bool:
    """Characters a line may not part: the digits of a number, a dash between years."""
    return (before.isascii() and before.isalnum() and after.isascii() and after.isalnum()) or "—" in (before, after)


def _cn(number: int) -> str:
    names = "一二三四五六七八九十"
    if number <= 10:
        return names[number - 1]
    tens, ones = divmod(number, 10)
    return (names[tens - 1] if tens > 1 else "") + "十" + (names[ones - 1] if ones else "")
