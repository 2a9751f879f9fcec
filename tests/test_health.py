import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from core.models import WorkerHeartbeat
from core.tasks import record_heartbeat

pytestmark = pytest.mark.django_db


def test_all_parts_fine(client):
    record_heartbeat()
    response = client.get("/health/")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "ok" and body["failing"] == []
    assert set(body["checks"]) == {"database", "cache", "channel_layer", "search", "worker", "upload_scanner"}


def test_a_stale_worker_is_named(client):
    WorkerHeartbeat.objects.create(name="worker", last_seen=timezone.now() - datetime.timedelta(hours=1))
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["failing"] == ["worker"]


def test_an_unreachable_cache_is_named(client):
    record_heartbeat()
    unreachable = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    with override_settings(CACHES=unreachable):
        from django.core.cache import caches

        caches._settings = None  # let the handler re-read CACHES
        try:
            response = client.get("/health/")
        finally:
            caches._settings = None
    assert response.status_code == 503
    assert "cache" in response.json()["failing"]


def test_health_reveals_no_secrets(client):
    record_heartbeat()
    text = client.get("/health/").content.decode()
    assert "SECRET" not in text and "password" not in text.lower()


def test_an_unreachable_virus_scanner_is_named(client, settings):
    settings.UPLOAD_SCANNER = "clamd"
    settings.CLAMD_ADDRESS = "127.0.0.1:1"
    response = client.get("/health/")
    assert response.status_code == 503 and "upload_scanner" in response.json()["failing"]
