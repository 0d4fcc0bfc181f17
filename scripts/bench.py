"""`make bench`: a large synthetic province on PostgreSQL, the dashboards timed against
the bare SQL aggregation they stand for, and the bulletin writer against xlsxwriter.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench python scripts/bench.py

Builds (once; reused while its size matches) 15 cities × 20 units, 2,010 indicators and
five years of approved monthly values (≈2.4 million), then prints, for each dashboard page,
the median of several requests next to the median of the bare aggregation over the raw
values that the page's numbers stand for, the median of an empty authenticated page
(scripts/bench_urls.py: the middleware, the login, the scope and the page shell, no
content) and the ratio of the page to the two together (target ≤ 3× of bare SQL + empty
page); then the light pages (home, entry, review queue) against the empty page alone
(target ≤ 3×, i.e. at least a third of its rate). Finally it builds
a bulletin of 20,000 indicator rows with our builder and writes the same cells with
xlsxwriter (the fastest writer, installed only for this) as the floor (target ≤ 2.5×): the
same columns of the same row sheets, with their formats and row heights; and
prints the builder's peak memory.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import statistics
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")

CITIES, UNITS_PER_CITY, INDICATORS_PER_CITY, YEARS = 15, 20, 134, 5
START_YEAR = 2021
MONTHS = YEARS * 12


def ensure_database() -> None:
    import psycopg2
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("make bench needs PostgreSQL: set DATABASE_URL=postgres://…")
    conn = psycopg2.connect(
        dbname="postgres", user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"] or 5432
    )
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
        if not cur.fetchone():
            cur.execute(f'CREATE DATABASE "{db["NAME"]}"')
    conn.close()


def build_province() -> None:
    """The synthetic province, written with bulk inserts and COPY (minutes, once)."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from policies.models import City, Policy, Section, Task, Unit
    from targets.models import Assignment, Concept, Indicator, MonthlyReport, Period, Target

    if Indicator.objects.filter(code__startswith="bench-").count() == CITIES * INDICATORS_PER_CITY:
        print("synthetic province already built: reusing it")
        return
    print("building the synthetic province …", flush=True)
    t0 = time.perf_counter()
    rng = random.Random(7)
    with transaction.atomic():
        MonthlyReport.objects.filter(policy__code__startswith="bench-").delete()
        Policy.objects.filter(code__startswith="bench-").delete()
        get_user_model().objects.get_or_create(
            username="bench-admin", defaults={"is_superuser": True, "is_staff": True}
        )
        concepts = [
            Concept.objects.get_or_create(code=f"bench-c{i}", defaults={"name": f"概念{i}"})[0] for i in range(10)
        ]
        periods = [Period.objects.get_or_create(year=START_YEAR + m // 12, month=m % 12 + 1)[0] for m in range(MONTHS)]
        for c in range(CITIES):
            city, _ = City.objects.get_or_create(code=f"bench-city{c}", defaults={"name": f"测试{c}市"})
            units = [
                Unit.objects.get_or_create(
                    code=f"bench-u{c}-{u}",
                    defaults={"city": city, "name": f"测试{c}市第{u}区", "kind": "district", "sort_order": u},
                )[0]
                for u in range(UNITS_PER_CITY)
            ]
            policy = Policy.objects.create(
                code=f"bench-p{c}",
                city=city,
                title=f"测试{c}市实施方案",
                start_date=dt.date(START_YEAR, 1, 1),
                end_date=dt.date(START_YEAR + YEARS - 1, 12, 31),
                lead_unit=units[0],
            )
            section = Section.objects.create(policy=policy, key="一", number="一", title="重点任务", order=1)
            task = Task.objects.create(
                policy=policy, section=section, key="一#1", number="1", title="任务", order=1, counties_implement=True
            )
            indicators = Indicator.objects.bulk_create(
                [
                    Indicator(
                        policy=policy,
                        task=task,
                        code=f"bench-i{c}-{i}",
                        name=f"指标{c}-{i}",
                        unit_of_measure="家",
                        measure="flow" if i % 2 else "level",
                        rollup="sum",
                        concept=concepts[i % 10],
                        order=i,
                    )
                    for i in range(INDICATORS_PER_CITY)
                ]
            )
            Target.objects.bulk_create(
                [
                    Target(
                        indicator=ind,
                        value=Decimal(1000 + i),
                        comparison="at_least",
                        window="annual" if ind.measure == "flow" else "date",
                        deadline_date=None if ind.measure == "flow" else dt.date(START_YEAR + YEARS - 1, 12, 31),
                        year=None if ind.measure == "flow" else START_YEAR + YEARS - 1,
                        source_quote="测试",
                    )
                    for i, ind in enumerate(indicators)
                ]
            )
            Assignment.objects.bulk_create([Assignment(indicator=ind, unit=u) for ind in indicators for u in units])
            reports = MonthlyReport.objects.bulk_create(
                [
                    MonthlyReport(
                        policy=policy,
                        unit=u,
                        period=p,
                        state="approved",
                        version=3,
                        first_submitted_at=dt.datetime(p.year, p.month, 28, tzinfo=dt.UTC),
                        submitted_at=dt.datetime(p.year, p.month, 28, tzinfo=dt.UTC),
                        reviewed_at=dt.datetime(p.year, p.month, 28, tzinfo=dt.UTC),
                    )
                    for u in units
                    for p in periods
                ]
            )
            buf = io.StringIO()
            for report in reports:
                for k, ind in enumerate(indicators):
                    value = rng.randint(0, 9) if ind.measure == "flow" else 500 + report.period_id % 60 * 5 + k
                    buf.write(f"{report.pk}\t{ind.pk}\t{value}\t\t\n")
            buf.seek(0)
            with connection.cursor() as cur:
                cur.cursor.copy_expert(
                    "COPY targets_reportvalue (report_id, indicator_id, value, raw_text, note) FROM STDIN", buf
                )
            print(f"  city {c + 1}/{CITIES}: {len(reports) * len(indicators):,} values", flush=True)
        with connection.cursor() as cur:
            # The approval summary, as approvals would have kept it.
            cur.execute("""
                INSERT INTO targets_indicatormonth (indicator_id, ordinal, year, month, total, reporters)
                SELECT v.indicator_id, p.ordinal, p.year, p.month, SUM(v.value), COUNT(*)
                FROM targets_reportvalue v JOIN targets_monthlyreport r ON r.id = v.report_id
                JOIN targets_period p ON p.id = r.period_id JOIN targets_indicator i ON i.id = v.indicator_id
                WHERE i.code LIKE 'bench-%%' AND r.state = 'approved'
                GROUP BY v.indicator_id, p.ordinal, p.year, p.month
                ON CONFLICT DO NOTHING""")
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(f"built in {time.perf_counter() - t0:.0f} s", flush=True)


def paired_median_ms(first, second, runs: int = 9) -> tuple[float, float]:
    """The medians of two callables timed in alternation, so that both see the same
    machine (a shared VM's speed drifts by as much as 2× over a minute)."""
    first(), second()  # warm caches
    a, b = [], []
    for _ in range(runs):
        for fn, samples in ((first, a), (second, b)):
            t = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(a), statistics.median(b)


def bare(sql: str, params) -> callable:
    from django.db import connection

    def run():
        with connection.cursor() as cur:
            cur.execute(sql, params)
            cur.fetchall()

    return run


def time_pages() -> list[tuple[str, float, float, float]]:
    from django.contrib.auth import get_user_model
    from django.test import Client, override_settings

    from targets.models import Indicator, ReportValue, Unit

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-admin"))
    policy_code, at = "bench-p3", f"{START_YEAR + YEARS - 1}-06"
    indicator = Indicator.objects.get(code="bench-i3-7")
    unit = Unit.objects.get(code="bench-u3-5")
    values = ReportValue._meta.db_table
    join = (
        f"FROM {values} v JOIN targets_monthlyreport r ON r.id = v.report_id "
        "JOIN targets_period p ON p.id = r.period_id JOIN targets_indicator i ON i.id = v.indicator_id "
    )
    last = (START_YEAR + YEARS - 1) * 12 + 5
    pages = [
        (
            "policy dashboard (134 indicators × 20 units)",
            f"/dashboards/{policy_code}/?month={at}",
            "SELECT v.indicator_id, r.unit_id, SUM(v.value), MAX(p.ordinal) "
            + join
            + "JOIN policies_policy pol ON pol.id = i.policy_id WHERE pol.code = %s AND r.state = 'approved' "
            "AND p.ordinal <= %s GROUP BY v.indicator_id, r.unit_id",
            [policy_code, last],
        ),
        (
            "indicator page",
            f"/dashboards/indicator/{indicator.code}/?month={at}",
            "SELECT r.unit_id, p.ordinal, SUM(v.value) "
            + join
            + "WHERE v.indicator_id = %s AND r.state = 'approved' AND p.ordinal <= %s GROUP BY r.unit_id, p.ordinal",
            [indicator.pk, last],
        ),
        # A unit's page shows its rank, which needs every unit's figures of the policy.
        (
            "unit page (its indicators and its rank)",
            f"/dashboards/unit/{unit.code}/",
            "SELECT v.indicator_id, r.unit_id, SUM(v.value), MAX(p.ordinal) "
            + join
            + "WHERE i.policy_id = (SELECT policy_id FROM targets_indicator WHERE id = %s) AND r.state = 'approved' "
            "GROUP BY v.indicator_id, r.unit_id",
            [indicator.pk],
        ),
        (
            "cross-city concept page (15 cities, 2.4M values)",
            "/dashboards/concept/bench-c3/",
            "SELECT i.policy_id, v.indicator_id, SUM(v.value) "
            + join
            + "WHERE i.concept_id = (SELECT id FROM targets_concept WHERE code = %s) AND r.state = 'approved' "
            "GROUP BY i.policy_id, v.indicator_id",
            ["bench-c3"],
        ),
    ]
    results = []
    with override_settings(ROOT_URLCONF="scripts.bench_urls"):
        empty = EMPTY_URL
        assert client.get(empty).status_code == 200
        for name, url, sql, params in pages:
            status = client.get(url).status_code
            assert status == 200, (url, status)
            page, query = paired_median_ms(lambda url=url: client.get(url), bare(sql, params))
            _page, blank = paired_median_ms(lambda url=url: client.get(url), lambda: client.get(empty))
            results.append((name, page, query, blank))
    return results


EMPTY_URL = "/bench/empty/"


def time_light_pages() -> list[tuple[str, float, float]]:
    """The pages of every day against the empty authenticated page, timed in alternation."""
    from django.contrib.auth import get_user_model
    from django.test import Client, override_settings

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-admin"))
    at = f"{START_YEAR + YEARS - 1}-06"
    pages = [
        ("home", "/"),
        ("entry page (134 indicators)", f"/targets/bench-p3/bench-u3-5/{at}/"),
        ("review queue (20 units)", f"/targets/review/bench-p3/?month={at}"),
    ]
    results = []
    with override_settings(ROOT_URLCONF="scripts.bench_urls"):
        for name, url in pages:
            status = client.get(url).status_code
            assert status == 200, (url, status)
            page, blank = paired_median_ms(lambda url=url: client.get(url), lambda: client.get(EMPTY_URL))
            results.append((name, page, blank))
    return results


def bulletin_rows(n: int):
    from reports.builders.data import BulletinData, IndicatorRow, ReportHeader, UnitStanding, UnitTimeliness
    from reports.metrics import FORMULAS

    rng = random.Random(11)
    now = dt.datetime(2025, 10, 20, 9, tzinfo=dt.UTC)
    lights = ["green", "yellow", "red", "grey"]
    rows = [
        IndicatorRow(
            section=f"第{i % 6 + 1}部分",
            task=f"{i // 4 + 1}. 任务",
            lead_units=["市工信局"],
            responsible_units=["市工信局", "某县"],
            indicator=f"指标{i}",
            unit_of_measure="家",
            target_text="≥1800家（2025年底）",
            target_value=Decimal(1800),
            period_value=Decimal(rng.randint(0, 99)),
            to_date=Decimal(rng.randint(100, 2000)),
            completion=rng.random(),
            progress=0.75,
            gap=rng.random() - 0.75,
            light=lights[i % 4],
            problems=[("某县", "项目进度滞后")] if i % 4 == 2 else [],
        )
        for i in range(n)
    ]
    return BulletinData(
        header=ReportHeader(
            city="测试省",
            policy_title="测试实施方案",
            doc_number="",
            lead_unit="省工信厅",
            cutoff_at=now,
            generated_at=now,
            tolerance=10,
            formulas=FORMULAS.format(tolerance=10),
        ),
        year=2025,
        quarter=3,
        rows=rows,
        lights_by_section={f"第{k}部分": {"green": 10, "yellow": 3, "red": 2} for k in range(1, 7)},
        standings=[UnitStanding(f"单位{u}", "区", 100 - u * 0.2, u + 1, 0, 0.9) for u in range(300)],
        timeliness=[UnitTimeliness(f"单位{u}", 3, 2, 1, 0) for u in range(300)],
    )


def xlsxwriter_floor(data) -> bytes:
    """The cells the bulletin's row sheets hold (every column of the indicator, ranking,
    timeliness and red-item tables, with their fills, number formats and a height per
    row), written by xlsxwriter: the floor. Titles, charts and the summary are left out,
    which only flatters the floor."""
    import xlsxwriter

    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True})
    font = {"font_name": "Noto Sans CJK SC", "font_size": 10.5, "border": 1, "valign": "vcenter"}
    fills = {
        k: wb.add_format({**font, "bg_color": c, "align": "center"})
        for k, c in {"green": "#C6EFCE", "yellow": "#FFEB9C", "red": "#FFC7CE", "grey": "#E7E6E6"}.items()
    }
    text = wb.add_format({**font, "text_wrap": True})
    centre = wb.add_format({**font, "align": "center"})
    pct = wb.add_format({**font, "num_format": "0.0%"})
    points = wb.add_format({**font, "num_format": "+0.0;-0.0;0.0"})
    num = wb.add_format({**font, "num_format": "#,##0"})
    words = {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "grey": "灰灯"}
    ws = wb.add_worksheet("指标完成情况")
    for r, row in enumerate(data.rows, start=4):
        ws.set_row(r, 30)
        ws.write_number(r, 0, r - 3, centre)
        ws.write_string(r, 1, row.section, text)
        ws.write_string(r, 2, row.task, text)
        ws.write_string(r, 3, row.indicator, text)
        ws.write_string(r, 4, row.unit_of_measure, centre)
        ws.write_string(r, 5, row.target_text, text)
        ws.write_number(r, 6, float(row.period_value), num)
        ws.write_number(r, 7, float(row.to_date), num)
        ws.write_number(r, 8, row.completion, pct)
        ws.write_number(r, 9, row.progress, pct)
        ws.write_number(r, 10, row.gap * 100, points)
        ws.write_string(r, 11, words[row.light], fills[row.light])
        ws.write_string(r, 12, "、".join(row.lead_units), text)
    ranking = wb.add_worksheet("县区部门排名")
    for r, s in enumerate(data.standings, start=4):
        ranking.set_row(r, 20)
        ranking.write_number(r, 0, s.rank, centre)
        ranking.write_string(r, 1, s.unit, text)
        ranking.write_string(r, 2, s.kind, centre)
        ranking.write_number(r, 3, s.score, num)
        ranking.write_string(r, 4, "—", centre)
        ranking.write_number(r, 5, s.on_time_rate, pct)
        ranking.write_string(r, 6, s.tier or "", centre)
    timely = wb.add_worksheet("报送情况")
    for r, t in enumerate(data.timeliness, start=4):
        timely.set_row(r, 20)
        timely.write_number(r, 0, r - 3, centre)
        timely.write_string(r, 1, t.unit, text)
        for c, v in enumerate((t.expected, t.on_time, t.late, t.missing), start=2):
            timely.write_number(r, c, v, centre)
        timely.write_number(r, 6, t.on_time / t.expected, pct)
    lagging = wb.add_worksheet("滞后事项")
    for r, row in enumerate((x for x in data.rows if x.light == "red"), start=4):
        lagging.set_row(r, 30)
        lagging.write_number(r, 0, r - 3, centre)
        lagging.write_string(r, 1, row.task, text)
        lagging.write_string(r, 2, row.indicator, text)
        lagging.write_string(r, 3, row.target_text, text)
        lagging.write_number(r, 4, float(row.to_date), num)
        lagging.write_number(r, 5, row.completion, pct)
        lagging.write_number(r, 6, row.progress, pct)
        lagging.write_number(r, 7, row.gap * 100, points)
        lagging.write_string(r, 8, words[row.light], fills[row.light])
        lagging.write_string(r, 9, "、".join(row.responsible_units), text)
        lagging.write_string(r, 10, "；".join(f"{u}：{p}" for u, p in row.problems), text)
    wb.close()
    return out.getvalue()


