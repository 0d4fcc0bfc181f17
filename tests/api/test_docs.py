"""The API's docs pages load their scripts from the sidecar package's static files, never
from a CDN, and the schema is served to anyone (it is a stable interface)."""

import re

from django.contrib.staticfiles import finders
from django.urls import reverse


def test_the_docs_page_loads_its_assets_from_the_package(client, db):
    html = client.get(reverse("api:docs")).content.decode()

    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css|png))"', html)
    assert assets, html[:500]
    assert not re.findall(r'(?:src|href)="(?:https?:)?//', html), "nothing from another site"
    for asset in assets:
        assert "drf_spectacular_sidecar" in asset
        assert finders.find(asset.split("/static/", 1)[1]), asset


def test_the_schema_is_openapi_3_and_public(client, db):
    response = client.get(reverse("api:schema"), HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")
    assert "tokenAuth" in response.json()["components"]["securitySchemes"]


def test_an_unknown_api_path_is_a_json_404(client, db):
    response = client.get("/api/v1/nothing-here/")

    assert response.status_code == 404
    assert response.json() == {"detail": "没有这个接口。"}
