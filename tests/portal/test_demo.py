"""seed_demo: deterministic demo months with the mix a real cycle has, never stamped
after the day they are made for."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import transaction

from policies.models import Policy
from targets import calendar
from targets.models import MonthlyReport, ReportEvent, ReportValue

# Tangshan's plan starts in September 2024 and its reports are due on the 5th. A few months
# are enough (each month of demo reports costs about two seconds):
MIX_UNTIL = dt.date(2024, 12, 10)  # September and October closed, November still open
OPEN_UNTIL = dt.date(2024, 11, 3)  # September closed, October open two days: filings clamp to yesterday
TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def tangshan(real_catalogue):
    Policy.objects.exclude(code="tangshan-innovation-clusters").delete()
    return Policy.objects.get()


def seed(seed=2025, until=OPEN_UNTIL):
    call_command("seed_demo", until=until.isoformat(), seed=seed, stdout=io.StringIO())


def snapshot():
    values = list(
        ReportValue.objects.order_by("report__unit__code", "report__period__ordinal", "indicator__code").values_list(
            "report__unit__code", "report__period__ordinal", "indicator__code", "value"
        )
    )
    states = list(
        MonthlyReport.objects.order_by("unit__code", "period__ordinal").values_list(
            "unit__code", "period__ordinal", "state", "first_submitted_at"
        )
    )
    return values, states


def seeded_snapshot(seed_value=2025):
    with transaction.atomic():
        seed(seed_value)
        result = snapshot()
        transaction.set_rollback(True)
    return result


class TestSeedDemo:
    def test_the_same_seed_gives_the_same_months(self, tangshan):
        first = seeded_snapshot()

        second = seeded_snapshot()

        assert first[0] and first == second
        assert seeded_snapshot(7) != first

    def test_most_reports_are_on_time_some_late_a_few_missing_and_a_few_returned(self, tangshan):
        seed(until=MIX_UNTIL)

        closed = MonthlyReport.objects.exclude(period__year=2024, period__month=11)
        late = [
            r
            for r in closed.select_related("period")
            if r.first_submitted_at.astimezone(TZ).date()
            > calendar.due_date(r.period.year, r.period.month, tangshan.due_day)
        ]
        returned = ReportEvent.objects.filter(
            kind=ReportEvent.Kind.STATE, new=MonthlyReport.State.RETURNED.label
        ).count()
        units = {u for (u,) in MonthlyReport.objects.values_list("unit").distinct()}
        filed_closed_months = closed.count()
        closed_months = closed.values("period").distinct().count()

        assert 0 < len(late) < filed_closed_months / 3
        assert closed_months == 2
        assert filed_closed_months < closed_months * len(units)  # some units missed a closed month
        assert returned >= 1
        assert closed.exclude(state=MonthlyReport.State.APPROVED).count() <= returned + 1

    def test_nothing_is_stamped_after_the_day_it_is_made_for(self, tangshan):
        seed()

        latest = max(MonthlyReport.objects.exclude(submitted_at=None).values_list("submitted_at", flat=True))

        assert MonthlyReport.objects.filter(period__year=2024, period__month=10).exclude(submitted_at=None).exists()
        assert latest.astimezone(TZ).date() < OPEN_UNTIL
