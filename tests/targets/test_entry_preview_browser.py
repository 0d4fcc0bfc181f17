"""In real Chromium: the light and the year to date of a row change as the clerk types,
asked of the server (htmx), and follow a pasted column too."""

from decimal import Decimal

import pytest

from tests.browser import browser_page, login, needs_chromium
from tests.targets.test_entry_preview import Plan

pytestmark = [needs_chromium, pytest.mark.browser]


@pytest.mark.django_db(transaction=True)
def test_the_light_follows_the_typed_figure(live_server):
    # 每年新增20件, the county's share 12, 3 approved in July and 3 in August; September is
    # 75% of the year: typing 3 makes 9 / 12 = 75% (green), 1 makes 7 / 12 = 58.3% (red).
    plan = Plan(
        measure="flow",
        unit_of_measure="件",
        share=Decimal(12),
        bureau_reports=True,
        value=20,
        window="annual",
        year=None,
        deadline_date=None,
    )
    plan.report(7, "3")
    plan.report(8, "3")
    pk = plan.indicator.pk
    with browser_page(live_server.url) as page:
        login(page, plan.clerk.username)
        page.goto(live_server.url + f"/targets/{plan.policy.code}/{plan.county.code}/2025-09/")
        light, total = page.locator(f"#light-{pk}"), page.locator(f"#total-{pk}")
        assert light.inner_text().strip() == "—"

        page.locator(f"#v-{pk}").fill("3")
        light.get_by_text("绿灯 75%").wait_for()
        assert total.inner_text() == "9"

        page.locator(f"#v-{pk}").fill("1")
        light.get_by_text("红灯 58.3%").wait_for()
        assert total.inner_text() == "7"

        page.locator(f"#v-{pk}").fill("")
        page.locator(f"#v-{pk}").press_sequentially("2")
        light.get_by_text("黄灯 66.7%").wait_for()
        assert total.inner_text() == "8"

        # A column pasted from Excel: each filled row asks for its light as if typed.
        page.locator(f"#v-{pk}").evaluate(
            """input => {
                const data = new DataTransfer();
                data.setData("text", "3\\n4\\n");
                input.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
            }"""
        )
        light.get_by_text("绿灯 75%").wait_for()
        assert page.locator(f"#v-{pk}").input_value() == "3"
