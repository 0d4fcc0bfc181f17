"""Deterministic 督查督办 demo data, made through the same services the pages call.

- Xingtai and Taizhou: problems in every state (待交办, 办理中 on time and overdue, 已答复待销号,
  已退回, 已延期, 已办结 on time and late), one raised from a report's 存在问题, one for a
  firm with its 统一社会信用代码, a red target's 整改说明, a 批示 and a 催办; Taizhou's clock
  is its 1/3/5 working days.
- Lutai: a 包联 roster of three officials and their firms, and a visit log for the plan's
  last year in which one official has no visit in March 2025.

Safe to run twice: a policy that already has problems (or firms) is left as it is.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from policies.models import Membership, Policy, Unit
from targets import calendar
from targets.models import Indicator, MonthlyReport

from . import services
from .credit_code import check_character
from .models import Firm, Problem, SupervisionSettings, Visit

Role = Membership.Role
Source = Problem.Source


def credit_code(seed: str) -> str:
    """A well-formed 统一社会信用代码 (valid check character) for a demo firm."""
    body = ("91" + seed + "0" * 15)[:17]
    return body + check_character(body)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _member(role: str, **scope):
    m = Membership.objects.filter(role=role, **scope).select_related("user").order_by("id").first()
    return m.user if m else None


def _units(policy: Policy) -> list[Unit]:
    """Reporting units that have a clerk, the demo reporter's first."""
    units = list(
        Unit.objects.reporting_for(policy)
        .filter(membership__role=Role.REPORTER)
        .exclude(pk=policy.lead_unit_id)
        .distinct()
        .order_by("sort_order")
    )
    demo = set(
        Membership.objects.filter(role=Role.REPORTER, user__username=f"{policy.city.code}-reporter").values_list(
            "unit_id", flat=True
        )
    )
    return sorted(units, key=lambda u: (u.pk not in demo, u.sort_order))


FIRM_PROBLEMS = [
    ("企业扩产项目用地指标不足", "某汽车零部件企业二期厂房扩建缺少用地指标，影响年内投产。"),
    ("中小企业融资难、贷款审批周期长", "多家专精特新企业反映流动资金贷款审批超过30天。"),
    ("高新技术企业认定辅导不足", "部分企业对研发费用归集口径不清楚，申报材料反复退回。"),
    ("新建项目用电报装慢", "园区新建项目10千伏用电报装等待时间较长。"),
    ("技术工人招工难", "装备制造企业数控技工缺口较大。"),
    ("环评审批进度滞后", "新材料项目环评报告审批未按计划完成。"),
    ("企业反映物流成本偏高", "园区缺少公共仓储与货运专线。"),
    ("研发平台建设资金未到位", "市级工程技术研究中心配套资金尚未拨付。"),
]


