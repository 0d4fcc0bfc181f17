from django.urls import path

from . import views

app_name = "policies"
urlpatterns = [
    path("", views.PolicyListView.as_view(), name="policy_list"),
    path("units/", views.UnitListView.as_view(), name="unit_list"),
    path("units/<slug:code>/", views.UnitDetailView.as_view(), name="unit_detail"),
    path("<slug:code>/", views.PolicyDetailView.as_view(), name="policy_detail"),
    path("<slug:code>/source/", views.PolicySourceView.as_view(), name="policy_source"),
]
