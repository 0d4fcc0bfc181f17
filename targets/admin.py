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


class AuditedAdmin(admin.ModelAdmin):
    """Every save and delete in the admin, of the object and of its inlines, leaves an
    AuditEntry with the fields that changed, as a portal change does."""

    def save_model(self, request, obj, form, change):
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else {}
        super().save_model(request, obj, form, change)
        changes = field_changes(before, snapshot(obj))
        if changes:
            audit_record(by=request.user, action="后台修改" if change else "后台新增", obj=obj, changes=changes)

    def delete_model(self, request, obj):
        audit_record(by=request.user, action="后台删除", obj=obj, changes=field_changes(snapshot(obj), {}))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit_record(by=request.user, action="后台删除", obj=obj, changes=field_changes(snapshot(obj), {}))
        super().delete_queryset(request, queryset)

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
