"""The two sign-in helpers that the settings name by dotted path.

Kept beside the settings, not imported by them: Django and django-axes import them when
they first validate a password or count a failed login.
"""

from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's minimum length rule, with an error message that is translated.

    Django 5.2 reworded the message with a ``%d`` placeholder, and its Chinese catalogue
    still carries only the ``%(min_length)d`` wording, so the rule alone answered in English
    ("This password is too short…"). This is that earlier wording, which Django translates
    into every language the portal offers.
    """

    def get_error_message(self):
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}


def client_ip_address(request) -> str | None:
    """The address django-axes counts failed logins against.

    With ``PROXY_COUNT`` trusted reverse proxies in front that each append the address they
    received from to X-Forwarded-For, it is the entry the outermost proxy appended (the
    ``PROXY_COUNT``-th from the right): a client can prepend anything to the header, but not
    what the proxies add. Without proxies, the socket's address.
    """
    count = settings.PROXY_COUNT
    if count > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR")
