"""Whether a report was on time: by the end of the due day in Beijing time, under the due day
stored with its period when the period opened; and the on-time rate that every page and
sheet shows."""

import datetime as dt

import pytest
from django.utils import timezone

from policies.models import Policy
from reports.evaluation import on_time_rates
from reports.selectors import _timeliness
from targets import calendar, completeness, services
from targets.models import Period, PeriodLock
from targets.queue import queue_units

BEIJING = timezone.get_fixed_timezone(8 * 60)


def _submit(world, year, month, at):
    period = Period.objects.get_or_create(year=year, month=month)[0]
    report = services.report_get_or_create(policy=world.a.policy, unit=world.a.county, period=period)
    report = services.report_save(
        report=report,
        by=world.users["reporter"],
        version=report.version,
        values={world.a.indicator.pk: "60", world.a.flow.pk: "2"},
        on_date=at.date(),
    ).report
    return services.report_submit(
        report=report, by=world.users["reporter"], version=report.version, on_date=at.date(), at=at
    )


def _queue_mark(policy, year, month, unit):
    period = Period.objects.get(year=year, month=month)
    return queue_units(policy, period).get(pk=unit.pk).timeliness


class TestDueDayOfAPeriod:
    def test_a_report_filed_on_day_7_under_due_day_5_stays_late_when_the_due_day_becomes_8(self, world):
        services.period_open(on_date=dt.date(2025, 10, 1))
        _submit(world, 2025, 9, dt.datetime(2025, 10, 7, 10, tzinfo=BEIJING))

        assert _queue_mark(world.a.policy, 2025, 9, world.a.county) == "late"

        world.a.policy.due_day = 8
        world.a.policy.save()
        policy = Policy.objects.get(pk=world.a.policy.pk)

        assert PeriodLock.objects.get(policy=policy, period__month=9).due_day == 5
        assert _queue_mark(policy, 2025, 9, world.a.county) == "late"
        _months, rows = completeness.timeliness(policy, 2025, until=(2025, 9))
        assert {r.unit: r.marks[9] for r in rows}[world.a.county] == completeness.LATE

    def test_a_period_opened_after_the_change_uses_the_new_due_day(self, world):
        services.period_open(on_date=dt.date(2025, 10, 1))
        world.a.policy.due_day = 8
        world.a.policy.save()
        services.period_open(on_date=dt.date(2025, 11, 1))
        _submit(world, 2025, 10, dt.datetime(2025, 11, 7, 10, tzinfo=BEIJING))
        policy = Policy.objects.get(pk=world.a.policy.pk)

        assert completeness.due_date_of(policy, 2025, 10) == dt.date(2025, 11, 8)
        assert completeness.due_date_of(policy, 2025, 9) == dt.date(2025, 10, 5)
        assert _queue_mark(policy, 2025, 10, world.a.county) == "on_time"

    def test_a_month_not_yet_opened_falls_due_on_the_policys_day(self, world):
        world.a.policy.due_day = 8

        assert completeness.due_date_of(world.a.policy, 2026, 3) == dt.date(2026, 4, 8)


class TestOnTimeIsBeijingTime:
    def test_half_past_eleven_at_night_on_the_due_day_is_on_time(self):
        due = dt.date(2025, 10, 5)

        assert calendar.submitted_on_time(dt.datetime(2025, 10, 5, 23, 30, tzinfo=BEIJING), due)
        # 16:10 UTC on the 5th is ten past midnight on the 6th in Beijing.
        assert not calendar.submitted_on_time(dt.datetime(2025, 10, 5, 16, 10, tzinfo=dt.UTC), due)


class TestOnTimeRate:
    def test_the_ranking_and_the_bulletin_sheet_show_one_figure(self, world):
        services.period_open(on_date=dt.date(2025, 8, 1))
        services.period_open(on_date=dt.date(2025, 9, 1))
        services.period_open(on_date=dt.date(2025, 10, 1))
        _submit(world, 2025, 7, dt.datetime(2025, 8, 4, 10, tzinfo=BEIJING))  # on time
        _submit(world, 2025, 8, dt.datetime(2025, 9, 6, 10, tzinfo=BEIJING))  # late
        _submit(world, 2025, 9, dt.datetime(2025, 10, 5, 18, tzinfo=BEIJING))  # on time

        rates = on_time_rates(world.a.policy, 2025, (2025, 9))
        sheet = {row.unit: row for row in _timeliness(world.a.policy, (2025, 9))}

        # January to September: 9 reports due, 2 of them on time.
        assert rates[world.a.county.pk] == pytest.approx(2 / 9)
        county = sheet[world.a.county.name]
        assert (county.expected, county.on_time, county.late, county.missing) == (9, 2, 1, 6)
        assert calendar.on_time_rate(county.expected, county.on_time) == rates[world.a.county.pk]
        assert rates[world.a.bureau.pk] == 0

    def test_a_plan_that_starts_in_september_counts_from_september(self, world):
        world.a.policy.start_date = dt.date(2025, 9, 1)
        world.a.policy.save()
        services.period_open(on_date=dt.date(2025, 10, 1))
        _submit(world, 2025, 9, dt.datetime(2025, 10, 3, 10, tzinfo=BEIJING))

        assert on_time_rates(world.a.policy, 2025, (2025, 9))[world.a.county.pk] == 1
