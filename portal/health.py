"""The state of the services the portal depends on, for /healthz and for operators."""

from django.conf import settings
from django.db import connection


def database_state() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # any driver error means "down", and the reason is shown
        return {"ok": False, "vendor": connection.vendor, "error": str(exc)[:200]}


def broker_state(timeout: float = 2.0) -> dict:
    from portal.celery import app

    transport = settings.CELERY_BROKER_URL.split("://", 1)[0]
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
        return {"ok": True, "transport": transport}
    except Exception as exc:  # kombu raises transport-specific errors
        return {"ok": False, "transport": transport, "error": str(exc)[:200]}