@transaction.atomic
def problems_demo(policy: Policy, *, today: dt.date) -> int:
    """Problems of one policy in every state, dated back from ``today``."""
    if policy.problems.exists():
        return 0
    reviewer = _member(Role.REVIEWER, policy=policy)
    official = _member(Role.OFFICIAL, city=policy.city)
    units = _units(policy)
    if reviewer is None or not units:
        return 0
    clerks = {
        m.unit_id: m.user
        for m in Membership.objects.filter(role=Role.REPORTER, unit__in=units).select_related("user").order_by("-id")
    }

    def day(n: int) -> dt.date:
        return today - dt.timedelta(days=n)

    def raise_(i: int, ago: int, *, unit=None, **extra):
        title, text = FIRM_PROBLEMS[i % len(FIRM_PROBLEMS)]
        return services.problem_raise(
            policy=policy,
            title=title,
            text=text,
            by=reviewer,
            source=extra.pop("source", Source.LEAD),
            raised_unit=unit or policy.lead_unit,
            at=_at(day(ago), 9),
            **extra,
        )

    def unit_of(i: int) -> Unit:
        return units[i % len(units)]

    def assign(p, i: int, ago: int, **extra):
        return services.problem_assign(problem=p, unit=unit_of(i), by=reviewer, at=_at(day(ago), 10), **extra)

    def answer(p, i: int, ago: int, text: str):
        return services.problem_answer(problem=p, by=clerks[unit_of(i).pk], text=text, at=_at(day(ago), 15))

    made = []
    # 待交办
    made.append(raise_(0, 1))
    # 办理中, on time (due in the future)
    p = raise_(1, 2)
    made.append(assign(p, 0, 1))
    # 办理中, overdue, urged by the reviewer and once by the daily job
    p = raise_(2, 40)
    assign(p, 1, 39)
    services.problem_urge(problem=p, by=reviewer, at=_at(day(20), 11))
    services.problem_urge(problem=p, by=None, at=_at(day(3), 8), key=f"overdue:{p.pk}:{day(3).isoformat()}")
    if official is not None:
        services.problem_instruct(
            problem=p, by=official, text="请承办单位加快推进，本周内反馈进展。", at=_at(day(18), 16)
        )
    made.append(p)
    # answered, awaiting 办结销号
    p = raise_(3, 6)
    assign(p, 2, 5)
    made.append(answer(p, 2, 3, "已与供电公司对接，开辟绿色通道，预计下周送电。"))
    # 已退回
    p = raise_(4, 12)
    assign(p, 0, 11)
    answer(p, 0, 8, "已组织招聘会一场。")
    made.append(
        services.problem_return(problem=p, by=reviewer, reason="请说明到岗人数和后续培训安排。", at=_at(day(7), 9))
    )
    # 已延期
    p = raise_(5, 30)
    assign(p, 1, 29)
    made.append(
        services.problem_extend(
            problem=p,
            by=reviewer,
            reason="需省生态环境厅会审，申请延期",
            due_date=today + dt.timedelta(days=20),
            at=_at(day(22), 10),
        )
    )
    # 已办结, on time
    p = raise_(6, 60)
    assign(p, 2, 59)
    answer(p, 2, 57, "已协调物流园开通货运专线两条。")
    made.append(
        services.problem_close(problem=p, by=reviewer, result="货运专线已开通，企业确认满意。", at=_at(day(56), 11))
    )
    # 已办结, late
    p = raise_(7, 80)
    assign(p, 0, 79)
    answer(p, 0, 50, "配套资金已拨付到位。")
    made.append(services.problem_close(problem=p, by=reviewer, result="资金已到位，超期办结。", at=_at(day(49), 11)))
    # a firm's problem with its credit code
    made.append(
        raise_(
            1,
            4,
            source=Source.FIRM,
            firm_name=f"{policy.city.name}精工机械有限公司",
            firm_credit_code=credit_code("13050000" if policy.city.code == "xingtai" else "32120000"),
        )
    )
    # a line of the latest report's 存在问题, raised by the unit in one click
    report = (
        MonthlyReport.objects.filter(policy=policy, unit__in=units)
        .exclude(problems_text="")
        .order_by("-period__ordinal")
        .first()
    )
    if report is not None and report.unit_id in clerks:
        p = services.problem_raise_from_report(report=report, line=0, by=clerks[report.unit_id], at=_at(day(9), 14))
        made.append(services.problem_assign(problem=p, unit=report.unit, by=reviewer, at=_at(day(8), 10)))
    # 催报 of the plan's last month: the county that never reports is urged
    asked = calendar.asked_months(policy, calendar.previous_month(today))
    if asked:
        try:
            services.report_urge(policy=policy, year=asked[-1][0], month=asked[-1][1], by=reviewer, at=_at(day(2), 9))
        except services.SupervisionError:
            pass  # everybody reported
    # a red target's 整改说明
    indicator = Indicator.objects.filter(policy=policy, assignments__unit=units[0]).order_by("order").first()
    if indicator is not None:
        made += services.explanation_request(
            policy=policy, indicator=indicator, units=[units[0]], by=reviewer, at=_at(day(4), 10)
        )
    return len(made)


LUTAI_OFFICIALS = [("lutai-baolian-wang", "王建国"), ("lutai-baolian-li", "李红梅"), ("lutai-baolian-zhao", "赵志刚")]
LUTAI_FIRMS = [
    "芦台精密铸造有限公司",
    "芦台新型建材有限公司",
    "芦台食品科技有限公司",
    "芦台电子元件有限公司",
    "芦台环保装备有限公司",
    "芦台医疗器械有限公司",
]
FINDINGS = [
    "了解企业生产经营情况，订单饱满，用工基本稳定。",
    "企业计划新上自动化生产线，咨询技改补贴政策。",
    "走访研发中心，企业拟申报省级专精特新。",
]


