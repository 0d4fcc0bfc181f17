"""The 500 page needs neither the database nor the session; while the database cannot be
reached the portal answers with the static 503 page, which the proxy also serves."""

from pathlib import Path
from unittest import mock

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import OperationalError, connections
from django.test import Client, override_settings
from django.urls import path

from tests import factories as f

DOWN = OperationalError("server closed the connection unexpectedly")


def needs_the_database(request):
    get_user_model().objects.count()  # raises while the database is down


def breaks(request):
    raise ValueError("a bug")


# This module is the URLconf of the tests below: one view that needs the database, one that breaks.
urlpatterns = [path("needs-db/", needs_the_database), path("breaks/", breaks)]
handler500 = "portal.views.error_500"


@override_settings(ROOT_URLCONF=__name__)
def test_while_the_database_is_down_the_static_503_page_shows(db):
    client = Client(raise_request_exception=False)
    client.force_login(f.UserFactory())  # so that showing the user would need the session table

    with mock.patch.object(type(connections["default"]), "cursor", side_effect=DOWN):
        response = client.get("/needs-db/")

    # Found by `make drills`: during a PostgreSQL restart every page was a 500 "server error".
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "服务暂时不可用" in page
    assert "几分钟后刷新" in page


@override_settings(ROOT_URLCONF=__name__)
def test_any_other_error_shows_the_500_page(db):
    client = Client(raise_request_exception=False)

    response = client.get("/breaks/")

    assert response.status_code == 500
    page = response.content.decode()
    assert "服务器出错" in page
    assert "请稍后重试" in page


def test_the_500_page_is_plain_html():
    text = (Path(settings.BASE_DIR) / "templates" / "500.html").read_text(encoding="utf-8")
    assert "{%" not in text and "{{" not in text


def test_the_503_page_is_a_static_chinese_page():
    text = (Path(settings.BASE_DIR) / "templates" / "503.html").read_text(encoding="utf-8")
    assert "服务暂时不可用" in text
    assert "{%" not in text and "{{" not in text  # the proxy serves the file as it is


@override_settings(DEBUG=True)
def test_under_debug_an_unknown_address_shows_the_portals_404_not_the_url_patterns(client, db):
    response = client.get("/no-such-page/")

    html = response.content.decode()
    assert response.status_code == 404
    assert "Using the URLconf" not in html and "admin/" not in html
    assert "<!doctype html>" in html.lower()  # the portal's page, with its shell


@override_settings(DEBUG=True, PORTAL_TECHNICAL_ERRORS=True)
def test_a_developer_may_ask_for_the_technical_404(client, db):
    assert "Using the URLconf" in client.get("/no-such-page/").content.decode()
