from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("indicator/<slug:code>/", views.IndicatorDashboardView.as_view(), name="indicator"),
    path("unit/<slug:code>/", views.UnitDashboardView.as_view(), name="unit"),
    path("concept/<slug:code>/", views.ConceptDashboardView.as_view(), name="concept"),
    path("runs/<int:pk>/progress/", views.RunProgressView.as_view(), name="run_progress"),
    path("runs/<int:pk>/download/", views.RunDownloadView.as_view(), name="run_download"),
    path("runs/<int:pk>/issue/", views.RunIssueView.as_view(), name="run_issue"),
    path("<slug:policy>/", views.PolicyDashboardView.as_view(), name="policy"),
    path("<slug:policy>/archive/", views.RunArchiveView.as_view(), name="run_archive"),
    path("<slug:policy>/dispatch/", views.DispatchPageView.as_view(), name="dispatch"),
    path("<slug:policy>/assessment/", views.AssessmentView.as_view(), name="assessment"),
    path("<slug:policy>/letter/", views.BulletinLetterView.as_view(), name="bulletin_letter"),
]
