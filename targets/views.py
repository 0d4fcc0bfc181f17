"""Pages of the reporting cycle: entry, history, review queue, and the concept catalogue.

Every view reads through the user's scope: a report of another unit is not found.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from urllib.parse import quote

import tablib
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView
from django_filters.views import FilterView

from policies.models import Unit
from policies.numbers import percent_number
from policies.scope import ScopedMixin, scope_for
from policies.textguard import guard_dataset

from . import calendar, services, versions
from .calendar import policy_asks_for
from .completeness import due_date_of, timeliness
from .entry import entry_rows
from .filters import QueueFilter
from .models import (
    QUEUE_STATES,
    Concept,
    Indicator,
    MonthlyReport,
    Notification,
    Period,
    PeriodLock,
    ReportEvent,
)
from .notifications import notifications_mark_read
from .preview import indicator_preview
from .queue import queue_units
from .review import report_checks

State = MonthlyReport.State
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def parse_month(text: str) -> tuple[int, int]:
    """The month of a URL; 404 for anything that is not one."""
    month = calendar.parse_month(text)
    if month is None:
        raise Http404("报告期格式应为 YYYY-MM")
    return month


def _next_or(request, default: str) -> str:
    """The page the form came from, if it is one of ours; never another site."""
    wanted = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if wanted and safe else default


class ReportContext:
    """The policy, unit and period of a URL, resolved through the user's scope."""

    def __init__(self, request, policy_code: str, unit_code: str, month: str):
        self.scope = scope_for(request.user)
        self.policy = get_object_or_404(self.scope.policies().select_related("city", "lead_unit"), code=policy_code)
        self.unit = get_object_or_404(self.scope.units(), code=unit_code)
        visible = self.scope.can_enter(self.unit.pk) or self.scope.oversees(self.policy)
        if not visible or not Unit.objects.reporting_for(self.policy).filter(pk=self.unit.pk).exists():
            raise Http404("没有这份月报")
        year, month_no = parse_month(month)
        today = timezone.localdate()
        if (year, month_no) > calendar.previous_month(today) or not policy_asks_for(self.policy, year, month_no):
            if not MonthlyReport.objects.filter(
                policy=self.policy, unit=self.unit, period__year=year, period__month=month_no
            ).exists():
                raise Http404("该政策文件在此月份不需要填报")
        self.period = Period.objects.of_month(year, month_no)
        self.report = (
            MonthlyReport.objects.filter(policy=self.policy, unit=self.unit, period__ordinal=self.period.ordinal)
            .select_related("updated_by", "submitted_by", "reviewed_by")
            .first()
        )
        self.can_enter = self.scope.can_enter(self.unit.pk)
        self.can_review = self.scope.can_review(self.policy.pk)
        self.due_date = due_date_of(self.policy, year, month_no)
        # Locked for this unit whether or not it has a report: a unit with nothing filed sees
        # the month closed before it types anything.
        self.lock = services.unit_lock(self.policy.pk, self.period.ordinal, self.unit.pk, today)
        self.locked = self.lock is not None


