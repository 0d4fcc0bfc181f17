"""Pages kept in the cache under what they were computed from: the data version (one cheap
query), the policy's own fields, the day and the language. A write the figures read
changes the key, so a cached page is never stale; nothing is invalidated by hand."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.contrib.admin.models import LogEntry
from django.core.cache import cache
from django.db import connection
from django.utils import timezone, translation

from policies.models import Policy, Unit

from .models import Assignment, AuditEntry, Indicator, MonthlyReport, ReportEvent, Target

T = TypeVar("T")

# The key changes with any write and with the date; an hour bounds what a write made behind
# the portal's back (a bulk load in a shell) could leave shown.
SECONDS = 3600


def data_version() -> str:
    """What every figure of the portal is computed from, in one cheap query (an index
    look-up per table): the last report event (every change of a value, a narrative or a
    state writes one, and so does each submission and approval, which moves the summary),
    the last audit entry (targets, shares, locks, ingests, the portal's administration),
    the last entry of the stock admin's log, and the last report, indicator, target,
    assignment and unit created. With the policy's own fields (`policy_fields`: its
    updated_at moves with every change of a target, milestone or share,
    targets.services.indicator_inputs_changed) a write the evaluation reads changes the
    key, never leaves a stale page. The ids are never reused, except after a rolled-back
    test (tests/conftest.py clears the cache before each test)."""
    models = (ReportEvent, AuditEntry, LogEntry, MonthlyReport, Indicator, Target, Assignment, Unit)
    last = ", ".join(f"(SELECT MAX(id) FROM {model._meta.db_table})" for model in models)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {last}")
        return ":".join(str(v) for v in cursor.fetchone())


def policy_fields(policy: Policy) -> list:
    """The policy's own fields (its calendar, tolerance…), whichever way they changed."""
    deferred = policy.get_deferred_fields()  # the source text, say: not read for this
    return [(f.attname, getattr(policy, f.attname)) for f in Policy._meta.concrete_fields if f.attname not in deferred]


def cache_key(kind: str, policy: Policy, *parts, version: str | None = None, today: dt.date | None = None) -> str:
    """The key of `kind` for `policy` and `parts` at the current data, day and language."""
    everything = [
        policy.pk,
        policy_fields(policy),
        parts,
        today or timezone.localdate(),
        translation.get_language(),
        version if version is not None else data_version(),
    ]
    return f"{kind}:" + hashlib.sha256(repr(everything).encode()).hexdigest()


def key(kind: str, *parts) -> str:
    """The key of `kind` for `parts` at the current data (not tied to one policy)."""
    return f"{kind}:" + hashlib.sha256(repr([parts, data_version()]).encode()).hexdigest()


def cached(key: str, compute: Callable[[], T]) -> T:
    """The value kept under `key`, computed and kept when there is none."""
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, SECONDS)
    return value
