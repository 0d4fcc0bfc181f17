"""The officials' dashboards: a policy at a month, an indicator, a unit, a concept."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView
from django_tables2 import RequestConfig
from django_tables2.export import TableExport

from policies.scope import scope_for
from targets.models import Concept, Indicator

from . import dashboard
from .tables import IndicatorResultTable


class DashboardAccessMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.scope = scope_for(request.user)
        return super().dispatch(request, *args, **kwargs)

    def month_for(self, policy):
        today = timezone.localdate()
        months = dashboard.months_of(policy, today)
        at = dashboard.parse_month(self.request.GET.get("month")) or dashboard.default_month(policy, today)
        if at is None or (months and at not in months):
            raise Http404("该月份不在计划期内")
        return at, months


class PolicyDashboardView(DashboardAccessMixin, TemplateView):
    template_name = "reports/policy_dashboard.html"

    def get(self, request, *args, **kwargs):
        self.policy = get_object_or_404(
            self.scope.overseen_policies().select_related("city", "lead_unit"), code=kwargs["policy"]
        )
        self.at, self.months = self.month_for(self.policy)
        self.data = dashboard.policy_dashboard(self.policy, self.at)
        table = IndicatorResultTable(self.rows())
        RequestConfig(request, paginate={"per_page": 100}).configure(table)
        export = request.GET.get("_export")
        if TableExport.is_valid_format(export):
            name = f"{self.policy.city.name}-{dashboard.month_label(self.at)}-指标完成情况.{export}"
            return TableExport(export, table).response(name)
        self.table = table
        return super().get(request, *args, **kwargs)

    def rows(self) -> list[dict]:
        get = self.request.GET
        rows = []
        for r in self.data["results"]:
            units = {resp.unit.name for resp in r.indicator.task.responsibilities.all()}
            if get.get("section") and str(r.section.pk) != get["section"]:
                continue
            if get.get("light") and r.light != get["light"]:
                continue
            if get.get("concept") and (not r.indicator.concept or r.indicator.concept.code != get["concept"]):
                continue
            if get.get("unit") and get["unit"] not in units:
                continue
            e = r.evaluation
            rows.append(
                {
                    "section": str(r.section),
                    "task": str(r.indicator.task),
                    "indicator": r.indicator.name,
                    "url": reverse("reports:indicator", args=[r.indicator.code])
                    + f"?month={dashboard.month_label(self.at)}",
                    "target": r.target_text,
                    "actual": e.actual,
                    "unit_of_measure": r.indicator.unit_of_measure,
                    "completion": e.completion,
                    "progress": e.progress,
                    "gap": e.gap,
                    "light": r.light,
                }
            )
        return rows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        results = self.data["results"]
        units = sorted({resp.unit.name for r in results for resp in r.indicator.task.responsibilities.all()})
        concepts = sorted(
            {(r.indicator.concept.code, r.indicator.concept.name) for r in results if r.indicator.concept}
        )
        sections = list({r.section.pk: r.section for r in results}.values())
        context.update(
            policy=self.policy,
            at=self.at,
            at_label=dashboard.month_label(self.at),
            table=self.table,
            months=[dashboard.month_label(m) for m in reversed(self.months)],
            units=units,
            concepts=concepts,
            section_choices=sections,
            **self.data,
        )
        return context


class IndicatorDashboardView(DashboardAccessMixin, TemplateView):
    template_name = "reports/indicator_dashboard.html"

    def get(self, request, *args, **kwargs):
        self.indicator = get_object_or_404(
            Indicator.objects.filter(policy__in=self.scope.policies()).select_related("policy__city", "task"),
            code=kwargs["code"],
        )
        if (
            not self.scope.oversees(self.indicator.policy)
            and not self.indicator.assignments.filter(unit_id__in=self.scope.unit_ids).exists()
        ):
            raise Http404("没有这个指标")
        self.at, self.months = self.month_for(self.indicator.policy)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = dashboard.indicator_dashboard(self.indicator, self.at)
        if not self.scope.oversees(self.indicator.policy):
            data["per_unit"] = [(u, r) for u, r in data["per_unit"] if u.pk in self.scope.unit_ids]
            data["narratives"] = data["narratives"].filter(unit_id__in=self.scope.unit_ids)
        context.update(
            indicator=self.indicator,
            policy=self.indicator.policy,
            at=self.at,
            at_label=dashboard.month_label(self.at),
            months=[dashboard.month_label(m) for m in reversed(self.months)],
            **data,
        )
        return context


class UnitDashboardView(DashboardAccessMixin, TemplateView):
    template_name = "reports/unit_dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unit = get_object_or_404(self.scope.units().select_related("city"), code=kwargs["code"])
        policies = self.scope.policies().filter(indicators__assignments__unit=unit).distinct().select_related("city")
        context.update(unit=unit, blocks=dashboard.unit_dashboard(unit, policies, timezone.localdate()))
        return context


class ConceptDashboardView(DashboardAccessMixin, TemplateView):
    template_name = "reports/concept_dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        concept = get_object_or_404(Concept, code=kwargs["code"])
        rows = dashboard.concept_comparison(concept, self.scope.overseen_policies(), timezone.localdate())
        context.update(
            concept=concept,
            rows=rows,
            chart=[
                {
                    "name": f"{r['policy'].city.name}·{r['result'].indicator.name}"[:28],
                    "c": None
                    if r["result"].evaluation.completion is None
                    else round(r["result"].evaluation.completion * 100, 1),
                    "p": None
                    if r["result"].evaluation.progress is None
                    else round(r["result"].evaluation.progress * 100, 1),
                }
                for r in rows
            ],
        )
        return context
