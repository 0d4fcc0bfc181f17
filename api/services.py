"""Creating, using and revoking personal API tokens. The key is shown once, when it is
made; the database keeps only its SHA-256, so a copy of the database opens nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from targets.audit import audit_record

from .models import ApiToken

KEY_PREFIX = "ptk_"
# A token's last use is written at most this often: a client polling every second must
# not turn each read into a write.
TOUCH_EVERY = dt.timedelta(minutes=1)
MAX_ACTIVE_TOKENS = 20


class TokenError(Exception):
    """A refusal shown to the user as it is."""


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def token_create(*, user, name: str = "") -> tuple[ApiToken, str]:
    """A new token for `user`; returns it with the key, which is never readable again."""
    if ApiToken.objects.for_user(user).active().count() >= MAX_ACTIVE_TOKENS:
        raise TokenError(gettext("每个账号最多保留%(n)s个有效令牌，请先撤销不用的令牌。") % {"n": MAX_ACTIVE_TOKENS})
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=(name or "").strip()[:60], prefix=key[:12], key_hash=key_hash(key))
    audit_record(by=user, action="创建API令牌", obj=token, changes={"name": [None, token.name]})
    return token, key


@transaction.atomic
def token_revoke(*, token: ApiToken, by) -> ApiToken:
    """Revoke a token at once; the row stays, with when it was revoked. Safe to run twice."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(by=by, action="撤销API令牌", obj=token)
    return token


def token_for_key(key: str, *, now: dt.datetime | None = None) -> ApiToken | None:
    """The active token of `key` with its user, its last use recorded; None if there is none."""
    token = ApiToken.objects.active().select_related("user").filter(key_hash=key_hash(key)).first()
    if token is None or not token.user.is_active:
        return None
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
