from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import administration, views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("policies/", include("policies.urls")),
    path("targets/ingest/", include("catalogue.urls")),
    path("targets/", include("targets.urls")),
    path("dashboards/", include("reports.urls")),
    path("manage/roles/", administration.MembershipListView.as_view(), name="membership_list"),
    path("manage/calendars/", administration.PolicyCalendarListView.as_view(), name="policy_calendar_list"),
    path("manage/calendars/<slug:code>/", administration.PolicyCalendarUpdateView.as_view(), name="policy_calendar"),
    path("supervision/", include("supervision.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("accounts/tokens/", include("api.web_urls")),
]

handler400 = "portal.views.error_400"
handler403 = "portal.views.error_403"
handler404 = "portal.views.error_404"
handler500 = "portal.views.error_500"

admin.site.site_header = _("政策目标任务调度平台 · 管理")
admin.site.site_title = _("政策目标任务调度平台")
admin.site.index_title = _("系统管理")
