"""Every write of the catalogue app: ingest drafts created, corrected and published, and
the one way a read document becomes a policy (``policy_publish``), shared by the ingest
page and the ``ingest_policy`` and ``import_policies`` commands."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from policies.models import IngestDraft, Policy

from .checking import CatalogueInvalid
from .exporting import catalogue_export
from .ingest import codes
from .ingest.review import adopt_codes, apply_unit_map, diff, missing_head
from .loading import catalogue_load, validate_catalogue


@transaction.atomic
def policy_publish(*, data: dict) -> dict:
    """Validate a catalogue (``{"policies": […], "cities": […], "concepts": […]}``) and write
    it, all or nothing. Raises CatalogueInvalid, having written nothing, when it does not
    pass; returns the loader's counts of rows created/updated/deleted/kept otherwise."""
    validate_catalogue(data)
    return catalogue_load(data=data)


@transaction.atomic
def ingest_draft_create(*, by, filename: str, data: dict) -> IngestDraft:
    """Keep a document the reader has just read, for an administrator to review."""
    codes.recode(data, _free_code(data))
    return IngestDraft.objects.create(created_by=by, filename=filename, data=data)


def _free_code(data: dict, *, same_title_is_same: bool = False) -> str:
    """A readable code for a new policy (city, title's topic in pinyin, first year), not yet
    taken by any saved policy; with ``same_title_is_same``, the code of a saved policy of the
    city with the same title (reading a document again updates it)."""
    base = codes.policy_code(
        data["city"]["code"],
        data.get("title") or "",
        (data.get("period") or {}).get("start"),
        city_name=data["city"].get("name"),
    )
    taken = dict(Policy.objects.filter(code__startswith=base).values_list("code", "title"))
    if same_title_is_same:
        same = next((code for code, title in taken.items() if title == data.get("title")), None)
        if same is not None:
            return same
    return codes.unique(base, taken)


def ingest_code_assign(*, data: dict) -> dict:
    """Give a document read on the command line its readable code: the saved policy's own
    when the city already has one of the same title, a free one otherwise."""
    codes.recode(data, _free_code(data, same_title_is_same=True))
    return data


@transaction.atomic
def ingest_draft_update(*, draft: IngestDraft, data: dict) -> IngestDraft:
    """Save the reviewer's corrections to a draft (not yet a policy)."""
    draft.data = data
    draft.save(update_fields=["data", "updated_at"])
    return draft


@dataclass(frozen=True)
class IngestPublishOutcome:
    """What ``ingest_draft_publish`` did: saved ``policy``; or, nothing published, the
    ``changes`` from the replaced version awaiting confirmation, or the ``problems`` to fix."""

    policy: Policy | None = None
    changes: list[tuple[str, str]] | None = None
    problems: list[str] = field(default_factory=list)


@transaction.atomic
def ingest_draft_publish(
    *,
    draft: IngestDraft,
    data: dict,
    mapping: dict[str, dict],
    replaced: Policy | None = None,
    confirmed: bool = False,
    errors: list[str] | None = None,
) -> IngestPublishOutcome:
    """Save a reviewed draft as a policy (or as the new version of ``replaced``).

    ``data`` is the draft with the reviewer's edits applied (``errors`` are the problems
    those edits had); ``mapping`` maps each unit name of the document to an existing or a
    new unit. A new version is published only once ``confirmed``; until then the changes
    are returned. Whatever happens, the draft keeps the edited data."""
    errors = list(errors or []) + missing_head(data)
    apply_unit_map(data, mapping)
    if replaced is None and not errors:
        codes.recode(data, _free_code(data))  # the title and period as the reviewer left them
    if replaced is not None:
        old = catalogue_export(Policy.objects.filter(pk=replaced.pk))["policies"][0]
        adopt_codes(old, data)
        if not confirmed:
            ingest_draft_update(draft=draft, data=data)
            return IngestPublishOutcome(changes=diff(old, data), problems=errors)
    try:
        if errors:
            raise CatalogueInvalid([])
        policy_publish(data={"policies": [data], "cities": [], "concepts": []})
    except CatalogueInvalid as exc:
        ingest_draft_update(draft=draft, data=data)
        return IngestPublishOutcome(problems=errors + [f"{e.place}：{e.reason}" for e in exc.errors])
    draft.data = data
    draft.policy = Policy.objects.get(code=data["code"])
    draft.save(update_fields=["data", "policy", "updated_at"])
    return IngestPublishOutcome(policy=draft.policy)
