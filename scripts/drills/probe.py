"""The drills' set-up and questions that need Django's models, run on the stack's settings:
``python scripts/drills/probe.py COMMAND [ARGS]`` prints one line of JSON."""

import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.prod")

import django  # noqa: E402

django.setup()

from django.urls import URLPattern, URLResolver, get_resolver  # noqa: E402
from django.utils import timezone  # noqa: E402

from policies.models import Membership, Policy, Unit  # noqa: E402
from targets import calendar  # noqa: E402
from targets.models import Indicator, MonthlyReport  # noqa: E402
from targets.services import EDITABLE, is_locked_for  # noqa: E402
from targets.worklists import policy_asks_for  # noqa: E402

COMMANDS = {}


def command(fn):
    COMMANDS[fn.__name__.replace("_", "-")] = fn
    return fn


def _enterers(unit: Unit) -> list[str]:
    return sorted(
        Membership.objects.filter(role=Membership.Role.REPORTER, unit=unit).values_list("user__username", flat=True)
    )


@command
def entry_targets():
    """Reports a reporter can edit now (this policy asks for last month, not locked): no
    report yet or a draft, with who may enter each; the units with two enterers first."""
    today = timezone.localdate()
    year, month = calendar.previous_month(today)
    found = []
    for policy in Policy.objects.filter(reporting_active=True).order_by("code"):
        if not policy_asks_for(policy, year, month):
            continue
        for unit in Unit.objects.reporting_for(policy).order_by("sort_order", "code"):
            report = MonthlyReport.objects.filter(
                policy=policy, unit=unit, period__year=year, period__month=month
            ).first()
            if report is not None and (report.state not in EDITABLE or is_locked_for(report, today)):
                continue
            users = _enterers(unit)
            if users:
                found.append(
                    {
                        "policy": policy.code,
                        "unit": unit.code,
                        "unit_name": unit.name,
                        "month": f"{year}-{month:02d}",
                        "users": users,
                        "has_report": report is not None,
                    }
                )
    found.sort(key=lambda t: (-len(t["users"]), t["has_report"]))
    return found


@command
def scopes():
    """Two cities' objects: A is the one the demo accounts below belong to, B another city
    with reports, for the cross-scope requests."""
    from reports.models import ReportRun

    a = Policy.objects.get(code=os.environ.get("DRILLS_POLICY_A", "huzhou-advanced-manufacturing"))
    b = (
        Policy.objects.exclude(city=a.city)
        .filter(reports__isnull=False)
        .distinct()
        .order_by("-start_date", "code")
        .first()
    )
    report_b = MonthlyReport.objects.filter(policy=b).order_by("-period__ordinal", "pk").first()
    run_b, _ = ReportRun.objects.get_or_create(
        kind=ReportRun.Kind.DISPATCH,
        policy=b,
        period_label=f"{report_b.period.year}-{report_b.period.month:02d}",
        version=1,
        defaults={"status": ReportRun.Status.FAILED, "error": "drills: a run of another city"},
    )
    indicator_b = Indicator.objects.filter(policy=b, assignments__isnull=False).order_by("order").first()
    a_units = set(Unit.objects.filter(city=a.city).values_list("name", flat=True))
    reporter_a = f"{a.city.code}-reporter"
    own = set(
        Membership.objects.filter(user__username=reporter_a, role=Membership.Role.REPORTER).values_list(
            "unit__code", flat=True
        )
    )
    sibling = Unit.objects.reporting_for(a).exclude(code__in=own).exclude(pk=a.lead_unit_id).order_by("code").first()
    concept = indicator_b.concept.code if indicator_b.concept_id else None
    return {
        "a": {
            "policy": a.code,
            "city": a.city.code,
            "units": sorted(own),
            "sibling_unit": sibling.code,
            "month": f"{calendar.previous_month(timezone.localdate())[0]}-"
            f"{calendar.previous_month(timezone.localdate())[1]:02d}",
            "users": [reporter_a, f"{a.city.code}-reviewer", f"{a.city.code}-leader"],
        },
        "b": {
            "policy": b.code,
            "city": b.city.code,
            "unit": report_b.unit.code,
            "month": f"{report_b.period.year}-{report_b.period.month:02d}",
            "report": report_b.pk,
            "run": run_b.pk,
            "indicator": indicator_b.pk,
            "indicator_code": indicator_b.code,
            "concept": concept,
            # What must never show on a page of A's users: B's title, city and unit names.
            "markers": sorted(
                {b.title, b.city.name}
                | {u for u in Unit.objects.filter(city=b.city).values_list("name", flat=True) if u not in a_units}
            ),
        },
    }


