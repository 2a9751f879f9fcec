"""Settings come from the environment; each case runs in a fresh interpreter."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "db": settings.DATABASES["default"]["ENGINE"],
    "db_name": settings.DATABASES["default"]["NAME"],
    "layer": settings.CHANNEL_LAYERS["default"]["BACKEND"],
    "cache": settings.CACHES["default"]["BACKEND"],
    "huey": settings.HUEY["huey_class"],
    "mail": settings.EMAIL_BACKEND,
    "debug": settings.DEBUG,
    "hsts": getattr(settings, "SECURE_HSTS_SECONDS", 0),
    "search": settings.WAGTAILSEARCH_BACKENDS["default"]["BACKEND"],
    "pool": settings.DATABASES["default"].get("OPTIONS", {}).get("pool"),
    "conn_max_age": settings.DATABASES["default"]["CONN_MAX_AGE"],
}))
"""
BASE_ENV = {
    k: v
    for k, v in os.environ.items()
    if k
    not in {
        "DATABASE_URL",
        "REDIS_URL",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DEBUG",
        "VBG_TESTING",
        "EMAIL_URL",
        "ELASTICSEARCH_URL",
        "HUEY_IMMEDIATE",
        "WAGTAILADMIN_BASE_URL",
        "DJANGO_SETTINGS_MODULE",
        "FIELD_ENCRYPTION_KEYS",
        "FIELD_ENCRYPTION_KEY",
        "DB_POOL_MAX_SIZE",
        "CONN_MAX_AGE",
    }
}
PRODUCTION = {
    "SECRET_KEY": "k" * 64 + "-production-like-secret-value",
    "ALLOWED_HOSTS": "portal.example.nl",
    "FIELD_ENCRYPTION_KEYS": "cHJvZHVjdGlvbi1saWtlLWtleS1vZi0zMi1ieXRlcyE=",
    "WAGTAILADMIN_BASE_URL": "https://portal.example.nl",
}


def _run(code: str, **env):
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**BASE_ENV, "DJANGO_SETTINGS_MODULE": "vbg_platform.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _settings(**env) -> dict:
    result = _run(PROBE, **env)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_embedded_defaults():
    s = _settings(DEBUG="true")
    assert s["db"] == "django.db.backends.sqlite3"
    assert s["layer"] == "channels.layers.InMemoryChannelLayer"
    assert s["cache"] == "django.core.cache.backends.db.DatabaseCache"
    assert s["huey"] == "huey.SqliteHuey"
    assert s["mail"] == "django.core.mail.backends.console.EmailBackend"
    assert s["search"] == "wagtail.search.backends.database"
    assert s["debug"] is True


def test_database_and_redis_urls_switch_backends():
    s = _settings(
        DEBUG="true", DATABASE_URL="postgres://vbg@db.example:5432/vbg", REDIS_URL="redis://cache.example:6379/0"
    )
    assert s["db"] == "django.db.backends.postgresql" and s["db_name"] == "vbg"
    assert s["layer"] == "channels_redis.pubsub.RedisPubSubChannelLayer"
    assert s["cache"] == "django_redis.cache.RedisCache"
    assert s["huey"] == "huey.RedisHuey"


def test_postgresql_gets_a_connection_pool_per_process_instead_of_persistent_connections():
    s = _settings(DEBUG="true", DATABASE_URL="postgres://vbg@db.example:5432/vbg", CONN_MAX_AGE="60")
    assert s["pool"] == {"min_size": 1, "max_size": 10, "timeout": 10} and s["conn_max_age"] == 0
    assert (
        _settings(DEBUG="true", DATABASE_URL="postgres://vbg@db.example:5432/vbg", DB_POOL_MAX_SIZE="0")["pool"] is None
    )
    assert _settings(DEBUG="true")["pool"] is None  # SQLite


def test_email_url_switches_to_smtp():
    s = _settings(DEBUG="true", EMAIL_URL="smtp+tls://user:pw@mail.example:587")
    assert s["mail"] == "django.core.mail.backends.smtp.EmailBackend"


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = _run(PROBE, **env)
    assert result.returncode != 0
    assert "SECRET_KEY and ALLOWED_HOSTS" in result.stderr


def test_production_refuses_to_start_without_field_encryption_keys():
    env = {k: v for k, v in PRODUCTION.items() if k != "FIELD_ENCRYPTION_KEYS"}
    result = _run(PROBE, **env)
    assert result.returncode != 0 and "FIELD_ENCRYPTION_KEYS" in result.stderr


def test_production_mode_is_not_debug_and_sets_hsts():
    s = _settings(**PRODUCTION)
    assert s["debug"] is False and s["hsts"] >= 31536000


def test_check_deploy_passes_with_production_values():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**BASE_ENV, "DJANGO_SETTINGS_MODULE": "vbg_platform.settings", **PRODUCTION},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _manage(*args: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**BASE_ENV, "DJANGO_SETTINGS_MODULE": "vbg_platform.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("command", [["check", "--deploy"], ["check"], ["migrate", "--plan"]])
def test_production_without_a_public_base_url_refuses_to_start(command):
    """The default http://127.0.0.1:8000 would go into every survey letter and mail link: the deployment check,
    and in production mode every command that runs the checks (migrate before the server, run_huey), refuse."""
    env = {k: v for k, v in PRODUCTION.items() if k != "WAGTAILADMIN_BASE_URL"}
    result = _manage(*command, **env)
    assert result.returncode != 0
    assert "vbg.E003" in result.stderr and "Set WAGTAILADMIN_BASE_URL" in result.stderr


def test_development_starts_with_the_local_base_url():
    result = _manage("check", DEBUG="true")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_embedded_database_cache_keeps_a_busy_sites_pages_and_parts():
    """Django's default of 300 entries culls a third of the cache on almost every write (review of #22)."""
    import importlib
    import os
    from unittest import mock

    from vbg_platform import settings as portal_settings

    with mock.patch.dict(os.environ, {"REDIS_URL": ""}):
        embedded = importlib.reload(portal_settings)
        try:
            options = embedded.CACHES["default"].get("OPTIONS", {})
            assert embedded.CACHES["default"]["BACKEND"].endswith("DatabaseCache")
            assert options.get("MAX_ENTRIES", 300) >= 10_000
        finally:
            importlib.reload(portal_settings)
