"""A quarter not yet over is bulletined at its last locked month and says so, never
"截至第四季度末" on 3 December; a quarter with no month locked cannot be bulletined yet."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from reports import selectors, services
from reports.builders.bulletin_text import overall_text
from targets.services import period_close
from tests.reports.test_dashboards import approve

DEC_3 = dt.datetime(2025, 12, 3, 9, 0, tzinfo=dt.UTC)
DEC_16 = dt.datetime(2025, 12, 16, 9, 0, tzinfo=dt.UTC)  # November locked on the 15th
OCT_20 = dt.datetime(2025, 10, 20, 9, 0, tzinfo=dt.UTC)  # no month of the fourth quarter locked


@pytest.fixture
def autumn(world):
    """The county's patents: 2 in October, 3 in November (annual target 20)."""
    side, reviewer = world.a, world.users["reviewer"]
    with time_machine.travel(DEC_3, tick=False):
        approve(side, side.county, 10, {side.indicator.pk: "60", side.flow.pk: "2"}, reviewer)
        approve(side, side.county, 11, {side.indicator.pk: "61", side.flow.pk: "3"}, reviewer)
    return side


def flow_row(data, side):
    return next(row for row in data.rows if row.indicator == side.flow.name)


class TestCurrentQuarter:
    def test_on_3_december_it_is_evaluated_at_november_once_closed_and_says_so(self, world, autumn):
        with time_machine.travel(DEC_3 - dt.timedelta(days=1), tick=False):
            period_close(policy=autumn.policy, year=2025, month=11, by=world.users["reviewer"])

        data = selectors.bulletin_data(autumn.policy, 2025, 4, generated_at=DEC_3)

        row = flow_row(data, autumn)
        assert (data.month, data.quarter_over) == (11, False)
        assert (row.period_value, row.to_date) == (5, 5)  # October 2 + November 3
        assert row.progress == pytest.approx(11 / 12)  # not 100%: eleven months of the year
        text = overall_text(data)
        assert text.startswith("截至2025年11月末（本季度尚未结束），全市共有目标任务2项")
        assert "年度目标11个月91.7%" in text
        assert "第四季度末" not in text

    def test_on_3_december_it_is_evaluated_at_october_while_november_is_open(self, autumn):
        data = selectors.bulletin_data(autumn.policy, 2025, 4, generated_at=DEC_3)

        row = flow_row(data, autumn)
        assert data.month == 10
        assert (row.period_value, row.progress) == (2, pytest.approx(10 / 12))
        assert overall_text(data).startswith("截至2025年10月末（本季度尚未结束）")

    def test_a_bulletin_asked_again_after_the_next_month_locks_is_built_again(self, monkeypatch, autumn):
        monkeypatch.setattr(services, "_enqueue", lambda run_id: True)
        with time_machine.travel(DEC_3, tick=False):
            first, _ = services.run_request(kind="bulletin", policy=autumn.policy, label="2025Q4")
            services.run_execute(run_id=first.pk)

        with time_machine.travel(DEC_16, tick=False):
            again, created = services.run_request(kind="bulletin", policy=autumn.policy, label="2025Q4")

        assert created and again.version == 2  # October's bulletin is not November's


class TestFinishedQuarter:
    def test_a_quarter_whose_last_month_is_locked_says_end_of_quarter(self, world):
        data = selectors.bulletin_data(world.a.policy, 2024, 4, generated_at=dt.datetime(2025, 1, 20, tzinfo=dt.UTC))

        text = overall_text(data)
        assert (data.month, data.quarter_over) == (12, True)
        assert text.startswith("截至2024年第四季度末，全市共有目标任务2项")
        assert "年度目标全年100%" in text


class TestQuarterWithNoMonthLocked:
    def test_asking_for_its_bulletin_is_refused_with_the_day_it_can_be_built(self, world):
        with time_machine.travel(OCT_20, tick=False), pytest.raises(services.RunRefused) as refused:
            services.run_request(kind="bulletin", policy=world.a.policy, label="2025Q4")

        assert str(refused.value) == (
            "2025年第四季度还没有已锁定的月份，季通报暂不能生成："
            "10月的数据于2025年11月15日锁定（或审核员提前关闭该期）后即可生成。"
        )

    def test_the_run_page_says_so_and_queues_nothing(self, client, world):
        client.force_login(world.users["reviewer"])
        url = reverse("reports:run_archive", args=[world.a.policy.code])

        with time_machine.travel(OCT_20, tick=False):
            response = client.post(url, {"kind": "bulletin", "quarter": "2025Q4"}, follow=True)

        assert response.status_code == 200
        assert "2025年第四季度还没有已锁定的月份，季通报暂不能生成" in response.content.decode()
        assert not world.a.policy.runs.exists()
        assert timezone.now() > OCT_20  # the clock is back
