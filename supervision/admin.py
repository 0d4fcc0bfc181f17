from django.contrib import admin

from .models import Firm, Problem, ProblemEvent, SupervisionSettings, Urge, Visit


@admin.register(SupervisionSettings)
class SupervisionSettingsAdmin(admin.ModelAdmin):
    list_display = ("policy", "acknowledge_days", "opinion_days", "close_days", "working_days", "explanation_days")


class ProblemEventInline(admin.TabularInline):
    model = ProblemEvent
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "text", "unit", "due_date", "from_state", "to_state", "created_by", "created_at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Problem)
class ProblemAdmin(admin.ModelAdmin):
    """Read-only: every step goes through the ledger's pages so that it is kept."""

    list_display = ("number", "title", "policy", "assignee", "state", "due_date")
    list_filter = ("state", "kind", "policy")
    search_fields = ("number", "title", "firm_name")
    inlines = [ProblemEventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Urge)
class UrgeAdmin(admin.ModelAdmin):
    list_display = ("kind", "policy", "unit", "period_label", "recipients", "channels", "created_by", "created_at")
    list_filter = ("kind", "policy")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Firm)
class FirmAdmin(admin.ModelAdmin):
    list_display = ("name", "credit_code", "official", "policy")
    list_filter = ("policy",)


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ("visit_date", "firm", "official")
