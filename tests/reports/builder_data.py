"""Hand-made inputs for the dispatch and bulletin builders: 唐山's innovation-cluster plan
in September 2025 and in the third quarter of 2025. The indicator rows are evaluated with
reports.metrics from monthly series written out here, so the figures in the workbooks can be
checked against the formulas."""

import datetime as dt
from decimal import Decimal as D
from zoneinfo import ZoneInfo

from reports import metrics
from reports.builders.data import (
    BulletinData,
    DispatchData,
    IndicatorRow,
    Narrative,
    ReportHeader,
    UnitStanding,
    UnitTimeliness,
)
from reports.metrics import FORMULAS, Standing, TargetSpec, evaluate, rank

SHANGHAI = ZoneInfo("Asia/Shanghai")
PLAN = {"plan_start": dt.date(2024, 9, 1), "plan_end": dt.date(2025, 12, 31)}
AT = (2025, 9)
TOLERANCE = 10

GOALS = "一、主要目标"
TASKS = "二、重点任务"
GXJ, KJJ, SWJ, FGW, SCJGJ, ZZB, RSJ = (
    "市工业和信息化局",
    "市科学技术局",
    "市商务局",
    "市发展改革委",
    "市市场监督管理局",
    "市委组织部",
    "市人力资源社会保障局",
)
COUNTIES = [
    ("路南区", "区"),
    ("路北区", "区"),
    ("古冶区", "区"),
    ("开平区", "区"),
    ("丰南区", "区"),
    ("丰润区", "区"),
    ("曹妃甸区", "区"),
    ("滦南县", "县"),
    ("乐亭县", "县"),
    ("迁西县", "县"),
    ("玉田县", "县"),
    ("遵化市", "县级市"),
    ("迁安市", "县级市"),
    ("滦州市", "县级市"),
    ("芦台经济开发区", "开发区"),
    ("汉沽管理区", "开发区"),
    ("唐山高新技术产业开发区", "开发区"),
    ("唐山海港经济开发区", "开发区"),
    ("唐山国际旅游岛", "开发区"),
]


def monthly(first: tuple[int, int], amounts: list[int | str]) -> dict[tuple[int, int], D]:
    """A flow's monthly amounts from month `first` on."""
    year, month = first
    series = {}
    for amount in amounts:
        series[(year, month)] = D(str(amount))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return series


def annual_flow(value) -> TargetSpec:
    return TargetSpec(value=D(str(value)), window="annual", measure="flow", **PLAN)


def level_by_2025(value) -> TargetSpec:
    return TargetSpec(value=D(str(value)), window="date", deadline=dt.date(2025, 12, 31), measure="level", **PLAN)


def indicator_row(
    section, task, leads, responsible, name, unit, target_text, spec, series, *, months, problems=()
) -> IndicatorRow:
    """The row as reports.services would make it: evaluated at AT, with the amount of the
    last `months` months (1 for the dispatch, 3 for the bulletin) for a flow."""
    result = evaluate(spec, series, AT, TOLERANCE)
    period = None
    if spec.measure == "flow":
        recent = [AT]
        for _ in range(months - 1):
            y, m = recent[-1]
            recent.append((y - 1, 12) if m == 1 else (y, m - 1))
        amounts = [series[m] for m in recent if m in series]
        period = sum(amounts, D(0)) if amounts else None
    return IndicatorRow(
        section=section,
        task=task,
        lead_units=list(leads),
        responsible_units=list(responsible),
        indicator=name,
        unit_of_measure=unit,
        target_text=target_text,
        target_value=spec.value,
        period_value=period,
        to_date=result.actual,
        completion=result.completion,
        progress=result.progress,
        gap=result.gap,
        light=result.light,
        met=result.met,
        problems=list(problems),
    )