@transaction.atomic
def visits_demo(policy: Policy, *, password: str) -> int:
    """Lutai's 包联 roster and a year of visits; 李红梅 has none in March 2025."""
    if Firm.objects.filter(policy=policy).exists():
        return 0
    User = get_user_model()
    hashed = make_password(password)
    officials = []
    for username, name in LUTAI_OFFICIALS:
        user, _ = User.objects.get_or_create(username=username, defaults={"first_name": name, "password": hashed})
        Membership.objects.get_or_create(user=user, role=Role.OFFICIAL, city=policy.city)
        officials.append(user)
    reviewer = _member(Role.REVIEWER, policy=policy) or officials[0]
    firms = []
    for i, name in enumerate(LUTAI_FIRMS):
        firms.append(
            services.firm_add(
                policy=policy,
                name=name,
                official=officials[i % len(officials)],
                by=reviewer,
                credit_code=credit_code(f"1202{i:04d}"),
            )
        )
    end = policy.end_date or timezone.localdate()
    made = 0
    for month in range(1, 13):
        for k, official in enumerate(officials):
            if (end.year, month) == (2025, 3) and official.username == "lutai-baolian-li":
                continue  # the missed month the check must name
            firm = [f for f in firms if f.official_id == official.pk][month % 2]
            problems = ["企业反映技改补贴兑现慢"] if (month, k) == (5, 0) else []
            services.visit_record(
                firm=firm,
                official=official,
                visit_date=dt.date(end.year, month, 8 + 5 * k),
                findings=FINDINGS[(month + k) % len(FINDINGS)],
                by=official,
                problems=problems,
                at=_at(dt.date(end.year, month, 8 + 5 * k), 17),
            )
            made += 1
    return made


@transaction.atomic
def assessment_demo(policy: Policy, year: int) -> int:
    """A year's 年考核 inputs: problems of that year (closed on time, late, and one closed only
    after the year ended) and the lead bureau's 加分/扣分 items."""
    from .models import AssessmentItem

    if AssessmentItem.objects.filter(policy=policy, year=year).exists():
        return 0
    reviewer = _member(Role.REVIEWER, policy=policy)
    units = _units(policy)
    if reviewer is None or len(units) < 3:
        return 0
    clerks = {m.unit_id: m.user for m in Membership.objects.filter(role=Role.REPORTER, unit__in=units).order_by("-id")}
    plan = [
        # (unit, raised, answered and closed) — the last one closed after the year ended
        (0, dt.date(year, 3, 9), dt.date(year, 3, 12)),
        (0, dt.date(year, 6, 15), dt.date(year, 6, 18)),
        (1, dt.date(year, 5, 11), dt.date(year, 5, 29)),
        (1, dt.date(year, 12, 14), dt.date(year + 1, 1, 12)),
        (2, dt.date(year, 9, 7), dt.date(year, 9, 10)),
    ]
    for i, (k, raised, closed) in enumerate(plan):
        title, text = FIRM_PROBLEMS[(i + 3) % len(FIRM_PROBLEMS)]
        p = services.problem_raise(
            policy=policy,
            title=title,
            text=text,
            by=reviewer,
            source=Source.FIRM,
            firm_name=f"泰州{['医药', '机电', '新材料', '光电', '船舶'][i]}企业",
            raised_unit=policy.lead_unit,
            at=_at(raised, 9),
        )
        services.problem_assign(problem=p, unit=units[k], by=reviewer, at=_at(raised, 10))
        services.problem_answer(problem=p, by=clerks[units[k].pk], text="已协调解决。", at=_at(closed, 9))
        services.problem_close(problem=p, by=reviewer, result="企业确认问题已解决。", at=_at(closed, 16))
    items = [
        (0, "+3", "“直通车”服务获市效能办通报表扬（绩效加分）"),
        (2, "+1.5", "重点项目提前竣工投产"),
        (1, "-2", "三季度数据报送两次逾期，经督查通报"),
    ]
    for k, points, reason in items:
        services.assessment_item_add(policy=policy, year=year, unit=units[k], points=points, reason=reason, by=reviewer)
    return len(plan) + len(items)


def supervision_demo(*, today: dt.date, password: str) -> dict[str, int]:
    """The whole 督查督办 demo; returns what was made per part."""
    made = {}
    taizhou = Policy.objects.filter(city__code="taizhou").first()
    if taizhou is not None:
        SupervisionSettings.objects.get_or_create(
            policy=taizhou, defaults={"acknowledge_days": 1, "opinion_days": 3, "close_days": 5, "working_days": True}
        )
    xingtai = Policy.objects.filter(city__code="xingtai").first()
    if xingtai is not None:
        SupervisionSettings.objects.get_or_create(
            policy=xingtai, defaults={"acknowledge_days": 2, "opinion_days": 5, "close_days": 10, "working_days": True}
        )
    for policy in (xingtai, taizhou):
        if policy is not None:
            made[policy.code] = problems_demo(policy, today=today)
    if taizhou is not None and taizhou.end_date:
        made["assessment"] = assessment_demo(taizhou, min(taizhou.end_date.year, today.year - 1))
    lutai = Policy.objects.filter(city__code="lutai").first()
    if lutai is not None:
        made["visits"] = visits_demo(lutai, password=password)
    return made


__all__ = ["supervision_demo", "credit_code", "Visit"]
