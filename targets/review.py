"""What a reviewer sees of each report before approving it: every figure against the unit's
last month, the outlier warnings of the unit's own history (the submission's rule,
targets.validation.check_value, through services.rule_for) and the clerk's notes. Read in
three queries for any number of reports."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from .models import Indicator, MonthlyReport, ReportValue
from .services import rule_for
from .validation import check_value

# The outlier rule looks at the unit's last six figures (validation.check_value): the six
# months before, for a unit that reports every month; one with gaps is judged on fewer.
HISTORY_MONTHS = 6


@dataclass
class FigureLine:
    indicator: Indicator
    value: Decimal | None
    raw_text: str
    last: Decimal | None  # the unit's figure of the month before
    note: str
    warnings: list[str] = field(default_factory=list)

    @property
    def change(self) -> Decimal | None:
        if self.value is None or self.last is None:
            return None
        return self.value - self.last


@dataclass
class ReportCheck:
    report_id: int
    lines: list[FigureLine]

    @property
    def warned(self) -> list[FigureLine]:
        return [line for line in self.lines if line.warnings]

    @property
    def has_warnings(self) -> bool:
        return any(line.warnings for line in self.lines)

    @property
    def notes(self) -> list[FigureLine]:
        return [line for line in self.lines if line.note]


def report_checks(reports: Iterable[MonthlyReport]) -> dict[int, ReportCheck]:
    """Each report's figures with last month's, warnings and notes, by report id. The reports
    need their period (select_related); any number costs three queries, read as tuples (a
    queue of 20 units × 134 indicators is 2,680 figures and their history)."""
    reports = list(reports)
    if not reports:
        return {}
    rows = list(
        ReportValue.objects.filter(report_id__in=[r.pk for r in reports])
        .order_by("indicator__task__order", "indicator__order")
        .values_list("report_id", "indicator_id", "value", "raw_text", "note")
    )
    indicators = Indicator.objects.in_bulk({row[1] for row in rows})
    rules = {pk: rule_for(indicator) for pk, indicator in indicators.items()}
    ordinals = [r.period.ordinal for r in reports]
    history: dict[tuple[int, int, int], list[tuple[int, Decimal]]] = {}
    earlier = (
        ReportValue.objects.filter(
            report__policy_id__in={r.policy_id for r in reports},
            report__unit_id__in={r.unit_id for r in reports},
            indicator_id__in=indicators,
            value__isnull=False,
            report__period__ordinal__lt=max(ordinals),
            report__period__ordinal__gte=min(ordinals) - HISTORY_MONTHS,
        )
        .values_list("report__policy_id", "report__unit_id", "indicator_id", "report__period__ordinal", "value")
        .order_by("report__period__ordinal")
    )
    for policy_id, unit_id, indicator_id, number, value in earlier:
        history.setdefault((policy_id, unit_id, indicator_id), []).append((number, value))
    by_report = {r.pk: r for r in reports}
    checks = {r.pk: ReportCheck(r.pk, []) for r in reports}
    for report_id, indicator_id, value, raw_text, note in rows:
        report = by_report[report_id]
        indicator = indicators[indicator_id]
        at = report.period.ordinal
        before = history.get((report.policy_id, report.unit_id, indicator_id), [])
        if before and before[-1][0] >= at:  # several months in one call: keep this one's past
            before = [(n, v) for n, v in before if n < at]
        last = before[-1][1] if before and before[-1][0] == at - 1 else None
        line = FigureLine(indicator, value, raw_text, last, note)
        if value is not None:
            line.warnings = check_value(
                value,
                rules[indicator_id],
                [v for _n, v in before],
                is_level=indicator.measure == Indicator.Measure.LEVEL,
                direction_up=indicator.direction == Indicator.Direction.UP,
            ).warnings
        checks[report_id].lines.append(line)
    return checks
