from django.urls import path

from . import web

app_name = "tokens"
urlpatterns = [
    path("", web.ApiTokenListView.as_view(), name="list"),
    path("<int:pk>/revoke/", web.ApiTokenRevokeView.as_view(), name="revoke"),
]
