"""The suite's first authentication backend: django-axes, minus its refusal of ``client.login``.

Axes counts failed logins per username and client address, so it needs the request, and
``django.test.Client.login`` authenticates without one (Axes would raise instead of logging
in). Such a login is let through unthrottled, like ``force_login``; every login through the
login page (tests/portal/test_login_security.py, the browser tests) is still counted.
"""

from axes.backends import AxesStandaloneBackend


class AxesBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