def time_bulletin() -> tuple[float, float, float]:
    from reports.builders.bulletin import build_bulletin_xlsx

    data = bulletin_rows(20_000)
    ours, floor = paired_median_ms(lambda: build_bulletin_xlsx(data), lambda: xlsxwriter_floor(data), runs=3)
    tracemalloc.start()
    build_bulletin_xlsx(data)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return ours, floor, peak / 1024 / 1024


def main() -> None:
    import django

    django.setup()
    ensure_database()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    build_province()
    from targets.models import ReportValue

    print(
        f"\nsynthetic province: {CITIES} cities, {CITIES * UNITS_PER_CITY} units, "
        f"{CITIES * INDICATORS_PER_CITY} indicators, {YEARS} years, {ReportValue.objects.count():,} values\n"
    )
    print(f"{'page':<52} {'page ms':>9} {'bare SQL ms':>12} {'empty ms':>9} {'÷ SQL':>7} {'÷ (SQL+empty)':>14}")
    for name, page, query, blank in time_pages():
        print(
            f"{name:<52} {page:>9.1f} {query:>12.1f} {blank:>9.1f} {page / query:>6.2f}× "
            f"{page / (query + blank):>13.2f}×"
        )
    print(f"\n{'light page':<52} {'page ms':>9} {'empty ms':>9} {'ratio':>7} (target ≤ 3×)")
    for name, page, blank in time_light_pages():
        print(f"{name:<52} {page:>9.1f} {blank:>9.1f} {page / blank:>6.2f}×")
    ours, floor, peak = time_bulletin()
    print(
        f"\nbulletin, 20,000 indicator rows: openpyxl builder {ours:.0f} ms, xlsxwriter floor {floor:.0f} ms, "
        f"ratio {ours / floor:.2f}× (target ≤ 2.5×); builder peak memory {peak:.0f} MiB"
    )


if __name__ == "__main__":
    main()
