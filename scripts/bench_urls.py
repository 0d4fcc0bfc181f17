"""The portal's URLs plus one empty authenticated page, for measuring (scripts/bench.py,
scripts/load.py): /bench/empty/ runs everything a real page runs (the middleware, the
login, the user's scope, the shell of base.html with its menu) and shows nothing. The
light pages are measured against it. Never part of the portal's own URLconf."""

from django.urls import path
from django.views.generic import TemplateView

from policies.scope import ScopedMixin
from portal.urls import urlpatterns as portal_urlpatterns


class EmptyPage(ScopedMixin, TemplateView):
    template_name = "base.html"


urlpatterns = [path("bench/empty/", EmptyPage.as_view(), name="bench_empty"), *portal_urlpatterns]
handler400 = "portal.views.error_400"
handler403 = "portal.views.error_403"
handler404 = "portal.views.error_404"
handler500 = "portal.views.error_500"
