"""What the pages and the documents read from 督查督办, as plain dataclasses: the ledger's
open and overdue items at a cut-off (月调度), per-unit 收集N件、已办结N件、办结率、超期N件
(季通报, dashboards), and the 包联 officials who missed a month's visit.

A cut-off is a date: the state of the ledger at the end of that day, from the dates each
step left (raised, assigned, closed), so a document built later says what was true then.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.utils import timezone

from policies.models import Policy, Unit
from targets import calendar

from . import clock
from .models import Firm, Problem, Visit


@dataclass(frozen=True)
class LedgerItem:
    number: str
    title: str
    kind: str  # 问题 / 整改说明
    source: str
    unit: str  # the assigned unit ("" while 待交办)
    raised_date: dt.date
    due_date: dt.date | None
    state: str  # the label: 待交办/办理中/已办结/已退回/已延期
    days_late: int
    extensions: int


@dataclass(frozen=True)
class Ledger:
    cutoff: dt.date
    open_items: list[LedgerItem]  # assigned and not closed by the cut-off (overdue ones too)
    overdue_items: list[LedgerItem]  # open at the cut-off and past their due date
    pending: int  # raised, not yet assigned


@dataclass(frozen=True)
class UnitLedgerCount:
    unit_id: int
    unit: str
    collected: int  # 收集: assigned to the unit by the cut-off
    closed: int  # 已办结 by the cut-off
    overdue: int  # 超期: open past due at the cut-off, or closed after the due date
    open: int

    @property
    def closure_rate(self) -> float | None:
        """办结率 as a fraction (None when nothing was assigned)."""
        return self.closed / self.collected if self.collected else None


@dataclass(frozen=True)
class MissingVisit:
    official_id: int
    official: str
    year: int
    month: int
    firms: int  # firms in the official's roster


def _end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


def _open_at(cutoff: dt.date) -> Q:
    end = _end_of(cutoff)
    return Q(assigned_date__lte=cutoff) & (Q(closed_at__isnull=True) | Q(closed_at__gt=end))


def _item(p: Problem, cutoff: dt.date) -> LedgerItem:
    return LedgerItem(
        number=p.number,
        title=p.title,
        kind=p.get_kind_display(),
        source=p.get_source_display(),
        unit=p.assignee.name if p.assignee_id else "",
        raised_date=timezone.localdate(p.raised_at),
        due_date=p.due_date,
        # An item closed after the cut-off was still in hand at it.
        state=Problem.State.IN_PROGRESS.label if p.state == Problem.State.CLOSED else p.get_state_display(),
        days_late=clock.days_late(p.due_date, cutoff),
        extensions=p.extensions,
    )


def ledger(policy: Policy, cutoff: dt.date) -> Ledger:
    """The dispatch's 问题台账: the items open at the cut-off, the overdue ones first."""
    end = _end_of(cutoff)
    rows = list(
        Problem.objects.filter(policy=policy)
        .filter(_open_at(cutoff))
        .select_related("assignee")
        .order_by("due_date", "number")
    )
    items = [_item(p, cutoff) for p in rows]
    pending = Problem.objects.filter(policy=policy, raised_at__lte=end).filter(
        Q(assigned_date__isnull=True) | Q(assigned_date__gt=cutoff)
    )
    return Ledger(
        cutoff=cutoff,
        open_items=items,
        overdue_items=[i for i in items if i.days_late > 0],
        pending=pending.count(),
    )


def unit_counts(policy: Policy, cutoff: dt.date, since: dt.date | None = None) -> list[UnitLedgerCount]:
    """收集N件、已办结N件、办结率、超期N件 per assigned unit, at the cut-off (of the items
    assigned from ``since`` on, when given: a year's); one query."""
    end = _end_of(cutoff)
    assigned = Q(assigned_problems__policy=policy, assigned_problems__assigned_date__lte=cutoff)
    if since is not None:
        assigned &= Q(assigned_problems__assigned_date__gte=since)
    closed = assigned & Q(assigned_problems__closed_at__lte=end)
    open_now = assigned & (Q(assigned_problems__closed_at__isnull=True) | Q(assigned_problems__closed_at__gt=end))
    late = (open_now & Q(assigned_problems__due_date__lt=cutoff)) | (
        closed & Q(assigned_problems__closed_at__date__gt=F("assigned_problems__due_date"))
    )
    rows = (
        Unit.objects.filter(assigned)
        .annotate(
            n_collected=Count("assigned_problems", filter=assigned, distinct=True),
            n_closed=Count("assigned_problems", filter=closed, distinct=True),
            n_open=Count("assigned_problems", filter=open_now, distinct=True),
            n_overdue=Count("assigned_problems", filter=late, distinct=True),
        )
        .order_by("sort_order", "name")
        .distinct()
    )
    return [
        UnitLedgerCount(
            unit_id=u.pk, unit=u.name, collected=u.n_collected, closed=u.n_closed, overdue=u.n_overdue, open=u.n_open
        )
        for u in rows
    ]


@dataclass(frozen=True)
class OfficialVisits:
    official_id: int
    official: str
    firms: int
    visits: list[int]  # per month asked for, the number of visits


def visit_grid(policy: Policy, months: list[calendar.Month]) -> list[OfficialVisits]:
    """每月至少入企一次, per 包联 official and month, from the visit log: how many visits
    each made in each month; two queries whatever the size of the roster."""
    if not months:
        return []
    roster = list(
        Firm.objects.filter(policy=policy)
        .values("official", "official__first_name", "official__last_name", "official__username")
        .annotate(firms=Count("id"))
        .order_by("official__username")
    )
    if not roster:
        return []
    first = dt.date(*months[0], 1)
    end_year, end_month = calendar.following(months[-1])
    counts = {
        (row["official_id"], row["visit_date__year"], row["visit_date__month"]): row["n"]
        for row in Visit.objects.filter(
            firm__policy=policy, visit_date__gte=first, visit_date__lt=dt.date(end_year, end_month, 1)
        )
        .values("official_id", "visit_date__year", "visit_date__month")
        .annotate(n=Count("id"))
        .order_by()
    }
    return [
        OfficialVisits(
            official_id=row["official"],
            official=f"{row['official__last_name']}{row['official__first_name']}" or row["official__username"],
            firms=row["firms"],
            visits=[counts.get((row["official"], y, m), 0) for y, m in months],
        )
        for row in roster
    ]


def missing_visits(policy: Policy, months: list[calendar.Month]) -> list[MissingVisit]:
    """The officials with no visit in a month, month by month (the dispatch names them)."""
    missing = []
    grid = visit_grid(policy, months)
    for index, (year, month) in enumerate(months):
        for row in grid:
            if row.visits[index] == 0:
                missing.append(MissingVisit(row.official_id, row.official, year, month, row.firms))
    return missing


def unit_items(scope):
    """A reporter's units' items not yet closed (assigned to them or raised by them), the
    overdue first: the list on the home page and the index."""
    return (
        Problem.objects.visible_to(scope)
        .filter(Q(assignee_id__in=scope.unit_ids) | Q(raised_unit_id__in=scope.unit_ids))
        .exclude(state=Problem.State.CLOSED)
        .with_listing()
        .order_by("due_date", "number")
    )


def assessment_items(policy: Policy, year: int) -> dict[int, list]:
    """The year's 加分/扣分 items per unit id."""
    from .models import AssessmentItem

    found: dict[int, list] = {}
    for item in (
        AssessmentItem.objects.filter(policy=policy, year=year).select_related("created_by").order_by("created_at")
    ):
        found.setdefault(item.unit_id, []).append(item)
    return found
