"""Pages over indicators: the concept catalogue that lines up cities."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Q
from django.views.generic import DetailView, ListView

from policies.scope import scope_for

from .models import Concept, Indicator


class ConceptListView(LoginRequiredMixin, ListView):
    template_name = "targets/concept_list.html"
    context_object_name = "concepts"

    def get_queryset(self):
        visible = scope_for(self.request.user).policies()
        in_scope = Q(indicators__policy__in=visible)
        return Concept.objects.annotate(
            indicator_count=Count("indicators", filter=in_scope, distinct=True),
            city_count=Count("indicators__policy__city", filter=in_scope, distinct=True),
        ).order_by("-city_count", "code")


class ConceptDetailView(LoginRequiredMixin, DetailView):
    template_name = "targets/concept_detail.html"
    slug_field = slug_url_kwarg = "code"
    context_object_name = "concept"
    queryset = Concept.objects.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        visible = scope_for(self.request.user).policies()
        context["indicators"] = (
            Indicator.objects.filter(concept=self.object, policy__in=visible)
            .select_related("policy__city", "task")
            .prefetch_related("targets")
            .order_by("policy__city__code", "policy__code", "order")
        )
        return context
