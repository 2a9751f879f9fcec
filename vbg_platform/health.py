"""Checks behind /health/: each returns (ok, detail) and never raises."""

import asyncio
import uuid

from asgiref.sync import async_to_sync
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from core.models import WorkerHeartbeat
from core.scanning import scanner_status
from search.engines import database_engine, elasticsearch_engine
from search.selectors import elasticsearch_failures_waiting


def check_database() -> tuple[bool, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return True, connection.vendor


def check_cache() -> tuple[bool, str]:
    key = f"health:{uuid.uuid4().hex}"
    cache.set(key, "ok", 10)
    ok = cache.get(key) == "ok"
    cache.delete(key)
    return ok, settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]


def check_channel_layer() -> tuple[bool, str]:
    from channels.layers import get_channel_layer

    layer = get_channel_layer()

    async def roundtrip():
        channel = await layer.new_channel()
        await layer.send(channel, {"type": "health.ping"})
        message = await asyncio.wait_for(layer.receive(channel), timeout=2)
        return message.get("type") == "health.ping"

    return async_to_sync(roundtrip)(), type(layer).__name__


def check_search() -> tuple[bool, str]:
    """Degraded (not ok) when Elasticsearch is configured but unreachable, or when index updates wait for
    a retry; searches then still work on the database documents."""
    elasticsearch = elasticsearch_engine()
    if elasticsearch is None:
        return database_engine().ping(), "database"
    if not elasticsearch.ping():
        return False, "degraded: elasticsearch unreachable, the database answers searches"
    # An update under way has a row too (attempts 0, see search.indexing): only a failed one, or one whose
    # worker stopped half-way, means the index lags.
    waiting = elasticsearch_failures_waiting()
    if waiting:
        return False, f"degraded: {waiting} index updates wait for a retry"
    return True, "elasticsearch"


def check_worker() -> tuple[bool, str]:
    last_seen = WorkerHeartbeat.objects.filter(name="worker").values_list("last_seen", flat=True).first()
    if last_seen is None:
        return False, "no heartbeat yet"
    age = timezone.now() - last_seen
    return age <= settings.WORKER_HEARTBEAT_MAX_AGE, f"last heartbeat {int(age.total_seconds())}s ago"


def check_upload_scanner() -> tuple[bool, str]:
    return scanner_status()


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "channel_layer": check_channel_layer,
    "search": check_search,
    "worker": check_worker,
    "upload_scanner": check_upload_scanner,
}


def run_checks() -> dict[str, dict]:
    results = {}
    for name, check in CHECKS.items():
        try:
            ok, detail = check()
        except Exception as exc:  # noqa: BLE001 - a failing dependency is a result, not a crash
            ok, detail = False, type(exc).__name__
        results[name] = {"ok": bool(ok), "detail": detail}
    return results
