"""Exporting the policy catalogue as the JSON of DESIGN.md (``export_policies``, and the
old version a new draft is compared with on the ingest page)."""

from __future__ import annotations

from decimal import Decimal

from policies.models import City, Policy, Responsibility, Section, Task, Unit
from targets.models import Concept, Indicator

from .loading import reporters_for


def _num(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _unit_row(unit: Unit) -> dict:
    row = {"code": unit.code, "name": unit.name, "kind": unit.kind}
    if unit.aliases:
        row["aliases"] = unit.aliases
    return row


def catalogue_export(policies=None) -> dict:
    """The whole catalogue as the JSON of DESIGN.md (plus the keys a round trip needs)."""
    policies = list(
        (policies if policies is not None else Policy.objects.all())
        .select_related("city", "city__parent", "lead_unit")
        .prefetch_related("units")
        .order_by("city__code", "code")
    )
    city_ids = {p.city_id for p in policies}
    cities = City.objects.filter(id__in=city_ids).select_related("parent").order_by("code")
    city_units = {}
    for unit in Unit.objects.filter(city_id__in=city_ids).order_by("sort_order", "name"):
        if unit.is_division or unit.kind == Unit.Kind.TOWN:
            city_units.setdefault(unit.city_id, []).append(_unit_row(unit))
    sections = Section.objects.filter(policy__in=policies).order_by("order")
    tasks = Task.objects.filter(policy__in=policies).prefetch_related("responsibilities__unit").order_by("order")
    indicators = (
        Indicator.objects.filter(policy__in=policies)
        .select_related("concept")
        .prefetch_related("targets__milestones", "assignments__unit")
        .order_by("order")
    )
    ind_by_task = {}
    for ind in indicators:
        ind_by_task.setdefault(ind.task_id, []).append(ind)
    tasks_by_section = {}
    for task in tasks:
        tasks_by_section.setdefault(task.section_id, []).append(task)
    children = {}
    for section in sections:
        children.setdefault((section.policy_id, section.parent_id), []).append(section)

    def task_row(task: Task) -> dict:
        resps = list(task.responsibilities.all())
        return {
            "number": task.number or None,
            "title": task.title,
            "text": task.text,
            "lead_units": [r.unit.name for r in resps if r.role == Responsibility.Role.LEAD],
            "co_units": [r.unit.name for r in resps if r.role == Responsibility.Role.CO],
            "counties_implement": task.counties_implement,
            "no_unit_reason": task.no_unit_reason or None,
            "indicators": [indicator_row(i, task) for i in ind_by_task.get(task.pk, [])],
        }

    by_id = {p.pk: p for p in policies}

    def indicator_row(ind: Indicator, task: Task) -> dict:
        # The units that report it, when they are not the ones the loader's rule gives (a
        # fixture's `reporters`, or the administrator's): an import must give the same units.
        assigned = [a.unit for a in ind.assignments.all()]
        by_rule = reporters_for(ind, task, by_id[task.policy_id], None)
        overrides = [u.name for u in assigned] if {u.pk for u in assigned} != {u.pk for u in by_rule} else None
        return {
            "code": ind.code,
            "name": ind.name,
            "unit": ind.unit_of_measure,
            "measure": ind.measure,
            "rollup": ind.rollup,
            "direction": ind.direction,
            "concept": ind.concept.code if ind.concept else None,
            "growth_rate": ind.growth_rate,
            "reporters": overrides or None,
            "targets": [
                {
                    "value": _num(t.value),
                    "value_max": _num(t.value_max),
                    "comparison": t.comparison,
                    "window": t.window,
                    "year": t.year,
                    "deadline": t.deadline_date.isoformat() if t.deadline_date else None,
                    "deadline_inferred": t.deadline_inferred,
                    "baseline": _num(t.baseline_value),
                    "baseline_date": t.baseline_date.isoformat() if t.baseline_date else None,
                    "applies_to": t.applies_to,
                    "milestones": [{"year": m.year, "value": _num(m.value)} for m in t.milestones.all()],
                    "source_quote": t.source_quote,
                }
                for t in ind.targets.all()
            ],
        }

    def section_rows(policy_id, parent_id) -> list[dict]:
        return [
            {
                "number": s.number or None,
                "title": s.title,
                "sections": section_rows(policy_id, s.pk),
                "tasks": [task_row(t) for t in tasks_by_section.get(s.pk, [])],
            }
            for s in children.get((policy_id, parent_id), [])
        ]

    return {
        "policies": [
            {
                "code": p.code,
                "city": {"code": p.city.code, "name": p.city.name, "province": p.city.province or None},
                "title": p.title,
                "doc_number": p.doc_number or None,
                "issuing_office": p.issuing_office or None,
                "issued_on": p.issued_date.isoformat() if p.issued_date else None,
                "period": {
                    "start": p.start_date.isoformat() if p.start_date else None,
                    "end": p.end_date.isoformat() if p.end_date else None,
                },
                "lead_unit": p.lead_unit.name if p.lead_unit else None,
                "lead_unit_note": p.lead_unit_note or None,
                "script": p.script,
                "reporting": {"due_day": p.due_day, "lock_day": p.lock_day, "tolerance": _num(p.tolerance)},
                "units": [_unit_row(u) for u in sorted(p.units.all(), key=lambda u: (u.sort_order, u.name))],
                "sections": section_rows(p.pk, None),
                "source_text": p.source_text,
            }
            for p in policies
        ],
        "cities": [
            {
                "code": c.code,
                "name": c.name,
                "province": c.province or None,
                "parent": c.parent.code if c.parent else None,
                "units": city_units.get(c.pk, []),
            }
            for c in cities
        ],
        "concepts": [
            {"code": c.code, "name": c.name, "description": c.description}
            for c in Concept.objects.filter(indicators__policy__in=policies).distinct().order_by("code")
        ],
    }
