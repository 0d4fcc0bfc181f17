"""Reusable reads of indicators, periods and monthly reports."""

from django.db import models


class IndicatorQuerySet(models.QuerySet):
    def for_policy(self, policy):
        return self.filter(policy=policy).select_related("task", "concept").prefetch_related("targets")


class PeriodQuerySet(models.QuerySet):
    def month(self, year: int, month: int):
        period, _ = self.get_or_create(year=year, month=month)
        return period


class MonthlyReportQuerySet(models.QuerySet):
    def for_period(self, period):
        return self.filter(period=period)

    def awaiting_review(self):
        return self.filter(state=self.model.State.SUBMITTED)

    def visible_to(self, scope):
        """Reports the scope may read: its own units' as a reporter, its policies' as reviewer or official."""
        return self.filter(scope.report_filter())

    def with_listing(self):
        return self.select_related("policy", "unit", "period", "policy__city")
