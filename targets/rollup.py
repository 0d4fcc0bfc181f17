"""The city's figure of an indicator rolled up from its units' figures (DESIGN.md): used by
the approval summary here and re-exported by reports.metrics. Pure."""

from collections.abc import Hashable, Mapping
from decimal import Decimal

from .calendar import Month


def city_series(
    rollup: str, measure: str, per_unit: Mapping[Hashable, Mapping[Month, Decimal]], at: Month
) -> dict[Month, Decimal]:
    """The city's monthly series up to month `at`, from the units' series.

    `sum`: for a flow, each month's amounts added up; for a level, at each month any unit
    reported, each unit's latest value at or before that month added up. `single`: the one
    reporter's series (with several, the first unit in `per_unit` with data up to `at`).
    Ratios and rates are `single`: they are never added up.
    """
    reported = {
        unit: {m: v for m, v in series.items() if v is not None and m <= at} for unit, series in per_unit.items()
    }
    if rollup == "single":
        return next((dict(sorted(series.items())) for series in reported.values() if series), {})
    months = sorted({month for series in reported.values() for month in series})
    if measure == "flow":
        return {month: sum((s[month] for s in reported.values() if month in s), Decimal(0)) for month in months}
    city: dict[Month, Decimal] = {}
    latest: dict[Hashable, Decimal] = {}
    for month in months:
        for unit, series in reported.items():
            if month in series:
                latest[unit] = series[month]
        city[month] = sum(latest.values(), Decimal(0))
    return city
