"""Loading the policy catalogue into the database.

The catalogue spans two apps (documents in ``policies``, indicators and targets in
``targets``), so its writer lives in ``catalogue``, above both in the import order.
Reading and checking the files is ``catalogue.checking`` (pure); this module only writes
validated data. The export back to JSON is ``catalogue.exporting``.

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

from policies.models import City, Policy, Responsibility, Section, Task, Unit
from targets.audit import audit_record, field_changes, snapshot
from targets.models import Assignment, Concept, Indicator, Milestone, Target, default_decimals
from targets.services import indicator_summary_refresh

from . import checking
from .checking import CatalogueError, CatalogueInvalid

# -- reading the shipped files ------------------------------------------------------------


def read_fixtures(root: Path = checking.FIXTURES_DIR) -> dict:
    """Read and validate every file of fixtures/; raise CatalogueInvalid with all problems."""
    errors: list[CatalogueError] = []
    cities, policies = [], []
    for path in sorted((root / "cities").glob("*.yaml")):
        data, errs = checking.read_yaml(path)
        errors += errs
        if data is not None:
            errors += checking.validate_city(data, path.name)
            cities.append(data)
    city_units = {c.get("code"): c.get("units") or [] for c in cities}
    for path in sorted((root / "policies").glob("*.yaml")):
        data, errs = checking.read_yaml(path)
        errors += errs
        if data is None:
            continue
        source_path = root / "sources" / str(data.get("source"))
        source = source_path.read_text(encoding="utf-8") if data.get("source") and source_path.is_file() else None
        if data.get("city") not in city_units:
            errors.append(CatalogueError(path.name, "city", f"城市 {data.get('city')!r} 没有对应的 cities/*.yaml"))
        errors += checking.validate_policy(data, path.name, source, city_units.get(data.get("city"), []))
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
        for place, _s, task in checking.iter_tasks(policy):
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
        errors += checking.validate_city(city, "cities")
    for policy in data.get("policies") or []:
        city = policy.get("city")
        code = city.get("code") if isinstance(city, dict) else city
        units = (cities.get(code) or {}).get("units") or []
        errors += checking.validate_policy(policy, str(policy.get("code")), policy.get("source_text") or "", units)
    if errors:
        raise CatalogueInvalid(errors)


# -- writing ------------------------------------------------------------------------------


def _unit_code(city_code: str, name: str) -> str:
    return f"{city_code}-{hashlib.sha1(name.encode()).hexdigest()[:8]}"


def _date(value) -> dt.date | None:
    iso = checking.iso(value)
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
        self.touched: set[int] = set()  # indicators whose figures or targets the file changed

    def save(self, obj, fields: dict) -> bool:
        """Write `fields` to `obj` when any differs; whether it did."""
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
        return changed

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
        # The city figures and the runs' cut-off follow what the file changed (a rollup, a
        # reporter, a target), without waiting for the next approval.
        indicator_summary_refresh(indicators=self.touched)
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
            changed = self.save(
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
            changed |= self.load_targets(indicator, idata.get("targets") or [])
            override = [names[n] for n in idata.get("reporters") or []] or None
            changed |= self.sync_assignments(indicator, task, policy, override)
            if changed:
                self.touched.add(indicator.pk)
            involved.update(u.pk for u in override or [])

    def load_targets(self, indicator: Indicator, targets: list[dict]) -> bool:
        """Whether any of the indicator's targets or milestones changed."""
        changed = False
        existing = list(indicator.targets.order_by("order", "id"))
        for i, tdata in enumerate(targets):
            target = existing[i] if i < len(existing) else Target(indicator=indicator)
            before = snapshot(target) if target.pk else None
            saved = self.save(
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
                    "applies_to": tdata.get("applies_to") or Target.AppliesTo.TOTAL,
                    "source_quote": tdata["source_quote"],
                    "order": i,
                },
            )
            if saved and before is not None:  # a target the catalogue had: changed by a reload
                audit_record(
                    by=None, action="目录重新载入", obj=target, changes=field_changes(before, snapshot(target))
                )
            changed |= saved
            if "milestones" in tdata:
                changed |= self.sync_milestones(target, tdata["milestones"] or [])
        for extra in existing[len(targets) :]:
            audit_record(by=None, action="目录重新载入", obj=extra, changes=field_changes(snapshot(extra), {}))
            extra.delete()
            self.stats["deleted"] += 1
            changed = True
        return changed

    def sync_milestones(self, target: Target, milestones: list[dict]) -> bool:
        """Replace the target's 分年度目标 with the file's when they differ. A file that says
        nothing of them (no ``milestones`` key) leaves those an administrator set."""
        wanted = sorted((int(m["year"]), _dec(m["value"])) for m in milestones)
        have = sorted(target.milestones.values_list("year", "value"))
        if have == wanted:
            return False
        target.milestones.all().delete()
        Milestone.objects.bulk_create([Milestone(target=target, year=y, value=v) for y, v in wanted])
        self.stats["updated"] += 1
        return True

    def sync_assignments(self, indicator, task, policy, override) -> bool:
        """Whether a reporting unit was added or removed."""
        wanted = {u.pk for u in reporters_for(indicator, task, policy, override)}
        have = {a.unit_id: a for a in indicator.assignments.all()}
        changed = False
        for unit_id, assignment in have.items():
            # Shares and hand-made assignments belong to the reviewer: a reload keeps them.
            if unit_id not in wanted and not assignment.is_override and assignment.allocated_value is None:
                assignment.delete()
                self.stats["deleted"] += 1
                changed = True
        new = [Assignment(indicator=indicator, unit_id=u) for u in wanted if u not in have]
        if new:
            Assignment.objects.bulk_create(new)
            self.stats["created"] += len(new)
        return changed or bool(new)

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
