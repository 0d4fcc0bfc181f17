"""Per policy and month: the count of lights and the top three of each ranking class, as the
dashboards compute them. Run against a database with demo data:

    DATABASE_URL=sqlite:///db.sqlite3 .venv/bin/python scripts/figures_summary.py tangshan-innovation-clusters:2024-12 …

Without arguments it prints the months the issue looked at.
"""

import os
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

import django  # noqa: E402

django.setup()

from policies import numbers  # noqa: E402
from policies.models import Policy, Unit  # noqa: E402
from reports import evaluation, metrics  # noqa: E402
from targets import calendar  # noqa: E402

DEFAULT = [
    "tangshan-innovation-clusters:2024-12",
    "tangshan-innovation-clusters:2025-06",
    "xingtai-leader-enterprises:2024-01",
    "lutai-sme-cultivation:2025-06",
    "taizhou-five-industries:2019-06",
    "huzhou-advanced-manufacturing:2025-06",
]


def summary(code: str, at: calendar.Month) -> list[str]:
    policy = Policy.objects.get(code=code)
    results = evaluation.city_results(policy, at)
    lights = Counter(r.light for r in results)
    lines = [
        f"## {code} {calendar.month_label(at)}  "
        + " ".join(
            f"{metrics.LIGHT_LABELS[k]}{lights.get(k, 0)}"
            for k in (metrics.GREEN, metrics.YELLOW, metrics.RED, metrics.GREY)
        )
    ]
    table = evaluation.standings(policy, at, None)
    units = Unit.objects.in_bulk([r.unit for r in table])
    for klass, label in metrics.CLASS_LABELS.items():
        members = [r for r in table if r.klass == klass]
        if not members:
            continue
        ranked = [r for r in members if r.rank is not None]
        shown = ranked[:3] or [r for r in members if r.score is not None][:3]
        text = "; ".join(
            f"{r.rank or '—'}. {units[r.unit].name} {numbers.decimal_text(r.score, 1)}（{r.scored}项）" for r in shown
        )
        lines.append(f"   {label}: {text}  [{len(ranked)} of {len(members)} ranked]")
    return lines


if __name__ == "__main__":
    for arg in sys.argv[1:] or DEFAULT:
        code, month = arg.split(":")
        print("\n".join(summary(code, calendar.parse_month(month))))
