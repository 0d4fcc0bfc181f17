"""The officials' dashboards: a policy at a month, an indicator, a unit, a concept."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django_tables2 import RequestConfig
from django_tables2.export import TableExport

from policies import numbers
from policies.models import Policy
from policies.scope import ScopedMixin
from policies.textguard import GuardedTableExport
from supervision import selectors as supervision_selectors
from targets import calendar, versions
from targets.models import Concept, Indicator

from . import assessment, dashboard, selectors, services
from .builders.assessment import assessment_xlsx
from .columns import light_label
from .forms import BulletinLetterForm, IssueForm
from .metrics import LIGHT_LABELS
from .models import ReportRun
from .tables import IndicatorResultTable


class DashboardMixin(ScopedMixin):
    def month_for(self, policy):
        today = timezone.localdate()
        months = calendar.plan_months(policy.start_date, policy.end_date, today)
        if not months:
            # A plan not started yet (a newly read one, say): its first month, with nothing reported.
            months = [calendar.month_of(policy.start_date or today)]
        at = calendar.parse_month(self.request.GET.get("month")) or dashboard.default_month(policy, today) or months[-1]
        if at is None or (months and at not in months):
            raise Http404(_("该月份不在计划期内"))
        return at, months


class PolicyDashboardView(DashboardMixin, TemplateView):
    template_name = "reports/policy_dashboard.html"

    def get(self, request, *args, **kwargs):
        self.policy = get_object_or_404(
            self.scope.overseen_policies().select_related("city", "lead_unit"), code=kwargs["policy"]
        )
        self.at, self.months = self.month_for(self.policy)
        version = versions.data_version()
        self.data = dashboard.cached_policy_dashboard(self.policy, self.at, version=version)
        export = request.GET.get("_export")
        if TableExport.is_valid_format(export):
            name = f"{self.policy.city.name}-{calendar.month_label(self.at)}-{_('指标完成情况')}.{export}"
            return GuardedTableExport(export, self.build_table()).response(name)
        # The table's HTML is kept under the same data and this page's filters, sort and
        # page: built only when it is not (its per-cell rendering is most of the page).
        self.table = SimpleLazyObject(self.build_table)
        self.table_key = versions.cache_key(
            "policy-table", self.policy, self.at, sorted(request.GET.lists()), version=version
        )
        return super().get(request, *args, **kwargs)

    def build_table(self) -> IndicatorResultTable:
        table = IndicatorResultTable(self.rows())
        RequestConfig(self.request, paginate={"per_page": 100}).configure(table)
        return table

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
                    + f"?month={calendar.month_label(self.at)}",
                    "target": r.target_with_explanation,
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
            at_label=calendar.month_label(self.at),
            light_labels={k: light_label(k) for k in LIGHT_LABELS},
            table=self.table,
            table_key=self.table_key,
            months=[calendar.month_label(m) for m in reversed(self.months)],
            units=units,
            concepts=concepts,
            section_choices=sections,
            ledger_counts=supervision_selectors.unit_counts(self.policy, timezone.localdate()),
            **self.data,
        )
        return context


class IndicatorDashboardView(DashboardMixin, TemplateView):
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
            raise Http404(_("没有这个指标"))
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
            at_label=calendar.month_label(self.at),
            months=[calendar.month_label(m) for m in reversed(self.months)],
            **data,
        )
        return context


class UnitDashboardView(DashboardMixin, TemplateView):
    template_name = "reports/unit_dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unit = get_object_or_404(self.scope.units().select_related("city"), code=kwargs["code"])
        policies = self.scope.policies().filter(indicators__assignments__unit=unit).distinct().select_related("city")
        # Opened from a dashboard at a month (?month=2025-06): every policy is shown at it.
        month = calendar.parse_month(self.request.GET.get("month"))
        blocks = dashboard.cached_unit_dashboard(unit, policies, timezone.localdate(), month)
        for block in blocks:
            block["oversees"] = self.scope.oversees(block["policy"])  # may open the policy's dashboard
        context.update(unit=unit, month=month, blocks=blocks)
        return context


class ConceptDashboardView(DashboardMixin, TemplateView):
    template_name = "reports/concept_dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        concept = get_object_or_404(Concept, code=kwargs["code"])
        rows = dashboard.concept_comparison(concept, self.scope.comparison_policies(), timezone.localdate())
        for row in rows:
            row["opens"] = self.scope.oversees(row["policy"])  # other cities: figures, not their pages
        context.update(
            concept=concept,
            rows=rows,
            cities=len({row["policy"].city_id for row in rows}),
            chart=[
                {
                    "name": f"{r['policy'].city.name}·{r['result'].indicator.name}"[:28],
                    "c": numbers.percent_number(r["result"].evaluation.completion),
                    "p": numbers.percent_number(r["result"].evaluation.progress),
                }
                for r in rows
            ],
        )
        return context


class RunArchiveView(DashboardMixin, TemplateView):
    """Every run of a policy's dispatch and bulletin: state, version, who asked, download;
    and the "生成" form with a progress bar that follows the run."""

    template_name = "reports/run_archive.html"

    def get_policy(self, code):
        return get_object_or_404(self.scope.overseen_policies().select_related("city", "lead_unit"), code=code)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        policy = self.get_policy(kwargs["policy"])
        today = timezone.localdate()
        months = calendar.plan_months(policy.start_date, policy.end_date, today)
        quarters = sorted({f"{y}Q{(m - 1) // 3 + 1}" for y, m in months}, reverse=True)
        context.update(
            policy=policy,
            runs=ReportRun.objects.filter(policy=policy)
            .select_related("requested_by")
            .order_by("-requested_at", "-id"),
            months=[calendar.month_label(m) for m in reversed(months)],
            quarters=quarters,
            can_review=self.scope.can_review(policy.pk),
            watch=self.request.GET.get("watch"),
            letter_form=BulletinLetterForm(instance=policy),
            letter=selectors.letter_of(policy),
            issue_form=IssueForm(),
        )
        return context

    def post(self, request, policy):
        policy = self.get_policy(policy)
        if not self.scope.can_review(policy.pk):
            raise PermissionDenied(_("只有审核员可以生成月调度和季通报"))
        kind = request.POST.get("kind")
        label = request.POST.get("month") if kind == ReportRun.Kind.DISPATCH else request.POST.get("quarter")
        if kind not in ReportRun.Kind.values or not label:
            messages.error(request, _("请选择要生成的月份或季度。"))
            return redirect("reports:run_archive", policy.code)
        try:
            run, created = services.run_request(kind=kind, policy=policy, label=label, by=request.user)
        except services.RunRefused as exc:
            messages.error(request, str(exc))
            return redirect("reports:run_archive", policy.code)
        run.refresh_from_db()
        # Inside an outer transaction (a test's) the message is sent only when that commits.
        unsent = run.sent_at is None and not transaction.get_connection().in_atomic_block
        what = {"kind": run.get_kind_display(), "label": run.period_label, "version": run.version}
        if created and unsent and run.status == ReportRun.Status.QUEUED:
            messages.warning(
                request,
                _(
                    "任务队列暂时不可用：%(kind)s（%(label)s，第%(version)s版）的请求已记录，"
                    "队列恢复后自动生成，无需重复提交。"
                )
                % what,
            )
        elif created:
            messages.success(request, _("已开始生成%(kind)s（%(label)s，第%(version)s版）。") % what)
        elif run.status == ReportRun.Status.DONE:
            messages.info(request, _("数据自第%(version)s版生成以来没有变化，未重复生成。") % what)
        else:
            messages.info(request, _("该期次正在生成中。"))
        return redirect(reverse("reports:run_archive", args=[policy.code]) + f"?watch={run.pk}")


class RunProgressView(DashboardMixin, TemplateView):
    """The progress bar's partial, polled by htmx until the run ends."""

    template_name = "reports/_run_progress.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["run"] = get_object_or_404(
            ReportRun.objects.filter(policy__in=self.scope.overseen_policies()), pk=kwargs["pk"]
        )
        return context


