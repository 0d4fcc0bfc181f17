"""The one guard for text that leaves the platform in a spreadsheet (xlsx, CSV).

A narrative or a name that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is read by Excel (and LibreOffice) as the start of a formula: ``=HYPERLINK(…)`` in a
unit's name would become a live link in every export that carries it. Following OWASP
("CSV injection"), such a string gets a leading single quote. Only strings are touched: a
figure passed as int, float or Decimal stays a number, so our own numeric columns must be
handed over as numbers, not as formatted text (a string "-5" is prefixed like any other).

In a workbook we write ourselves (openpyxl) the cell is instead kept as text without
changing its value (:func:`keep_as_text`), so that what a clerk wrote comes back unchanged
when the template is uploaded again.

:func:`safe_sheet_title` makes a sheet title out of data (a unit's name).

No Django models: any app may import it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import tablib
from django_tables2.export import TableExport

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def is_risky(value) -> bool:
    """Whether a spreadsheet would take this value for the start of a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def guard_text(value):
    """The value to write into a CSV/xlsx cell: a risky string gets a leading quote;
    anything else (numbers, dates, None, safe text) is returned as it is."""
    return QUOTE + value if is_risky(value) else value


def guard_row(row: Iterable) -> list:
    return [guard_text(value) for value in row]


def guard_dataset(dataset):
    """A copy of a tablib Dataset whose headers and cells have been through guard_text."""
    guarded = tablib.Dataset(title=dataset.title)
    if dataset.headers:
        guarded.headers = guard_row(dataset.headers)
    for row in dataset:
        guarded.append(guard_row(row))
    return guarded


def keep_as_text(cell):
    """Make an openpyxl cell holding risky text stay text, value unchanged: openpyxl takes
    any string starting with "=" for a formula, and Excel re-parses a "+…"/"-…" text when
    the cell is edited unless it carries the quote-prefix style."""
    if is_risky(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


class GuardedTableExport(TableExport):
    """django-tables2's TableExport (CSV, xlsx…) whose dataset goes through guard_dataset;
    an ExportMixin's ``export_class``, or used in place of TableExport."""

    def table_to_dataset(self, table, exclude_columns, dataset_kwargs=None):
        return guard_dataset(super().table_to_dataset(table, exclude_columns, dataset_kwargs))


# ---- sheet titles -------------------------------------------------------------------

MAX_TITLE = 31
# Excel forbids these in a sheet title; each gets its full-width look-alike, which reads
# the same in a Chinese name.
_TITLE_MAP = str.maketrans({":": "：", "/": "／", "\\": "＼", "?": "？", "*": "＊", "[": "（", "]": "）"})
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_RESERVED = {"history"}  # Excel keeps this name for itself


def safe_sheet_title(name, taken: Iterable[str] = ()) -> str:
    """A valid, unique sheet title for `name`: forbidden characters replaced, no leading or
    trailing apostrophe, at most 31 characters, and distinct (as Excel compares: ignoring
    case) from every title in `taken`, by a suffix "(2)", "(3)"… when needed."""
    title = _CONTROL.sub("", str(name or "").translate(_TITLE_MAP)).strip().strip("'").strip()
    title = title or "Sheet"
    used = {t.casefold() for t in taken} | _RESERVED
    candidate = title[:MAX_TITLE]
    n = 1
    while candidate.casefold() in used:
        n += 1
        suffix = f"({n})"
        candidate = title[: MAX_TITLE - len(suffix)].rstrip().rstrip("'") + suffix
    return candidate
