"""One presentation per concept: a light, a report state and a run status each have one
partial, and their words come from one place (reports.metrics.LIGHT_LABELS, MonthlyReport.State)."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from reports.columns import LightColumn
from reports.metrics import LIGHT_LABELS
from reports.models import ReportRun
from targets.columns import ReportStateColumn, state_label
from targets.models import MonthlyReport

TEMPLATES = Path(settings.BASE_DIR) / "templates"
PARTIALS = {"includes/_light_badge.html", "includes/_report_state.html", "includes/_run_status.html"}


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).strip()


class TestLightBadge:
    @pytest.mark.parametrize("light", list(LIGHT_LABELS))
    def test_says_the_lights_word_from_light_labels(self, light):
        html = render_to_string("includes/_light_badge.html", {"light": light})

        assert f'class="light light-{light}"' in html
        assert text_of(html) == LIGHT_LABELS[light]

    def test_grey_is_called_grey_not_no_data(self):
        html = render_to_string("includes/_light_badge.html", {"light": "grey"})

        assert "灰灯" in html and "无数据" not in html

    @pytest.mark.parametrize("light", [None, "", "purple"])
    def test_anything_else_is_a_grey_light(self, light):
        html = render_to_string("includes/_light_badge.html", {"light": light})

        assert 'class="light light-grey"' in html and text_of(html) == LIGHT_LABELS["grey"]

    def test_shows_a_count_after_the_word(self):
        html = render_to_string("includes/_light_badge.html", {"light": "green", "count": 3})

        assert text_of(html) == "绿灯 3"

    def test_shows_a_zero_count(self):
        assert text_of(render_to_string("includes/_light_badge.html", {"light": "red", "count": 0})) == "红灯 0"

    def test_a_placeholder_replaces_the_word(self):
        html = render_to_string("includes/_light_badge.html", {"light": "grey", "placeholder": "—"})

        assert 'class="light light-grey"' in html and text_of(html) == "—"


class TestLightColumn:
    @pytest.mark.parametrize("light", list(LIGHT_LABELS))
    def test_exports_the_word(self, light):
        assert LightColumn().value(light) == LIGHT_LABELS[light]

    @pytest.mark.parametrize("light", list(LIGHT_LABELS))
    def test_renders_the_badge(self, light):
        assert LightColumn().render(light) == render_to_string("includes/_light_badge.html", {"light": light})


class TestReportState:
    @pytest.mark.parametrize("state", list(MonthlyReport.State))
    def test_label_is_the_models(self, state):
        assert state_label(state) == state.label
        assert ReportStateColumn().value(state.value) == str(state.label)

    def test_missing_is_not_filed(self):
        assert state_label("missing") == "未填报"
        assert ReportStateColumn().value("missing") == "未填报"

    @pytest.mark.parametrize("state", [*MonthlyReport.State.values, "missing"])
    def test_column_renders_the_badge_with_the_label(self, state):
        html = ReportStateColumn().render(state)

        assert "state-badge" in html and text_of(html) == state_label(state)

    def test_badge_label_defaults_to_the_models_and_can_be_given(self):
        assert text_of(render_to_string("includes/_report_state.html", {"state": "returned"})) == "已退回"
        assert text_of(render_to_string("includes/_report_state.html", {"state": "missing"})) == "未填报"
        assert (
            text_of(render_to_string("includes/_report_state.html", {"state": "draft", "label": "草稿中"})) == "草稿中"
        )


class TestRunStatus:
    @pytest.mark.parametrize(
        ("status", "text"), [("done", "已完成"), ("failed", "失败"), ("queued", "排队中 0%"), ("running", "生成中 40%")]
    )
    def test_says_the_models_word(self, status, text):
        run = ReportRun(status=status, progress=0 if status == "queued" else 40, error="磁盘已满")

        html = render_to_string("includes/_run_status.html", {"run": run})

        assert text_of(html) == text
        assert ('title="磁盘已满"' in html) == (status == "failed")


class TestOnePartialPerBadge:
    def test_the_unused_copy_is_gone(self):
        assert not (TEMPLATES / "includes" / "_light.html").exists()

    def test_no_template_writes_a_light_or_state_badge_by_hand(self):
        hand_written = re.compile(
            r"light-(green|yellow|red|grey)|state-badge|run-status|bi-(check-circle-fill|x-octagon-fill)"
        )
        offenders = [
            f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
            for path in sorted(TEMPLATES.rglob("*.html"))
            if path.relative_to(TEMPLATES).as_posix() not in PARTIALS
            for match in hand_written.finditer(path.read_text(encoding="utf-8"))
        ]

        assert offenders == []

    def test_no_template_spells_a_light_word_as_a_label(self):
        # Prose such as "黄灯容差" or "新转为红灯" is fine; a light's word standing alone as an
        # element's text (a badge, an <option>) must come from the light_label filter.
        word = "|".join([*LIGHT_LABELS.values(), "无数据"])
        as_label = re.compile(rf">\s*(?:<i [^>]*></i>\s*)?({word})\b|(?<!暂)无数据")
        offenders = [
            f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
            for path in sorted(TEMPLATES.rglob("*.html"))
            for match in as_label.finditer(path.read_text(encoding="utf-8"))
        ]

        assert offenders == []

    def test_the_run_archive_uses_the_run_status_partial(self):
        archive = (TEMPLATES / "reports" / "run_archive.html").read_text(encoding="utf-8")

        assert 'include "includes/_run_status.html"' in archive
        assert '<span class="badge text-bg-success">' not in archive


def test_the_policy_charts_name_the_lights_with_the_servers_words(client, world):
    client.force_login(world.users["reviewer"])

    html = client.get(reverse("reports:policy", kwargs={"policy": world.a.policy.code})).content.decode()

    payload = html.split('<script id="light-labels" type="application/json">')[1].split("</script>")[0]
    assert json.loads(payload) == {k: str(v) for k, v in LIGHT_LABELS.items()}
