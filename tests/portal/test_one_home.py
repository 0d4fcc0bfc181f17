"""One home per rule (STYLE.md): each of these is defined once in the source tree, and every
other module calls it. A copy that creeps back in fails here with where it is."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SKIP = {".venv", "node_modules", "tests", "migrations", "static", "var", ".git"}


def sources():
    for path in ROOT.rglob("*.py"):
        if not SKIP.intersection(path.relative_to(ROOT).parts):
            yield path


def where(pattern: str) -> list[str]:
    found = []
    for path in sources():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if re.search(pattern, line):
                found.append(f"{path.relative_to(ROOT)}:{number}")
    return found


@pytest.mark.parametrize(
    ("rule", "pattern"),
    [
        ("the month ordinal", r"^\s*def (month_ordinal|ordinal)\("),
        pytest.param(
            "an ordinal back to a month",
            r"^\s*def (month_from_ordinal|_month)\(",
        ),
        ("the months a policy asks for", r"^\s*def (asked_months|_months_asked|months_asked)\("),
        ("whether a policy asks for a month", r"^\s*def policy_asks_for\("),
        ("the on-time comparison", r"^\s*def submitted_on_time\("),
        ("the end of the due day", r"^\s*def on_time_deadline\("),
        pytest.param(
            "the on-time rate",
            r"^\s*def on_time_rate\(",
        ),
        ("the units that report for a policy", r"^\s*def reporting_for\("),
        ("rounding half up", r"^\s*def round_half_up\("),
        ("how a target reads", r"^\s*def (describe_target)\("),
    ],
)
def test_the_rule_is_defined_once(rule, pattern):
    assert len(where(pattern)) == 1, f"{rule}: {where(pattern)}"


def test_local_time_comes_from_settings_only():
    assert where(r"ZoneInfo\(") == [] or all("settings" in hit for hit in where(r"ZoneInfo\("))
    assert where(r"Asia/Shanghai") == [p for p in where(r"Asia/Shanghai") if "settings" in p]


def test_no_module_compares_a_submission_with_a_due_date_itself():
    assert where(r"first_submitted_at.*(<=|>=|<|>)\s*(due|deadline)") == []
    assert where(r"\.astimezone\((?!dt\.UTC)") == []


def test_no_module_finds_a_policys_reporting_units_through_its_assignments_itself():
    assert where(r"assignments__indicator__policy") == ["policies/querysets.py:" + _line_of_reporting_rule()]
    assert where(r"Assignment\.objects\.filter\(indicator__policy(_id__in)?=[^,)]*\)\.values(_list)?\(\"unit") == []


def _line_of_reporting_rule() -> str:
    text = (ROOT / "policies/querysets.py").read_text(encoding="utf-8").splitlines()
    return str(next(n for n, line in enumerate(text, start=1) if "assignments__indicator__" in line))


def displayed(hits: list[str]) -> list[str]:
    # The ingest reader normalises parsed figures and the demo invents stored ones: neither
    # is a figure shown to a reader.
    return [h for h in hits if not h.startswith(("catalogue/ingest/", "portal/demo.py"))]


def test_percentages_are_not_formatted_by_hand():
    assert displayed(where(r"\* 100:\.?\d?f|:\+?\.1f\}%|round\([^)]*\* 100")) == []


def test_only_the_rounding_module_rounds_half_up():
    assert [h for h in displayed(where(r"ROUND_HALF_UP")) if not h.startswith("policies/numbers.py")] == []
