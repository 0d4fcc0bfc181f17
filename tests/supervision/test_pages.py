import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from supervision import services
from supervision.models import Firm, Problem, Urge

from .conftest import EVE


def _problems(world, n, *, assign=True):
    made = []
    for i in range(n):
        p = services.problem_raise(
            policy=world.a.policy, title=f"问题{i}", by=world.users["reviewer"], source="lead", at=EVE
        )
        if assign:
            services.problem_assign(problem=p, unit=world.a.county, by=world.users["reviewer"], at=EVE)
        made.append(p)
    return made


def _ledger(client, world, query=""):
    client.force_login(world.users["reviewer"])
    return client.get(reverse("supervision:problem_list", kwargs={"policy": world.a.policy.code}) + query)


class TestLedgerPage:
    def test_costs_the_same_queries_with_three_or_thirty_problems(self, client, world):
        _problems(world, 3)
        _ledger(client, world)
        with CaptureQueriesContext(connection) as small:
            _ledger(client, world)
        _problems(world, 27)
        with CaptureQueriesContext(connection) as large:
            _ledger(client, world)

        assert len(large.captured_queries) == len(small.captured_queries)

    def test_filters_the_overdue_ones(self, client, world):
        late, on_time = _problems(world, 2)
        services.problem_extend(
            problem=on_time, by=world.users["reviewer"], reason="延期", due_date=dt.date(2099, 1, 1)
        )

        page = _ledger(client, world, "?overdue=yes").content.decode()

        assert late.number in page and on_time.number not in page

    def test_exports_the_filtered_ledger_as_xlsx_with_formulas_kept_as_text(self, client, world):
        services.problem_raise(policy=world.a.policy, title="=HYPERLINK(1)", by=world.users["reviewer"], source="lead")

        response = _ledger(client, world, "?_export=xlsx")

        sheet = load_workbook(io.BytesIO(response.content)).active
        assert [c.value for c in sheet[2]][:8] == [
            "编号",
            "标题",
            "提出人",
            "承办单位",
            "办结期限",
            "状态",
            "办结日期",
            "是否超期",
        ]
        assert sheet["B3"].value == "=HYPERLINK(1)" and sheet["B3"].data_type == "s"


class TestProblemPage:
    def test_a_bad_extension_date_keeps_what_was_typed(self, client, world):
        (problem,) = _problems(world, 1)
        client.force_login(world.users["reviewer"])
        url = reverse("supervision:problem_detail", kwargs={"policy": world.a.policy.code, "number": problem.number})

        response = client.post(url, {"action": "extend", "extend-reason": "等待批复", "extend-due_date": "2025-13-40"})

        assert response.status_code == 200
        assert "日期格式" in response.content.decode() and "等待批复" in response.content.decode()
        problem.refresh_from_db()
        assert problem.state == Problem.State.IN_PROGRESS

    def test_the_reviewer_urges_the_missing_units_with_one_click(self, client, world, report_submitted):
        client.force_login(world.users["reviewer"])

        client.post(reverse("supervision:urge_list", kwargs={"policy": world.a.policy.code}), {"month": "2025-09"})
        page = client.get(reverse("supervision:urge_list", kwargs={"policy": world.a.policy.code}) + "?month=2025-09")

        assert list(Urge.objects.values_list("unit__name", flat=True)) == [world.a.bureau.name]
        assert "催报" in page.content.decode() and world.a.bureau.name in page.content.decode()


class TestHome:
    def test_the_clerk_sees_the_units_open_items(self, client, world):
        (problem,) = _problems(world, 1)
        client.force_login(world.users["reporter"])

        page = client.get("/").content.decode()

        assert "本单位督办事项" in page and problem.title in page


@pytest.mark.django_db
def test_export_ledger_writes_one_row_per_problem(tmp_path, world):
    a, b = _problems(world, 2)
    services.problem_answer(problem=a, by=world.users["reporter"], text="已办")
    services.problem_close(problem=a, by=world.users["reviewer"], result="已解决", at=EVE)
    out = tmp_path / "ledger.xlsx"

    call_command("export_ledger", "--policy", world.a.policy.code, "--out", str(out))

    rows = list(load_workbook(out).active.iter_rows(min_row=3, values_only=True))
    assert [(r[0], r[5], r[7]) for r in rows] == [(a.number, "已办结", "否"), (b.number, "办理中", "是")]
    assert rows[0][6] is not None and rows[1][6] is None


def test_the_pages_show_a_pending_item_and_the_daily_jobs_urge(client, world):
    (pending,) = _problems(world, 1, assign=False)
    (late,) = _problems(world, 1)
    services.overdue_remind(on_date=dt.date(2025, 12, 1))
    client.force_login(world.users["reviewer"])

    ledger = client.get(reverse("supervision:problem_list", kwargs={"policy": world.a.policy.code}))
    detail = client.get(
        reverse("supervision:problem_detail", kwargs={"policy": world.a.policy.code, "number": late.number})
    )

    assert ledger.status_code == 200 and pending.number in ledger.content.decode()
    assert detail.status_code == 200 and "系统（每日提醒）" in detail.content.decode()


def test_the_red_targets_units_come_checked_from_the_indicator_page(client, world):
    client.force_login(world.users["reviewer"])
    url = reverse("supervision:explanation_request", kwargs={"policy": world.a.policy.code})

    page = client.get(f"{url}?indicator={world.a.indicator.pk}&unit={world.a.county.pk}").content.decode()

    checked = [line for line in page.split("<input") if 'name="units"' in line and "checked" in line]
    assert len(checked) == 1 and f'value="{world.a.county.pk}"' in checked[0]


class TestRoster:
    def url(self, world):
        return reverse("supervision:visit_list", kwargs={"policy": world.a.policy.code})

    def test_the_lead_bureau_adds_a_firm_and_its_official(self, client, world):
        client.force_login(world.users["reviewer"])

        client.post(
            self.url(world),
            {
                "action": "firm",
                "firm-name": "某某精工有限公司",
                "firm-credit_code": "91350100M000100Y43",
                "firm-official": world.users["official"].pk,
            },
        )

        firm = Firm.objects.get()
        assert (firm.name, firm.credit_code, firm.official) == (
            "某某精工有限公司",
            "91350100M000100Y43",
            world.users["official"],
        )

    def test_a_mistyped_credit_code_is_named_and_what_was_typed_stays(self, client, world):
        client.force_login(world.users["reviewer"])

        page = client.post(
            self.url(world),
            {
                "action": "firm",
                "firm-name": "某某精工有限公司",
                "firm-credit_code": "91350100M000100Y44",
                "firm-official": world.users["official"].pk,
            },
        ).content.decode()

        assert "校验位不符" in page and "某某精工有限公司" in page
        assert not Firm.objects.exists()


class TestRaise:
    def test_a_clerk_of_two_units_says_which_one_raises_it(self, client, world):
        from policies.models import Membership

        Membership.objects.create(user=world.users["reporter"], role="reporter", unit=world.a.bureau)
        client.force_login(world.users["reporter"])
        url = reverse("supervision:problem_raise", kwargs={"policy": world.a.policy.code})

        refused = client.post(url, {"title": "用电报装慢", "source": "unit"})
        client.post(url, {"title": "用电报装慢", "source": "unit", "unit": world.a.bureau.pk})

        assert "用电报装慢" in refused.content.decode()  # kept while the unit is asked for
        assert list(Problem.objects.values_list("raised_unit", "source")) == [(world.a.bureau.pk, "unit")]
