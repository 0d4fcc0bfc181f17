from django.urls import path

from . import views

app_name = "catalogue"
urlpatterns = [
    path("", views.IngestUploadView.as_view(), name="ingest_upload"),
    path("<int:pk>/", views.IngestReviewView.as_view(), name="ingest_review"),
]
