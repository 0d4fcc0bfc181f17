from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from policies.models import Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("unit", "policy", "city")


admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    """Access to the portal is its roles (Membership, below), not Django's groups and
    permissions: those are left out (their stored names are English whatever the language)."""

    inlines = [*UserAdmin.inlines, MembershipInline]
    fieldsets = tuple(
        (name, {**options, "fields": tuple(f for f in options["fields"] if f not in ("groups", "user_permissions"))})
        for name, options in UserAdmin.fieldsets
    )
    list_filter = ("is_staff", "is_superuser", "is_active")
