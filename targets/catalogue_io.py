"""Loading the policy catalogue into the database and exporting it back as JSON.

The catalogue spans both apps (documents in ``policies``, indicators and targets here),
so its writer lives here, above ``policies`` in the import order. Reading and checking
the files is ``policies.catalogue`` (pure); this module only writes validated data.

One internal shape serves the shipped YAML, ``import_policies`` and the export: the
export's JSON (DESIGN.md) with a few extra keys (``cities``, ``concepts``, and per policy
``lead_unit``, ``source_text`` …) so that export → import → export is the identity.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from policies import catalogue
from policies.catalogue import CatalogueError, CatalogueInvalid
from policies.models import City, Policy, Responsibility, Section, Task, Unit

from .models import Assignment, Concept, Indicator, Target, default_decimals

# -- reading the shipped files ------------------------------------------------------------


def read_fixtures(root: Path = catalogue.FIXTURES_DIR) -> dict:
    """Read and validate every file of fixtures/; raise CatalogueInvalid with all problems."""
    errors: list[CatalogueError] = []
    cities, policies = [], []
    for path in sorted((root / "cities").glob("*.yaml")):
        data, errs = catalogue.read_yaml(path)
        errors += errs
        if data is not None:
            errors += catalogue.validate_city(data, path.name)
            cities.append(data)
    city_units = {c.get("code"): c.get("units") or [] for c in cities}
    for path in sorted((root / "policies").glob("*.yaml")):
        data, errs = catalogue.read_yaml(path)
        errors += errs
        if data is None:
            continue
        source_path = root / "sources" / str(data.get("source"))
        source = source_path.read_text(encoding="utf-8") if data.get("source") and source_path.is_file() else None
        if data.get("city") not in city_units:
            errors.append(CatalogueError(path.name, "city", f"城市 {data.get('city')!r} 没有对应的 cities/*.yaml"))
        errors += catalogue.validate_policy(data, path.name, source, city_units.get(data.get("city"), []))
        data["source_text"] = source or ""
        policies.append(data)
    concepts_path = root / "concepts.yaml"
    concepts = []
    if concepts_path.is_file():
        try:
            import yaml

            concepts = yaml.safe_load(concepts_path.read_text(encoding="utf-8")) or []
        except yaml.YAMLError as exc:
            errors.append(CatalogueError("concepts.yaml", "文件", f"YAML 格式错误：{exc}"))
    known = {c.get("code") for c in concepts}
    for policy in policies:
        for place, _s, task in catalogue.iter_tasks(policy):
            for ind in task.get("indicators") or []:
                if ind.get("concept") and ind["concept"] not in known:
                    errors.append(
                        CatalogueError(
                            f"{policy.get('code')}.yaml",
                            "/".join(place),
                            f"概念 {ind['concept']!r} 不在 concepts.yaml 中",
                        )
                    )
    if errors:
        raise CatalogueInvalid(errors)
    return {"cities": cities, "concepts": concepts, "policies": policies}


def validate_catalogue(data: dict) -> None:
    """Validate an already-parsed catalogue (an import file) with the same rules."""
    errors = []
    cities = {c.get("code"): c for c in data.get("cities") or []}
    for city in cities.values():
        errors += catalogue.validate_city(city, "cities")
    for policy in data.get("policies") or []:
        city = policy.get("city")
        code = city.get("code") if isinstance(city, dict) else city
        units = (cities.get(code) or {}).get("units") or []
        errors += catalogue.validate_policy(policy, str(policy.get("code")), policy.get("source_text") or "", units)
    if errors:
        raise CatalogueInvalid(errors)


# -- writing ------------------------------------------------------------------------------


def _unit_code(city_code: str, name: str) -> str:
    return f"{city_code}-{hashlib.sha1(name.encode()).hexdigest()[:8]}"


def _date(value) -> dt.date | None:
    iso = catalogue.iso(value)
    return dt.date.fromisoformat(iso) if iso else None


def _dec(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def implementing_units(city: City) -> list[Unit]:
    """The units a "各县(市、区)…落实" clause makes responsible: the city's county-level
    divisions, or its towns and streets where it has none (a development zone)."""
    units = list(Unit.objects.filter(city=city, is_active=True).divisions().order_by("sort_order"))
    if not units:
        units = list(Unit.objects.filter(city=city, is_active=True, kind=Unit.Kind.TOWN).order_by("sort_order"))
    return units


def reporters_for(indicator: Indicator, task: Task, policy: Policy, override: list[Unit] | None) -> list[Unit]:
    """Who reports an indicator (分解下达), by one rule that an indicator may override:
    the task's first lead unit (or the policy's lead unit); every implementing county too
    when counties implement the task and the figure is a sum. Ratios are reported once."""
    if override:
        return override
    leads = [r.unit for r in task.responsibilities.all() if r.role == Responsibility.Role.LEAD]
    first = leads[0] if leads else policy.lead_unit
    units = [first] if first else []
    if indicator.rollup == Indicator.Rollup.SUM and task.counties_implement:
        units += [r.unit for r in task.responsibilities.all() if r.role == Responsibility.Role.IMPLEMENT]
    return list(dict.fromkeys(units))


class _Loader:
    def __init__(self, data: dict):
        self.data = data
        self.stats = {"created": 0, "updated": 0, "deleted": 0, "kept": 0}

    def save(self, obj, fields: dict) -> None:
        changed = obj.pk is None
        for name, value in fields.items():
            field = obj._meta.get_field(name)
            if field.is_relation:
                same = getattr(obj, field.attname) == (value.pk if value is not None else None)
            else:
                same = getattr(obj, name) == value
            if not same:
                setattr(obj, name, value)
                changed = True
        if changed:
            self.stats["created" if obj.pk is None else "updated"] += 1
            obj.save()

    def run(self) -> dict:
        for concept in self.data.get("concepts") or []:
            obj = Concept.objects.filter(code=concept["code"]).first() or Concept(code=concept["code"])
            self.save(obj, {"name": concept["name"], "description": concept.get("description") or ""})
        self.concepts = {c.code: c for c in Concept.objects.all()}
        # Parents first, so that a zone under a city finds it on the first load.
        for city in sorted(self.data.get("cities") or [], key=lambda c: bool(c.get("parent"))):
            self.load_city(city)
        for policy in self.data.get("policies") or []:
            self.load_policy(policy)
        return self.stats

    def load_city(self, data: dict) -> City:
        city = City.objects.filter(code=data["code"]).first() or City(code=data["code"])
        parent = City.objects.filter(code=data.get("parent")).first() if data.get("parent") else None
        self.save(city, {"name": data["name"], "province": data.get("province") or "", "parent": parent})
        for i, unit in enumerate(data.get("units") or []):
            self.load_unit(city, unit, sort_order=i + 1)
        return city

    def load_unit(self, city: City, data: dict, sort_order: int) -> Unit:
        code = data.get("code") or _unit_code(city.code, data["name"])
        unit = (
            Unit.objects.filter(code=code).first()
            or Unit.objects.filter(city=city, name=data["name"]).first()
            or Unit(code=code)
        )
        self.save(
            unit,
            {
                "city": city,
                "code": code,
                "name": data["name"],
                "kind": data["kind"],
                "aliases": list(data.get("aliases") or []),
                "sort_order": sort_order,
            },
        )
        return unit

    def load_policy(self, data: dict) -> Policy:
        city_data = data["city"] if isinstance(data["city"], dict) else {"code": data["city"]}
        city = City.objects.filter(code=city_data["code"]).first()
        if city is None:
            city = self.load_city({"name": city_data.get("name") or city_data["code"], **city_data, "units": []})
        names: dict[str, Unit] = {u.name: u for u in Unit.objects.filter(city=city)}
        for u in Unit.objects.filter(city=city):
            for alias in u.aliases:
                names.setdefault(alias, u)
        for i, unit in enumerate(data.get("units") or []):
            if unit["name"] in names and unit["name"] != names[unit["name"]].name:
                continue  # an alias of a city unit already loaded
            existing = names.get(unit["name"])
            if existing is not None and existing.is_division and not unit.get("code"):
                continue
            order = existing.sort_order if existing and existing.is_division else 1000 + i
            obj = self.load_unit(city, unit, sort_order=order)
            for n in [obj.name, *obj.aliases]:
                names[n] = obj
        period = data.get("period") or {}
        reporting = data.get("reporting") or {}
        policy = Policy.objects.filter(code=data["code"]).first() or Policy(code=data["code"])
        self.save(
            policy,
            {
                "city": city,
                "title": data["title"],
                "doc_number": data.get("doc_number") or "",
                "issuing_office": data.get("issuing_office") or "",
                "issued_date": _date(data.get("issued_on")),
                "start_date": _date(period.get("start")),
                "end_date": _date(period.get("end")),
                "lead_unit": names.get(data.get("lead_unit")),
                "lead_unit_note": data.get("lead_unit_note") or "",
                "script": data.get("script") or Policy.Script.SIMPLIFIED,
                "source_text": data.get("source_text") or "",
            },
        )
        if reporting:
            # Reporting settings are the administrator's once loaded; a fixture sets them only at creation.
            if self.stats is not None and policy.reports.count() == 0:
                self.save(
                    policy,
                    {
                        "due_day": reporting.get("due_day", policy.due_day),
                        "lock_day": reporting.get("lock_day", policy.lock_day),
                        "tolerance": _dec(reporting.get("tolerance", policy.tolerance)),
                    },
                )
        divisions = implementing_units(city)
        seen_sections, seen_tasks, seen_indicators = set(), set(), set()
        counters = {"section": 0, "task": 0, "indicator": 0}
        involved: set[int] = {policy.lead_unit_id} if policy.lead_unit_id else set()

        def walk(sections, parent, path, depth):
            for i, sdata in enumerate(sections or []):
                number = str(sdata.get("number") or "")
                key = "/".join([*path, number or f"#{i + 1}"])
                counters["section"] += 1
                section = Section.objects.filter(policy=policy, key=key).first() or Section(policy=policy, key=key)
                self.save(
                    section,
                    {
                        "parent": parent,
                        "number": number,
                        "title": sdata["title"],
                        "order": counters["section"],
                        "depth": depth,
                    },
                )
                seen_sections.add(section.pk)
                for tdata in sdata.get("tasks") or []:
                    self.load_task(
                        policy, section, key, tdata, names, divisions, counters, seen_tasks, seen_indicators, involved
                    )
                walk(sdata.get("sections"), section, [*path, number or f"#{i + 1}"], depth + 1)

        walk(data.get("sections"), None, [], 0)
        self.prune(policy, seen_sections, seen_tasks, seen_indicators)
        current = set(policy.units.values_list("id", flat=True))
        if current != involved:
            policy.units.set(involved)
            self.stats["updated"] += 1
        return policy

    def load_task(
        self, policy, section, section_key, data, names, divisions, counters, seen_tasks, seen_indicators, involved
    ):
        key = f"{section_key}#{data.get('number') or data['title']}"
        counters["task"] += 1
        task = Task.objects.filter(policy=policy, key=key).first() or Task(policy=policy, key=key)
        self.save(
            task,
            {
                "section": section,
                "number": str(data.get("number") or ""),
                "title": data["title"],
                "text": data.get("text") or "",
                "order": counters["task"],
                "counties_implement": bool(data.get("counties_implement")),
                "no_unit_reason": data.get("no_unit_reason") or "",
            },
        )
        seen_tasks.add(task.pk)
        wanted = [(names[n], Responsibility.Role.LEAD) for n in data.get("lead_units") or []]
        wanted += [(names[n], Responsibility.Role.CO) for n in data.get("co_units") or []]
        if task.counties_implement:
            wanted += [(u, Responsibility.Role.IMPLEMENT) for u in divisions]
        wanted = list({u.pk: (u, role) for u, role in reversed(wanted)}.values())[::-1]
        existing = {(r.unit_id, r.role, r.order) for r in task.responsibilities.all()}
        target_rows = {(u.pk, role, i) for i, (u, role) in enumerate(wanted)}
        if existing != target_rows:
            task.responsibilities.all().delete()
            Responsibility.objects.bulk_create(
                [Responsibility(task=task, unit=u, role=role, order=i) for i, (u, role) in enumerate(wanted)]
            )
            self.stats["updated"] += 1
        involved.update(u.pk for u, _role in wanted)
        for idata in data.get("indicators") or []:
            counters["indicator"] += 1
            indicator = Indicator.objects.filter(code=idata["code"]).first() or Indicator(code=idata["code"])
            self.save(
                indicator,
                {
                    "policy": policy,
                    "task": task,
                    "name": idata["name"],
                    "unit_of_measure": idata["unit"],
                    "decimals": idata.get("decimals", default_decimals(idata["unit"])),
                    "measure": idata["measure"],
                    "rollup": idata["rollup"],
                    "direction": idata["direction"],
                    "growth_rate": bool(idata.get("growth_rate")),
                    "concept": self.concepts.get(idata.get("concept")),
                    "order": counters["indicator"],
                },
            )
            seen_indicators.add(indicator.pk)
            self.load_targets(indicator, idata.get("targets") or [])
            override = [names[n] for n in idata.get("reporters") or []] or None
            self.sync_assignments(indicator, task, policy, override)
            involved.update(u.pk for u in override or [])

    def load_targets(self, indicator: Indicator, targets: list[dict]) -> None:
        existing = list(indicator.targets.order_by("order", "id"))
        for i, tdata in enumerate(targets):
            target = existing[i] if i < len(existing) else Target(indicator=indicator)
            self.save(
                target,
                {
                    "value": _dec(tdata["value"]),
                    "value_max": _dec(tdata.get("value_max")),
                    "comparison": tdata["comparison"],
                    "window": tdata["window"],
                    "year": tdata.get("year"),
                    "deadline_date": _date(tdata.get("deadline")),
                    "deadline_inferred": bool(tdata.get("deadline_inferred")),
                    "baseline_value": _dec(tdata.get("baseline")),
                    "baseline_date": _date(tdata.get("baseline_date")),
                    "source_quote": tdata["source_quote"],
                    "order": i,
                },
            )
        for extra in existing[len(targets) :]:
            extra.delete()
            self.stats["deleted"] += 1

    def sync_assignments(self, indicator, task, policy, override) -> None:
        wanted = {u.pk for u in reporters_for(indicator, task, policy, override)}
        have = {a.unit_id: a for a in indicator.assignments.all()}
        for unit_id, assignment in have.items():
            # Shares and hand-made assignments belong to the reviewer: a reload keeps them.
            if unit_id not in wanted and not assignment.is_override and assignment.allocated_value is None:
                assignment.delete()
                self.stats["deleted"] += 1
        new = [Assignment(indicator=indicator, unit_id=u) for u in wanted if u not in have]
        if new:
            Assignment.objects.bulk_create(new)
            self.stats["created"] += len(new)

    def prune(self, policy, seen_sections, seen_tasks, seen_indicators) -> None:
        """Remove what the document no longer has, unless figures were reported against it."""
        stale = Indicator.objects.filter(policy=policy).exclude(pk__in=seen_indicators)
        removable = stale.filter(values__isnull=True)
        self.stats["kept"] += stale.exclude(pk__in=removable.values("pk")).count()
        self.stats["deleted"] += removable.count()
        removable.delete()
        tasks = Task.objects.filter(policy=policy).exclude(pk__in=seen_tasks).filter(indicators__isnull=True)
        self.stats["deleted"] += tasks.count()
        tasks.delete()
        sections = (
            Section.objects.filter(policy=policy)
            .exclude(pk__in=seen_sections)
            .filter(tasks__isnull=True, children__isnull=True)
        )
        self.stats["deleted"] += sections.count()
        sections.delete()


@transaction.atomic
def catalogue_load(*, data: dict) -> dict:
    """Write a validated catalogue; all or nothing. Returns counts of rows created/updated."""
    return _Loader(data).run()


# -- export -------------------------------------------------------------------------------


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
        .prefetch_related("targets", "assignments__unit")
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

    def indicator_row(ind: Indicator, task: Task) -> dict:
        overrides = [a.unit.name for a in ind.assignments.all() if a.is_override]
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
