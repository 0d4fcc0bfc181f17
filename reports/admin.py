from django.contrib import admin

from .models import ReportRun


@admin.register(ReportRun)
class ReportRunAdmin(admin.ModelAdmin):
    list_display = ("policy", "kind", "period_label", "version", "status", "progress", "requested_by", "finished_at")
    list_filter = ("kind", "status", "policy")
    readonly_fields = ("checksum", "cutoff_at", "started_at", "finished_at", "task_id")
