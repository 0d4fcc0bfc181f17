"""The dispatch carries the ledger's open and overdue items and the missed visits; the
bulletin the per-unit 收集/已办结/办结率/超期; each as its own sheet."""

import datetime as dt
import io

from openpyxl import load_workbook

from reports.builders.bulletin import build_bulletin_xlsx
from reports.builders.dispatch import build_dispatch_xlsx
from reports.builders.ledger import counts_sentence
from supervision.selectors import Ledger, LedgerItem, MissingVisit, UnitLedgerCount
from tests.reports.builder_data import bulletin_data, dispatch_data

ITEM = LedgerItem(
    number="2025-003",
    title="项目用地审批慢",
    kind="问题",
    source="月报存在问题",
    unit="甲县",
    raised_date=dt.date(2025, 9, 2),
    due_date=dt.date(2025, 9, 9),
    state="办理中",
    days_late=21,
    extensions=0,
)


def _sheet(body, name):
    return load_workbook(io.BytesIO(body))[name]


def _texts(ws):
    return [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]


def test_the_dispatch_lists_overdue_items_and_officials_who_missed_a_visit():
    ledger = Ledger(cutoff=dt.date(2025, 9, 30), open_items=[ITEM], overdue_items=[ITEM], pending=2)
    data = dispatch_data(ledger=ledger, missing_visits=[MissingVisit(7, "李红梅", 2025, 9, 2)])

    texts = _texts(_sheet(build_dispatch_xlsx(data), "问题台账"))

    assert "项目用地审批慢" in texts and "21" in texts
    assert any("超期1件" in t and "待交办2件" in t for t in texts)
    assert any("李红梅" in t and "无走访记录" in t for t in texts)


def test_a_dispatch_without_ledger_data_has_no_ledger_sheet():
    assert "问题台账" not in load_workbook(io.BytesIO(build_dispatch_xlsx(dispatch_data()))).sheetnames


def test_the_bulletin_counts_per_unit_with_the_total():
    counts = [UnitLedgerCount(1, "甲县", 4, 3, 1, 1), UnitLedgerCount(2, "乙区", 2, 0, 2, 2)]

    ws = _sheet(build_bulletin_xlsx(bulletin_data(ledger_counts=counts)), "问题办理")

    rows = [[c.value for c in row] for row in ws.iter_rows()]
    total = next(r for r in rows if r[0] == "合计")
    assert total[2:6] == [6, 3, 0.5, 3]
    assert counts_sentence(counts) == "收集问题6件、已办结3件、办结率50%、超期3件"


def test_dispatch_data_reads_the_ledger_at_the_months_end(world, report_submitted):
    from reports.selectors import dispatch_data as read_dispatch
    from supervision import services

    at = dt.datetime(2025, 9, 1, 9, tzinfo=dt.UTC)
    problem = services.problem_raise(
        policy=world.a.policy, title="用地难", by=world.users["reviewer"], source="lead", at=at
    )
    services.problem_assign(problem=problem, unit=world.a.county, by=world.users["reviewer"], at=at)

    data = read_dispatch(world.a.policy, 2025, 9, generated_at=dt.datetime(2025, 10, 20, tzinfo=dt.UTC))

    assert data.ledger.cutoff == dt.date(2025, 9, 30)
    assert [i.number for i in data.ledger.overdue_items] == [problem.number]
