"""The plain data the dispatch and bulletin builders take: assembled from the database by
reports.services, turned into files by the builders without any query or clock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class UnitFigure:
    """One assigned unit's own figures on an indicator (its share, or T for an each target)."""

    unit: str
    klass: str  # 县(市、区) / 市直部门
    target_value: Decimal | None  # the unit's own target: its share, or T itself; None: not split
    to_date: Decimal | None
    completion: float | None
    progress: float | None
    gap: float | None  # C − P
    light: str  # "grey" when the unit has no target of its own or none is due
    met: bool = False
    baseline: Decimal | None = None  # B where the completion of a level used one
    note: str = ""  # 未报送，按0计 / 低于基数 / 超出…


@dataclass(frozen=True)
class IndicatorRow:
    """One indicator of the policy evaluated at the report's month (the city's figure)."""

    section: str  # top-level heading, e.g. "二、重点任务"
    task: str  # "1. 大力培育创新主体"
    lead_units: list[str]  # 牵头单位 names
    responsible_units: list[str]  # every unit that reports it (牵头 + 落实), for 滞后事项
    indicator: str
    unit_of_measure: str  # 家, 件, 亿元, % …
    target_text: str  # "≥1800家（2025年底）", "2—3个（每年）"
    target_value: Decimal | None
    period_value: Decimal | None  # this month's amount (dispatch) or this quarter's (bulletin); None for levels
    to_date: Decimal | None  # the actual A: flow → sum over the window to date; level → latest value
    completion: float | None  # C as a fraction (1.0 = 100%)
    progress: float | None  # P as a fraction
    gap: float | None  # C − P as a fraction
    light: str  # "green" | "yellow" | "red" | "grey"
    met: bool = False
    problems: list[tuple[str, str]] = field(default_factory=list)  # (unit, 存在问题) of its reporters
    baseline: Decimal | None = None  # B of a level's completion (A − B) / (T − B), where one was used
    measure: str = "flow"  # flow / level
    note: str = ""  # what the light rests on (evaluation.IndicatorResult.explanation)
    units: list[UnitFigure] = field(default_factory=list)  # every assigned unit, in unit order
    # The month's figures submitted and not yet approved (dispatch): (unit, value), not in A yet.
    pending: list[tuple[str, Decimal | None]] = field(default_factory=list)

    @property
    def units_behind(self) -> list[UnitFigure]:
        """The units with a yellow or red light of their own, furthest behind first (those
        equally behind in the order of units)."""
        behind = [u for u in self.units if u.light in ("yellow", "red")]
        return sorted(behind, key=lambda u: u.gap if u.gap is not None else -9)


@dataclass(frozen=True)
class UnitStanding:
    unit: str
    kind: str  # 部门 / 县 / 区 / 县级市 / 开发区 …
    score: float | None  # ranking score (0–120)
    rank: int | None
    change: int | None  # previous rank − rank: positive = rose
    on_time_rate: float | None  # fraction
    tier: str = ""  # "前三" / "后三" / "" within its class
    klass: str = ""  # 县(市、区) / 市直部门: ranked apart
    scored: int = 0  # how many indicators the score rests on


@dataclass(frozen=True)
class UnitTimeliness:
    unit: str
    expected: int
    on_time: int
    late: int
    missing: int


@dataclass(frozen=True)
class Narrative:
    unit: str
    progress: str  # 工作进展
    problems: str  # 存在问题
    next_steps: str  # 下步计划
    state: str = ""  # "待审核" while the report awaits review


@dataclass(frozen=True)
class ReportHeader:
    city: str  # 唐山市
    policy_title: str
    doc_number: str
    lead_unit: str  # the bureau that issues the report, e.g. 市工业和信息化局
    cutoff_at: dt.datetime  # data cut-off (aware, local time)
    generated_at: dt.datetime
    tolerance: float  # percentage points for the yellow light
    formulas: str  # reports.metrics.FORMULAS already formatted with the tolerance


@dataclass(frozen=True)
class DispatchData:
    """月调度 for one policy and month."""

    header: ReportHeader
    year: int
    month: int
    rows: list[IndicatorRow]
    lights: dict[str, int]  # light → count of indicators
    reports_expected: int
    reports_on_time: int
    reports_late: int
    reports_missing: int
    narratives: list[Narrative]  # every reporting unit's texts for the month
    missing_units: list[str]  # units past the due day that did not report
    not_yet_due: list[str] = field(default_factory=list)  # not reported, but the due day is still ahead
    awaiting_review: list[str] = field(default_factory=list)  # submitted, not yet approved
    due_on: dt.date | None = None  # the month's due day, as stored with its period
    ledger: object = None  # supervision.selectors.Ledger at the month's end: open and overdue items
    missing_visits: list = field(default_factory=list)  # supervision.selectors.MissingVisit of the month


@dataclass(frozen=True)
class Letter:
    """The 公文 frame of a 通报 (GB/T 9704): what the policy's settings give, and what the
    reviewer may change before issuing. Blank means "not known": printed as a blank to fill
    in, never as "（）"."""

    doc_number: str = ""  # 文号: 唐工信〔2025〕12号
    doc_prefix: str = ""  # 代字 for a 文号 not yet given: 唐工信 → 唐工信〔2025〕＿＿号
    issuer: str = ""  # 发文机关, for the 红头 and the 落款: 唐山市工业和信息化局
    addressees: str = ""  # 主送: 各县(市、区)人民政府、开发区管委会，市直有关部门：
    copies_to: str = ""  # 抄送
    issued_on: dt.date | None = None  # the date of issue; None while not yet issued
    commend_top: bool = False  # 通报表扬 the first three of each class
    interview_bottom: bool = False  # 约谈督办 the last three of each class
    requirements: str = ""  # 下步工作要求; blank: drafted from the red items


@dataclass(frozen=True)
class ProblemItem:
    """One item of the problem ledger (督查督办) as the 通报's 问题办理 section names it."""

    title: str  # the problem as raised
    units: list[str]  # who must answer it
    state: str  # 办理中 / 已办结 / 逾期
    overdue_days: int = 0  # days past its deadline, 0 when not overdue


@dataclass(frozen=True)
class BulletinData:
    """季通报 for one policy and quarter: rows evaluated at the quarter's last month, or, while
    the quarter is not over (its last month not yet locked), at its last locked `month`."""

    header: ReportHeader
    year: int
    quarter: int
    rows: list[IndicatorRow]  # period_value = the quarter's amount
    lights_by_section: dict[str, dict[str, int]]  # section → light → count
    standings: list[UnitStanding]  # ordered by rank, with change since last quarter
    timeliness: list[UnitTimeliness]  # months in the quarter
    completed_for_year: list[str] = field(default_factory=list)  # met, the target of the year evaluated
    completed_ahead: list[str] = field(default_factory=list)  # met ahead of a later year's target
    month: int | None = None  # the month evaluated (None: the quarter's last)
    quarter_over: bool = True  # False: evaluated at `month` before the quarter's last month is locked
    letter: Letter = field(default_factory=Letter)  # the 通报's frame (reports.builders.tongbao)
    # 问题办理: the supervision ledger's items for the quarter, filled by that app's selector
    # once it exists; the 通报 prints its section only when there is something in it.
    problems: list[ProblemItem] = field(default_factory=list)
    ledger_counts: list = field(default_factory=list)  # supervision.selectors.UnitLedgerCount per unit

    @property
    def evaluated_month(self) -> int:
        return self.month or self.quarter * 3
