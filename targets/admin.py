from django.contrib import admin

from .models import (
    Assignment,
    Concept,
    Indicator,
    MonthlyReport,
    Period,
    PeriodLock,
    PeriodUnlock,
    ReportEvent,
    ReportValue,
    Target,
)


@admin.register(Concept)
class ConceptAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0
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
        "source_quote",
    )


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    autocomplete_fields = ("unit",)


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("name", "policy", "unit_of_measure", "measure", "rollup", "direction", "concept")
    list_filter = ("policy", "measure", "rollup", "concept")
    search_fields = ("name", "code")
    list_select_related = ("policy", "concept")
    inlines = [TargetInline, AssignmentInline]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ("indicator", "comparison", "value", "value_max", "window", "year", "deadline_date")
    list_filter = ("window", "comparison", "indicator__policy")
    search_fields = ("indicator__name", "source_quote")
    list_select_related = ("indicator",)


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
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
    readonly_fields = ("unlocked_by", "unlocked_at")


@admin.register(PeriodLock)
class PeriodLockAdmin(admin.ModelAdmin):
    list_display = ("policy", "period", "opened_at", "locked_at")
    list_filter = ("policy", "period__year")
    inlines = [PeriodUnlockInline]


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
