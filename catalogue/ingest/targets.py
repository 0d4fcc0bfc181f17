"""Numeric targets in one paragraph of a policy document.

The paragraph is read sentence by sentence (。！？), a sentence clause by clause (，；：),
a clause item by item (、). Each item that holds a quantity (a number with a unit of
measure) or a fixed form (全覆盖 → 100%, 清零 → 0, 倍增 → +100%, 零的突破 → 1) gives a
target. Context carries forward as a reader of Chinese policy prose expects:

- a deadline ("到2026年末", "2028年底前", "2019—2021年") holds until the next one in the
  paragraph; without one the plan's end applies and the deadline is marked inferred;
- "每年"/"每季度"/"每半年"/"每月" holds to the end of the sentence (so "每年培育A企业10家、
  B企业50家" gives two annual targets), "年均" to the end of its clause (and to a growth
  gap "高于…N个百分点" after it); a clause that states a level (达到, 突破, 占比 …),
  a share in a later clause that is not a rate of change, and anything after a "累计" said
  later in the sentence ("每年新增A 30家，累计培育B 400家") are not swept into the "每年";
- the verb nearest before the number decides the window: 累计/新增/培育/建成 … sum over
  the plan, 达到/突破/形成/占比 … a level by the deadline; with no verb the item takes the
  window of the item before it ("累计建成A 4个、B 6个"); two verbs joined by 和/并/及
  ("建设并提升N个") sum over the plan; a verb said of a size qualifier ("培育营收超8亿元企业
  5家") is not the count's verb;
- a verb opening a list with a shared quantifier is said of every noun in it ("培育A、B各
  20家" gives A 20 and B 20);
- a later milestone of the same indicator ("到2027年再建成3处", "到2027年,分别达到55%、62%")
  joins the indicator it continues;
- a target binds every unit on its own (``applies_to: each``) when its sentence says so of
  units (每县, 每个县(市、区), 每个园区, 每个产业牵头部门…; 各县(市、区)…不少于/至少/均; "市、县每年各
  组织不少于1次" for the 县), and not of the city's total (全市, 累计 … after it);
- a ceiling with no date (a time limit "1天应答", "低于0.52…") is a standing rule, window
  ``annual``; one with a date ("到2026年能耗低于0.45…", 清零) is a reduction by that date;
- a baseline is the "A" of "由A提高到B" (with its year if it says "由2022年的A"), and
  "在2022年的基础上" gives the base year (2022-12-31), which is not a deadline.

Numbers that are not targets are skipped: inside quotes, titles and brackets
(“2+4+N”, 《…》, (某政发〔2022〕5号)), size qualifiers ("投资超3亿元的项目", "营收2000万元以上的商户",
"超30亿元企业达到12家"), ordinals (第9届), enumeration counts ("等9条特色街区"),
rewards and subsidies ("奖励80万元"), years and dates.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace

from .numbers import MONEY_UNITS, SHARE_UNITS, TIME_LIMIT_UNITS, UNITS, Quantity, find_quantities, tidy
from .script import MASK, fold, mask, simplified

DEADLINE_RE = re.compile(
    r"(?:(?:到|至|截至|截止到?|力争到|力争在|在)\s*)?(?P<ym>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月(?:底|末)?(?:前|以前|之前)?"
    r"(?<=前|底|末|月)(?![日\d])"
    r"|(?:到|至|截至|截止到?|力争到|力争在|在)\s*(?P<y>\d{4})\s*年(?:底|末|年底)?"
    r"|(?P<y2>\d{4})\s*年(?:底|末)?(?:前|以前|之前)"
    r"|(?P<y3a>\d{4})\s*(?:—{1,2}|-|–|~|至)\s*(?P<y3>\d{4})\s*年"
)
_CLAUSE_YEAR_RE = re.compile(r"^\s*(?P<y>\d{4})\s*年(?:底|末)?\s*$")
# "2025年全区…增长9%": a year opening a clause is the year the clause speaks of.
LEADING_YEAR_RE = re.compile(r"(?:^|(?<=[,;:。\s]))(?P<y>\d{4})\s*年(?:底|末)?(?![\d月度])(?!\s*(?:起|以来|开始))")
# "自2022年起5年内", "从2024年开始,用3年时间": due at the end of the last of those years.
SPAN_FROM_RE = re.compile(
    r"(?:自|从|于)\s*(?P<y>\d{4})\s*年(?:起|开始)?\s*[,，]?\s*(?:用|利用|力争|争取)?\s*"
    r"(?P<n>\d{1,2}|[一二两三四五六七八九十])\s*年(?:内|之内|时间|左右)"
)
# "三年内", "用5年时间" with no year of its own: counted from the plan's start.
SPAN_RE = re.compile(
    r"(?<![\d年])(?:(?:用|利用|力争|争取|力争用|争取用)?(?P<n>\d{1,2}|[一二两三四五六七八九十])\s*年(?:内|之内|时间)"
    r"|(?:今后|未来|经过|再用)\s*(?P<m>\d{1,2}|[一二两三四五六七八九十])\s*年)"
)


# "今年年底前", "明年": counted from the year the plan starts (the year it is issued).
_RELATIVE_YEAR_RE = re.compile(r"(今年|本年度|本年|明年)(?:年底|底|末|内)?(?:前|以前)?")


def span_years(clause: str, plan_start_year: int | None) -> list[tuple[int, int, int]]:
    """(start, end, due year) of each "自X年起N年内" or "N年内" in a clause."""
    from .numbers import parse_number

    out = []
    for m in SPAN_FROM_RE.finditer(clause):
        n = parse_number(m.group("n"))
        if n and 1990 <= int(m.group("y")) <= 2100:
            out.append((m.start(), m.end(), int(m.group("y")) + int(n) - 1))
    for m in SPAN_RE.finditer(clause):
        n = parse_number(m.group("n") or m.group("m"))
        if plan_start_year and n and not any(a <= m.start() < b for a, b, _y in out):
            out.append((m.start(), m.end(), plan_start_year + int(n) - 1))
    if plan_start_year:
        for m in _RELATIVE_YEAR_RE.finditer(clause):
            out.append((m.start(), m.end(), plan_start_year + (1 if m.group(1) == "明年" else 0)))
    return sorted(out)


_PERIODIC = {"每年度": 1, "每年": 1, "每季度": 4, "每季": 4, "每半年": 2, "每个月": 12, "每月": 12}
_PERIODIC_RE = re.compile("|".join(sorted(_PERIODIC, key=len, reverse=True)))
_ANNUAL_CLAUSE_RE = re.compile(r"年均|年平均|平均每年")
_YEARLY_AMOUNT_RE = re.compile(r"(?<![\d均])年(?:营业|销售|主营业务)?(?:收入|产值|营收|销售额|交易额|总产值)|全年")
_GROWTH_RE = re.compile(r"增长|增幅|增速|递增")
_GAP_RE = re.compile(r"(高于|快于|低于|超过)[^,;。]{0,20}$")

LEVEL_WORDS = (
    "达到 达 突破 超过 超 高于 提高到 提升到 提高至 提升至 提高 提升 增长到 增加到 保持 稳定在 形成 总数 总量 拥有 "
    "规模 占比 比重 比例 覆盖率 普及率 不低于 低于 控制在 下降到 降低到 降至 压减到"
).split()
FLOW_WORDS = (
    "新增 新培育 培育 培养 建成 建设 创建 争创 引进 引育 招引 实施 完成 落地 腾出 认定 组织 举办 开展 获批 制定 "
    "制修订 统筹 签约 竣工 开工 推进 服务 选派 投入 发放 新建 改造 安排 培训 节约 节能 走访 帮扶 推广 淘汰 对接"
).split()
# 达 and 超 count only before a number ("占比达45%", "超30亿元"), not in 达标 or 超常规.
_GUARDED = {
    "达": r"达(?=\s*[\d零一二两三四五六七八九十])",
    "超": r"超(?=\s*\d)",
    "规模": r"规模(?!\s*以上|\s*以下)",  # 规模以上工业企业: a size class, no verb
}
_VERB_RE = re.compile(
    "|".join(_GUARDED.get(w, re.escape(w)) for w in sorted(set(LEVEL_WORDS + FLOW_WORDS), key=len, reverse=True))
)
_LEVEL_SET = set(LEVEL_WORDS)
_JOINED_RE = re.compile(r"\s*(?:和|并|及|与|并且|以及)\s*")
_JOINED_VERB_RE = re.compile(r"(?P<v>[\u4e00-\u9fff]{2})(?:和|并|及|并且|以及)\s*$")
# An item that does something (not a bare noun that may share the next item's number).
_ACTION_RE = re.compile(
    "|".join(sorted(set(FLOW_WORDS) | {"达到", "突破", "超过", "提高", "提升", "实现", "推动", "加快", "支持", "鼓励"}))
)
# A clause that states a level is not swept into a "每年" said earlier in the sentence.
_LEVEL_BREAK_RE = re.compile(r"达到|突破|超过|全覆盖|占比|比重|比例|提高到|提升到|提高至|提升至|覆盖率|普及率|规模")
# After a count, the noun and what those things do: "200家企业实施技术改造", "50家企业上云".
_STANDING_AFTER_RE = re.compile(
    r"[^,;。]{0,4}?(?:以上|左右)?\s*[\u4e00-\u9fff]{0,8}?(?:进入|跻身|迈入|位居|入选|入围|保持在|稳定在)"
)
_DONE_AFTER_RE = re.compile(r"\s*[\u4e00-\u9fff]{0,10}?(?:实施|开展|完成|建成|上云|通过|参与|导入|应用|进行)")
# An item that opens with its own year: "其中2024年达到1500亿元、2025年达到1650亿元".
_ITEM_YEAR_RE = re.compile(
    r"\s*(?:其中|分别|并|且)?\s*(?P<y>\d{4})\s*年(?:底|末)?(?![\d月度起])(?=\s*(?:达到|达|突破|超过|为|新增|完成|实现|力争|要|争取))"
)
_SCOPE_RE = re.compile(r"改革|制度|承诺制|标准地|清单制|一网通办|一件事")
_ACTION_OPENING_RE = re.compile(r"\s*(?:实施|开展|推进|启动|深化)[^,;:。\d]{0,10}$")
_NAMED_ACTION_RE = re.compile(r"\s*(?:专项)?(?:行动|工程|计划|攻坚|改革|试点|模式|机制|示范|专项)")
_COMPARED_RE = re.compile(r"(?:较|比|相比|相较)\s*\d{4}\s*年")
_FORMING_RE = re.compile(r"打造|培育|形成|建成|建设|发展|迈上|突破|达到|成为|壮大|跻身|迈入|提升为|升级为")
_WHOLE_UNITS = set("家个件项人名次场所座条台套款种户篇处辆艘张栋幢株棵只块册") | {"人次", "批次"}
_REWARD_RE = re.compile(r"奖励|资助|补助|补贴|奖补|扶持资金|给予.{0,8}奖|最高")
_CN_TRIGGER_RE = re.compile(
    r"达到|达|新增|培育|每年|每月|每季度|每半年|至少|不少于|不低于|累计|建成|建设|创建|突破|超过|引进|实现|打造|组织|"
    r"举办|开展|认定|完成|入企|选派|推动|" + "|".join(FLOW_WORDS)
)
_COMPARATOR_START_RE = re.compile(r"^\s*(高于|低于|达到|达|占|超过|突破|提高到|提升到|不低于|不少于|保持|增长|增加到)")
_AT_MOST_RE = re.compile(r"(不超过|不高于|低于|控制在|少于|降至|降低到|下降到|压减到|压降到|以内|小于)\s*$")
_AT_LEAST_GUARD_RE = re.compile(r"(不低于|不少于)\s*$")
# A ceiling said as a rule ("低于0.52", "不超过3天"), not as a fall to a level ("下降到", "控制在").
_RULE_CEILING_RE = re.compile(r"(?<!不)(低于|不高于|不超过|小于|少于)\s*$")
# A number without a unit counts after a comparator ("PUE低于1.25", "容积率提升0.3以上").
_BARE_RE = re.compile(
    r"(?:低于|不高于|不超过|控制在|降至|下降到|降低到|达到|提高到|提升到|提高至|提升至|不低于|提升|提高|达(?![到标成]))\s*"
    r"(?P<n>\d+(?:\.\d+)?)(?![\d.%])\s*(?P<unit>[\u4e00-\u9fffA-Za-z]{1,4}/[\u4e00-\u9fffA-Za-z]{1,4}"
    r"|(?![年月日号届期])[\u4e00-\u9fff]{1,2}(?=\s*(?:[,;。、)]|$|以上|以下|以内|左右)))?"
    r"(?P<suffix>以上|以下|以内|左右)?(?=\s*(?:[,;。、)]|$|以上|以下|以内|左右))"
)
# A place in a ranking: "跃居全省前40位", "位次保持全省第5位", "进入全国百强前50名".
_RANK_RE = re.compile(
    r"(?:跃居|跻身|进入|迈入|位居|位列|保持|稳居|排名|排在|位次|居)[^,;。]{0,14}?(?:前|第)\s*(?P<n>\d{1,3})\s*(?:位|名|强)"
)
_SPECIALS = (
    (re.compile(r"(?:100\s*%\s*)?全覆盖"), "cover"),
    (re.compile(r"清零|归零"), "zero"),
    (re.compile(r"翻两番|翻一番|翻番|倍增"), "double"),
    (re.compile(r"零的突破"), "break"),
)

_NAME_LEAD_RE = re.compile(
    r"^(?:(?:到|至|截至|力争到|力争在|在)?\W?十[一二三四五六]五\W?(?:期末|末|时期|期间)?|"
    r"(?:到|至|截至|力争到|力争在|在)?\d{4}年(?:\d{1,2}月)?(?:底|末)?(?:前|以前)?|\d{4}[—\-–~至]\d{4}年|力争|确保|争取|其中|并|同时|"
    r"全市|全区|全县|全省|实现|推动|推进|带动|每年|年均|至少|对|[,，、;；:：\s])+"
)
_NAME_TRAIL_RE = re.compile(
    r"(?:达到|达|突破|超过|超|提高到|提升到|提高至|提升至|保持|不少于|不低于|至少|分别|力争|确保|低于|不高于|不超过|控制在|"
    r"下降到|降低到|降至|增加到|增长到|各|[,，、;；:：\s])+$"
)
_BASELINE_PHRASE_RE = re.compile(r"(由|从)[^,，;；]*?(提高|增加|提升|增长|扩大|降低|下降|减少|压减)(到|至)$")
_ENUMERATOR_RE = re.compile(r"\s*(?:[(（]\s*\d{1,2}\s*[)）]|[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])\s*")
_KEY_DROP_RE = re.compile(
    r"\d{4}年(?:底|末)?|力争|确保|争取|实现|达到|达|突破|超过|全市|全区|全县|其中|新培育|培育形成|培育|新增|建成|创建|建设|"
    r"累计|每年|年均|打造|推动|完成|形成|提高到|提升到|以上|左右|不少于|不低于|至少|数量|总数|数|新建|引进|招引|认定|实施|"
    r"[“”\"'‘’()（）\[\]【】〔〕《》,，、;；:：。\s" + MASK + "]"
)
_METRIC_ONLY_RE = re.compile(r"^(年均)?(增长|增速|增幅|增长率|提高|提升|下降|降低)$")

# Units a target may bind one by one (in the masked text "县(市、区)" reads "县(□□□)").
_EACH_UNIT = r"(?:县(?:\([^)]*\))?|区县|县区|县市区|市\([^)]*\)|乡镇|镇街|镇|街道|园区|开发区|集中区|功能区|部门|单位|产业链|产业)"
_EACH_EVERY_RE = re.compile(
    r"每一?[个条座所](?:(?![年月季周天日])[\u4e00-\u9fff]){0,4}?"
    + _EACH_UNIT
    + r"|每(?:县|区县|县区|乡镇|镇|街道|园区|部门)"
)
_EACH_ALL_RE = re.compile(r"各" + _EACH_UNIT + r"[^。]*?(?:不少于|至少|(?<![年亩人平户])均(?![衡等匀]))")
# "市、县每年各组织不少于1次": an item that opens with a kind of unit (the 市 alone is the city).
_EACH_ITEM_RE = re.compile(r"\s*(?:县(?:\([^)]*\))?|区县|县区|县市区|乡镇|镇街|镇|街道|园区|开发区|部门)[^,;]*?各")
_EACH_NOUN_RE = re.compile(r"(?:县(?:\([^)]*\))?|区县|县区|县市区|乡镇|镇街|镇|街道|园区|开发区|部门)")
# After the unit, the city's own total or a sum: "每个县建1个服务站,全市累计建成200个".
_EACH_BREAK_RE = re.compile(r"全市|全区|全县|全省|累计|合计|总数|总量|共计")
_CLAUSE_BREAK_RE = re.compile(r"[,;:]")
_A_YEAR_RE = re.compile(r"\d{4}\s*年")
_BASE_YEAR_AFTER_RE = re.compile(r"\s*(?:底|末)?\s*的?\s*基础上")
_BASE_YEAR_RE = re.compile(r"以\s*(?P<y>\d{4})\s*年(?:底|末)?为基(?:数|期|准|础)")
_COMPARED_YEAR_RE = re.compile(
    r"(?:较|比|相比|相较|与)\s*(?P<y>\d{4})\s*年(?:底|末)?(?:相比)?\s*(?:增长|提高|提升|增加|下降|降低|减少|翻)"
)
_BASELINE_YEAR_RE = re.compile(r"(?:由|从)\s*(?P<y>\d{4})\s*年(?:底|末)?")

CONCEPTS = [
    (r"小巨人", "little_giant"),
    (r"专精特新", "specialized_sme"),
    (r"高新技术企业", "high_tech_enterprise"),
    (r"科技型中小企业", "tech_sme"),
    (r"发明专利", "invention_patent"),
    (r"研发(投入|经费).*(占|比重|强度)|R&D.*(占|比重|强度)", "rd_intensity"),
    (r"绿色工厂", "green_factory"),
    (r"标准(制|修订|化)|(国际|国家|行业|团体|地方|企业)标准", "standards"),
    (r"上市", "listed_company"),
    (r"工业互联网", "industrial_internet"),
    (r"领跑者", "leader_enterprise"),
    (r"研发平台|研发机构|技术中心|创新中心|重点实验室", "rd_platform"),
    (r"单项冠军", "manufacturing_champion"),
    (r"共享工厂", "shared_factory"),
    (r"首台", "first_set_equipment"),
    (r"质量奖|名牌|品牌", "quality_brand"),
    (r"技术改造|技改", "technical_renovation"),
    (r"数字化|智能制造|智能工厂|上云|智能化改造", "digital_transformation"),
    (r"集群.*(营业收入|产值)|亿级", "cluster_revenue"),
    (r"研究生|人才", "talent"),
]


@dataclass
class Draft:
    """One target as found, before indicators are formed; start/end locate its quote."""

    value: float
    value_max: float | None
    comparison: str
    unit: str
    name: str
    start: int
    end: int
    window: str = "date"
    year: int | None = None
    month: int | None = None  # a deadline within the year ("2025年9月底前")
    year_explicit: bool = False
    growth: bool = False
    per_entity: bool = False
    yearly_amount: bool = False  # a flow measured over the deadline's year (年营业收入达到…)
    baseline: float | None = None
    baseline_year: int | None = None  # the baseline's date is the end of that year
    each: bool = False  # every unit the sentence names must reach it on its own
    elided: int = 0  # >0: no subject; it continues the last `elided` indicators
    notes: list[str] = field(default_factory=list)
    confidence: float = 0.9
    quote: str = ""

    @property
    def key(self) -> str:
        return indicator_key(self.name)

    @property
    def money_flow(self) -> bool:
        """An amount of money that accrues (产值, 收入, 投资 …) rather than a stock (余额, 基金规模)."""
        said = fold(self.name + self.quote)
        return self.unit in MONEY_UNITS and bool(
            re.search(r"收入|产值|增加值|交易额|投资|营收|销售|外资|内资|融资", said)
        )

    def note(self, text: str, confidence: float) -> None:
        self.notes.append(text)
        self.confidence = min(self.confidence, confidence)


@dataclass
class IndicatorDraft:
    name: str
    unit: str
    targets: list[Draft]

    @property
    def key(self) -> str:
        return indicator_key(self.name)


def indicator_key(name: str) -> str:
    """The core of an indicator's name, for telling whether two mentions are one indicator."""
    return _KEY_DROP_RE.sub("", re.sub(r"\([^()]*\)", "", fold(name)))


