from django.conf import settings
from django.utils.translation import gettext

from policies.scope import scope_for
from targets.models import Notification


def navigation(request):
    """The scope drives the menu; views check it again on their own querysets."""

    def unread() -> int:
        # Counted once per request, when the menu shows it: a page that renders a table
        # (django-tables2 renders it with the processors again) does not count twice.
        if not hasattr(request, "_portal_unread"):
            request._portal_unread = (
                Notification.objects.filter(user=request.user, read_at__isnull=True).count()
                if request.user.is_authenticated
                else 0
            )
        return request._portal_unread

    return {"scope": scope_for(request.user), "portal_name": gettext(settings.PORTAL_SITE_NAME), "unread_count": unread}
