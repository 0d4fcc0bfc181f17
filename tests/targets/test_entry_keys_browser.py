"""In real Chromium: the entry grid opens with the first cell focused, and the arrow keys
move between the cells."""

import pytest

from tests.browser import browser_page, login, needs_chromium

pytestmark = [needs_chromium, pytest.mark.browser]


@pytest.mark.django_db(transaction=True)
def test_the_first_cell_has_focus_and_the_arrow_keys_move_between_cells(live_server, world):
    first, second = world.a.indicator.pk, world.a.flow.pk  # in the order of the page
    with browser_page(live_server.url) as page:
        login(page, world.users["reporter"].username)
        page.goto(live_server.url + f"/targets/{world.a.policy.code}/{world.a.county.code}/2025-09/")
        focused = "document.activeElement.id"

        assert page.evaluate(focused) == f"v-{first}"
        page.keyboard.press("ArrowDown")
        assert page.evaluate(focused) == f"v-{second}"
        page.keyboard.press("ArrowUp")
        assert page.evaluate(focused) == f"v-{first}"
