"""The dashboard, the 月调度 workbook and the 季通报 workbook of one policy-month show the
same figures: every indicator's light, completion, time progress and figure to date, and
every unit's score, rank and on-time rate. The month has every kind of target in it."""

import datetime as dt
import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.urls import reverse

from policies import numbers
from policies.models import Responsibility
from reports import selectors
from reports.builders.bulletin import build_bulletin_xlsx
from reports.builders.dispatch import build_dispatch_xlsx
from targets import services
from targets.models import Target
from tests import factories as f

AT = dt.datetime(2025, 10, 20, 9, tzinfo=dt.UTC)
LIGHT_WORDS = {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "grey": "灰灯"}


@pytest.fixture
def month(db):
    """A policy with four counties (one never reports) and three bureaus, and indicators
    of every kind: a yearly flow with shares, a level with a baseline, a per-county target,
    a standing ceiling, a year's amount by a deadline with a milestone. July to September
    2025 are filed and approved; the reviewer locks September."""
    city = f.CityFactory(code="agree-city", name="合市")
    bureaus = [f.UnitFactory(city=city, code=f"agree-b{n}", name=f"合市第{n}局", kind="bureau") for n in range(3)]
    counties = [f.UnitFactory(city=city, code=f"agree-c{n}", name=f"合{n}县", kind="county") for n in range(4)]
    policy = f.PolicyFactory(city=city, code="agree-policy", title="合市实施方案", lead_unit=bureaus[0])
    policy.units.set(bureaus + counties)
    task = f.TaskFactory(policy=policy, counties_implement=True)
    f.ResponsibilityFactory(task=task, unit=bureaus[0], role=Responsibility.Role.LEAD)
    everyone = bureaus + counties

    def indicator(code, name, uom, measure, units=everyone, **target):
        ind = f.IndicatorFactory(task=task, code=f"agree-{code}", name=name, unit_of_measure=uom, measure=measure)
        f.TargetFactory(indicator=ind, source_quote=name, **target)
        for unit in units:
            f.AssignmentFactory(indicator=ind, unit=unit)
        return ind

    annual = dict(window="annual", year=None, deadline_date=None)
    kinds = {
        "patents": indicator("patents", "新增发明专利", "件", "flow", value=70, **annual),
        "firms": indicator(
            "firms",
            "高新技术企业",
            "家",
            "level",
            value=200,
            baseline_value=D("100"),
            baseline_date=dt.date(2023, 12, 31),
        ),
        "events": indicator(
            "events", "每县组织对接活动", "次", "flow", value=1, applies_to="each", units=counties, **annual
        ),
        "answer": indicator("answer", "问题应答时限", "天", "level", value=1, comparison="at_most", **annual),
        "revenue": indicator(
            "revenue", "集群年营业收入", "亿元", "flow", value=1000, year=2026, deadline_date=dt.date(2026, 12, 31)
        ),
    }
    kinds["revenue"].targets.get().milestones.create(year=2025, value=800)
    # Shares for the summed indicators, so that every unit has four or five of its own.
    for key, share in (("patents", "10"), ("firms", "30"), ("revenue", "140")):
        services.assignment_split(indicator=kinds[key], shares={u.pk: share for u in everyone}, by=None)
    reviewer = f.UserFactory(username="agree-reviewer")
    silent = counties[-1]  # never reports: its indicators count 0
    for m in (7, 8, 9):
        period = f.PeriodFactory(year=2025, month=m)
        for n, unit in enumerate(everyone):
            if unit == silent:
                continue
            values = {
                kinds["events"].pk: "1" if (unit in counties[:2] and m == 8) else "0",
                kinds["patents"].pk: str(n % 3 + (1 if m == 9 else 0)),
                kinds["firms"].pk: str(12 + n * 2 + m),
                kinds["answer"].pk: "1.06" if n == 1 else "0.8",
                kinds["revenue"].pk: str(10 + n),
            }
            if unit not in counties:
                del values[kinds["events"].pk]
            report = services.report_get_or_create(policy=policy, unit=unit, period=period)
            report = services.report_save(
                report=report, by=None, version=report.version, values=values, texts={}, on_date=dt.date(2025, m + 1, 3)
            ).report
            submitted_on = dt.date(2025, m + 1, 3 if n != 2 else 9)  # one bureau is always late
            report = services.report_submit(
                report=report,
                by=None,
                version=report.version,
                on_date=submitted_on,
                at=dt.datetime.combine(submitted_on, dt.time(10), tzinfo=dt.UTC),
            )
            services.report_approve(report=report, by=reviewer)
    for m in (7, 8, 9):
        services.period_close(policy=policy, year=2025, month=m, by=reviewer)
    return policy


