"""Reusable reads of the ledger, each through the user's scope where a page needs it."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q

OPEN_STATES = ("in_progress", "returned", "extended")


class ProblemQuerySet(models.QuerySet):
    def visible_to(self, scope):
        """The policy's overseers see its whole ledger; a unit sees what it raised and
        what it was assigned."""
        if scope.sees_everything:
            return self
        if not scope.is_authenticated:
            return self.none()
        return self.filter(
            Q(policy_id__in=scope.reviewed_policy_ids)
            | Q(policy__city_id__in=scope.official_city_ids)
            | Q(assignee_id__in=scope.unit_ids)
            | Q(raised_unit_id__in=scope.unit_ids)
        )

    def open(self):
        """Assigned and not yet closed."""
        return self.filter(state__in=OPEN_STATES)

    def overdue(self, today: dt.date):
        return self.open().filter(due_date__lt=today)

    def closed_late(self):
        return self.filter(state="closed", closed_at__date__gt=models.F("due_date"))

    def with_listing(self):
        return self.select_related("policy", "assignee", "raised_unit", "raised_by", "indicator")


class UrgeQuerySet(models.QuerySet):
    def visible_to(self, scope):
        if scope.sees_everything:
            return self
        return self.filter(
            Q(policy_id__in=scope.reviewed_policy_ids)
            | Q(policy__city_id__in=scope.official_city_ids)
            | Q(unit_id__in=scope.unit_ids)
        )


class VisitQuerySet(models.QuerySet):
    def visible_to(self, scope, user):
        """The policy's overseers, and the official who made the visit."""
        if scope.sees_everything:
            return self
        return self.filter(
            Q(firm__policy_id__in=scope.reviewed_policy_ids)
            | Q(firm__policy__city_id__in=scope.official_city_ids)
            | Q(official_id=getattr(user, "pk", None))
        )