_MID_SENTENCE_BREAK_RE = re.compile(
    r"(?<=[,、\u4e00-\u9fff\d%])\n(?!\s*(?:[(（]?\s*\d{1,2}\s*[)）.、]|[①②③④⑤⑥⑦⑧⑨⑩]|责任|牵头|配合))"
)
_QUOTED_RE = re.compile(r"[“‘「『](?P<q>[^“”‘’「」『』《》\n]{4,40})[”’」』]")


def _open_quoted_targets(folded: str, masked: str) -> str:
    """Show again what a quote hides when it is itself a target: "实现‘引进人才2000名左右’"
    (a verb and then a number with its unit), not a name ("“1+3+N”行动", "“双百”企业")."""
    for m in _QUOTED_RE.finditer(folded):
        inner = m.group("q")
        if re.search(r"[(\[〔【]", inner):
            continue
        quantities = [q for q in find_quantities(inner) if q.unit and not q.chinese]
        verb = _VERB_RE.search(inner)
        if quantities and verb and verb.start() < quantities[0].start:
            masked = masked[: m.start("q")] + inner + masked[m.end("q") :]
    return masked


# A list of conditions a firm or a project must meet to be supported ("申报企业须同时具备以下
# 条件：研发投入占比不低于3%…"): thresholds of eligibility, not the city's targets.
_CONDITIONS_RE = re.compile(
    r"(?:须|需|应|应当|必须)?(?:同时)?(?:具备|满足|符合|达到)(?:以下|下列|如下)(?:[\u4e00-\u9fff]{0,2})?(?:条件|要求|标准)"
    r"|(?:申报|认定|入库|评定|支持|奖补|享受)(?:[\u4e00-\u9fff]{0,4})?(?:条件|标准)(?:为|是|如下)?\s*[:：]"
)
_ENUMERATED_LINE_RE = re.compile(r"\n\s*(?:[(（]?\s*\d{1,2}\s*[)）.、]|[①②③④⑤⑥⑦⑧⑨⑩])[^\n]*")


