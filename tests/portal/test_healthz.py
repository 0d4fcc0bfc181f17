import pytest
from django.core.exceptions import ImproperlyConfigured

from portal import health


def test_healthz_reports_database_and_broker(client, db):
    response = client.get("/healthz")

    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True


def test_healthz_answers_503_when_the_broker_is_down(client, db, monkeypatch):
    monkeypatch.setattr(health, "broker_state", lambda: {"ok": False, "error": "refused"})
    monkeypatch.setattr("portal.views.broker_state", health.broker_state)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["broker"]["error"] == "refused"


def test_settings_refuse_the_development_key_without_debug(monkeypatch):
    import importlib

    import portal.settings.base as base

    monkeypatch.setenv("DEBUG", "false")
    monkeypatch.delenv("SECRET_KEY", raising=False)

    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        importlib.reload(base)

    monkeypatch.setenv("DEBUG", "true")
    importlib.reload(base)


def test_settings_fail_loudly_on_a_malformed_boolean(monkeypatch):
    import importlib

    import portal.settings.base as base

    monkeypatch.setenv("DEBUG", "maybe")

    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        importlib.reload(base)

    monkeypatch.setenv("DEBUG", "true")
    importlib.reload(base)


def test_the_portal_speaks_chinese_and_switches_to_english(client, db):
    assert "用户名" in client.get("/accounts/login/").content.decode()

    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})

    assert "User name" in client.get("/accounts/login/").content.decode()
