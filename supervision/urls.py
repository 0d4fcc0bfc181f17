from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("", views.SupervisionIndexView.as_view(), name="index"),
    path("reports/<int:pk>/problems/", views.ReportProblemsView.as_view(), name="report_problems"),
    path("evidence/<int:pk>/", views.EvidenceDownloadView.as_view(), name="evidence_download"),
    path("<slug:policy>/", views.ProblemListView.as_view(), name="problem_list"),
    path("<slug:policy>/raise/", views.ProblemRaiseView.as_view(), name="problem_raise"),
    path("<slug:policy>/problems/<str:number>/", views.ProblemDetailView.as_view(), name="problem_detail"),
    path("<slug:policy>/urges/", views.UrgeListView.as_view(), name="urge_list"),
    path("<slug:policy>/explain/", views.ExplanationRequestView.as_view(), name="explanation_request"),
    path("<slug:policy>/visits/", views.VisitListView.as_view(), name="visit_list"),
    path("<slug:policy>/assessment/items/", views.AssessmentItemAddView.as_view(), name="assessment_item_add"),
]
