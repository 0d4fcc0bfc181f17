"""The portal's own 404 and 500 pages under DEBUG too.

`make run` serves with DEBUG on (templates reload, runserver serves the static files, a
traceback goes to the console), but the people trying the demo should see the portal's
pages, never Django's technical 404, which lists every URL pattern, or its yellow 500
page. Django logs each 500 with its traceback before this runs (django.request), so
nothing is lost; PORTAL_TECHNICAL_ERRORS=1 brings the technical pages back for a developer.
Off DEBUG the handlers of portal.urls already serve these pages and this does nothing.
"""

from django.conf import settings

from . import views


class OwnErrorPages:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.DEBUG
            and not getattr(settings, "PORTAL_TECHNICAL_ERRORS", False)
            and response.status_code in (404, 500)
            and response.get("Content-Type", "").startswith("text/html")
        ):
            return views.error_404(request) if response.status_code == 404 else views.error_500(request)
        return response