def opens_conditions(text: str) -> bool:
    """A paragraph that ends by announcing a list of conditions ("…应符合下列条件：")."""
    folded = fold(text).rstrip()
    found = list(_CONDITIONS_RE.finditer(folded))
    return bool(found) and not folded[found[-1].end() :].strip(" :：")


def _hide_conditions(masked: str) -> str:
    for m in _CONDITIONS_RE.finditer(masked):
        end = masked.find("\n", m.end())
        end = len(masked) if end < 0 else end
        while True:
            item = _ENUMERATED_LINE_RE.match(masked, end)
            if not item:
                break
            end = item.end()
        hidden = "".join(c if c in "\n。" else MASK for c in masked[m.end() : end])
        masked = masked[: m.end()] + hidden + masked[end:]
    return masked


def _spans(masked: str, seps: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, s = [], start
    for i in range(start, end):
        if masked[i] in seps:
            if i > s:
                spans.append((s, i))
            s = i + 1
    if end > s:
        spans.append((s, end))
    return [(a, b) for a, b in spans if masked[a:b].strip(" " + MASK)]


# 十四五 (2021–2025) and the other five-year plans: "到“十四五”末".
FIVE_YEAR_RE = re.compile(r"十([一二三四五六])五\W{0,2}(?:期末|末|时期|期间|期)")


def year_of(m: re.Match) -> int | None:
    groups = m.groupdict()
    year = int(next(groups[g] for g in ("ym", "y", "y2", "y3") if groups.get(g)))
    return year if 1990 <= year <= 2100 else None


def month_of(m: re.Match) -> int | None:
    month = int(m.group("m")) if m.groupdict().get("m") else None
    return month if month and 1 <= month <= 12 else None


def five_year_end(n: str) -> int:
    return 2005 + 5 * "一二三四五六".index(n) + 5


class _Paragraph:
    def __init__(
        self,
        text: str,
        plan_end_year: int | None,
        exclude: tuple[int, int] | None,
        context_year: int | None,
        plan_start_year: int | None = None,
        context_month: int | None = None,
    ):
        self.text = text
        self.plan_end_year = plan_end_year
        self.plan_start_year = plan_start_year
        self.context_year = context_year
        self.context_month = context_month
        masked = _hide_conditions(_open_quoted_targets(fold(text), mask(fold(text))))
        if exclude:
            a, b = exclude
            masked = masked[:a] + "。" + MASK * max(0, b - a - 1) + masked[b:]
        self.masked = masked
        self.folded = fold(text)
        # Thousands separators ("1,000家") are not clause breaks; the cells of a table row are;
        # a line break in mid-sentence (a PDF copy) is none.
        breaks = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "'", masked).replace("|", ";").replace("\t", ";")
        joined = {m.start() for m in _MID_SENTENCE_BREAK_RE.finditer(self.folded)}
        self.breaks = "".join(" " if i in joined else c for i, c in enumerate(breaks)) if joined else breaks
        self.year: int | None = None
        self.month: int | None = None
        self.drafts: list[Draft] = []
        self._sentence()

    def _sentence(self) -> None:
        self.periodic: tuple[str, int, int] | None = None  # marker, multiplier, position
        self.growth_annual = False
        self.last_window: str | None = None
        self.sentence_drafts: list[Draft] = []
        self.sentence_start = 0
        self.base_year: int | None = None  # "在2022年的基础上"

    # -- reading ---------------------------------------------------------------------------

    def read(self) -> list[Draft]:
        m = self.masked
        for s_start, s_end in _spans(self.breaks, "。!?\n", 0, len(m)):
            self._sentence()
            self.sentence_start = s_start
            prev: tuple[int, int] | None = None
            prev_found = True
            for c_start, c_end in _spans(self.breaks, ",;:", s_start, s_end):
                clause = m[c_start:c_end]
                if self._dates(c_start, c_end):
                    continue  # "到2025年," on its own: it only dates what follows
                for pm in _PERIODIC_RE.finditer(clause):
                    self.periodic = (pm.group(0), _PERIODIC[pm.group(0)], c_start + pm.start())
                merge_from = prev[0] if prev and not prev_found and _COMPARATOR_START_RE.match(clause) else None
                found = self._clause(c_start, c_end, merge_from)
                self.drafts.extend(found)
                self.sentence_drafts.extend(found)
                if _ANNUAL_CLAUSE_RE.search(clause):
                    self.growth_annual = True
                prev, prev_found = (c_start, c_end), bool(found)
        return self.drafts

    def _dates(self, c_start: int, c_end: int) -> bool:
        """Take the deadline a clause states; True when the clause states nothing else."""
        clause = self.masked[c_start:c_end]
        base = _BASE_YEAR_RE.search(clause) or _COMPARED_YEAR_RE.search(clause)
        if base and 1990 <= int(base.group("y")) <= 2100:
            self.base_year = int(base.group("y"))  # "以2022年为基数", "较2023年增长25%"
        for dm in DEADLINE_RE.finditer(clause):
            year = year_of(dm)
            if year and _BASE_YEAR_AFTER_RE.match(clause, dm.end()):
                self.base_year = year  # "在2022年的基础上": the year measured from, not a deadline
                continue
            if year:
                self.year, self.month = year, month_of(dm)
                if (dm.group("y") or dm.group("ym")) and self.periodic and self.periodic[2] < c_start + dm.start():
                    self.periodic = None  # "每年…,到2026年实现…": the new deadline ends the "每年"
        for fm in FIVE_YEAR_RE.finditer(self.folded, c_start, c_end):
            self.year, self.month = five_year_end(fm.group(1)), None
        spans = span_years(clause, self.plan_start_year)
        for _a, _b, year in spans:
            self.year, self.month = year, None  # "自2022年起5年内": due 2026, not 2022

        leading = LEADING_YEAR_RE.match(clause.lstrip())
        if leading and not DEADLINE_RE.search(clause) and 1990 <= int(leading.group("y")) <= 2100:
            self.year, self.month = int(leading.group("y")), None
        bare = re.sub(DEADLINE_RE, "", clause)
        for a, b, _year in reversed(spans):
            bare = bare.replace(clause[a:b], "")
        return not bare.strip(" " + MASK) or bool(_CLAUSE_YEAR_RE.match(clause))

    def _quantities(self, c_start: int, c_end: int) -> list[Quantity]:
        m = self.masked
        clause = m[c_start:c_end]
        reward = _REWARD_RE.search(clause)
        kept = []
        for q in find_quantities(m, c_start, c_end):
            if q.chinese and not (q.suffix or _CN_TRIGGER_RE.search(m[c_start : q.start])):
                continue
            if q.chinese and m[max(c_start, q.start - 1) : q.start] == "每":
                continue  # "每一个企业": each, not one
            if q.unit in TIME_LIMIT_UNITS and not self._time_limit(q, c_start):
                continue  # "全天24小时值守": round the clock, not a time limit
            if reward and (q.unit in MONEY_UNITS or "奖" in clause):
                continue
            kept.append(q)
        for bm in _BARE_RE.finditer(m, c_start, c_end):
            if not any(q.start <= bm.start("n") < q.end for q in kept):
                unit = bm.group("unit") or ""
                kept.append(
                    Quantity(bm.start("n"), bm.end(), float(bm.group("n")), None, unit, bm.group("suffix") or "", False)
                )
        for rm in _RANK_RE.finditer(m, c_start, c_end):
            kept = [q for q in kept if not rm.start("n") <= q.start < rm.end()]
            kept.append(Quantity(rm.start("n"), rm.end(), float(rm.group("n")), None, "位", "", False, rank=True))
        # "11.121人才梯队项目": a number with decimals cannot count firms or people; an item's number.
        kept = [q for q in kept if not (q.unit in _WHOLE_UNITS and q.value != int(q.value))]
        # "对50亿级项目实行专班服务": a size class is a target only when something is to grow to it.
        kept = [q for q in kept if not q.size_class or _FORMING_RE.search(m, c_start, q.start)]
        return sorted(kept, key=lambda q: q.start)

    def _time_limit(self, q: Quantity, c_start: int) -> bool:
        """A number of days or hours is a target when something must be done within it."""
        m = self.masked
        after = m[q.end : q.end + 4]
        before = m[max(c_start, q.start - 6) : q.start]
        done = r"^(内|以内)?(办结|完成|答复|应答|回复|办理|响应|到达|到场|处置|明确|反馈|审结|审批|出具)"
        return bool(re.search(done, after) or _AT_MOST_RE.search(before) or re.search(r"压缩|缩短|控制", before))

    def _qualifier(self, q: Quantity, item_start: int) -> bool:
        """A number that qualifies a noun rather than sets a target."""
        m = self.masked
        if q.rank:
            return False
        after = m[q.end : q.end + 2]
        before = m[max(item_start, q.start - 5) : q.start]
        if after.startswith("的"):
            if re.search(r"(不低于|低于|不少于|不超过|不高于|达到|至少)\s*$", before):
                return False
            # "50%的社区建成…": a share of something that is to happen, unless it describes ("占比3%以上的企业")
            rest = m[q.end : q.end + 30]
            share_target = q.unit == "%" and not re.search(r"占|比重|比例|率", m[item_start : q.start])
            return not (share_target and re.search(r"建成|实现|达到|完成|纳入|开展|具备|通过|覆盖", rest))
        if re.search(r"(第|届|排名前|前)\s*$", before):
            return True
        if re.search(r"等\s*$", before) and not q.suffix and re.match(r"[\u4e00-\u9fff]", after):
            return True  # "等9条特色街区": the size of a list
        return bool(re.match(r"[至到]\s*\d", m[q.end : q.end + 3]))  # lower end of a size band

    def _clause(self, c_start: int, c_end: int, merge_from: int | None) -> list[Draft]:
        m = self.masked
        quantities = self._quantities(c_start, c_end)
        specials = [
            (sm.start(), sm.end(), kind)
            for regex, kind in _SPECIALS
            for sm in regex.finditer(m, c_start, c_end)
            # "全覆盖行动", "倍增计划", "实施企业倍增。": the name of an action, not a target
            if not _NAMED_ACTION_RE.match(m, sm.end())
            and not (_ACTION_OPENING_RE.match(m, c_start, sm.start()) and not m[sm.end() : c_end].strip(" " + MASK))
            # "推行承诺制改革全覆盖": the reach of a reform or a rule, not a measured coverage
            and not (kind == "cover" and _SCOPE_RE.search(m, max(c_start, sm.start() - 12), sm.start()))
            # "规模达到1000亿元，较2022年翻一番": the doubling restates the amount before it
            and not (kind == "double" and self.sentence_drafts and _COMPARED_RE.search(m, c_start, sm.start()))
        ]
        if not quantities and not specials:
            return []
        # A clause that opens with a comparator takes its subject from the clause before it
        # ("出口额年均增速,快于…3个百分点"; "…的园区,达到8%以上").
        start = c_start if merge_from is None else merge_from
        targets = [q for q in quantities if not self._qualifier(q, c_start)]
        if "分别" in m[c_start:c_end] and len(targets) >= 2:
            return self._respectively(start, c_end, targets)
        items = []
        for i_start, i_end in _spans(m, "、", start, c_end):
            items.extend(self._split_and(i_start, i_end, quantities))
        out: list[Draft] = []
        for index, (i_start, i_end) in enumerate(items):
            own_year = _ITEM_YEAR_RE.match(m, i_start, i_end)
            if own_year and 1990 <= int(own_year.group("y")) <= 2100:
                self.year, self.month = int(own_year.group("y")), None
            item_qs = [q for q in quantities if i_start <= q.start < i_end and not self._qualifier(q, i_start)]
            item_specials = sorted(s for s in specials if i_start <= s[0] < i_end)
            if item_specials:
                drafts = self._special(i_start, i_end, item_specials, start, c_end)
            elif item_qs:
                rest = items[index + 1 :]
                tail = (
                    rest
                    and not any(q.start >= rest[0][0] for q in quantities if not self._qualifier(q, rest[0][0]))
                    and not any(s[0] >= rest[0][0] for s in specials)
                    and "的" in m[rest[-1][0] : rest[-1][1]]
                )
                drafts = [self._quantity(i_start, i_end, item_qs, start, c_end, rest[-1][1] if tail else None)]
            else:
                continue
            out.extend(self._shared(items, index, drafts))
        return out

    def _split_and(self, a: int, b: int, quantities: list[Quantity]) -> list[tuple[int, int]]:
        """Split "3个百亿级园区和8个五十亿级园区" at 和/及 when both sides carry a target."""
        m = self.masked
        for joint in re.finditer(r"和|及|以及|并", m[a:b]):
            cut = a + joint.start()
            left = [q for q in quantities if a <= q.start < cut and not self._qualifier(q, a)]
            right = [q for q in quantities if cut < q.start < b and not self._qualifier(q, cut)]
            if left and right and re.match(r"[\u4e00-\u9fff]", m[left[-1].end : left[-1].end + 1] or " "):
                return [(a, cut)] + self._split_and(cut + len(joint.group(0)), b, quantities)
        return [(a, b)]

    def _shared(self, items, index: int, drafts: list[Draft]) -> list[Draft]:
        """Leading bare nouns share an item's number: "A、B年均增速快于…3个百分点", "市、区每年各开展不少于4场"."""
        m = self.masked
        i_start, i_end = items[index]
        item = m[i_start:i_end]
        if not index or len(drafts) != 1 or not re.search(r"年均|增幅|增速|各(?!类|级|种|项|地|有关)", item):
            return drafts
        shared = []
        for j in range(index - 1, -1, -1):
            p_start, p_end = items[j]
            name = self._name(p_start, p_end)
            # "(重点)培育A、B各100家": the verb opening the list is said of every noun in it.
            verb = _ACTION_RE.search(name)
            verb = verb if verb and verb.start() <= 4 else None
            noun = name[verb.end() :] if verb else name
            if find_quantities(m, p_start, p_end) or _ACTION_RE.search(noun) or len(noun) > 15 or not noun:
                break
            a, b = self._trim(p_start, drafts[0].end)
            twin = replace(drafts[0], start=a, end=b, name=noun, notes=list(drafts[0].notes))
            twin.per_entity = twin.per_entity or "各" in item
            if "各" in item and (not drafts[0].each or _EACH_ITEM_RE.match(m, i_start, i_end)):
                twin.each = bool(_EACH_NOUN_RE.fullmatch(noun))  # "市、县…各": the 县 each, the 市 once
            shared.insert(0, twin)
            if verb:
                break  # the verb opens the list: nothing before it shares the number
        if shared and "各" in item:
            drafts[0].per_entity = True
        return shared + drafts

    # -- one target ------------------------------------------------------------------------

    def _trim(self, a: int, b: int) -> tuple[int, int]:
        text = self.text
        while a < b and text[a] in " \t,，、;；:：。":
            a += 1
        enumerator = _ENUMERATOR_RE.match(text, a, b)
        if enumerator:
            a = enumerator.end()
        while b > a and text[b - 1] in " \t,，、;；:：。":
            b -= 1
        return a, b

    def _name(self, a: int, b: int, cut: tuple[int, int] | None = None) -> str:
        raw = self.text[a : cut[0]] + self.text[cut[1] : b] if cut else self.text[a:b]
        raw = simplified(raw).replace("\n", "")
        enumerator = _ENUMERATOR_RE.match(raw)
        name = _NAME_LEAD_RE.sub("", raw[enumerator.end() :] if enumerator else raw)
        name = _NAME_TRAIL_RE.sub("", _BASELINE_PHRASE_RE.sub("", name))
        return re.sub(r"(以上|以下|左右|以内)$", "", name).strip(" ,，、;；:：")

    def _comparison(self, q: Quantity, clause_start: int) -> str:
        if q.rank:
            return "at_most"
        if q.value_max is not None:
            return "range"
        if q.suffix in ("以下", "以内"):
            return "at_most"
        before = self.masked[max(clause_start, q.start - 6) : q.start]
        if _AT_LEAST_GUARD_RE.search(before):
            return "at_least"
        if _AT_MOST_RE.search(before) or q.unit in TIME_LIMIT_UNITS:
            return "at_most"
        return "at_least"

    def _verb_window(self, c_start: int, pos: int, skip: frozenset[int] = frozenset()) -> str | None:
        """The window the verb before a number gives: plan (a sum), date (a level), or None."""
        region = self.masked[c_start:pos]
        if "累计" in region:
            return "plan"
        if "动态" in region:
            return "date"
        # A verb said of a size qualifier before the count ("培育产值超50亿元企业3家") is not its verb.
        verbs = [
            v
            for v in _VERB_RE.finditer(region)
            if c_start + v.end() + len(re.match(r"\s*", region[v.end() :]).group(0)) not in skip
        ]
        if not verbs:
            return None
        last = verbs[-1]
        if last.group(0) in _LEVEL_SET:
            # Two verbs joined ("建设并提升", "打造和提升N个"): raising things, not a figure, so a sum.
            joined = _JOINED_VERB_RE.search(region, 0, last.start())
            if joined and last.group(0) in ("提升", "提高") and joined.group("v") not in _LEVEL_SET:
                return "plan"
            before = verbs[-2] if len(verbs) >= 2 else None
            if (
                before
                and before.group(0) not in _LEVEL_SET
                and _JOINED_RE.fullmatch(region[before.end() : last.start()])
            ):
                return "plan"
        return "date" if last.group(0) in _LEVEL_SET else "plan"

    def _each_said(self, item_start: int, pos: int) -> bool:
        """Whether the sentence, before the number at ``pos``, binds every unit it names:
        每县/每个…(a kind of unit), 各县(市、区)…不少于/至少/均, or an item "县…各…" — and says
        nothing of the city's total (全市, 累计 …) between that and the number."""
        m = self.masked
        sentence = m[self.sentence_start : pos]
        found = [x for regex in (_EACH_EVERY_RE, _EACH_ALL_RE) for x in regex.finditer(sentence)]
        item = _EACH_ITEM_RE.match(m, item_start, pos)
        starts = [self.sentence_start + x.start() for x in found] + ([item.start()] if item else [])
        for at in starts:
            if _EACH_BREAK_RE.search(m, at, pos):
                continue
            # A later clause that names a year starts a target of its own ("…,到2026年新增…").
            clause_end = _CLAUSE_BREAK_RE.search(self.breaks, at, pos)
            if clause_end and _A_YEAR_RE.search(m, clause_end.start(), pos):
                continue
            return True
        return False

    def _periodic_ended(self, periodic: tuple[str, int, int], pos: int) -> bool:
        """True when a "累计" said after the "每年" (not right after it, as in "每年累计") ends it:
        "每年新增A 200家，累计培育B 1500家" sums B over the plan."""
        after = self.masked[periodic[2] + len(periodic[0]) : pos]
        return bool(re.search(r"累计", after[2:]))

    def _timing(self, d: Draft, pos: int, c_start: int, c_end: int, own: str | None, level: bool = False) -> Draft:
        """Set the window, year, multiplier, baseline year and `each` of ``d`` from the
        context at ``pos``."""
        m = self.masked
        d.each = d.each or self._each_said(d.start, pos)
        if d.baseline_year is None and self.base_year is not None:
            d.baseline_year = self.base_year
        periodic = self.periodic
        window, multiplier, marker = own, 1, ""
        if periodic and periodic[2] < pos and not level and not self._periodic_ended(periodic, pos):
            own_clause = periodic[2] >= c_start
            counted = d.unit not in SHARE_UNITS and d.unit not in TIME_LIMIT_UNITS
            # A share in a later clause is annual only as a rate of change ("每年…,增长10%");
            # "…实现100%覆盖", "合格率95%" state a level.
            share_flow = counted or periodic[1] == 1 and bool(_GROWTH_RE.search(m[c_start:pos]))
            if own_clause or share_flow and not _LEVEL_BREAK_RE.search(m[c_start:pos]):
                window, multiplier, marker = "annual", periodic[1], periodic[0]
                if not counted:
                    multiplier = 1  # a share or a time limit is not summed over the months
        if window != "annual" and not level:
            annual = _ANNUAL_CLAUSE_RE.search(m[c_start:c_end])
            gap = self.growth_annual and d.unit == "百分点" and _GAP_RE.search(m[c_start:pos])
            if annual or gap:
                window, marker = "annual", annual.group(0) if annual else "年均"
        if window == "annual":
            d.window, d.year = "annual", None
            if multiplier > 1:
                d.value *= multiplier
                d.value_max = d.value_max * multiplier if d.value_max is not None else None
                d.note(f"“{marker}”折合为每年（×{multiplier}）", 0.7)
            self.last_window = "annual"
            return d
        if d.comparison == "at_most" and not level and not (self.year or self.context_year):
            if d.unit in TIME_LIMIT_UNITS or _RULE_CEILING_RE.search(m[max(c_start, pos - 6) : pos]):
                # "1天应答", "能耗低于0.52吨标准煤/万元的项目" with no date: a standing rule, met
                # or not every month (a reduction says by when: "到2027年下降到…").
                d.window, d.year = "annual", None
                d.note("未写期限的上限（时限、低于…）按长期规则，每月对照", 0.8)
                return d
        one_year = bool(self.plan_start_year) and self.plan_start_year == self.plan_end_year
        whole_year = window == "plan" and "全年" in m[c_start:pos]
        if (one_year or whole_year) and window == "plan":
            pass  # "全年完成投资300亿元", "全年新开工80个": the year's sum
        elif _YEARLY_AMOUNT_RE.search(m, c_start + m[c_start:pos].rfind("的") + 1, pos) or (
            d.yearly_amount and window is None
        ):  # "年产值超10亿元的特色产业1个": the yearly amount qualifies the noun, it is not the figure
            d.yearly_amount, window = True, "date"
            d.note("一年的流量（年营业收入、产值等）：按截止年份当年计", 0.85)
        if window is None:
            # A count that states where things stand ("3—5家企业进入…百强") is a level, whatever came before.
            window = "date" if _STANDING_AFTER_RE.match(self.masked, pos) else (self.last_window or "date")
            if not self.last_window:
                d.note("未见表明累计或时点的动词，按时点目标处理", 0.7)
        d.window = window
        d.year, d.year_explicit = (self.year, True) if self.year else (self.plan_end_year, False)
        d.month = self.month if self.year else None
        if not self.year and self.context_year:
            d.year, d.year_explicit = self.context_year, True
            d.month = self.context_month
            d.note("期限取自本节开头的“到…年”或表中的完成时限", 0.85)
        elif d.year is None:
            d.note("未能确定期限（文中无年份，计划期未知）", 0.4)
        elif not d.year_explicit:
            d.note("文中未写期限，取计划期末", 0.75)
        self.last_window = window
        return d

    def _quantity(self, i_start, i_end, qs: list[Quantity], c_start, c_end, tail_end: int | None) -> Draft:
        m = self.masked
        candidates = [q for q in qs if not q.size_class] or qs
        q = candidates[-1]
        item = m[i_start:i_end]
        baseline = None
        if (
            len(candidates) >= 2
            and re.search(r"(由|从)\s*[^,]{0,4}?\d", item)
            and re.search(r"(提高|增加|提升|增长|扩大|降低|下降|减少|压减)(到|至)", item)
        ):
            baseline = candidates[-2].value
        said_year = _BASELINE_YEAR_RE.search(item) if baseline is not None else None
        a, b = self._trim(i_start, i_end)
        unit = q.unit.replace("个百分点", "百分点")
        name = self._name(a, b, (q.start, q.end))
        if tail_end is not None and re.match(r"[\u4e00-\u9fff]", m[q.end : q.end + 1] or " "):
            # "每年评选15家管理规范、效益突出的商户开展示范推广": the noun closes the clause.
            b = self._trim(i_start, tail_end)[1]
            noun = re.split(r"的", m[i_end:tail_end])[-1]
            name = self._name(a, q.start) + simplified(self.text[tail_end - len(noun) : tail_end])
        d = Draft(q.value, q.value_max, self._comparison(q, c_start), unit, name, a, b, baseline=baseline)
        if said_year and 1990 <= int(said_year.group("y")) <= 2100:
            d.baseline_year = int(said_year.group("y"))  # "由2022年的30%提高到50%"
        if q.chinese:
            d.note("中文数字", 0.8)
        if not unit:
            subject = re.sub(r"(较|比|由|从).*$", "", name)
            metric = re.search(r"([A-Za-z]+|[\u4e00-\u9fff]{1,2}(?:率|度|值|系数|指数|比))$", subject)
            d.unit = metric.group(1) if metric else "—"
            d.note("原文未写计量单位", 0.5)
        if q.size_class:
            d.yearly_amount = True
            d.note("“N亿级”按该年规模计", 0.8)
        d.growth = bool(_GROWTH_RE.search(m[c_start : q.start])) and d.unit in SHARE_UNITS
        d.per_entity = bool(re.search(r"每个|每家|每名|每户|每位", m[c_start : q.start]))
        if self.sentence_drafts and (_METRIC_ONLY_RE.match(d.name) or not indicator_key(d.name)):
            # "…客流量年均增长12%，到2026年突破800万人次": the subject is the one before
            subject = re.sub(r"(年均)?(增长|增速|增幅|增长率)$", "", self.sentence_drafts[-1].name)
            d.name = subject + d.name if _METRIC_ONLY_RE.match(d.name) else subject
        others = frozenset(x.start for x in self._quantities(c_start, c_end) if x.start != q.start)
        own = self._verb_window(c_start, q.start, others)
        if own is None and _DONE_AFTER_RE.match(m, q.end, c_end):
            own = "plan"  # "推动200家企业实施技术改造": so many things done, a count over the plan
        elif (
            own is None
            and not self.last_window
            and d.money_flow
            and not _LEVEL_BREAK_RE.search(m, c_start, q.start)
            and not re.search(r"(达|超|为)\s*$", m[c_start : q.start])
        ):
            own = "plan"  # "实际利用外资2.5亿美元": an amount that accrues, summed over the plan
        if d.unit in SHARE_UNITS or d.unit in TIME_LIMIT_UNITS or not unit or q.rank:
            own = "date"
        return self._timing(d, q.start, c_start, c_end, own)

    def _special(self, i_start, i_end, specials, c_start, c_end) -> list[Draft]:
        m = self.masked
        out = []
        seg_start = i_start
        for s_start, s_end, kind in specials:
            a, b = self._trim(seg_start, s_end)
            name = self._name(a, b, (s_start, s_end))
            if kind == "cover":
                d = Draft(100.0, None, "at_least", "%", f"{name}覆盖率", a, b)
                d.note("“全覆盖”按100%计", 0.75)
            elif kind == "zero":
                d = Draft(0.0, None, "at_most", "家" if "企业" in name else "个", name, a, b)
                d.note("“清零”按0计", 0.75)
            elif kind == "double":
                value = 300.0 if "两番" in m[s_start:s_end] else 100.0
                d = Draft(value, None, "at_least", "%", f"{name}增长", a, b, growth=True)
                d.note("“倍增/翻番”按增长100%计", 0.75)
            else:
                d = Draft(1.0, None, "at_least", "项", name, a, b)
                d.note("“零的突破”按至少1计", 0.75)
            own_periodic = re.search("每年|每季度|每半年|每月", m[seg_start:s_start])
            level = kind in ("cover", "zero") and not own_periodic
            out.append(self._timing(d, s_start, c_start, c_end, "plan" if kind == "break" else "date", level))
            seg_start = s_end
            follow = re.match(r"\s*(和|及|以及|、)", m[s_end:i_end])
            if follow:
                seg_start = s_end + follow.end()
        return out

    def _respectively(self, start: int, c_end: int, qs: list[Quantity]) -> list[Draft]:
        """One target per subject of "A、B分别达到X、Y"; with no subject, the last indicators continue."""
        m = self.masked
        resp = m.index("分别", start)
        values = [q for q in qs if q.start > resp]
        subject_a, subject_b = self._trim(start, resp)
        subject = DEADLINE_RE.sub(lambda x: MASK * len(x.group(0)), m[subject_a:subject_b])
        subject_a += len(subject) - len(subject.lstrip(MASK + " ,"))
        has_subject = bool(subject.strip(MASK + " ,"))
        parts: list[tuple[int, int]] = []
        if has_subject:
            for seps in ("、", "、和及与"):
                parts = _spans(m, seps, subject_a, subject_b)
                if len(parts) == len(values):
                    break
            else:
                parts = []
        drafts = []
        for i, q in enumerate(values):
            a = parts[i][0] if parts else (subject_a if has_subject else start)
            a, b = self._trim(a, q.end)
            if parts:
                name = self._name(*parts[i])
            else:
                name = self._name(subject_a, subject_b) if has_subject else ""
            unit = q.unit.replace("个百分点", "百分点")
            d = Draft(q.value, q.value_max, self._comparison(q, start), unit, name, a, b)
            if not name:
                d.elided = len(values)
                d.note("省略主语，按上文顺序归入前述指标", 0.65)
            own = "date" if unit in SHARE_UNITS else self._verb_window(start, q.start)
            drafts.append(self._timing(d, q.start, start, c_end, own))
        return drafts


