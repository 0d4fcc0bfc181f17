"""The site shell: the home page of each role, /healthz and the error pages."""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from policies.scope import ScopedMixin
from supervision.selectors import unit_items
from targets.worklists import recent_reports, reporter_worklist, review_summary

from .health import broker_state, database_state


class HomeView(ScopedMixin, TemplateView):
    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scope = self.scope
        today = timezone.localdate()
        context["today"] = today
        if scope.is_reporter:
            context["worklist"] = reporter_worklist(scope, today)
            context["recent_reports"] = recent_reports(scope)
            context["unit_problems"] = unit_items(scope)
        if scope.is_reviewer:
            context["review_rows"] = review_summary(scope, today)
        if scope.can_view_dashboards:
            context["policies"] = scope.overseen_policies().with_counts()
        return context


@never_cache
def healthz(request):
    database, broker = database_state(), broker_state()
    ok = database["ok"] and broker["ok"]
    return JsonResponse(
        {"status": "ok" if ok else "error", "database": database, "broker": broker},
        status=200 if ok else 503,
    )


def error_400(request, exception=None):
    return render(request, "400.html", status=400)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    """A static page: no request context, so no session, user or database is needed to show it."""
    return HttpResponse(get_template("500.html").render({}), status=500)
