"""Script and width folding that keeps every character at its place.

The reader matches its vocabularies against a *folded* copy of the text: Traditional
characters mapped to Simplified one by one, full-width digits, letters and punctuation
mapped to ASCII. The copy has exactly the length of the original, so an offset found in
the folded copy cuts the quote out of the original, in the document's own script.
"""

from __future__ import annotations

from functools import lru_cache

try:  # zhconv is a runtime dependency of the project; the table below covers its absence.
    import zhconv
except ImportError:  # pragma: no cover - exercised only without zhconv installed
    zhconv = None

# Characters frequent in policy documents, for when zhconv is not installed.
_TRAD = (
    "達億萬個項為實現單責務區縣開發產業專術數質標準級蓋長佔額們與來對總計積劃場設國內權點"
    "書網絡絡關於聯會議機構團體幹辦處財稅醫療藥監門證銀稱訂製廠車輛運營銷購買賣費補貼獎勵"
    "資環檢驗測試範軟體電腦腦際優勢驅動創辦鏈條園區鎮鄉縣區街導層級統籌協調領導組織辦公廳"
    "規範劃時間歷屆週邊廣東華陽陰夢飛鳥龍龜義務將應當從眾億萬兩雙這裡麼麥黃齊齒預頭顯顧風"
    "質貨負責財貴買賣費貿資賦賽贏趨較輕輪輸轉辦農邊還進遠適選遺郵鄉醬釋針鋼錢錄鏈鐵長門開"
    "間閱隊陸陳階際隨險雜雞離難雲電需靈韓頁項順須頒領頻題額類顯風飛養餘館馬驗體高鬥魚鳳鳴"
)
_SIMP = (
    "达亿万个项为实现单责务区县开发产业专术数质标准级盖长占额们与来对总计积划场设国内权点"
    "书网络络关于联会议机构团体干办处财税医疗药监门证银称订制厂车辆运营销购买卖费补贴奖励"
    "资环检验测试范软体电脑脑际优势驱动创办链条园区镇乡县区街导层级统筹协调领导组织办公厅"
    "规范划时间历届周边广东华阳阴梦飞鸟龙龟义务将应当从众亿万两双这里么麦黄齐齿预头显顾风"
    "质货负责财贵买卖费贸资赋赛赢趋较轻轮输转办农边还进远适选遗邮乡酱释针钢钱录链铁长门开"
    "间阅队陆陈阶际随险杂鸡离难云电需灵韩页项顺须颁领频题额类显风飞养余馆马验体高斗鱼凤鸣"
)
_FALLBACK = dict(zip(_TRAD, _SIMP, strict=True))

_WIDTH = {0x3000: " ", 0xFE51: "、", 0x00A0: " ", 0x2002: " ", 0x2003: " ", 0x2009: " ", 0xFEFF: " "}


@lru_cache(maxsize=8192)
def _fold_char(c: str) -> str:
    code = ord(c)
    if 0xFF01 <= code <= 0xFF5E:
        return chr(code - 0xFEE0)
    if code in _WIDTH:
        return _WIDTH[code]
    if code < 0x3400:
        return c
    if zhconv is not None:
        simplified = zhconv.convert(c, "zh-cn")
        if len(simplified) == 1:
            return simplified
        return c
    return _FALLBACK.get(c, c)


def fold(text: str) -> str:
    """Simplified, half-width copy of ``text`` with the same length (one character for one)."""
    return "".join(_fold_char(c) for c in text)


def simplified(text: str) -> str:
    """Simplified Chinese for display (titles, unit and indicator names); not length-preserving."""
    if zhconv is not None:
        return zhconv.convert(text, "zh-cn")
    return "".join(_FALLBACK.get(c, c) for c in text)


OPEN_BRACKETS = "(（〔[［【{｛"
CLOSE_BRACKETS = ")）〕]］】}｝"
MASK = "□"
_QUOTE_PAIRS = {"“": "”", "‘": "’", "「": "」", "『": "』", "《": "》", "〈": "〉"}


def mask(folded: str) -> str:
    """Hide what sits inside quotes, book-title marks and brackets.

    Numbers and keywords inside “…” or (…) are names, citations or asides ("“1+3+N”行动",
    "(某政发〔2021〕8号)"), not targets; separators inside them do not split clauses. The
    marks themselves stay, so a pattern can still step over a bracketed aside.
    """
    out = list(folded)
    depth = 0
    quote_close: list[str] = []
    straight = {'"': False, "'": False}
    for i, c in enumerate(folded):
        if quote_close and c == quote_close[-1]:
            quote_close.pop()
            continue
        if c in _QUOTE_PAIRS:
            quote_close.append(_QUOTE_PAIRS[c])
            continue
        if c in straight and not depth:
            if straight[c]:
                straight[c] = False
                continue
            # An ASCII quote opens only if another one closes it later on the same line.
            line_end = folded.find("\n", i + 1)
            if folded.find(c, i + 1, line_end if line_end >= 0 else len(folded)) > 0:
                straight[c] = True
                continue
        if c in "([{〔【":
            if depth or quote_close or any(straight.values()):
                out[i] = MASK
            depth += 1
            continue
        if c in ")]}〕】" and depth:
            depth -= 1
            if depth or quote_close or any(straight.values()):
                out[i] = MASK
            continue
        if c == "\n":
            quote_close.clear()
            straight = {'"': False, "'": False}
            depth = 0
            continue
        if depth or quote_close or any(straight.values()):
            out[i] = MASK
    return "".join(out)