def rows(months: int) -> list[IndicatorRow]:
    year_2025 = (2025, 1)
    specs = [
        (
            GOALS,
            "集群规模",
            [GXJ],
            [GXJ],
            "特色产业集群年营业收入",
            "亿元",
            "≥6500亿元（2025年）",
            TargetSpec(value=D(6500), window="date", year=2025, deadline=dt.date(2025, 12, 31), measure="flow", **PLAN),
            monthly(year_2025, [498, 512.5, 530, 521, 540, 556.25, 518, 505, 536]),
            [(GXJ, "钢铁、装备制造集群订单回落，三季度营业收入增速放缓。")],
        ),
        (
            GOALS,
            "集群规模",
            [GXJ],
            [GXJ],
            "营业收入超100亿元的特色产业集群数量",
            "个",
            "≥12个（2025年底）",
            level_by_2025(12),
            {(2024, 9): D(8), (2025, 3): D(10), (2025, 9): D(11)},
            [],
        ),
        (
            GOALS,
            "创新主体",
            [GXJ],
            [GXJ, KJJ],
            "特色产业集群高新技术企业数量",
            "家",
            "≥1800家（2025年底）",
            level_by_2025(1800),
            {(2024, 9): D(1500), (2025, 6): D(1610), (2025, 9): D(1650)},
            [(KJJ, "部分企业研发费用归集不规范，认定通过率偏低。")],
        ),
        (
            GOALS,
            "创新主体",
            [GXJ],
            [GXJ],
            "特色产业集群“专精特新”企业数量",
            "家",
            "≥800家（2025年底）",
            level_by_2025(800),
            {(2024, 9): D(600), (2025, 9): D(790)},
            [],
        ),
        (
            TASKS,
            "1. 大力培育创新主体",
            [GXJ],
            [GXJ, KJJ, SWJ, "曹妃甸区", "迁安市"],
            "每年培育高新技术企业数量",
            "家",
            "≥200家（每年）",
            annual_flow(200),
            monthly(year_2025, [8, 10, 15, 12, 14, 16, 15, 14, 16]),
            [
                (KJJ, "申报集中在四季度，前三季度入库企业偏少。"),
                ("曹妃甸区", "重点培育企业研发投入不足，尚未达到认定条件。"),
            ],
        ),
        (
            TASKS,
            "1. 大力培育创新主体",
            [GXJ],
            [GXJ, SWJ],
            "每年培育“专精特新”中小企业数量",
            "家",
            "≥100家（每年）",
            annual_flow(100),
            monthly(year_2025, [6, 8, 10, 9, 9, 10, 9, 9, 10]),
            [],
        ),
        (
            TASKS,
            "2. 推动科技成果转化",
            [KJJ],
            [KJJ, FGW, GXJ, SCJGJ],
            "每年集群新增发明专利",
            "件",
            "≥200件（每年）",
            annual_flow(200),
            monthly(year_2025, [15, 16, 18, 17, 19, 18, 20, 18, 19]),
            [],
        ),
        (
            TASKS,
            "4. 大力引进培育人才",
            [ZZB],
            [ZZB, RSJ, "市教育局"],
            "每年引进研究生人数",
            "人",
            "≥1000人（每年）",
            annual_flow(1000),
            monthly(year_2025, [30, 25, 60, 55, 62, 70, 90, 68, 60]),
            [
                (ZZB, "高校毕业生签约集中在下半年，引进进度滞后。"),
                (RSJ, "人才公寓等配套政策尚未落地。"),
            ],
        ),
        (
            TASKS,
            "5. 拓展共享场景",
            [GXJ],
            [GXJ, KJJ],
            "重点集群共享工厂覆盖率",
            "%",
            "≥60%（2025年底）",
            level_by_2025(60),
            {(2024, 9): D(40), (2025, 9): D("55.5")},
            [(GXJ, "共享工厂运营主体培育慢。")],
        ),
        (
            TASKS,
            "7. 强化项目建设",
            [FGW],
            [FGW, GXJ],
            "每年实施强链延链补链项目数量",
            "个",
            "≥50个（每年）",
            annual_flow(50),
            monthly(year_2025, [3, 4, 5, 5, 6, 5, 5, 4, 3]),
            [],
        ),
        (
            TASKS,
            "10. 推进绿色发展",
            [GXJ],
            [GXJ],
            "每年在集群内培育省级绿色工厂数量",
            "家",
            "≥10家（每年）",
            annual_flow(10),
            monthly(year_2025, [0, 1, 2, 1, 2, 2, 1, 2, 1]),
            [],
        ),
        (
            TASKS,
            "12. 加快“智改数转”",
            [GXJ],
            [GXJ],
            "集群规上工业企业上云用云覆盖率",
            "%",
            "≥80%（2026年）",
            # Not yet due: grey is "not yet due" only (a due target with no figure counts 0).
            TargetSpec(value=D("80"), window="annual", year=2026, measure="level", **PLAN),
            {},
            [],
        ),
        (
            TASKS,
            "14. 强化标准引领",
            [SCJGJ],
            [SCJGJ, GXJ],
            "每年新增主导或参与制修订国际、国家、行业标准数量",
            "项",
            "≥20项（每年）",
            annual_flow(20),
            monthly(year_2025, [2, 3, 2, 3, 2, 3, 3, 2, 2]),
            [],
        ),
    ]
    return [
        indicator_row(section, task, leads, resp, name, unit, text, spec, series, months=months, problems=problems)
        for section, task, leads, resp, name, unit, text, spec, series, problems in specs
    ]


def header(*, generated_at=None) -> ReportHeader:
    return ReportHeader(
        city="唐山市",
        policy_title="强化创新引领 推进产业集群高质量发展实施方案",
        doc_number="唐政办字〔2024〕57号",
        lead_unit=GXJ,
        cutoff_at=dt.datetime(2025, 10, 15, 17, 30, tzinfo=SHANGHAI),
        generated_at=generated_at or dt.datetime(2025, 10, 16, 8, 0, tzinfo=SHANGHAI),
        tolerance=TOLERANCE,
        formulas=FORMULAS.format(tolerance=TOLERANCE),
    )