def _same(a: str, b: str) -> bool:
    if not a or not b:
        return False
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 2 and long_.endswith(short)


def _indicators(drafts: list[Draft]) -> list[IndicatorDraft]:
    """Group a paragraph's targets into indicators: later milestones join the one they continue."""
    indicators: list[IndicatorDraft] = []
    pending: list[IndicatorDraft] = []
    last_noun = ""
    for d in drafts:
        home = None
        if d.window != "annual":
            open_ = [
                ind
                for ind in indicators
                if ind.targets[0].window != "annual" and all(t.year != d.year for t in ind.targets)
            ]
            if d.elided:
                if not pending:
                    pending = open_[-d.elided :] if len(open_) >= d.elided else open_[-1:]
                home = pending.pop(0) if pending else None
            elif d.key:
                home = next((ind for ind in reversed(open_) if _same(ind.key, d.key)), None)
            elif open_:
                home = open_[-1]  # "到2026年再建成3处": the subject is the indicator before
        if home is not None:
            if d.window != home.targets[0].window:
                d.window = home.targets[0].window
                d.notes.append("与前一期目标同一指标，沿用其计算口径")
            home.targets.append(d)
            continue
        if not d.key and last_noun:
            d.name = f"{d.name}{last_noun}"  # "…充电桩600个，累计建成4500个": borrow the noun
        if d.key:
            last_noun = d.key
        indicators.append(IndicatorDraft(name=d.name or "（未命名指标）", unit=d.unit, targets=[d]))
    return indicators


