from django.conf import settings

from policies.scope import scope_for


def navigation(request):
    """The scope drives the menu; views check it again on their own querysets."""
    return {"scope": scope_for(request.user), "portal_name": settings.PORTAL_SITE_NAME}
