from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

# The admin edits catalogue data, so it checks it by the catalogue's own rule (pure, no models).
from catalogue.checking import milestone_problems

from .audit import audit_record, field_changes, snapshot
from .models import (
    Assignment,
    AuditEntry,
    Concept,
    Indicator,
    Milestone,
    MonthlyReport,
    Period,
    PeriodLock,
    PeriodUnlock,
    ReportEvent,
    ReportValue,
    Target,
)
from .services import indicator_summary_refresh


def _indicators_of(objs) -> set[int]:
    """The indicators whose city figures or targets these rows feed (none for other rows)."""
    ids = set()
    for obj in objs:
        if isinstance(obj, Indicator):
            ids.add(obj.pk)
        elif isinstance(obj, Target | Assignment):
            ids.add(obj.indicator_id)
        elif isinstance(obj, Milestone):
            ids.add(Target.objects.filter(pk=obj.target_id).values_list("indicator_id", flat=True).first())
    return {pk for pk in ids if pk is not None}


class AuditedAdmin(admin.ModelAdmin):
    """Every save and delete in the admin, of the object and of its inlines, leaves an
    AuditEntry with the fields that changed, as a portal change does; and the city figures
    and the runs' cut-off follow a change to an indicator, a target or an assignment
    (targets.services.indicator_summary_refresh) in the same request."""

    def save_model(self, request, obj, form, change):
        stored = type(obj).objects.filter(pk=obj.pk).first() if change and obj.pk else None
        before = snapshot(stored) if stored else {}
        # An assignment or target moved to another indicator changes the old one's figures too.
        obj._indicators_before = _indicators_of([stored]) if stored else set()
        super().save_model(request, obj, form, change)
        changes = field_changes(before, snapshot(obj))
        if changes:
            audit_record(by=request.user, action="后台修改" if change else "后台新增", obj=obj, changes=changes)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        indicator_summary_refresh(indicators=_indicators_of([obj]) | getattr(obj, "_indicators_before", set()))

    def delete_model(self, request, obj):
        audit_record(by=request.user, action="后台删除", obj=obj, changes=field_changes(snapshot(obj), {}))
        indicators = _indicators_of([obj]) - ({obj.pk} if isinstance(obj, Indicator) else set())
        super().delete_model(request, obj)
        indicator_summary_refresh(indicators=indicators)

    def delete_queryset(self, request, queryset):
        objs = list(queryset)
        for obj in objs:
            audit_record(by=request.user, action="后台删除", obj=obj, changes=field_changes(snapshot(obj), {}))
        indicators = _indicators_of(objs) - {o.pk for o in objs if isinstance(o, Indicator)}
        super().delete_queryset(request, queryset)
        indicator_summary_refresh(indicators=indicators)

    def save_formset(self, request, form, formset, change):
        model = formset.model
        before = {
            o.pk: snapshot(o)
            for o in model.objects.filter(pk__in=[f.instance.pk for f in formset.forms if f.instance.pk])
        }
        for gone in formset.deleted_forms:
            if gone.instance.pk:
                audit_record(
                    by=request.user,
                    action="后台删除",
                    obj=gone.instance,
                    changes=field_changes(before.get(gone.instance.pk, {}), {}),
                )
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects + [o for o, _fields in formset.changed_objects]:
            changes = field_changes(before.get(obj.pk, {}), snapshot(obj))
            if changes:
                audit_record(
                    by=request.user, action="后台修改" if obj.pk in before else "后台新增", obj=obj, changes=changes
                )


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "created_by", "action", "object_type", "summary")
    list_filter = ("action", "object_type")
    search_fields = ("summary", "reason")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Concept)
class ConceptAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0
    show_change_link = True  # 分年度目标 are set on the target's own page
    fields = (
        "value",
        "value_max",
        "comparison",
        "window",
        "year",
        "deadline_date",
        "deadline_inferred",
        "baseline_value",
        "baseline_date",
        "applies_to",
        "source_quote",
    )


class MilestoneFormSet(BaseInlineFormSet):
    """The catalogue's rules for 分年度目标 (``catalogue.checking.milestone_problems``): years
    in the plan period and before the deadline's year, each once, values above 0."""

    def clean(self):
        super().clean()
        target = self.instance
        rows = [
            f.cleaned_data
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("year") is not None
        ]
        milestones = [
            {"year": r["year"], "value": float(r["value"]) if r.get("value") is not None else None} for r in rows
        ]
        policy = target.indicator.policy if target.indicator_id else None
        problems = milestone_problems(
            milestones,
            plan_start=policy.start_date.isoformat() if policy and policy.start_date else None,
            plan_end=policy.end_date.isoformat() if policy and policy.end_date else None,
            deadline=target.deadline_date.isoformat() if target.deadline_date else None,
        )
        if problems:
            raise ValidationError(problems)


class MilestoneInline(admin.TabularInline):
    model = Milestone
    formset = MilestoneFormSet
    extra = 1
    fields = ("year", "value")


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    autocomplete_fields = ("unit",)


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdmin):
    list_display = ("name", "policy", "unit_of_measure", "measure", "rollup", "direction", "concept")
    list_filter = ("policy", "measure", "rollup", "concept")
    search_fields = ("name", "code")
    list_select_related = ("policy", "concept")
    inlines = [TargetInline, AssignmentInline]


@admin.register(Target)
class TargetAdmin(AuditedAdmin):
    list_display = ("indicator", "comparison", "value", "value_max", "window", "year", "deadline_date", "applies_to")
    list_filter = ("window", "comparison", "applies_to", "indicator__policy")
    search_fields = ("indicator__name", "source_quote")
    list_select_related = ("indicator",)
    autocomplete_fields = ("indicator",)
    inlines = [MilestoneInline]


@admin.register(Assignment)
class AssignmentAdmin(AuditedAdmin):
    list_display = ("indicator", "unit", "allocated_value", "is_override")
    list_filter = ("indicator__policy", "is_override")
    search_fields = ("indicator__name", "unit__name")
    list_select_related = ("indicator", "unit")


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ("__str__", "year", "month")
    list_filter = ("year",)


class PeriodUnlockInline(admin.TabularInline):
    model = PeriodUnlock
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PeriodLock)
class PeriodLockAdmin(admin.ModelAdmin):
    """Read only: clearing a lock here would reopen a month for every unit with no reason
    kept. A month is reopened for a unit on the review page (解锁, with its reason)."""

    list_display = ("policy", "period", "opened_at", "locked_at")
    list_filter = ("policy", "period__year")
    inlines = [PeriodUnlockInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReportValueInline(admin.TabularInline):
    model = ReportValue
    extra = 0
    readonly_fields = ("indicator", "value", "note")
    can_delete = False


@admin.register(MonthlyReport)
class MonthlyReportAdmin(admin.ModelAdmin):
    """Read-only here: every change goes through the services so that history is kept."""

    list_display = ("unit", "policy", "period", "state", "version", "submitted_at", "reviewed_at")
    list_filter = ("state", "policy", "period__year")
    search_fields = ("unit__name", "policy__title")
    list_select_related = ("unit", "policy", "period")
    inlines = [ReportValueInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a report's figures leave only through the services, with their history


@admin.register(ReportEvent)
class ReportEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "report", "kind", "field", "old", "new", "created_by", "source")
    list_filter = ("kind", "source")
    search_fields = ("report__unit__name", "field")
    list_select_related = ("report__unit", "report__period", "report__policy", "created_by")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