def _sheet_rows(workbook_bytes: bytes, sheet: str, key: str) -> dict[str, dict]:
    """The sheet's table as {indicator or unit: {header: value}} under the row that holds `key`."""
    ws = openpyxl.load_workbook(io.BytesIO(workbook_bytes))[sheet]
    header_row = next(r for r in ws.iter_rows() if any(c.value == key for c in r))
    headers = {c.column: c.value for c in header_row if c.value}
    key_column = next(col for col, text in headers.items() if text == key)
    rows = {}
    for row in ws.iter_rows(min_row=header_row[0].row + 1):
        name = row[key_column - 1].value
        if isinstance(name, str) and name not in ("合计",) and not name.startswith("注"):
            rows[name] = {headers[c.column]: c.value for c in row if c.column in headers}
    return rows


def _percent(fraction) -> str:
    return numbers.percent(fraction)


def test_the_dashboard_the_dispatch_and_the_bulletin_show_the_same_figures(client, month):
    policy = month
    admin = f.UserFactory(username="agree-admin", is_superuser=True, is_staff=True)
    client.force_login(admin)
    page = client.get(reverse("reports:policy", args=[policy.code]) + "?month=2025-09")
    assert page.status_code == 200
    results = {r.indicator.name: r for r in page.context["results"]}
    html = page.content.decode()

    dispatch = selectors.dispatch_data(policy, 2025, 9, generated_at=AT)
    bulletin = selectors.bulletin_data(policy, 2025, 3, generated_at=AT)
    dispatch_sheet = _sheet_rows(build_dispatch_xlsx(dispatch), "月调度", "指标")
    bulletin_sheet = _sheet_rows(build_bulletin_xlsx(bulletin), "指标完成情况", "指标")

    # Every kind is in the month, and each shows what its kind means.
    assert results["新增发明专利"].evaluation.target == D("70")
    assert results["每县组织对接活动"].evaluation.units == (4, 2, 2)
    assert results["问题应答时限"].light == "red"  # one bureau answers in 1.06 days
    assert results["集群年营业收入"].evaluation.target == D("800")  # 2025's milestone

    for name, result in results.items():
        e = result.evaluation
        for source, row in (("dispatch", dispatch_sheet[name]), ("bulletin", bulletin_sheet[name])):
            light = row["状态"]
            completion = next(v for k, v in row.items() if k.startswith("完成率"))
            progress = next(v for k, v in row.items() if k.startswith("时序进度"))
            assert light == LIGHT_WORDS[e.light], (source, name)
            # A workbook keeps the fraction and shows it with a 0.0% format: the same text.
            shown = None if completion in (None, "—") else _percent(completion)
            assert shown == (None if e.completion is None else _percent(e.completion)), (source, name)
            assert _percent(progress) == _percent(e.progress), (source, name)
        # The page prints the same completion text.
        assert _percent(e.completion) in html or e.completion is None
        for rows in (dispatch.rows, bulletin.rows):
            same = next(r for r in rows if r.indicator == name)
            assert (same.light, same.completion, same.progress, same.to_date) == (
                e.light,
                e.completion,
                e.progress,
                e.actual,
            )

    # The ranking: the page's and the bulletin's agree on score, rank, class and on-time rate.
    page_ranking = {unit.name: r for r, unit in page.context["ranking"]}
    ranking_sheet = _sheet_rows(build_bulletin_xlsx(bulletin), "县区部门排名", "单位")
    timeliness_sheet = _sheet_rows(build_bulletin_xlsx(bulletin), "报送情况", "单位")
    assert {s.unit for s in bulletin.standings} == set(page_ranking)
    for standing in bulletin.standings:
        on_page = page_ranking[standing.unit]
        assert (standing.score, standing.rank, standing.scored) == (on_page.score, on_page.rank, on_page.scored)
        assert standing.on_time_rate == on_page.on_time
        sheet_row = ranking_sheet[standing.unit]
        assert sheet_row["得分"] == (
            "—" if standing.score is None else float(numbers.round_half_up(standing.score, 1))
        ) or sheet_row["得分"] == pytest.approx(standing.score, abs=0.05)
        assert _percent(timeliness_sheet[standing.unit]["按时报送率"]) == _percent(standing.on_time_rate)

    # The county that never reported is ranked on zeros, last of the counties.
    counties = [s for s in bulletin.standings if s.klass == "县(市、区)" and s.rank is not None]
    assert counties[-1].unit == "合3县"
    # Three bureaus with four indicators each are a class of their own.
    assert {s.klass for s in bulletin.standings} == {"县(市、区)", "市直部门"}
    assert Target.objects.filter(indicator__policy=policy, applies_to="each").count() == 1
