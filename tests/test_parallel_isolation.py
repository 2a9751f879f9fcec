"""Parallel test workers (pytest-xdist, `make test`) share nothing: each has its own Redis db, channel-layer
prefix and media directory (vbg_platform/settings_test.py, tests/conftest.py); pytest-django gives each its own
test database. Tests flush the cache (FLUSHDB) and Redis pub/sub reaches every db of a server, so two workers on
one Redis db or prefix would empty each other's cache and hear each other's notifications."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "cache": settings.CACHES["default"]["LOCATION"],
    "huey": settings.HUEY.get("url"),
    "layer_prefix": settings.CHANNEL_LAYERS["default"].get("CONFIG", {}).get("prefix"),
    "redis_url": settings.REDIS_URL,
}))
"""


def _test_settings(**env) -> dict:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTEST_XDIST_WORKER", "REDIS_URL", "CHANNEL_LAYER_PREFIX", "DATABASE_URL"}
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "vbg_platform.settings_test", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_each_worker_has_its_own_redis_db_and_channel_prefix():
    first = _test_settings(REDIS_URL="redis://127.0.0.1:6379/5", PYTEST_XDIST_WORKER="gw0")
    second = _test_settings(REDIS_URL="redis://127.0.0.1:6379/5", PYTEST_XDIST_WORKER="gw1")
    assert first["cache"] == first["huey"] == first["redis_url"] == "redis://127.0.0.1:6379/5"
    assert second["cache"] == second["huey"] == second["redis_url"] == "redis://127.0.0.1:6379/6"
    assert first["layer_prefix"] != second["layer_prefix"]


def test_a_server_started_by_a_worker_uses_the_workers_redis_db_and_prefix():
    """A subprocess (the ws_broadcast bench's server) inherits the worker's environment and loads the settings
    again: it must land on the same db and prefix as its worker, not shift them once more."""
    worker = _test_settings(REDIS_URL="redis://127.0.0.1:6379/5", PYTEST_XDIST_WORKER="gw1")
    child = _test_settings(
        REDIS_URL="redis://127.0.0.1:6379/5", PYTEST_XDIST_WORKER="gw1", CHANNEL_LAYER_PREFIX=worker["layer_prefix"]
    )
    assert child == worker


def test_outside_xdist_the_redis_url_is_used_as_given():
    alone = _test_settings(REDIS_URL="redis://127.0.0.1:6379/5")
    assert alone["cache"] == alone["redis_url"] == "redis://127.0.0.1:6379/5"
    assert alone["layer_prefix"] == "vbg5"  # the db number, as in production (vbg_platform/channel_layers.py)


def test_too_many_workers_for_the_redis_dbs_is_a_clear_error():
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "vbg_platform.settings_test",
            "REDIS_URL": "redis://127.0.0.1:6379/14",
            "PYTEST_XDIST_WORKER": "gw2",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "Redis db 16" in result.stderr


def test_uploads_of_a_test_run_never_go_to_the_checkouts_media_directory():
    assert Path(settings.MEDIA_ROOT).resolve() != (ROOT / "var" / "media").resolve()
    assert not Path(settings.MEDIA_ROOT).resolve().is_relative_to(ROOT)