def extract(
    text: str,
    *,
    plan_end_year: int | None,
    exclude: tuple[int, int] | None = None,
    context_year: int | None = None,
    plan_start_year: int | None = None,
    context_month: int | None = None,
) -> list[IndicatorDraft]:
    """The indicators and targets of one paragraph, in order; quotes are offsets into ``text``.

    ``exclude`` is a span not to read (the paragraph's responsibility clause); ``context_year``
    is a deadline set before the paragraph ("到2025年,…目标如下:" opening its section).
    """
    drafts = _Paragraph(text, plan_end_year, exclude, context_year, plan_start_year, context_month).read()
    for d in drafts:
        d.quote = text[d.start : d.end]
    return _indicators(drafts)


def context_year(text: str) -> int | None:
    """The deadline a paragraph without targets sets for the paragraphs after it, if any."""
    masked = mask(fold(text))
    if find_quantities(masked) or any(regex.search(masked) for regex, _kind in _SPECIALS):
        return None
    years = [year_of(m) for m in DEADLINE_RE.finditer(masked)]
    years = [y for y in years if y]
    return years[-1] if years else None


def concept_for(name: str) -> str | None:
    folded = fold(name)
    for pattern, code in CONCEPTS:
        if re.search(pattern, folded):
            return code
    return None


