"""One problem in real Chromium, as the people who do each step: the county's clerk turns a
line of its report's 存在问题 into a problem; the lead bureau assigns it (交办); the clerk
answers; the bureau sends it back, grants an extension; the clerk answers again; the
bureau closes it (办结销号). The timeline shows every step; another unit's clerk gets 404."""

import datetime as dt

import pytest
from django.utils import timezone

from supervision.models import Problem
from targets.services import report_get_or_create, report_save
from tests import factories as f
from tests.browser import browser_page, login, needs_chromium

pytestmark = [needs_chromium, pytest.mark.browser]


def _click(page, action):
    page.click(f"#form-{action} button[type=submit]")
    page.wait_for_load_state("networkidle")


@pytest.mark.django_db(transaction=True)
def test_a_problem_from_a_report_line_to_its_close_out(live_server, world):
    side = world.a
    report = report_get_or_create(policy=side.policy, unit=side.county, period=f.PeriodFactory(year=2025, month=9))
    report_save(
        report=report,
        by=world.users["reporter"],
        version=report.version,
        values={},
        texts={"problems_text": "部分企业研发投入不足\n项目用地审批慢"},
        on_date=dt.date(2025, 10, 3),
    )
    later = (timezone.localdate() + dt.timedelta(days=40)).isoformat()

    with browser_page(live_server.url) as page:
        login(page, "reporter")
        page.goto(live_server.url + f"/supervision/reports/{report.pk}/problems/")
        page.locator("li", has_text="项目用地审批慢").locator("button").click()
        page.wait_for_load_state("networkidle")
        assert "已登记为问题" in page.content()
        url = page.url

        login(page, "reviewer")
        page.goto(url)
        page.select_option("#form-assign select[name=assign-unit]", label=side.county.name)
        page.fill("#form-assign textarea[name=assign-text]", "请一周内协调解决")
        _click(page, "assign")
        assert "已交办" in page.content()

        login(page, "reporter")
        page.goto(live_server.url + "/")
        assert "项目用地审批慢" in page.locator("#my-problems").locator("xpath=../..").inner_text()
        page.goto(url)
        page.fill("#form-answer textarea[name=answer-text]", "已与自然资源局对接")
        _click(page, "answer")

        login(page, "reviewer")
        page.goto(url)
        page.fill("#form-return textarea[name=return-reason]", "请附用地预审意见")
        _click(page, "return")
        assert "已退回" in page.content()
        page.fill("#form-extend input[name=extend-due_date]", later)
        page.fill("#form-extend textarea[name=extend-reason]", "等待省厅用地预审")
        _click(page, "extend")
        assert "已延期" in page.content()

        login(page, "reporter")
        page.goto(url)
        page.fill("#form-answer textarea[name=answer-text]", "已取得用地预审意见，附后")
        _click(page, "answer")

        login(page, "reviewer")
        page.goto(url)
        page.fill("#form-close textarea[name=close-result]", "用地预审已通过，问题解决")
        _click(page, "close")
        timeline = page.locator(".timeline").inner_text()
        for step in ("提出", "交办", "答复", "退回", "请附用地预审意见", "延期", "等待省厅用地预审", "办结销号"):
            assert step in timeline

        login(page, "other_reporter")
        response = page.goto(url)
        assert response.status == 404

    problem = Problem.objects.get()
    assert problem.state == Problem.State.CLOSED
    assert problem.extensions == 1
    assert list(problem.events.values_list("kind", flat=True)) == [
        "raise",
        "assign",
        "answer",
        "return",
        "extend",
        "answer",
        "close",
    ]
