"""The policy browser: the list, a policy laid out as its document, its source text with
highlighted quotes, and what each unit is responsible for."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.export import ExportMixin

from .filters import PolicyFilter, UnitFilter
from .models import Responsibility, Task, Unit
from .outline import build_outline, highlight_quotes, simplified
from .scope import ScopedMixin
from .tables import PolicyTable, UnitTable
from .textguard import GuardedTableExport


class PolicyListView(ScopedMixin, ExportMixin, SingleTableMixin, FilterView):
    table_class = PolicyTable
    filterset_class = PolicyFilter
    template_name = "policies/policy_list.html"
    export_name = _("政策文件")
    export_class = GuardedTableExport  # titles and names are text, never formulas
    paginate_by = 50

    def get_queryset(self):
        return self.scope.policies().with_counts().order_by("city__code", "code")


class PolicyDetailView(ScopedMixin, DetailView):
    template_name = "policies/policy_detail.html"
    slug_field = slug_url_kwarg = "code"
    context_object_name = "policy"

    def get_queryset(self):
        return self.scope.policies().select_related("city", "lead_unit")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        policy = self.object
        tasks = list(Task.objects.filter(policy=policy).for_outline().order_by("order"))
        context["outline"] = build_outline(list(policy.sections.order_by("order")), tasks, policy)
        context["counts"] = {
            "tasks": len(tasks),
            "indicators": sum(len(t.indicators.all()) for t in tasks),
            "targets": sum(len(i.targets.all()) for t in tasks for i in t.indicators.all()),
        }
        context["divisions"] = list(Unit.objects.filter(city=policy.city).divisions().order_by("sort_order"))
        return context


class PolicySourceView(ScopedMixin, DetailView):
    """The document's full text, every target's quote highlighted and linkable."""

    template_name = "policies/policy_source.html"
    slug_field = slug_url_kwarg = "code"
    context_object_name = "policy"

    def get_queryset(self):
        return self.scope.policies().select_related("city")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        policy = self.object
        quotes = policy.indicators.values_list("targets__id", "targets__source_quote", "name")
        context["source_html"] = highlight_quotes(policy.source_text, [q for q in quotes if q[0]])
        context["title"] = simplified(policy.title)
        return context


class UnitListView(ScopedMixin, ExportMixin, SingleTableMixin, FilterView):
    table_class = UnitTable
    filterset_class = UnitFilter
    template_name = "policies/unit_list.html"
    export_name = _("责任单位")
    export_class = GuardedTableExport
    paginate_by = 100

    def get_queryset(self):
        return (
            self.scope.units()
            .select_related("city")
            .annotate(
                lead_count=Count("responsibilities", filter=Q(responsibilities__role=Responsibility.Role.LEAD)),
                co_count=Count("responsibilities", filter=~Q(responsibilities__role=Responsibility.Role.LEAD)),
            )
            .order_by("city__code", "sort_order", "name")
        )


class UnitDetailView(ScopedMixin, DetailView):
    template_name = "policies/unit_detail.html"
    slug_field = slug_url_kwarg = "code"
    context_object_name = "unit"

    def get_queryset(self):
        return self.scope.units().select_related("city")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        visible = self.scope.policies()
        rows = (
            Responsibility.objects.filter(unit=self.object, task__policy__in=visible)
            .select_related("task__policy__city", "task__section")
            .prefetch_related("task__indicators__targets")
            .order_by("task__policy__code", "task__order")
        )
        by_policy = {}
        for resp in rows:
            by_policy.setdefault(resp.task.policy, []).append(resp)
        context["by_policy"] = by_policy
        return context