def measure_of(ind: IndicatorDraft) -> tuple[str, str, str]:
    """(measure, rollup, direction) by the simple rules of the catalogue."""
    first = ind.targets[0]
    direction = "down" if first.comparison == "at_most" else "up"
    per_unit = re.search(r"^(单位|人均|亩均|户均|每万|每千|每百)|人均|亩均|每万人|每千人|密度|强度", fold(ind.name))
    if ind.unit in SHARE_UNITS or first.growth or "/" in ind.unit or ind.unit in TIME_LIMIT_UNITS or per_unit:
        return "level", "single", direction
    if ind.unit not in UNITS:
        return "level", "single", direction  # a metric of its own (容积率, PUE): one figure
    rollup = "single" if first.per_entity else "sum"
    if first.window in ("annual", "plan") or first.yearly_amount:
        return "flow", rollup, direction
    stock = re.search(r"基金|余额|资产|存量|储备", fold(ind.name + first.quote))
    if not stock and (first.money_flow or ind.unit in MONEY_UNITS and re.search(r"规模", fold(ind.name))):
        return "flow", rollup, direction
    return "level", rollup, direction


def _deadline(year: int, month: int | None) -> str:
    if not month or month == 12:
        return f"{year}-12-31"
    last = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
    return last.isoformat()


