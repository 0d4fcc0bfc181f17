from django.conf import settings
from django.utils.translation import gettext

from policies.scope import scope_for
from targets.models import Notification


def navigation(request):
    """The scope drives the menu; views check it again on their own querysets."""
    unread = 0
    if request.user.is_authenticated:
        unread = Notification.objects.filter(user=request.user, read_at__isnull=True).count()
    return {"scope": scope_for(request.user), "portal_name": gettext(settings.PORTAL_SITE_NAME), "unread_count": unread}
