"""`Authorization: Bearer <key>` (or `Token <key>`) for the personal API tokens."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .services import token_for_key

KEYWORDS = ("bearer", "token")


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """The personal token of `api.models.ApiToken`. A request without the header is left to
    the session authentication (the browser); a wrong, revoked or malformed key is refused."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode("latin-1").lower() not in KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Authorization 头格式应为“Bearer 令牌”。"))
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("令牌无效或已撤销。")) from None
        token = token_for_key(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("令牌无效或已撤销。"))
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'