class RunDownloadView(DashboardMixin, View):
    """A run's workbook, or with ?file=document a bulletin's 通报 (.docx)."""

    def get(self, request, pk):
        run = get_object_or_404(
            ReportRun.objects.filter(policy__in=self.scope.overseen_policies(), status=ReportRun.Status.DONE), pk=pk
        )
        stored = run.document if request.GET.get("file") == "document" else run.file
        if not stored:
            raise Http404("该版本没有这个文件")
        name = stored.name.rsplit("/", 1)[-1]
        return FileResponse(stored.open("rb"), as_attachment=True, filename=name)


class RunIssueView(DashboardMixin, View):
    def post(self, request, pk):
        run = get_object_or_404(ReportRun.objects.filter(policy__in=self.scope.overseen_policies()), pk=pk)
        if not self.scope.can_review(run.policy_id):
            raise PermissionDenied(_("只有审核员可以印发"))
        if request.POST.get("confirm") != "1":
            # 印发 cannot be undone: only the form that asked "确认印发" issues.
            messages.error(request, _("印发前请先确认。"))
            return redirect("reports:run_archive", run.policy.code)
        form = IssueForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("成文日期应为有效日期（如 2025-10-15），未印发。"))
            return redirect("reports:run_archive", run.policy.code)
        try:
            services.run_issue(
                run=run,
                by=request.user,
                doc_number=form.cleaned_data["doc_number"],
                issued_on=form.cleaned_data["issued_on"],
            )
            messages.success(request, _("第%(version)s版已标记为印发，文件不再改变。") % {"version": run.version})
        except services.RunRefused as exc:
            messages.error(request, str(exc))
        return redirect("reports:run_archive", run.policy.code)


