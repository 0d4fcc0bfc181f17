"""The monthly story in real Chromium: a reporter fills, saves a draft and submits; the
reviewer returns it with a reason; the reporter fixes and resubmits; the reviewer approves;
the history shows every step; another unit's reporter cannot open it by URL."""

import pytest

from targets.models import MonthlyReport
from tests.browser import browser_page, login, needs_chromium

pytestmark = [needs_chromium, pytest.mark.browser]


@pytest.mark.django_db(transaction=True)
def test_report_story(live_server, world, period):
    side = world.a
    url = f"/targets/{side.policy.code}/{side.county.code}/2025-09/"
    with browser_page(live_server.url) as page:
        login(page, "reporter")
        page.goto(live_server.url + url)

        # Keyboard-first: type, Enter moves to the next row.
        first = page.locator(".entry-input").nth(0)
        first.fill("６０")  # full-width digits are accepted
        # The server answers for the row's light: a summed target not split out has none.
        light = page.locator(".entry-light").nth(0)
        assert light.inner_text().strip() == "—"
        light.get_by_text("未分解，不计灯号").wait_for()
        first.press("Enter")
        assert page.evaluate("document.activeElement.id") == page.locator(".entry-input").nth(1).get_attribute("id")
        page.locator(".entry-input").nth(1).fill("abc")
        assert "不是数字" in page.locator(".entry-msg").nth(1).inner_text()
        page.fill("#id_progress_text", "走访企业12家")
        page.click("button[value=save]")
        page.wait_for_load_state("networkidle")
        assert "草稿已保存" in page.content()
        assert page.locator(".entry-input").nth(1).input_value() == "abc"  # kept as typed

        page.locator(".entry-input").nth(1).fill("2")
        page.click("button[value=submit]")
        page.wait_for_load_state("networkidle")
        assert "已报送" in page.content()

        login(page, "reviewer")
        page.goto(live_server.url + f"/targets/review/{side.policy.code}/?month=2025-09")
        assert "待审核" in page.content()
        page.goto(live_server.url + url)
        page.fill("input[name=reason]", "请核对专利数据口径")
        page.click("button[value=return]")
        page.wait_for_load_state("networkidle")
        assert "已退回" in page.content()

        login(page, "reporter")
        page.goto(live_server.url + "/")
        assert "请核对专利数据口径" in page.content()
        page.goto(live_server.url + url)
        assert "请核对专利数据口径" in page.content()
        page.locator(".entry-input").nth(1).fill("3")
        page.click("button[value=submit]")
        page.wait_for_load_state("networkidle")

        login(page, "reviewer")
        page.goto(live_server.url + url)
        page.click("button[value=approve]")
        page.wait_for_load_state("networkidle")
        assert "已审核通过" in page.content()

        report = MonthlyReport.objects.get(policy=side.policy, unit=side.county)
        page.goto(live_server.url + f"/targets/reports/{report.pk}/history/")
        history = page.locator("table").inner_text()
        for step in ("已报送", "已退回", "已审核", "请核对专利数据口径", "走访企业12家"):
            assert step in history

        login(page, "other_reporter")
        response = page.goto(live_server.url + url)
        assert response.status == 404
        response = page.goto(live_server.url + f"/targets/reports/{report.pk}/history/")
        assert response.status == 404

    assert report.state == MonthlyReport.State.APPROVED
