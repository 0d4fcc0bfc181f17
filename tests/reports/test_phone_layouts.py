"""On a phone (390 px): the policy dashboard's indicators as labelled cards with the light in
view, the heatmap as a list per unit, the cross-city table as cards; nothing wider than
the screen. In real Chromium, as the layout is CSS."""

import datetime as dt

import pytest
import time_machine

from reports.dashboard import heat_by_unit
from tests.browser import browser_page, login, needs_chromium
from tests.reports.test_dashboards import approve

PHONE = {"width": 390, "height": 844}


class TestHeatByUnit:
    def test_counts_each_units_cells_by_band_and_names_the_lagging_worst_first(self):
        cells = [[0, 0, 50.0], [1, 0, 95.0], [2, 0, 120.0], [3, 0, 80.0], [0, 1, None], [1, 1, 100.0]]

        rows = heat_by_unit(cells, ["甲县", "乙县"], ["专利", "企业", "项目", "园区"])

        assert rows == [
            {"unit": "甲县", "behind": [("专利", 50.0), ("园区", 80.0)], "close": 1, "on_pace": 1},
            {"unit": "乙县", "behind": [], "close": 0, "on_pace": 1},
        ]


def _fits(page, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5


@needs_chromium
@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_dashboard_and_the_cross_city_page_fit_a_phone(live_server, world):
    with time_machine.travel(dt.datetime(2025, 10, 20, 9, 0, tzinfo=dt.UTC), tick=True):
        for unit in (world.a.county, world.a.bureau):
            values = {world.a.indicator.pk: "60", world.a.flow.pk: "18"}
            approve(world.a, unit, 9, values, world.users["reviewer"])
        with browser_page(live_server.url, viewport=PHONE) as page:
            login(page, world.users["official"].username)

            page.goto(live_server.url + f"/dashboards/{world.a.policy.code}/?month=2025-09")
            assert _fits(page, ".indicator-table tbody tr td:last-child")  # the light, not cut off
            assert page.locator(".indicator-table tbody tr").first.inner_text().count("\n") >= 3  # labelled
            assert not page.locator("#chart-heat").is_visible()
            assert page.locator(".heat-list").get_by_text(world.a.county.name).is_visible()

            page.goto(live_server.url + f"/dashboards/concept/{world.a.indicator.concept.code}/")
            assert not page.locator(".concept-table").is_visible()
            cards = page.locator(".concept-cards li")
            assert cards.count() == 2 and _fits(page, ".concept-cards li")

            page.goto(live_server.url + "/")
            assert _fits(page, ".overview-card")
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
