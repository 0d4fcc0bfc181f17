from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("indicator/<slug:code>/", views.IndicatorDashboardView.as_view(), name="indicator"),
    path("unit/<slug:code>/", views.UnitDashboardView.as_view(), name="unit"),
    path("concept/<slug:code>/", views.ConceptDashboardView.as_view(), name="concept"),
    path("<slug:policy>/", views.PolicyDashboardView.as_view(), name="policy"),
]
