"""The one place that decides what a user may see and do.

Every view builds its querysets from ``scope_for(request.user)``; an object outside the
scope is simply not in the queryset, so another unit's id gives 404, not 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .models import City, Membership, Policy, Unit

Role = Membership.Role


@dataclass(frozen=True)
class Scope:
    is_authenticated: bool
    is_admin: bool
    roles: frozenset[str]
    unit_ids: frozenset[int]
    reviewed_policy_ids: frozenset[int]
    official_city_ids: frozenset[int]
    official_everywhere: bool

    # -- who is this ---------------------------------------------------------------

    @property
    def is_reporter(self) -> bool:
        return Role.REPORTER in self.roles

    @property
    def is_reviewer(self) -> bool:
        return self.is_admin or Role.REVIEWER in self.roles

    @property
    def sees_everything(self) -> bool:
        return self.is_admin or self.official_everywhere

    @property
    def can_view_dashboards(self) -> bool:
        return self.sees_everything or bool(self.reviewed_policy_ids or self.official_city_ids)

    # -- what may be read ------------------------------------------------------------

    def _oversight(self, prefix: str = "") -> Q:
        """Rows of the policies this user oversees as reviewer or official."""
        return Q(**{f"{prefix}id__in": self.reviewed_policy_ids}) | Q(
            **{f"{prefix}city_id__in": self.official_city_ids}
        )

    def policies(self) -> QuerySet[Policy]:
        if self.sees_everything:
            return Policy.objects.all()
        if not self.is_authenticated:
            return Policy.objects.none()
        # Each path in its own subquery: one join across tasks × responsibilities ×
        # indicators × assignments multiplied the rows of a policy by thousands (issue 15).
        by_task = Policy.objects.filter(tasks__responsibilities__unit_id__in=self.unit_ids).values("id")
        by_indicator = Policy.objects.filter(indicators__assignments__unit_id__in=self.unit_ids).values("id")
        return Policy.objects.filter(self._oversight() | Q(id__in=by_task) | Q(id__in=by_indicator))

    def overseen_policies(self) -> QuerySet[Policy]:
        """Policies whose every unit and report this user may read (reviewer, official, admin)."""
        if self.sees_everything:
            return Policy.objects.all()
        return Policy.objects.filter(self._oversight())

    def comparison_policies(self) -> QuerySet[Policy]:
        """Policies whose figures on shared concepts this user may read beside their own (the
        cross-city pages): every policy of the provinces of the cities they oversee. A city's
        figures against its own targets are province-wide information (the province ranks its
        cities on them); its units, reports and dashboards stay the city's own. A reporter
        compares only what they may read anyway."""
        if self.sees_everything:
            return Policy.objects.all()
        if not (self.reviewed_policy_ids or self.official_city_ids):
            return self.policies()
        provinces = (
            City.objects.filter(Q(id__in=self.official_city_ids) | Q(policies__id__in=self.reviewed_policy_ids))
            .exclude(province="")
            .values("province")
        )
        return Policy.objects.filter(Q(city__province__in=provinces) | self._oversight())

    def units(self) -> QuerySet[Unit]:
        if self.sees_everything:
            return Unit.objects.all()
        overseen = Q(city_id__in=self.official_city_ids) | Q(policies__id__in=self.reviewed_policy_ids)
        ids = Unit.objects.filter(overseen | Q(id__in=self.unit_ids)).values("id")
        return Unit.objects.filter(id__in=ids)

    def report_filter(self, prefix: str = "") -> Q:
        """A filter for any model that has `policy` and `unit` (reports, values, events)."""
        if self.sees_everything:
            return Q()
        return (
            Q(**{f"{prefix}unit_id__in": self.unit_ids})
            | Q(**{f"{prefix}policy_id__in": self.reviewed_policy_ids})
            | Q(**{f"{prefix}policy__city_id__in": self.official_city_ids})
        )

    # -- what may be done ------------------------------------------------------------

    def can_enter(self, unit_id: int) -> bool:
        """Fill in and submit a unit's reports."""
        return unit_id in self.unit_ids

    def oversees(self, policy: Policy) -> bool:
        """Reads every unit's reports of the policy (reviewer, official of its city, admin)."""
        return self.sees_everything or policy.pk in self.reviewed_policy_ids or policy.city_id in self.official_city_ids

    def can_review(self, policy_id: int) -> bool:
        return self.is_admin or policy_id in self.reviewed_policy_ids


ANONYMOUS = Scope(False, False, frozenset(), frozenset(), frozenset(), frozenset(), False)


def scope_for(user) -> Scope:
    """The user's scope, read once per request (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    cached = getattr(user, "_portal_scope", None)
    if cached is not None:
        return cached
    rows = list(Membership.objects.filter(user=user).values_list("role", "unit_id", "policy_id", "city_id"))
    roles = frozenset(role for role, *_ in rows)
    scope = Scope(
        is_authenticated=True,
        is_admin=user.is_superuser or Role.ADMIN in roles,
        roles=roles,
        unit_ids=frozenset(u for role, u, _p, _c in rows if role == Role.REPORTER and u),
        reviewed_policy_ids=frozenset(p for role, _u, p, _c in rows if role == Role.REVIEWER and p),
        official_city_ids=frozenset(c for role, _u, _p, c in rows if role == Role.OFFICIAL and c),
        official_everywhere=any(role == Role.OFFICIAL and not c for role, _u, _p, c in rows),
    )
    user._portal_scope = scope
    return scope


class ScopedMixin(LoginRequiredMixin):
    """The one access mixin of the portal's views: the anonymous go to the login page, the
    view gets the user's ``self.scope`` and reads its rows through it. ``admin_only`` views
    refuse everybody else with ``admin_only_message``."""

    admin_only = False
    admin_only_message = _("只有管理员可以使用此功能")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.scope = scope_for(request.user)
        if self.admin_only and not self.scope.is_admin:
            raise PermissionDenied(self.admin_only_message)
        self.load(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def load(self, request, *args, **kwargs) -> None:
        """Read the objects the URL names through ``self.scope`` (404 outside it), once,
        before the GET or POST handler runs."""
