"""Reusable reads of the policy catalogue, named for what the pages need."""

from django.db import models


class UnitQuerySet(models.QuerySet):
    def divisions(self):
        """The counties, districts, county-level cities and zones of a city."""
        return self.filter(kind__in=self.model.DIVISION_KINDS)


class PolicyQuerySet(models.QuerySet):
    def with_counts(self):
        return self.select_related("city", "lead_unit").annotate(
            task_count=models.Count("tasks", distinct=True),
            indicator_count=models.Count("indicators", distinct=True),
        )


class TaskQuerySet(models.QuerySet):
    def for_outline(self):
        """Tasks with their units, indicators and targets in document order: one policy page."""
        return self.select_related("section").prefetch_related(
            "responsibilities__unit", "indicators__targets", "indicators__concept"
        )
