"""The administrator's own pages: who holds which role where, and each policy's reporting
calendar. Each POST makes one call to targets.administration, which writes the audit row."""

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from policies.models import Membership, Policy
from policies.scope import ScopedMixin
from targets import administration
from targets.administration import AdministrationError
from targets.models import AuditEntry

from .forms import MembershipCreateForm, PolicyCalendarForm


def _field_label(name: str) -> str:
    try:
        return str(Policy._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


class AdminPageMixin(ScopedMixin):
    admin_only = True
    admin_only_message = _("只有管理员可以管理角色和报送设置")


class MembershipListView(AdminPageMixin, TemplateView):
    template_name = "portal/membership_list.html"
    paginate_by = 50

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        q = self.request.GET.get("q", "").strip()
        memberships = Membership.objects.select_related("user", "unit__city", "policy__city", "city").order_by(
            "user__username", "role", "id"
        )
        if q:
            memberships = memberships.filter(
                Q(user__username__icontains=q)
                | Q(user__first_name__icontains=q)
                | Q(unit__name__icontains=q)
                | Q(policy__title__icontains=q)
                | Q(city__name__icontains=q)
                | Q(unit__city__name__icontains=q)
            )
        page = Paginator(memberships, self.paginate_by).get_page(self.request.GET.get("page"))
        context.update(form=form or MembershipCreateForm(), page=page, q=q)
        return context

    def post(self, request):
        if request.POST.get("action") == "revoke":
            membership = get_object_or_404(Membership.objects.select_related("user"), pk=request.POST.get("membership"))
            administration.membership_revoke(by=request.user, membership=membership)
            messages.success(request, _("已撤销 %(user)s 的角色授权。") % {"user": membership.user.username})
            return redirect("membership_list")
        form = MembershipCreateForm(request.POST)
        if form.is_valid():
            try:
                membership = administration.membership_grant(by=request.user, **form.cleaned_data)
            except AdministrationError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("已授权：%(m)s") % {"m": membership})
                return redirect("membership_list")
        return self.render_to_response(self.get_context_data(form=form), status=400)


class PolicyCalendarListView(AdminPageMixin, TemplateView):
    template_name = "portal/policy_calendar_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["policies"] = Policy.objects.select_related("city", "lead_unit").order_by("city__code", "code")
        return context


class PolicyCalendarUpdateView(AdminPageMixin, TemplateView):
    template_name = "portal/policy_calendar_form.html"

    def load(self, request, *args, **kwargs):
        self.policy = get_object_or_404(Policy.objects.select_related("city", "lead_unit"), code=kwargs["code"])

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        p = self.policy
        initial = {
            "due_day": p.due_day,
            "lock_day": p.lock_day,
            "tolerance": f"{p.tolerance.normalize():f}",
            "reporting_active": p.reporting_active,
        }
        entries = (
            AuditEntry.objects.filter(object_type=Policy._meta.label, object_id=str(p.pk))
            .select_related("created_by")
            .order_by("-created_at", "-id")[:20]
        )
        # Each change with its field's name in the page's language (报送截止日 5 → 8).
        history = [
            (entry, [(_field_label(name), pair[0], pair[1]) for name, pair in entry.changes.items()])
            for entry in entries
        ]
        context.update(policy=p, form=form or PolicyCalendarForm(initial=initial), history=history)
        return context

    def post(self, request, code):
        form = PolicyCalendarForm(request.POST)
        if form.is_valid():
            try:
                changes = administration.policy_calendar_update(
                    by=request.user, policy=self.policy, **form.cleaned_data
                )
            except AdministrationError as exc:
                form.add_error(None, str(exc))
            else:
                if changes:
                    messages.success(request, _("报送设置已保存，自尚未开始的报告期起生效。"))
                else:
                    messages.info(request, _("报送设置没有变化。"))
                return redirect("policy_calendar", self.policy.code)
        return self.render_to_response(self.get_context_data(form=form), status=400)