def count_lights(items: list[IndicatorRow]) -> dict[str, int]:
    counts = dict.fromkeys(("green", "yellow", "red", "grey"), 0)
    for row in items:
        counts[row.light] += 1
    return counts


def dispatch_data(**changes) -> DispatchData:
    items = rows(months=1)
    fields = {
        "header": header(),
        "year": 2025,
        "month": 9,
        "rows": items,
        "lights": count_lights(items),
        "reports_expected": 26,
        "reports_on_time": 21,
        "reports_late": 3,
        "reports_missing": 2,
        "narratives": [
            Narrative(
                GXJ,
                "9月份组织召开产业集群发展推进会，新认定“领跑者”企业6家；推动12个共享工厂项目建设，3个已投入运营。",
                "共享工厂运营主体培育偏慢，部分集群营业收入增速放缓。",
                "10月份开展集群企业走访服务，协调解决融资、用地等问题；加快共享工厂项目建设。",
            ),
            Narrative(
                KJJ,
                "组织高新技术企业认定培训4场，入库培育企业126家；新增市级以上研发平台5家。",
                "部分企业研发费用归集不规范。",
                "10月中旬前完成第二批高新技术企业申报材料审核。",
            ),
            Narrative(
                ZZB,
                "赴省内外高校开展引才活动3场，签约研究生60人。",
                "高校毕业生签约集中在下半年，引进进度滞后。",
                "举办“唐山人才周”活动，力争四季度签约300人以上。",
            ),
            Narrative(FGW, "新开工强链延链补链项目3个，总投资18.6亿元。", "", "加快项目前期手续办理。"),
        ],
        "missing_units": ["古冶区", "汉沽管理区"],
    }
    return DispatchData(**{**fields, **changes})


def standings() -> list[UnitStanding]:
    scores = [
        112.4,
        87.5,
        64.0,
        101.3,
        95.8,
        90.2,
        115.6,
        78.9,
        83.1,
        72.4,
        88.0,
        104.7,
        108.2,
        69.5,
        92.3,
        58.7,
        110.0,
        81.6,
        None,
    ]
    on_time = [1, 1, 2 / 3, 1, 1, 1, 1, 2 / 3, 1, 1, 1, 1, 1, 1 / 3, 1, 2 / 3, 1, 1, 0]
    # The second quarter's table, first to last.
    previous_order = [
        "曹妃甸区",
        "迁安市",
        "唐山高新技术产业开发区",
        "路南区",
        "芦台经济开发区",
        "遵化市",
        "开平区",
        "玉田县",
        "丰南区",
        "唐山海港经济开发区",
        "乐亭县",
        "丰润区",
        "路北区",
        "迁西县",
        "滦州市",
        "汉沽管理区",
        "滦南县",
        "古冶区",
    ]
    previous = {name: place for place, name in enumerate(previous_order, start=1)}
    table = rank(
        [
            Standing(name, score, rate, 13, metrics.COUNTIES)
            for (name, _), score, rate in zip(COUNTIES, scores, on_time, strict=True)
        ],
        previous,
    )
    kinds = dict(COUNTIES)
    ranked = [row for row in table if row.rank is not None]
    top = {row.unit for row in ranked[:3]}
    bottom = {row.unit for row in ranked[-3:]}
    return [
        UnitStanding(
            unit=row.unit,
            kind=kinds[row.unit],
            score=row.score,
            rank=row.rank,
            change=row.change,
            on_time_rate=row.on_time,
            tier="前三" if row.unit in top else "后三" if row.unit in bottom else "",
            klass=metrics.CLASS_LABELS[row.klass],
            scored=row.scored,
        )
        for row in table
    ]


def timeliness() -> list[UnitTimeliness]:
    late = {"古冶区": 1, "滦南县": 1, "汉沽管理区": 0, "滦州市": 1}
    missing = {"汉沽管理区": 1, "滦州市": 1, "唐山国际旅游岛": 3}
    items = [UnitTimeliness(unit, 3, 3 - late.get(unit, 0) - missing.get(unit, 0), 0, 0) for unit, _ in COUNTIES]
    return [
        UnitTimeliness(t.unit, t.expected, t.on_time, late.get(t.unit, 0), missing.get(t.unit, 0)) for t in items
    ] + [
        UnitTimeliness(GXJ, 3, 3, 0, 0),
        UnitTimeliness(KJJ, 3, 3, 0, 0),
        UnitTimeliness(ZZB, 3, 2, 1, 0),
    ]


def bulletin_data(**changes) -> BulletinData:
    items = rows(months=3)
    by_section: dict[str, dict[str, int]] = {}
    for row in items:
        counts = by_section.setdefault(row.section, dict.fromkeys(("green", "yellow", "red", "grey"), 0))
        counts[row.light] += 1
    fields = {
        "header": header(),
        "year": 2025,
        "quarter": 3,
        "rows": items,
        "lights_by_section": by_section,
        "standings": standings(),
        "timeliness": timeliness(),
        "completed_for_year": [row.indicator for row in items if row.met],
    }
    return BulletinData(**{**fields, **changes})