class ReportEntryView(ScopedMixin, TemplateView):
    """One screen with every indicator the unit reports for the month."""

    template_name = "targets/report_entry.html"

    def load(self, request, *args, **kwargs):
        self.ctx = ReportContext(request, kwargs["policy"], kwargs["unit"], kwargs["month"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ctx = self.ctx
        report = ctx.report
        editable = ctx.can_enter and not ctx.locked and (report is None or report.state in services.EDITABLE)
        # Read when the page renders its rows: not at all when their HTML is in the cache.
        groups = SimpleLazyObject(
            lambda: entry_rows(
                policy=ctx.policy,
                unit=ctx.unit,
                period=ctx.period,
                report=report,
                typed=kwargs.get("posted", {}).get("values"),
            )
        )

        texts = {name: getattr(report, name) if report else "" for name in services.TEXT_FIELDS}

        def loaded_from_rows():
            rows = [row for group in groups for row in group.rows]
            return services.Loaded(
                values={row.indicator.pk: row.typed for row in rows},
                notes={row.indicator.pk: row.value.note if row.value else "" for row in rows},
                texts=texts,
            )

        # What the form is loaded with: a save writes only the fields that differ from it.
        loaded = kwargs.get("loaded") or SimpleLazyObject(loaded_from_rows)
        loaded_texts = kwargs["loaded"].texts if kwargs.get("loaded") else texts  # outside the rows
        conflicts = kwargs.get("conflicts") or []
        # A plain visit (nothing typed, refused or in conflict): the rows' HTML is kept under
        # the data it shows (targets.versions); a save writes a report event, a new key.
        plain = not (kwargs.get("posted") or kwargs.get("loaded") or conflicts or kwargs.get("stale"))
        rows_key = None
        if plain:
            state = (report.pk, report.version, report.state) if report else None
            rows_key = versions.cache_key("entry", ctx.policy, ctx.unit.pk, ctx.period.ordinal, editable, state)
        context.update(
            ctx=ctx,
            report=report,
            policy=ctx.policy,
            unit=ctx.unit,
            period=ctx.period,
            groups=groups,
            editable=editable,
            read_only_reason=read_only_reason(ctx) if not editable else None,
            loaded=loaded,
            conflicts=conflicts,
            conflict_keys={c.key: c for c in conflicts},
            rows_key=rows_key,
            loaded_texts=loaded_texts,
            text_fields=list(services.TEXT_FIELDS.items()),
            is_late=timezone.localdate() > ctx.due_date and (report is None or report.first_submitted_at is None),
        )
        context.setdefault("posted", {})
        context.setdefault("errors", {})
        context.setdefault("warnings", {})
        return context

    def post(self, request, *args, **kwargs):
        ctx = self.ctx
        if not ctx.can_enter:
            raise PermissionDenied("您不是该单位的填报员")
        action = request.POST.get("action", "save")
        form = EntryForm(request.POST)
        try:
            version = int(request.POST.get("version") or 0)
        except ValueError:
            version = -1  # a mangled form is a conflict, never a blind overwrite
        try:
            result = services.report_entry_save(
                policy=ctx.policy,
                unit=ctx.unit,
                period=ctx.period,
                by=request.user,
                version=version,
                values=form.values,
                notes=form.notes,
                texts=form.texts,
                loaded=form.loaded,
                submit=action == "submit",
            )
            if action == "submit":
                messages.success(request, _("%(period)s月报已报送，等待审核。") % {"period": ctx.period.display_name})
            elif result.errors:
                first = next(iter(result.errors.values()))[0]
                messages.warning(
                    request,
                    _("草稿已保存；有数据未通过校验（%(error)s），报送前请修改（已保留原输入）。") % {"error": first},
                )
            else:
                messages.success(request, _("草稿已保存。"))
            return redirect(request.path)
        except services.FieldConflict as exc:
            messages.error(
                request,
                _("您和同事同时修改了%(n)d处相同的数据，尚未保存：请在下方逐项选择保留哪一个值后再保存。")
                % {"n": len(exc.conflicts)},
            )
            ctx.report = exc.report
            return self.render_to_response(
                self.get_context_data(posted=form.merged(exc.current), loaded=exc.current, conflicts=exc.conflicts)
            )
        except services.StaleVersion as exc:
            messages.error(request, str(exc))
            return self.render_to_response(
                self.get_context_data(
                    posted={"values": form.values, "notes": form.notes, "texts": form.texts}, stale=exc.changes
                )
            )
        except services.ReportInvalid as exc:
            messages.error(request, str(exc))
            ctx.report = MonthlyReport.objects.filter(
                policy=ctx.policy, unit=ctx.unit, period__ordinal=ctx.period.ordinal
            ).first()
            return self.render_to_response(self.get_context_data(errors=exc.errors))
        except services.ReportError as exc:
            messages.error(request, str(exc))
            return redirect(request.path)


class EntryForm:
    """The entry page's POST read into figures, notes and texts, with what the page was loaded
    with (was-…) and the user's choice on each conflicting field (keep-…=theirs)."""

    def __init__(self, data):
        def by_id(prefix):
            n = len(prefix)
            return {int(k[n:]): v for k, v in data.items() if k.startswith(prefix) and k[n:].isdigit()}

        self.values = by_id("v-")
        self.notes = by_id("n-")
        self.texts = {name: data.get(name, "") for name in services.TEXT_FIELDS}
        self.loaded = None
        if data.get("loaded") == "1":
            self.loaded = services.Loaded(
                values=by_id("was-v-"),
                notes=by_id("was-n-"),
                texts={name: data.get(f"was-{name}", "") for name in services.TEXT_FIELDS},
            )
            # "Keep the colleague's": the field is left as saved, i.e. as loaded after the conflict.
            for pk in list(self.values):
                if data.get(f"keep-v-{pk}") == "theirs":
                    self.values[pk] = self.loaded.values.get(pk, "")
            for pk in list(self.notes):
                if data.get(f"keep-n-{pk}") == "theirs":
                    self.notes[pk] = self.loaded.notes.get(pk, "")
            for name in self.texts:
                if data.get(f"keep-{name}") == "theirs":
                    self.texts[name] = self.loaded.texts.get(name, "")

    def merged(self, current: services.Loaded) -> dict:
        """The form shown again after a conflict: the user's changes over the saved fields."""
        loaded = self.loaded or services.Loaded()

        def pick(mine, was, now):
            return {k: (v if not services.same_field(v, was.get(k, "")) else now.get(k, "")) for k, v in mine.items()}

        return {
            "values": pick(self.values, loaded.values, current.values),
            "notes": pick(self.notes, loaded.notes, current.notes),
            "texts": pick(self.texts, loaded.texts, current.texts),
        }


def read_only_reason(ctx: ReportContext) -> str:
    """Why the entry page shows figures instead of inputs, and who can open it again."""
    report = ctx.report
    if not ctx.can_enter:
        return _("您可以查看本月报，填报由该单位的填报员负责。")
    if ctx.locked:
        lock = ctx.lock
        if lock.locked_by_id:
            who = lock.locked_by.get_full_name() or lock.locked_by.username
            closed = _("审核员%(who)s于%(day)s提前关闭了本报告期") % {
                "who": who,
                "day": date_format(timezone.localtime(lock.locked_at), "MONTH_DAY_FORMAT"),
            }
        else:
            closed = _("本报告期已于%(day)s到期锁定") % {
                "day": date_format(timezone.localtime(lock.locked_at), "MONTH_DAY_FORMAT")
            }
        return closed + _("，不能再填报或修改。如需补报或更正，请联系系统管理员为本单位解锁。")
    if report.state == MonthlyReport.State.APPROVED:
        who = report.reviewed_by.get_full_name() or report.reviewed_by.username if report.reviewed_by else ""
        return _("本月报已由%(who)s审核通过，不能修改。如需更正，请联系审核员在本页“退回更正”。") % {"who": who}
    return _("本月报已报送，等待审核，不能修改。如需修改，请联系审核员退回。")


class ReportPreviewView(ScopedMixin, TemplateView):
    """The light and running total of one row of the entry page for the figure being typed
    (htmx, GET): the dashboards' formulas over the unit's approved months and this figure.
    Reads only; a report or period that does not exist yet is not created."""

    template_name = "targets/includes/_entry_preview.html"

    def load(self, request, *args, **kwargs):
        self.ctx = ReportContext(request, kwargs["policy"], kwargs["unit"], kwargs["month"])
        self.indicator = get_object_or_404(
            Indicator.objects.filter(policy=self.ctx.policy, assignments__unit=self.ctx.unit).prefetch_related(
                "targets__milestones"
            ),
            pk=kwargs["indicator"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ctx, indicator = self.ctx, self.indicator
        context.update(
            preview=indicator_preview(
                policy=ctx.policy,
                unit=ctx.unit,
                indicator=indicator,
                at=(ctx.period.year, ctx.period.month),
                raw=self.request.GET.get(f"v-{indicator.pk}", ""),
            ),
            oob=True,
        )
        return context


class ReportReviewView(ScopedMixin, View):
    """Approve, return with a reason, or reopen an approved report for correction."""

    def post(self, request, pk):
        scope = self.scope
        report = get_object_or_404(
            MonthlyReport.objects.visible_to(scope).select_related("policy", "unit", "period"), pk=pk
        )
        if not scope.can_review(report.policy_id):
            raise PermissionDenied("只有该政策文件的审核员可以审核")
        action = request.POST.get("action")
        try:
            if action == "approve":
                services.report_approve(report=report, by=request.user)
                messages.success(
                    request,
                    _("已审核通过：%(unit)s%(period)s月报。")
                    % {"unit": report.unit, "period": report.period.display_name},
                )
            elif action == "return":
                services.report_return(report=report, by=request.user, reason=request.POST.get("reason", ""))
                messages.success(
                    request,
                    _("已退回：%(unit)s%(period)s月报，填报员会看到原因。")
                    % {"unit": report.unit, "period": report.period.display_name},
                )
            else:
                raise services.ReportError("未知操作")
        except services.ReportError as exc:
            messages.error(request, str(exc))
        return redirect(_next_or(request, report_url(report)))


class ReportHistoryView(ScopedMixin, DetailView):
    template_name = "targets/report_history.html"
    context_object_name = "report"

    def get_queryset(self):
        return MonthlyReport.objects.visible_to(self.scope).with_listing()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["events"] = self.object.events.select_related("created_by", "indicator").order_by("-created_at", "-id")
        return context


class IndicatorHistoryView(ScopedMixin, DetailView):
    """Every change to one indicator's figures, across the units and months the user sees."""

    template_name = "targets/indicator_history.html"
    context_object_name = "indicator"
    slug_field = slug_url_kwarg = "code"

    def get_queryset(self):
        return Indicator.objects.filter(policy__in=self.scope.policies()).select_related("policy", "task")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scope = self.scope
        context["events"] = (
            ReportEvent.objects.filter(indicator=self.object)
            .filter(scope.report_filter("report__"))
            .select_related("created_by", "report__unit", "report__period")
            .order_by("-created_at", "-id")[:500]
        )
        return context


def report_url(report: MonthlyReport) -> str:
    return reverse(
        "targets:report_entry",
        kwargs={"policy": report.policy.code, "unit": report.unit.code, "month": report.period.label},
    )


class ConceptListView(ScopedMixin, ListView):
    template_name = "targets/concept_list.html"
    context_object_name = "concepts"

    def get_queryset(self):
        visible = self.scope.comparison_policies()
        in_scope = Q(indicators__policy__in=visible)
        return (
            Concept.objects.annotate(
                indicator_count=Count("indicators", filter=in_scope, distinct=True),
                city_count=Count("indicators__policy__city", filter=in_scope, distinct=True),
            )
            .filter(indicator_count__gt=0)
            .order_by("-city_count", "code")
        )  # nothing to compare: not listed


class ConceptDetailView(ScopedMixin, DetailView):
    template_name = "targets/concept_detail.html"
    slug_field = slug_url_kwarg = "code"
    context_object_name = "concept"
    queryset = Concept.objects.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        visible = self.scope.comparison_policies()
        context["indicators"] = (
            Indicator.objects.filter(concept=self.object, policy__in=visible)
            .select_related("policy__city", "task")
            .prefetch_related("targets")
            .order_by("policy__city__code", "policy__code", "order")
        )
        # Another city's document is named, but only the user's own are opened.
        context["readable"] = set(self.scope.policies().values_list("id", flat=True))
        return context


class ReviewQueueView(ScopedMixin, FilterView):
    """The reviewer's queue for a policy and month: every unit × state, late flags, each
    report's figures and warnings, bulk approve. A plain loop in the template, not a
    django-tables2 table: its per-cell machinery cost more than the rest of the page."""

    template_name = "targets/review_queue.html"
    filterset_class = QueueFilter
    SORTS = ("name", "kind", "state", "timeliness", "first_submitted_at")

    def load(self, request, *args, **kwargs):
        scope = self.scope
        self.policy = get_object_or_404(scope.overseen_policies().select_related("city"), code=kwargs["policy"])
        self.can_review = scope.can_review(self.policy.pk)
        months = self.months()
        default = months[-1] if months else calendar.previous_month(timezone.localdate())
        year, month = parse_month(request.GET.get("month") or f"{default[0]}-{default[1]:02d}")
        self.period = Period.objects.of_month(year, month)
        # Read once: the rows, the counts and the late flags all need it.
        self.due_date = due_date_of(self.policy, year, month)
        sort = request.GET.get("sort", "")
        self.sort = sort if sort.lstrip("-") in self.SORTS else ""

    def get_queryset(self):
        units = queue_units(self.policy, self.period, self.due_date)
        return units.order_by(self.sort, "sort_order", "name") if self.sort else units

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = list(self.object_list)
        if self.filterset.is_bound and self.filterset.form.has_changed():
            states = queue_units(self.policy, self.period, self.due_date).values_list("state", "timeliness")
        else:
            # Unfiltered, the rows are every unit already: counted from them, no second query.
            states = [(unit.state, unit.timeliness) for unit in rows]
        counts = Counter(state for state, _timeliness in states)
        late = sum(1 for _state, timeliness in states if timeliness == "late")
        reports = MonthlyReport.objects.filter(policy=self.policy, period__ordinal=self.period.ordinal).select_related(
            "period"
        )
        # Every report's figures against their history, rendered once per change of the data
        # (targets.versions): 20 units × 134 indicators is 2,680 figures to judge and show.
        key = versions.cache_key("queue-checks", self.policy, self.period.ordinal)
        checks = versions.cached(key, lambda: rendered_checks(reports))
        for unit in rows:
            unit.check = checks.get(unit.report_id)
        lock = PeriodLock.objects.filter(policy=self.policy, period__ordinal=self.period.ordinal)
        if self.scope.is_admin:  # only the administrator's unlock form lists the unlocks
            lock = lock.prefetch_related("unlocks__unit", "unlocks__unlocked_by")
        context.update(
            policy=self.policy,
            period=self.period,
            rows=rows,
            sort=self.sort,
            sort_headers=[
                ("name", _("填报单位")),
                ("kind", _("类型")),
                ("state", _("状态")),
                ("timeliness", _("报送")),
                ("first_submitted_at", _("首次报送")),
            ],
            overdue=timezone.localdate() > self.due_date,
            can_review=self.can_review,
            counts={k: counts.get(k, 0) for k in QUEUE_STATES},
            total=sum(counts.values()),
            late=late,
            due_date=self.due_date,
            months=[f"{y}-{m:02d}" for y, m in reversed(self.months())],
            lock=lock.first(),
        )
        return context

    def months(self):
        """Every month the policy asked for, up to the one open now."""
        return calendar.asked_months(self.policy, calendar.previous_month(timezone.localdate()))


def rendered_checks(reports) -> dict[int, str]:
    """Each report's figures, warnings and notes (targets.review.report_checks) as the
    queue shows them, by report id."""
    return {
        pk: render_to_string("targets/includes/_report_check.html", {"check": check})
        for pk, check in report_checks(reports).items()
    }


class BulkApproveView(ScopedMixin, View):
    """Bulk approval in two steps: the chosen reports are listed first (those with warnings
    apart, each to be confirmed on its own); only the confirming POST approves."""

    def post(self, request, policy):
        scope = self.scope
        policy = get_object_or_404(scope.overseen_policies().select_related("city"), code=policy)
        if not scope.can_review(policy.pk):
            raise PermissionDenied("只有该政策文件的审核员可以审核")
        ids = [int(i) for i in request.POST.getlist("report") if i.isdigit()]
        back = _next_or(request, reverse("targets:review_queue", args=[policy.code]))
        if request.POST.get("confirm") != "1":
            reports = list(
                MonthlyReport.objects.filter(policy=policy, pk__in=ids, state=State.SUBMITTED)
                .select_related("unit", "period")
                .order_by("unit__sort_order", "unit__name")
            )
            if not reports:
                messages.warning(request, _("没有选中待审核的月报。"))
                return redirect(back)
            checks = report_checks(reports)
            rows = [(r, checks[r.pk]) for r in reports]
            return render(
                request,
                "targets/bulk_approve_confirm.html",
                {
                    "policy": policy,
                    "clean": [(r, c) for r, c in rows if not c.has_warnings],
                    "warned": [(r, c) for r, c in rows if c.has_warnings],
                    "back": back,
                },
            )
        confirmed = [int(i) for i in request.POST.getlist("confirmed") if i.isdigit()]
        result = services.reports_approve(policy=policy, ids=ids, by=request.user, confirmed=confirmed)
        if result.approved:
            messages.success(request, _("已批量审核通过 %(n)d 份月报。") % {"n": len(result.approved)})
        if result.skipped:
            names = "、".join(r.unit.name for r in result.skipped)
            messages.warning(
                request, _("%(names)s 的月报有预警且未逐份确认，未审核通过，请打开逐份审核。") % {"names": names}
            )
        if not result.approved and not result.skipped:
            messages.warning(request, _("没有选中待审核的月报。"))
        return redirect(back)


class AssignmentSplitView(ScopedMixin, TemplateView):
    """分解下达: the reviewer splits a city target across the units that report it."""

    template_name = "targets/assignment_split.html"

    def load(self, request, *args, **kwargs):
        scope = self.scope
        self.indicator = get_object_or_404(
            Indicator.objects.filter(policy__in=scope.overseen_policies()).select_related("policy", "task"),
            code=kwargs["code"],
        )
        self.can_review = scope.can_review(self.indicator.policy_id)

    def get_context_data(self, proposal=None, **kwargs):
        context = super().get_context_data(**kwargs)
        assignments = list(self.indicator.assignments.select_related("unit").order_by("unit__sort_order"))
        target = self.indicator.targets.order_by("order").first()
        values = [(proposal or {}).get(a.unit_id, a.allocated_value) for a in assignments]
        given = [v for v in values if v is not None]
        context.update(
            indicator=self.indicator,
            target=target,
            can_review=self.can_review,
            rows=list(zip(assignments, values, strict=True)),
            total=sum(given, 0) if given else None,
            difference=(target.value - sum(given, 0)) if target is not None and given else None,
            proposal=proposal is not None,
        )
        return context

    def post(self, request, code):
        if not self.can_review:
            raise PermissionDenied("只有审核员可以分解目标")
        action = request.POST.get("action", "save")
        if action in ("equal", "last_year"):
            proposal = services.split_proposal(indicator=self.indicator, method=action, year=timezone.localdate().year)
            messages.info(
                request, "已按" + ("平均分配" if action == "equal" else "上年实际占比") + "生成建议，请核对后保存。"
            )
            return self.render_to_response(self.get_context_data(proposal=proposal))
        shares = {int(k[2:]): v for k, v in request.POST.items() if k.startswith("s-") and k[2:].isdigit()}
        try:
            difference = services.assignment_split(indicator=self.indicator, shares=shares, by=request.user)
        except services.ReportError as exc:
            messages.error(request, str(exc))
            return redirect(request.path)
        if difference:
            messages.warning(request, f"已保存；各单位分解合计与全市目标相差 {difference.normalize():f}。")
        else:
            messages.success(request, "已保存分解目标。")
        return redirect(request.path)


class TimelinessView(ScopedMixin, TemplateView):
    """Completeness and timeliness per unit and month; downloadable."""

    template_name = "targets/timeliness.html"

    def get(self, request, *args, **kwargs):
        scope = self.scope
        self.policy = get_object_or_404(scope.overseen_policies().select_related("city"), code=kwargs["policy"])
        today = timezone.localdate()
        default_year = min(today.year, self.policy.end_date.year) if self.policy.end_date else today.year
        try:
            self.year = int(request.GET.get("year") or default_year)
        except ValueError:
            raise Http404("年份无效") from None
        self.months, self.rows = timeliness(self.policy, self.year, today=today)
        export = request.GET.get("_export")
        if export in ("csv", "xlsx"):
            return self.export(export)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        start = self.policy.start_date.year if self.policy.start_date else self.year
        end = min(self.policy.end_date.year, timezone.localdate().year) if self.policy.end_date else self.year
        context.update(
            policy=self.policy, year=self.year, months=self.months, rows=self.rows, years=list(range(start, end + 1))
        )
        return context

    def export(self, fmt: str):
        data = tablib.Dataset(
            headers=[
                "单位",
                *[f"{m}月" for m in self.months],
                "按时",
                "逾期",
                "未报",
                "一季度按时率",
                "二季度按时率",
                "三季度按时率",
                "四季度按时率",
                "全年按时率",
            ]
        )
        labels = {"on_time": "按时", "late": "逾期", "missing": "未报", "pending": "未到期"}
        for row in self.rows:
            rates = [percent_number(r) for r in [*row.quarter_rates(), row.rate()]]
            data.append(
                [
                    row.unit.name,
                    *[labels[row.marks[m]] for m in self.months],
                    row.count("on_time"),
                    row.count("late"),
                    row.count("missing"),
                    *rates,
                ]
            )
        name = f"{self.policy.city.name}-{self.year}-报送及时率.{fmt}"
        body = guard_dataset(data).export(fmt)  # a unit's name is text, never a formula
        response = HttpResponse(
            body.encode("utf-8-sig") if fmt == "csv" else body,
            content_type="text/csv; charset=utf-8" if fmt == "csv" else XLSX,
        )
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        return response


class PeriodLockView(ScopedMixin, View):
    """The reviewer closes a period early; an administrator reopens it for one unit, with a reason."""

    def post(self, request, policy, month):
        scope = self.scope
        policy = get_object_or_404(scope.overseen_policies(), code=policy)
        year, month_no = parse_month(month)
        period = Period.objects.of_month(year, month_no)
        back = reverse("targets:review_queue", args=[policy.code]) + f"?month={period.label}"
        month = {"policy": policy, "year": year, "month": month_no}
        if request.POST.get("action") == "close":
            if not scope.can_review(policy.pk):
                raise PermissionDenied(_("只有审核员可以关闭报告期"))
            services.period_close(**month, by=request.user)
            messages.success(request, _("%(period)s报告期已关闭，各单位不能再修改。") % {"period": period.display_name})
            return redirect(back)
        if not scope.is_admin:
            raise PermissionDenied(_("只有管理员可以解锁报告期"))
        unit = get_object_or_404(Unit.objects.reporting_for(policy), code=request.POST.get("unit"))
        try:
            until = dt.date.fromisoformat(request.POST.get("until") or "")
        except ValueError:
            until = timezone.localdate() + dt.timedelta(days=3)
        try:
            services.period_unlock(
                **month, unit=unit, by=request.user, reason=request.POST.get("reason", ""), until_date=until
            )
        except services.ReportError as exc:
            messages.error(request, str(exc))
            return redirect(back)
        messages.success(
            request,
            _("已为%(unit)s解锁%(period)s至%(until)s，原因已记录。")
            % {"unit": unit.name, "period": period.display_name, "until": date_format(until, "MONTH_DAY_FORMAT")},
        )
        return redirect(back)


class NotificationListView(ScopedMixin, ListView):
    template_name = "targets/notification_list.html"
    context_object_name = "notifications"
    paginate_by = 50

    def get_queryset(self):
        return Notification.objects.filter(user=self.request.user)

    def post(self, request):
        notifications_mark_read(user=request.user)
        messages.success(request, "已全部标为已读。")
        return redirect("targets:notifications")