class BulletinLetterView(DashboardMixin, View):
    """The reviewer's 通报 frame of a policy (文号代字, 发文机关, 主送 …), saved through
    reports.services.bulletin_letter_update; a bad entry is shown again with its message."""

    def post(self, request, policy):
        policy = get_object_or_404(self.scope.overseen_policies(), code=policy)
        if not self.scope.can_review(policy.pk):
            raise PermissionDenied("只有审核员可以修改通报文头")
        form = BulletinLetterForm(request.POST, instance=Policy.objects.get(pk=policy.pk))
        if not form.is_valid():
            errors = "；".join(f"{form.fields[f].label}：{e[0]}" for f, e in form.errors.items() if f in form.fields)
            messages.error(request, f"通报文头未保存：{errors or '请检查填写内容'}")
            return redirect("reports:run_archive", policy.code)
        services.bulletin_letter_update(policy=policy, by=request.user, values=form.cleaned_data)
        messages.success(request, "通报文头已保存，下次生成季通报时使用。")
        return redirect("reports:run_archive", policy.code)


class DispatchPageView(DashboardMixin, TemplateView):
    """月调度 as a page: the same data the xlsx is built from."""

    template_name = "reports/dispatch.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        policy = get_object_or_404(
            self.scope.overseen_policies().select_related("city", "lead_unit"), code=kwargs["policy"]
        )
        at, months = self.month_for(policy)
        context.update(
            policy=policy,
            at=at,
            at_label=calendar.month_label(at),
            months=[calendar.month_label(m) for m in reversed(months)],
            data=selectors.dispatch_data(policy, *at, generated_at=timezone.now()),
        )
        return context


class AssessmentView(DashboardMixin, TemplateView):
    """年考核: the per-unit score of a year (reports.assessment), printable and as an xlsx."""

    template_name = "reports/assessment.html"

    def load(self, request, *args, **kwargs):
        self.policy = get_object_or_404(
            self.scope.overseen_policies().select_related("city", "lead_unit"), code=kwargs["policy"]
        )
        today = timezone.localdate()
        self.years = sorted({y for y, _m in calendar.plan_months(self.policy.start_date, self.policy.end_date, today)})
        try:
            self.year = int(request.GET.get("year") or (self.years[-1] if self.years else today.year))
        except ValueError:
            raise Http404("年份无效") from None
        if self.years and self.year not in self.years:
            raise Http404("该年度不在计划期内")
        self.result = assessment.annual_assessment(self.policy, self.year, today)

    def get(self, request, *args, **kwargs):
        if request.GET.get("_export") == "xlsx":
            from urllib.parse import quote

            from django.http import HttpResponse

            body = assessment_xlsx(self.result)
            response = HttpResponse(
                body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )
            name = f"{self.policy.city.name}-{self.year}年度考核结果.xlsx"
            response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
            return response
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            policy=self.policy,
            year=self.year,
            years=self.years,
            result=self.result,
            at_label=calendar.month_label(self.result.at) if self.result.at else "",
            can_review=self.scope.can_review(self.policy.pk),
        )
        return context
