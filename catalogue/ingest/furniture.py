"""Page furniture: what a web copy of a document carries that is not the document.

View counters, "扫一扫", "分享到", print/close buttons, breadcrumbs ("政策库 > …"),
metadata rows (发布时间、信息来源), related links with their dates, reprint notices and
site banners. Lines are kept or dropped whole, so what is kept is still the document's
own text, character for character.
"""

from __future__ import annotations

import re

from .script import fold

_SHORT = 120  # furniture is short; a paragraph of the document never is dropped by a keyword

_LINE_PATTERNS = [
    r"(阅读量|阅读数|阅读次数|浏览次数|浏览量|访问量|访问次数|点击数|点击量|点击率)\s*[:：]?",
    r"扫一扫",
    r"在手机(上)?打开",
    r"分享到",
    r"^(\s*[\[【]?\s*(打印本页|打印此页|关闭窗口|关闭本页|打印|关闭|收藏|我要纠错|纠错|返回顶部|下载|分享)\s*[\]】]?)+\s*$",
    r"^字[体号]\s*[:：]",
    r"^[•·\s]*(发布|发文|成文|印发|更新)?(时间|日期)\s*[:：]\s*\d",
    r"^[•·\s]*(信息)?来源\s*[:：]",
    r"^[•·\s]*发布(机构|单位|部门)\s*[:：]",
    r"^[•·\s]*(体裁|主题|文种|组配|服务对象)分类\s*[:：]",
    r"^[•·\s]*(索引号|主题词|公开方式|公开范围|公开时限|责任编辑|编辑|审核|作者|文章来源)\s*[:：]",
    r"^(政策|文件|图文|图片|视频|专家)?解读\s*[:：]",
    r"^(下载附件|附件下载|相关附件)",
    r"^(相关链接|相关文章|相关文件|相关阅读|相关新闻|相关政策|上一篇|下一篇|热点推荐|推荐阅读)",
    r"^声明\s*[:：].*(转载|版权)",
    r"(版权所有|ICP备|网站标识码|技术支持\s*[:：]|主办单位\s*[:：])",
    r"无搜索结果",
    r"当前位置\s*[:：]",
    r"(^|\s)(首页|政策库|信息公开|政府文件|政策文件|规范性文件)\s*(>|›|»|/)",
    r"\S\s+(>|›|»)\s+\S",
    r"^[?？\s•·|｜]*$",
    r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(\s*\d{1,2}:\d{2})?\s*$",
]
_LINE_RE = [re.compile(p) for p in _LINE_PATTERNS]
# A related-link row: a date glued to a title ("2022-06-01某某区…方案").
_DATED_LINK_RE = re.compile(r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s*\S")
# Markers after which a page only has links, notices and footers.
_TAIL_RE = re.compile(r"^(来源|信息来源|文章来源)\s*[:：]|扫一扫|分享到|相关链接|相关文章|声明\s*[:：]|版权所有")
# Lines a document may start with: its 文号, a title, a notice heading, an addressee, a heading.
_START_RE = re.compile(
    r"〔\d{4}〕|\[\d{4}\]|关于|通知|方案|意见|办法|规划|计划|措施|决定|细则|纲要|要点|安排|规定|条例|政策|清单|指引|指南|"
    r"分解|分工|任务|台账|^序号|《|^[一二三四五六七八九十]+、|[:：]$"
)


def is_furniture(line: str) -> bool:
    """True for a line that belongs to the web page around the document."""
    text = fold(line).strip()
    if not text:
        return True
    if len(text) > _SHORT:
        return False
    return any(p.search(text) for p in _LINE_RE) or bool(_DATED_LINK_RE.match(text))


def _looks_like_sentence(text: str) -> bool:
    return bool(re.search(r"[,，。;；]", text)) and len(text) >= 30


def clean_lines(text: str) -> list[str]:
    """The document's lines without page furniture, blank lines and surrounding spaces."""
    lines = [raw.strip(" \t\r\f\v\u3000\u00a0\ufeff") for raw in text.splitlines()]
    lines = [line for line in lines if line.strip()]
    # Drop a site banner or other lines before the first line a document can start with.
    start = 0
    for i, line in enumerate(lines[:40]):
        folded = fold(line).strip()
        if is_furniture(line):
            continue
        if _START_RE.search(folded) or _looks_like_sentence(folded):
            start = i
            break
    lines = lines[start:]
    # From a tail marker on, a page carries only links and footers: drop them all when
    # nothing after the marker reads like a paragraph of the document.
    for i, line in enumerate(lines):
        folded = fold(line).strip()
        if len(folded) <= _SHORT and _TAIL_RE.search(folded) and i > len(lines) // 2:
            rest = lines[i + 1 :]
            if all(len(fold(r)) <= _SHORT and not re.search(r"。", fold(r)) or is_furniture(r) for r in rest):
                lines = lines[:i]
                break
    return [line for line in lines if not is_furniture(line)]
