from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import City, Membership, Policy, Responsibility, Section, Task, Unit


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "province", "parent")
    search_fields = ("code", "name")


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "city", "kind", "code", "sort_order", "is_active")
    list_filter = ("city", "kind", "is_active")
    search_fields = ("name", "code")
    list_select_related = ("city",)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "unit", "policy", "city")
    list_filter = ("role", "city")
    search_fields = ("user__username", "user__first_name", "unit__name", "policy__title")
    autocomplete_fields = ("user", "unit", "policy", "city")
    list_select_related = ("user", "unit", "policy", "city")


class SectionInline(admin.TabularInline):
    model = Section
    fields = ("order", "number", "title", "parent", "depth")
    extra = 0
    show_change_link = True


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ("title", "city", "doc_number", "issued_date", "start_date", "end_date", "reporting_active")
    list_filter = ("city", "reporting_active")
    search_fields = ("title", "code", "doc_number")
    autocomplete_fields = ("lead_unit",)
    filter_horizontal = ("units",)
    fieldsets = (
        (None, {"fields": ("code", "city", "title", "doc_number", "issuing_office", "issued_date", "script")}),
        (_("计划期与牵头单位"), {"fields": ("start_date", "end_date", "lead_unit", "lead_unit_note", "units")}),
        (_("月报设置"), {"fields": ("reporting_active", "due_day", "lock_day", "tolerance")}),
        (
            _("季通报文头"),
            {
                "fields": (
                    "bulletin_doc_prefix",
                    "bulletin_issuer",
                    "bulletin_addressees",
                    "bulletin_copies_to",
                    "bulletin_commend_top",
                    "bulletin_interview_bottom",
                    "bulletin_requirements",
                )
            },
        ),
        (_("原文"), {"fields": ("source_text",), "classes": ("collapse",)}),
    )


class ResponsibilityInline(admin.TabularInline):
    model = Responsibility
    autocomplete_fields = ("unit",)
    extra = 0


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ("__str__", "policy", "section", "counties_implement")
    list_filter = ("policy", "counties_implement")
    search_fields = ("title", "text", "number")
    list_select_related = ("policy", "section")
    inlines = [ResponsibilityInline]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "policy", "order", "depth")
    list_filter = ("policy",)
    search_fields = ("title",)
