from django.urls import path

from . import views
from .excel import views as excel_views

app_name = "targets"
urlpatterns = [
    path("concepts/", views.ConceptListView.as_view(), name="concept_list"),
    path("concepts/<slug:code>/", views.ConceptDetailView.as_view(), name="concept_detail"),
    path("indicators/<slug:code>/history/", views.IndicatorHistoryView.as_view(), name="indicator_history"),
    path("review/<slug:policy>/", views.ReviewQueueView.as_view(), name="review_queue"),
    path("review/<slug:policy>/approve/", views.BulkApproveView.as_view(), name="bulk_approve"),
    path(
        "review/<slug:policy>/<str:month>/excel/", excel_views.PolicyTemplateDownloadView.as_view(), name="policy_excel"
    ),
    path("review/<slug:policy>/<str:month>/upload/", excel_views.UploadView.as_view(), name="policy_upload"),
    path("review/<slug:policy>/<str:month>/lock/", views.PeriodLockView.as_view(), name="period_lock"),
    path("timeliness/<slug:policy>/", views.TimelinessView.as_view(), name="timeliness"),
    path("indicators/<slug:code>/split/", views.AssignmentSplitView.as_view(), name="assignment_split"),
    path("notifications/", views.NotificationListView.as_view(), name="notifications"),
    path("reports/<int:pk>/review/", views.ReportReviewView.as_view(), name="report_review"),
    path("reports/<int:pk>/history/", views.ReportHistoryView.as_view(), name="report_history"),
    path("<slug:policy>/<slug:unit>/<str:month>/", views.ReportEntryView.as_view(), name="report_entry"),
    path(
        "<slug:policy>/<slug:unit>/<str:month>/preview/<int:indicator>/",
        views.ReportPreviewView.as_view(),
        name="report_preview",
    ),
    path(
        "<slug:policy>/<slug:unit>/<str:month>/excel/",
        excel_views.TemplateDownloadView.as_view(),
        name="excel_template",
    ),
    path("<slug:policy>/<slug:unit>/<str:month>/upload/", excel_views.UploadView.as_view(), name="excel_upload"),
]
