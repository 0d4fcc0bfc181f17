"""Reusable reads of monthly reports."""

from django.db import models


class MonthlyReportQuerySet(models.QuerySet):
    def awaiting_review(self):
        return self.filter(state=self.model.State.SUBMITTED)

    def visible_to(self, scope):
        """Reports the scope may read: its own units' as a reporter, its policies' as reviewer or official."""
        return self.filter(scope.report_filter())

    def with_listing(self):
        return self.select_related("policy", "unit", "period", "policy__city")


class PeriodQuerySet(models.QuerySet):
    def of_month(self, year: int, month: int):
        """The month's period, or an unsaved one: reading a month never creates its row."""
        from .models import ordinal

        found = self.filter(year=year, month=month).first()
        return found or self.model(year=year, month=month, ordinal=ordinal(year, month))
