"""Pages of 督查督办: the ledger, a problem's page with its steps, raising a problem (from a
report's 存在问题 with one click), 催报, 红灯督办 and the 包联 visit log.

Every read goes through the user's scope: another unit's problem is not found (404); an
action the user's role may not take is refused (403) and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from policies.models import Membership, Unit
from policies.scope import ScopedMixin
from targets import calendar
from targets.models import Indicator, MonthlyReport

from . import selectors, services
from .exports import ledger_workbook
from .filters import ProblemFilter
from .models import Evidence, Firm, Problem, Urge, Visit
from .tables import ProblemTable

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs, format)


class StyledForm(forms.Form):
    """Bootstrap's classes on every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            css = "form-select form-select-sm" if isinstance(widget, forms.Select) else "form-control form-control-sm"
            widget.attrs.setdefault("class", css)


class AssignForm(StyledForm):
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        label=gettext_lazy("承办单位"),
        error_messages={"required": gettext_lazy("请选择承办单位")},
    )
    due_date = forms.DateField(
        label=gettext_lazy("办结期限"),
        required=False,
        widget=DateInput,
        help_text=gettext_lazy("不填则按办结时限自动计算"),
    )
    text = forms.CharField(label=gettext_lazy("交办意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(StyledForm):
    text = forms.CharField(
        label=gettext_lazy("办理情况"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("请填写办理情况")},
    )


class CloseForm(StyledForm):
    result = forms.CharField(
        label=gettext_lazy("办结结果"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": gettext_lazy("请填写办结结果")},
    )


class ReturnForm(StyledForm):
    reason = forms.CharField(
        label=gettext_lazy("退回原因"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": gettext_lazy("请填写退回原因")},
    )


class ExtendForm(StyledForm):
    due_date = forms.DateField(
        label=gettext_lazy("新的办结期限"),
        widget=DateInput,
        error_messages={
            "required": gettext_lazy("请填写新的办结期限"),
            "invalid": gettext_lazy("日期格式应为 YYYY-MM-DD"),
        },
    )
    reason = forms.CharField(
        label=gettext_lazy("延期原因"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": gettext_lazy("请填写延期原因")},
    )


class AskExtendForm(StyledForm):
    due_date = forms.DateField(
        label=gettext_lazy("申请的办结期限"),
        widget=DateInput,
        error_messages={
            "required": gettext_lazy("请填写申请的办结期限"),
            "invalid": gettext_lazy("日期格式应为 YYYY-MM-DD"),
        },
    )
    reason = forms.CharField(
        label=gettext_lazy("申请原因"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": gettext_lazy("请填写申请原因")},
    )


class InstructForm(StyledForm):
    text = forms.CharField(
        label=gettext_lazy("批示内容"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": gettext_lazy("请填写批示内容")},
    )


class EmptyForm(StyledForm):
    pass


ACTION_FORMS = {
    "assign": AssignForm,
    "acknowledge": EmptyForm,
    "answer": AnswerForm,
    "close": CloseForm,
    "return": ReturnForm,
    "extend": ExtendForm,
    "instruct": InstructForm,
    "urge": EmptyForm,
    "ask_extend": AskExtendForm,
}


class ProblemRaiseForm(StyledForm):
    title = forms.CharField(
        label=gettext_lazy("问题标题"), max_length=200, error_messages={"required": gettext_lazy("请填写问题标题")}
    )
    text = forms.CharField(label=gettext_lazy("问题描述"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    source = forms.ChoiceField(label=gettext_lazy("来源"), choices=[])
    indicator = forms.ModelChoiceField(
        queryset=Indicator.objects.none(), label=gettext_lazy("相关指标"), required=False
    )
    firm_name = forms.CharField(label=gettext_lazy("企业名称"), max_length=120, required=False)
    firm_credit_code = forms.CharField(label=gettext_lazy("统一社会信用代码"), max_length=18, required=False)
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=gettext_lazy("提出单位"), required=False)

    def __init__(self, *args, policy, sources, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [(s, Problem.Source(s).label) for s in sources]
        self.fields["indicator"].queryset = Indicator.objects.filter(policy=policy)
        if len(units) > 1:  # a clerk of several units says for which one
            self.fields["unit"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units])
            self.fields["unit"].required = True
            self.fields["unit"].widget.attrs["class"] = "form-select form-select-sm"
        else:
            del self.fields["unit"]


def _policy_of_overseer(scope, code):
    return get_object_or_404(scope.overseen_policies().select_related("city", "lead_unit"), code=code)


# -- the ledger -----------------------------------------------------------------------------


class SupervisionIndexView(ScopedMixin, TemplateView):
    """督查督办's entry: the ledgers of the policies the user oversees with their open and
    overdue counts, and the items of the user's own units."""

    template_name = "supervision/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        open_q = Q(problems__state__in=services.OPEN)
        context["policies"] = (
            self.scope.overseen_policies()
            .select_related("city")
            .annotate(
                n_problems=Count("problems", distinct=True),
                n_open=Count("problems", filter=open_q, distinct=True),
                n_overdue=Count("problems", filter=open_q & Q(problems__due_date__lt=today), distinct=True),
            )
        )
        context["unit_items"] = selectors.unit_items(self.scope) if self.scope.is_reporter else None
        context["today"] = today
        return context


class ProblemListView(ScopedMixin, SingleTableMixin, FilterView):
    """问题台账 of a policy: filters (state, unit, overdue, indicator) and an xlsx export."""

    template_name = "supervision/problem_list.html"
    filterset_class = ProblemFilter
    table_class = ProblemTable
    paginate_by = 50

    def load(self, request, *args, **kwargs):
        self.policy = _policy_of_overseer(self.scope, kwargs["policy"])
        self.today = timezone.localdate()

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "policy": self.policy, "today": self.today}

    def get_queryset(self):
        return Problem.objects.filter(policy=self.policy).with_listing()

    def get_table_kwargs(self):
        return {"today": self.today}

    def get(self, request, *args, **kwargs):
        if request.GET.get("_export") == "xlsx":
            filterset = self.get_filterset(self.get_filterset_class())
            problems = filterset.qs.order_by("number") if filterset.is_valid() else self.get_queryset()
            body = ledger_workbook(policy=self.policy, problems=problems, today=self.today)
            response = HttpResponse(body, content_type=XLSX)
            name = f"{self.policy.city.name}-问题台账-{self.today:%Y%m%d}.xlsx"
            response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
            return response
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        problems = Problem.objects.filter(policy=self.policy)
        counts = dict(problems.order_by().values_list("state").annotate(n=Count("id")))
        rules = services.settings_for(self.policy)
        context.update(
            policy=self.policy,
            counts={s: counts.get(s, 0) for s in Problem.State.values},
            total=sum(counts.values()),
            overdue=problems.overdue(self.today).count(),
            can_review=self.scope.can_review(self.policy.pk),
            rules=rules,
            unit_counts=selectors.unit_counts(self.policy, self.today),
            export_query=self.request.GET.urlencode(),
        )
        return context


# -- a problem ------------------------------------------------------------------------------


class ProblemDetailView(ScopedMixin, TemplateView):
    """One problem: its clock, its steps (the timeline) and the forms of what the user may
    do now; each form posts here with ``action``."""

    template_name = "supervision/problem_detail.html"

    def load(self, request, *args, **kwargs):
        self.problem = get_object_or_404(
            Problem.objects.visible_to(self.scope)
            .with_listing()
            .select_related("policy__city", "task", "report__period"),
            policy__code=kwargs["policy"],
            number=kwargs["number"],
        )
        self.actions = services.problem_actions(self.problem, self.scope)

    def forms(self, bound_action=None, data=None):
        built = {}
        asked = None
        if "extend" in self.actions:
            # 延期 starts from the date the unit asked for, if it asked.
            asked = (
                self.problem.events.filter(kind="ask_extend").order_by("-created_at").values_list("due_date", flat=True)
            ).first()
        for action in self.actions:
            form_class = ACTION_FORMS[action]
            initial = {"due_date": asked} if action == "extend" and asked else None
            form = form_class(data if action == bound_action else None, prefix=action, initial=initial)
            if action == "assign":
                form.fields["unit"].queryset = (
                    Unit.objects.filter(Q(policies=self.problem.policy) | Q(pk=self.problem.policy.lead_unit_id))
                    .distinct()
                    .order_by("sort_order", "name")
                )
            built[action] = form
        return built

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        problem = self.problem
        today = timezone.localdate()
        context.update(
            problem=problem,
            policy=problem.policy,
            events=problem.events.select_related("created_by", "unit").order_by("created_at", "id"),
            urges=problem.urges.select_related("created_by").order_by("-created_at")[:20],
            action_forms=kwargs.get("action_forms") or self.forms(),
            labels=services.ACTION_LABELS,
            overdue=problem.is_overdue(today),
            oversees=self.scope.oversees(problem.policy),
            days_late=(today - problem.due_date).days if problem.is_overdue(today) and problem.is_open else 0,
            today=today,
            rules=services.settings_for(problem.policy),
            evidence=problem.evidence.select_related("uploaded_by"),
            may_attach=services.evidence_may_attach(self.scope, problem=problem),
        )
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "")
        if action == "attach":
            return attach(request, problem=self.problem, scope=self.scope, back=services.problem_url(self.problem))
        if action not in services.MOVES:
            raise Http404(_("未知操作"))
        if action not in self.actions:
            raise PermissionDenied(_("您不能对该问题执行此操作"))
        forms_ = self.forms(action, request.POST)
        form = forms_[action]
        if not form.is_valid():
            messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
            return self.render_to_response(self.get_context_data(action_forms=forms_), status=200)
        data = form.cleaned_data
        problem, user = self.problem, request.user
        try:
            if action == "assign":
                services.problem_assign(
                    problem=problem, unit=data["unit"], by=user, due_date=data["due_date"], text=data["text"]
                )
            elif action == "acknowledge":
                services.problem_acknowledge(problem=problem, by=user)
            elif action == "answer":
                services.problem_answer(problem=problem, by=user, text=data["text"])
            elif action == "close":
                services.problem_close(problem=problem, by=user, result=data["result"])
            elif action == "return":
                services.problem_return(problem=problem, by=user, reason=data["reason"])
            elif action == "extend":
                services.problem_extend(problem=problem, by=user, reason=data["reason"], due_date=data["due_date"])
            elif action == "instruct":
                services.problem_instruct(problem=problem, by=user, text=data["text"])
            elif action == "urge":
                services.problem_urge(problem=problem, by=user)
            elif action == "ask_extend":
                services.problem_extension_ask(
                    problem=problem, by=user, reason=data["reason"], due_date=data["due_date"]
                )
        except services.SupervisionError as exc:
            messages.error(request, str(exc))
            return self.render_to_response(self.get_context_data(action_forms=forms_), status=200)
        messages.success(
            request,
            _("已%(action)s：%(number)s %(title)s")
            % {"action": services.ACTION_LABELS[action], "number": problem.number, "title": problem.title},
        )
        return redirect(services.problem_url(problem))


class ProblemRaiseView(ScopedMixin, TemplateView):
    """提出问题: the lead bureau (its own or a firm's), or a unit of the policy (its own)."""

    template_name = "supervision/problem_raise.html"

    def load(self, request, *args, **kwargs):
        scope = self.scope
        self.policy = get_object_or_404(scope.policies().select_related("lead_unit"), code=kwargs["policy"])
        self.is_lead = scope.can_review(self.policy.pk)
        self.own_units = list(Unit.objects.reporting_for(self.policy).filter(pk__in=scope.unit_ids))
        if not self.is_lead and not self.own_units:
            raise PermissionDenied(_("只有牵头部门或该政策文件的责任单位可以提出问题"))

    def sources(self):
        if self.is_lead:
            return [Problem.Source.LEAD, Problem.Source.FIRM]
        return [Problem.Source.UNIT, Problem.Source.FIRM]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            policy=self.policy,
            form=kwargs.get("form") or self.form(),
        )
        return context

    def form(self, data=None):
        units = [] if self.is_lead else self.own_units
        return ProblemRaiseForm(data, policy=self.policy, sources=self.sources(), units=units)

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if not form.is_valid():
            messages.error(request, _("请按提示修改后再提交。"))
            return self.render_to_response(self.get_context_data(form=form))
        data = form.cleaned_data
        try:
            problem = services.problem_raise(
                policy=self.policy,
                title=data["title"],
                text=data["text"],
                by=request.user,
                source=data["source"],
                raised_unit=self.policy.lead_unit if self.is_lead else (data.get("unit") or self.own_units[0]),
                indicator=data["indicator"],
                firm_name=data["firm_name"],
                firm_credit_code=data["firm_credit_code"],
            )
        except services.SupervisionError as exc:
            form.add_error(None, str(exc))
            messages.error(request, str(exc))
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(request, _("已登记问题 %(number)s。") % {"number": problem.number})
        return redirect(services.problem_url(problem))


class ReportProblemsView(ScopedMixin, TemplateView):
    """A report's 存在问题, one line a row, each turned into a problem with one click."""

    template_name = "supervision/report_problems.html"

    def load(self, request, *args, **kwargs):
        self.report = get_object_or_404(
            MonthlyReport.objects.visible_to(self.scope).select_related("policy", "unit", "period"), pk=kwargs["pk"]
        )
        self.may_raise = self.scope.can_enter(self.report.unit_id) or self.scope.can_review(self.report.policy_id)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        lines = services.report_problem_lines(self.report)
        raised = {
            p.text: p
            for p in Problem.objects.filter(report=self.report)
            .select_related("policy")
            .only("number", "text", "state", "policy__code")
        }
        context.update(
            report=self.report,
            rows=[(i, line, raised.get(line)) for i, line in enumerate(lines)],
            may_raise=self.may_raise,
            evidence=Evidence.objects.filter(report=self.report).select_related("uploaded_by"),
            may_attach=services.evidence_may_attach(self.scope, report=self.report),
        )
        return context

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "attach":
            return attach(request, report=self.report, scope=self.scope, back=request.path)
        if not self.may_raise:
            raise PermissionDenied(_("只有本单位填报员或牵头部门可以登记问题"))
        try:
            line = int(request.POST.get("line", ""))
        except ValueError:
            line = -1
        try:
            problem = services.problem_raise_from_report(report=self.report, line=line, by=request.user)
        except services.SupervisionError as exc:
            messages.error(request, str(exc))
            return redirect(request.path)
        messages.success(request, _("已登记为问题 %(number)s，等待牵头部门交办。") % {"number": problem.number})
        return redirect(services.problem_url(problem))


def attach(request, *, scope, back, report=None, problem=None):
    """佐证材料 for a report or a problem: refused (403) for who may not attach; a wrong
    file gets the reason and changes nothing."""
    if not services.evidence_may_attach(scope, report=report, problem=problem):
        raise PermissionDenied(_("您不能为此上传佐证材料"))
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("请选择要上传的文件。"))
        return redirect(back)
    try:
        evidence = services.evidence_attach(upload=upload, by=request.user, report=report, problem=problem)
    except services.SupervisionError as exc:
        messages.error(request, f"{upload.name}：{exc}")
    else:
        messages.success(request, _("已上传佐证材料：%(name)s") % {"name": evidence.name})
    return redirect(back)


class EvidenceDownloadView(ScopedMixin, View):
    """A file, only to those who see the report or the problem it is attached to."""

    def get(self, request, pk):
        evidence = get_object_or_404(
            Evidence.objects.filter(
                Q(problem__in=Problem.objects.visible_to(self.scope))
                | Q(report__in=MonthlyReport.objects.visible_to(self.scope))
            ),
            pk=pk,
        )
        response = FileResponse(
            evidence.file.open("rb"), as_attachment=True, filename=evidence.name, content_type=evidence.content_type
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


# -- 催报 and 督办 -------------------------------------------------------------------------------


class UrgeListView(ScopedMixin, TemplateView):
    """催报催办: who was urged, when and how; the reviewer urges a month's missing units."""

    template_name = "supervision/urge_list.html"

    def load(self, request, *args, **kwargs):
        self.policy = _policy_of_overseer(self.scope, kwargs["policy"])
        self.can_review = self.scope.can_review(self.policy.pk)
        months = calendar.asked_months(self.policy, calendar.previous_month(timezone.localdate()))
        self.months = list(reversed(months))
        wanted = calendar.parse_month(request.GET.get("month") or request.POST.get("month"))
        self.month = wanted if wanted in months else (self.months[0] if self.months else None)

    def missing_units(self):
        if self.month is None:
            return []
        year, month = self.month
        done = MonthlyReport.objects.filter(policy=self.policy, period__year=year, period__month=month).exclude(
            state__in=[MonthlyReport.State.DRAFT, MonthlyReport.State.RETURNED]
        )
        return list(Unit.objects.reporting_for(self.policy).exclude(pk__in=done.values("unit_id")))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            policy=self.policy,
            can_review=self.can_review,
            months=[calendar.month_label(m) for m in self.months],
            month=calendar.month_label(self.month) if self.month else "",
            missing=self.missing_units(),
            urges=Urge.objects.visible_to(self.scope)
            .filter(policy=self.policy)
            .select_related("unit", "problem", "created_by")[:200],
        )
        return context

    def post(self, request, *args, **kwargs):
        if not self.can_review:
            raise PermissionDenied(_("只有该政策文件的审核员可以催报"))
        if self.month is None:
            raise Http404(_("没有可催报的报告期"))
        try:
            urges = services.report_urge(policy=self.policy, year=self.month[0], month=self.month[1], by=request.user)
        except services.SupervisionError as exc:
            messages.warning(request, str(exc))
        else:
            messages.success(
                request,
                _("已向 %(n)s 个未报送单位发出催报：%(units)s")
                % {"n": len(urges), "units": "、".join(u.unit.name for u in urges)},
            )
        return redirect(f"{request.path}?month={calendar.month_label(self.month)}")


class ExplanationForm(StyledForm):
    indicator = forms.ModelChoiceField(
        queryset=Indicator.objects.none(),
        label=gettext_lazy("红灯指标"),
        error_messages={"required": gettext_lazy("请选择指标")},
    )
    units = forms.ModelMultipleChoiceField(
        queryset=Unit.objects.none(),
        label=gettext_lazy("需提交整改说明的单位"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("请至少选择一个单位")},
    )
    due_date = forms.DateField(
        label=gettext_lazy("提交期限"),
        required=False,
        widget=DateInput,
        help_text=gettext_lazy("不填则按整改说明时限自动计算"),
    )
    note = forms.CharField(label=gettext_lazy("督办要求"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ExplanationRequestView(ScopedMixin, TemplateView):
    """红灯督办: a red target's units asked for a written 整改说明 by a date."""

    template_name = "supervision/explanation_request.html"

    def load(self, request, *args, **kwargs):
        self.policy = _policy_of_overseer(self.scope, kwargs["policy"])
        if not self.scope.can_review(self.policy.pk):
            raise PermissionDenied(_("只有该政策文件的审核员可以发起督办"))

    def form(self, data=None):
        # The indicator page sends its red units along (?unit=…): checked at first.
        wanted_units = [u for u in self.request.GET.getlist("unit") if u.isdigit()]
        form = ExplanationForm(data, initial={"indicator": self.request.GET.get("indicator"), "units": wanted_units})
        form.fields["indicator"].queryset = Indicator.objects.filter(policy=self.policy)
        wanted = self.request.GET.get("indicator") or (data or {}).get("indicator")
        units = Unit.objects.reporting_for(self.policy)
        indicator = (
            Indicator.objects.filter(policy=self.policy, pk=int(wanted)).first()
            if wanted and str(wanted).isdigit()
            else None
        )
        if indicator is not None:
            units = units.filter(assignments__indicator=indicator)
        form.fields["units"].queryset = units.order_by("sort_order", "name")
        return form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(policy=self.policy, form=kwargs.get("form") or self.form())
        return context

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if not form.is_valid():
            messages.error(request, _("请按提示修改后再提交。"))
            return self.render_to_response(self.get_context_data(form=form))
        data = form.cleaned_data
        try:
            made = services.explanation_request(
                policy=self.policy,
                indicator=data["indicator"],
                units=data["units"],
                by=request.user,
                due_date=data["due_date"],
                note=data["note"],
            )
        except services.SupervisionError as exc:
            messages.error(request, str(exc))
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(
            request,
            _("已向 %(n)s 个单位发出督办，要求%(date)s前提交整改说明。")
            % {"n": len(made), "date": date_format(made[0].due_date, "MONTH_DAY_FORMAT")},
        )
        return redirect(reverse("supervision:problem_list", kwargs={"policy": self.policy.code}))


# -- 包联走访 -----------------------------------------------------------------------------------


class VisitForm(StyledForm):
    firm = forms.ModelChoiceField(
        queryset=Firm.objects.none(),
        label=gettext_lazy("企业"),
        error_messages={"required": gettext_lazy("请选择企业")},
    )
    visit_date = forms.DateField(
        label=gettext_lazy("走访日期"),
        widget=DateInput,
        error_messages={"required": gettext_lazy("请填写走访日期"), "invalid": gettext_lazy("日期格式应为 YYYY-MM-DD")},
    )
    findings = forms.CharField(
        label=gettext_lazy("走访情况"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("请填写走访情况")},
    )
    problems = forms.CharField(
        label=gettext_lazy("发现的问题（每行一个，直接进入问题台账）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FirmForm(StyledForm):
    name = forms.CharField(
        label=gettext_lazy("企业名称"), max_length=120, error_messages={"required": gettext_lazy("请填写企业名称")}
    )
    credit_code = forms.CharField(label=gettext_lazy("统一社会信用代码"), max_length=18, required=False)
    official = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        label=gettext_lazy("包联领导"),
        error_messages={"required": gettext_lazy("请选择包联领导")},
    )

    def __init__(self, *args, policy, **kwargs):
        super().__init__(*args, **kwargs)
        officials = Membership.objects.filter(role=Membership.Role.OFFICIAL).filter(
            Q(city=policy.city) | Q(city__isnull=True)
        )
        self.fields["official"].queryset = (
            get_user_model().objects.filter(memberships__in=officials).distinct().order_by("username")
        )
        self.fields["official"].label_from_instance = lambda u: u.get_full_name() or u.username


def _month_heading(year: int, month: int, *, one_year: bool) -> str:
    """A column of the visit grid: 3月 (or 25.3 across years) in Chinese, Mar (or Mar 25) in English."""
    if get_language().startswith("zh"):
        return f"{month}月" if one_year else f"{year % 100}.{month}"
    return date_format(dt.date(year, month, 1), "M" if one_year else "M y")


class VisitListView(ScopedMixin, TemplateView):
    """包联走访: the roster, the visit log, and the officials who missed a month."""

    template_name = "supervision/visit_list.html"

    def load(self, request, *args, **kwargs):
        scope = self.scope
        self.policy = get_object_or_404(scope.policies().select_related("city"), code=kwargs["policy"])
        self.oversees = scope.oversees(self.policy)
        self.own_firms = Firm.objects.filter(policy=self.policy, official=request.user)
        if not self.oversees and not self.own_firms.exists():
            raise Http404(_("没有该政策文件的包联走访"))
        self.can_record = scope.can_review(self.policy.pk) or self.own_firms.exists()

    def recordable_firms(self):
        if self.scope.can_review(self.policy.pk):
            return Firm.objects.filter(policy=self.policy)
        return self.own_firms

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        # The last twelve months of the plan up to today (a plan that has ended: its last year).
        end = min(self.policy.end_date or today, today)
        start = max(self.policy.start_date or end, dt.date(end.year - 1, end.month, 1) + dt.timedelta(days=31))
        months = calendar.months_between(start, end)
        firms = Firm.objects.filter(policy=self.policy).select_related("official")
        if not self.oversees:
            firms = firms.filter(official=self.request.user)
        form = kwargs.get("form") or VisitForm(initial={"visit_date": today})
        form.fields["firm"].queryset = self.recordable_firms()
        if self.scope.can_review(self.policy.pk):
            context["firm_form"] = kwargs.get("firm_form") or FirmForm(policy=self.policy, prefix="firm")
        grid = selectors.visit_grid(self.policy, months)
        if not self.oversees:
            grid = [row for row in grid if row.official_id == self.request.user.pk]
        missing = [
            selectors.MissingVisit(row.official_id, row.official, y, m, row.firms)
            for index, (y, m) in enumerate(months)
            for row in grid
            if row.visits[index] == 0
        ]
        context.update(
            policy=self.policy,
            firms=firms,
            visits=Visit.objects.visible_to(self.scope, self.request.user)
            .filter(firm__policy=self.policy)
            .select_related("firm", "official")
            .prefetch_related("problems")[:200],
            missing=list(reversed(missing)),
            grid=grid,
            grid_span=(
                f"{date_format(dt.date(*months[0], 1), 'YEAR_MONTH_FORMAT')}—"
                f"{date_format(dt.date(*months[-1], 1), 'YEAR_MONTH_FORMAT')}"
                if months
                else ""
            ),
            months=[_month_heading(y, m, one_year=len({y for y, _m in months}) == 1) for y, m in months],
            form=form,
            can_record=self.can_record,
        )
        return context

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "firm":
            return self.firm_add(request)
        if not self.can_record:
            raise PermissionDenied(_("只有包联领导本人或牵头部门可以登记走访"))
        form = VisitForm(request.POST)
        form.fields["firm"].queryset = self.recordable_firms()
        if not form.is_valid():
            messages.error(request, _("请按提示修改后再提交。"))
            return self.render_to_response(self.get_context_data(form=form))
        data = form.cleaned_data
        try:
            visit = services.visit_record(
                firm=data["firm"],
                official=data["firm"].official,
                visit_date=data["visit_date"],
                findings=data["findings"],
                by=request.user,
                problems=data["problems"].splitlines(),
            )
        except services.SupervisionError as exc:
            messages.error(request, str(exc))
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(
            request,
            _("已登记 %(date)s 走访%(firm)s。")
            % {"date": date_format(visit.visit_date, "MONTH_DAY_FORMAT"), "firm": visit.firm.name},
        )
        return redirect(request.path)

    def firm_add(self, request):
        """包联名单: the lead bureau adds a firm and the official who covers it."""
        if not self.scope.can_review(self.policy.pk):
            raise PermissionDenied(_("只有牵头部门可以维护包联名单"))
        form = FirmForm(request.POST, policy=self.policy, prefix="firm")
        if not form.is_valid():
            messages.error(request, _("请按提示修改后再提交。"))
            return self.render_to_response(self.get_context_data(firm_form=form))
        data = form.cleaned_data
        try:
            firm = services.firm_add(
                policy=self.policy,
                name=data["name"],
                official=data["official"],
                by=request.user,
                credit_code=data["credit_code"],
            )
        except services.SupervisionError as exc:
            form.add_error(None, str(exc))
            return self.render_to_response(self.get_context_data(firm_form=form))
        messages.success(request, _("已将%(firm)s列入包联名单。") % {"firm": firm.name})
        return redirect(request.path)


class AssessmentItemAddView(ScopedMixin, View):
    """加分/扣分 with a reason, by the policy's lead bureau; back to the assessment table."""

    def post(self, request, policy):
        policy = _policy_of_overseer(self.scope, policy)
        if not self.scope.can_review(policy.pk):
            raise PermissionDenied(_("只有该政策文件的审核员可以录入加减分"))
        back = reverse("reports:assessment", kwargs={"policy": policy.code})
        try:
            year = int(request.POST.get("year", ""))
            unit = Unit.objects.reporting_for(policy).get(pk=int(request.POST.get("unit", "")))
        except (ValueError, Unit.DoesNotExist):
            messages.error(request, _("请选择年度和单位。"))
            return redirect(back)
        try:
            item = services.assessment_item_add(
                policy=policy,
                year=year,
                unit=unit,
                points=request.POST.get("points", ""),
                reason=request.POST.get("reason", ""),
                by=request.user,
            )
        except services.SupervisionError as exc:
            messages.error(
                request,
                _("%(error)s（已填：%(points)s %(reason)s）")
                % {"error": exc, "points": request.POST.get("points", ""), "reason": request.POST.get("reason", "")},
            )
        else:
            messages.success(
                request,
                _("已录入：%(unit)s %(points)s %(reason)s")
                % {"unit": item.unit.name, "points": f"{item.points:+g}", "reason": item.reason},
            )
        return redirect(f"{back}?year={year}")
