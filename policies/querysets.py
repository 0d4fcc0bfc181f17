"""Reusable reads of the policy catalogue, named for what the pages need."""

from collections import Counter

from django.db import models
from django.db.models.functions import Coalesce


class UnitQuerySet(models.QuerySet):
    def divisions(self):
        """The counties, districts, county-level cities and zones of a city."""
        return self.filter(kind__in=self.model.DIVISION_KINDS)

    def reporting_for(self, policy):
        """The units that report for `policy` (a Policy or its id): those assigned an
        indicator of it. One row per unit, so it can be counted, annotated and ordered."""
        return self.filter(pk__in=self._assigned(policy=policy).values("pk"))

    def reporting_for_any(self, policies):
        """The units that report for any of `policies` (see `reporting_for`)."""
        return self.filter(pk__in=self._assigned(policy__in=policies).values("pk"))

    def reporting_counts(self, policies) -> dict[int, int]:
        """How many units report for each of `policies` (see `reporting_for`), in one query."""
        key = "assignments__indicator__policy"
        # The distinct (policy, unit) pairs, counted here: a hashed DISTINCT, not a sorted
        # COUNT(DISTINCT) over every assignment (a third of the time on a province).
        pairs = self._assigned(policy__in=policies).values_list(key, "pk").distinct().order_by()
        return dict(Counter(policy for policy, _unit in pairs))

    def _assigned(self, **policy):
        return self.model.objects.filter(**{f"assignments__indicator__{k}": v for k, v in policy.items()})


class PolicyQuerySet(models.QuerySet):
    def with_counts(self):
        """Policies with their numbers of tasks and indicators, for a list of cards. Counted
        in subqueries: a join of tasks × indicators grouped by every column (the source text
        too) cost half a second on five policies (issue 15)."""

        def count(relation):
            # The related model through the reverse relation: no import of an upper app.
            model = self.model._meta.get_field(relation).related_model
            rows = model.objects.filter(policy=models.OuterRef("pk")).order_by().values("policy")
            return models.Subquery(rows.annotate(n=models.Count("pk")).values("n"), output_field=models.IntegerField())

        return (
            self.select_related("city", "lead_unit")
            .defer("source_text")
            .annotate(
                task_count=Coalesce(count("tasks"), 0),
                indicator_count=Coalesce(count("indicators"), 0),
            )
        )


class TaskQuerySet(models.QuerySet):
    def for_outline(self):
        """Tasks with their units, indicators and targets in document order: one policy page."""
        return self.select_related("section").prefetch_related(
            "responsibilities__unit", "indicators__targets", "indicators__concept"
        )