def to_dicts(indicators: list[IndicatorDraft], text: str) -> list[dict]:
    """Indicators in the export shape (codes are given by the caller)."""
    out = []
    for ind in indicators:
        measure, rollup, direction = measure_of(ind)
        targets = []
        for d in ind.targets:
            dated = d.window != "annual" and d.year is not None
            row = {
                "value": tidy(d.value),
                "value_max": tidy(d.value_max),
                "comparison": d.comparison,
                "window": d.window,
                "year": d.year if dated else None,
                "deadline": _deadline(d.year, d.month) if dated else None,
                "deadline_inferred": dated and not d.year_explicit,
                "baseline": tidy(d.baseline),
                "baseline_date": f"{d.baseline_year}-12-31" if d.baseline_year else None,
                "applies_to": "each" if d.each else "total",
                "milestones": [],
                "source_quote": text[d.start : d.end].strip(),
                "confidence": round(d.confidence, 2),
            }
            if d.notes:
                row["confidence_note"] = "；".join(dict.fromkeys(d.notes))
            targets.append(row)
        out.append(
            {
                "code": None,
                "name": ind.name,
                "unit": ind.unit,
                "measure": measure,
                "rollup": rollup,
                "direction": direction,
                "concept": concept_for(ind.name),
                "growth_rate": any(t.growth for t in ind.targets),
                "targets": targets,
            }
        )
    return out
