"""The site shell: the home page of each role, /healthz and the error pages."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from policies.scope import ScopedMixin
from reports.dashboard import home_overview
from supervision.selectors import unit_items
from targets.worklists import ended_plans, recent_reports, reporter_worklist, review_summary

from .health import broker_state, database_state

DATABASE_UNREACHABLE = (OperationalError, InterfaceError)


class HomeView(ScopedMixin, TemplateView):
    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scope = self.scope
        today = timezone.localdate()
        context["today"] = today
        if scope.is_reporter:
            context["worklist"] = reporter_worklist(scope, today)
            context["ended_plans"] = ended_plans(scope, today)
            context["recent_reports"] = recent_reports(scope)
            context["unit_problems"] = unit_items(scope)
        if scope.is_reviewer:
            context["review_rows"] = review_summary(scope, today)
        if scope.can_view_dashboards:
            context["policies"] = policies = list(scope.overseen_policies().with_counts())
            context["overview"] = home_overview(policies, today)
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
    """A static page: no request context, so no session, user or database is needed to show it.
    An error because the database cannot be reached (down, restarting) is not the portal's
    fault and passes: the static 503 page says so, and asks the browser to come back."""
    if isinstance(sys.exc_info()[1], DATABASE_UNREACHABLE):
        response = HttpResponse(get_template("503.html").render({}), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(get_template("500.html").render({}), status=500)
