"""Audit rows for the changes outside a report's own history (targets, shares, locks),
made in the portal or in the admin."""

from __future__ import annotations

from django.db import models

from .models import AuditEntry


def _text(value) -> str | None:
    return None if value is None else str(value)


def field_changes(before: dict, after: dict) -> dict[str, list]:
    """{field: [before, after]} for the fields whose value differs (a field missing on one
    side was not there: created, or deleted)."""
    fields = list(dict.fromkeys([*before, *after]))
    return {k: [_text(before.get(k)), _text(after.get(k))] for k in fields if before.get(k) != after.get(k)}


def snapshot(obj: models.Model) -> dict:
    """The object's own field values (foreign keys as ids), to compare after a change."""
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if not f.primary_key}


def audit_record(*, by, action: str, obj: models.Model, changes: dict | None = None, reason: str = "") -> AuditEntry:
    return AuditEntry.objects.create(
        created_by=by if getattr(by, "pk", None) else None,
        action=action,
        object_type=obj._meta.label,
        object_id=str(obj.pk),
        summary=str(obj)[:300],
        changes=changes or {},
        reason=reason,
    )