def _patterns():
    """(name, argument names) of every named URL of the project, from the resolver."""
    out = []

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, ":".join(x for x in (namespace, p.namespace) if x) or None)
            elif isinstance(p, URLPattern) and p.name:
                name = f"{namespace}:{p.name}" if namespace else p.name
                out.append((name, sorted(p.pattern.regex.groupindex)))

    walk(get_resolver().url_patterns, None)
    return out


# Pages that show a catalogue entry shared by every city (a concept): they may answer 200,
# but with nothing of another city on them.
SHARED = {"targets:concept_detail", "reports:concept"}


@command
def cross_urls(scopes_json):
    """Every URL of the resolver filled with another city's (B) objects, and for the entry
    pages also with A's policy and B's unit or a unit of A the reporter does not enter.
    Each row: name, path, whether it names B's objects (must be refused), which users."""
    from django.urls import NoReverseMatch, reverse

    s = json.loads(Path(scopes_json).read_text())
    a, b = s["a"], s["b"]
    all_users = a["users"]
    reporter = all_users[:1]
    code_of = {
        "policies:unit_detail": b["unit"],
        "reports:unit": b["unit"],
        "policies:policy_detail": b["policy"],
        "policies:policy_source": b["policy"],
        "targets:concept_detail": b["concept"],
        "reports:concept": b["concept"],
    }
    pk_of = {
        "targets:report_review": b["report"],
        "targets:report_history": b["report"],
        "supervision:report_problems": b["report"],
    }
    rows, seen = [], set()

    def add(name, kwargs, users, foreign=True):
        try:
            path = reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            return
        if (path, tuple(users)) in seen:
            return
        seen.add((path, tuple(users)))
        rows.append({"name": name, "path": path, "foreign": foreign and name not in SHARED, "users": users})

    for name, args in _patterns():
        if not args:
            add(name, {}, all_users, foreign=False)
            continue
        if name.startswith("admin:"):
            fill = {"object_id": str(b["report"]), "app_label": "targets", "content_type_id": "1", "url": "x"}
            add(name, {k: fill.get(k, "1") for k in args}, all_users)
            continue
        kw = {}
        for arg in args:
            if arg == "code":
                kw[arg] = code_of.get(name, b["indicator_code"])
            elif arg == "pk":
                kw[arg] = pk_of.get(name, b["run"] if name.startswith("reports:") else 1)
            else:
                # Any other argument (a problem's number, a token's id…) gets a plain value: the
                # path still names B's policy or object, so it must be refused all the same.
                known = {"policy": b["policy"], "unit": b["unit"], "month": b["month"], "indicator": b["indicator"]}
                kw[arg] = known.get(arg, "2026-001" if arg == "number" else "1")
        # A user's own API tokens belong to no city: the id is the user's own or a 404.
        add(name, kw, all_users, foreign=not name.startswith("tokens:"))
        if "unit" in args:
            mixed = {**kw, "policy": a["policy"], "month": a["month"]}
            add(name, mixed, all_users)  # A's policy, B's unit
            add(name, {**mixed, "unit": a["sibling_unit"]}, reporter)  # a unit of A not the reporter's
        elif "policy" in args and "month" in args:
            add(name, {**kw, "month": a["month"]}, all_users)
    return rows


@command
def set_unit_name(code, name):
    unit = Unit.objects.get(code=code)
    old = unit.name
    Unit.objects.filter(pk=unit.pk).update(name=name)
    return old


@command
def run_beat_jobs(start_at, days):
    """The jobs beat sends, each run here in this process, from ``start_at`` (epoch) on:
    what one of two beats firing at the same moment does."""
    from django.conf import settings

    from portal.celery import app

    app.loader.import_default_modules()
    while time.time() < float(start_at):
        time.sleep(0.005)
    done = []
    for day in days.split(","):
        for entry in settings.CELERY_BEAT_SCHEDULE.values():
            task = app.tasks[entry["task"]]
            args = [day] if entry["task"] != "reports.runs_reap_stale" else []
            try:
                task.apply(args=args, throw=True)
                done.append(entry["task"])
            except Exception as exc:  # noqa: BLE001 - reported to the drill
                done.append(f"{entry['task']}: {type(exc).__name__}: {exc}")
    return done


@command
def beat_days():
    today = timezone.localdate()
    return [str(today - dt.timedelta(days=k)) for k in (0, 1, 2, 4, 7, 10, 15, 20, 25, 30)]


if __name__ == "__main__":
    name, *args = sys.argv[1:]
    print(json.dumps(COMMANDS[name](*args), default=str, ensure_ascii=False))
