from django.urls import path

from . import views

app_name = "targets"
urlpatterns = [
    path("concepts/", views.ConceptListView.as_view(), name="concept_list"),
    path("concepts/<slug:code>/", views.ConceptDetailView.as_view(), name="concept_detail"),
]
