from django.urls import path, re_path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import converters, views

register_converter(converters.MonthConverter, "month")
register_converter(converters.IdConverter, "id")

app_name = "api"
MONTH = "<slug:policy>/units/<slug:unit>/months/<month:month>"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("policies/", views.PolicyListView.as_view(), name="policy_list"),
    path("policies/<slug:code>/", views.PolicyDetailView.as_view(), name="policy_detail"),
    path("policies/<slug:code>/periods/", views.PolicyPeriodsView.as_view(), name="policy_periods"),
    path("policies/<slug:code>/evaluation/", views.PolicyEvaluationView.as_view(), name="policy_evaluation"),
    path("policies/<slug:code>/runs/", views.PolicyRunsView.as_view(), name="policy_runs"),
    path(f"policies/{MONTH}/", views.MonthEntryView.as_view(), name="month_entry"),
    path(f"policies/{MONTH}/submit/", views.MonthSubmitView.as_view(), name="month_submit"),
    path("units/", views.UnitListView.as_view(), name="unit_list"),
    path("periods/", views.PeriodListView.as_view(), name="period_list"),
    path("reports/", views.ReportListView.as_view(), name="report_list"),
    path("reports/<id:pk>/", views.ReportDetailView.as_view(), name="report_detail"),
    path("reports/<id:pk>/approve/", views.ReportApproveView.as_view(), name="report_approve"),
    path("reports/<id:pk>/return/", views.ReportReturnView.as_view(), name="report_return"),
    path("runs/<id:pk>/download/", views.RunDownloadApiView.as_view(), name="run_download"),
    # Anything else under /api/v1/ is a JSON 404, not the site's HTML page.
    re_path(r"^.*$", views.not_found),
]
