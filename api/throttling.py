"""Rate limits per token (or per signed-in user, or per address for the anonymous), with
separate scoped rates for reads and writes (REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"])."""

from __future__ import annotations

from rest_framework.throttling import SimpleRateThrottle

from .models import ApiToken


class ApiRateThrottle(SimpleRateThrottle):
    """`api_read` for safe methods, `api_write` for the others, counted per token: two tokens
    of one user are two clients; a browser session counts as its user."""

    def __init__(self):
        # The rate depends on the request (a read or a write): it is read in allow_request.
        pass

    def allow_request(self, request, view):
        self.scope = "api_read" if request.method in ("GET", "HEAD", "OPTIONS") else "api_write"
        if not request.user.is_authenticated:
            self.scope = "api_anon"
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"addr-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
