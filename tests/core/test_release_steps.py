"""The release steps in the documented order (migrate, createcachetable, seed_reference_data) work on a fresh
PostgreSQL database, with and without Redis: the cache table does not exist while migrating, and a cache
version bump from a data migration's signals must neither fail nor abort the migration's transaction."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection, transaction
from django.test import override_settings

from core import page_cache

ROOT = Path(__file__).resolve().parents[2]
MISSING_TABLE_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "vbg_cache_not_created"}
}


@pytest.mark.django_db
@override_settings(CACHES=MISSING_TABLE_CACHE)
def test_a_missing_cache_table_never_aborts_the_surrounding_transaction(django_user_model):
    with transaction.atomic():
        page_cache.invalidate()
        page_cache.cache_write("some-key", "value", 60, "Test cache")
        assert page_cache.cache_read("some-key", "Test cache") is None
        assert page_cache.version() == 0  # the cache is down: nothing is looked up or stored
        # On PostgreSQL a failed statement would have aborted the transaction: this would raise InternalError.
        assert django_user_model.objects.count() == 0


def _server_dsn() -> str:
    settings = connection.settings_dict
    host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    return f"host={host} port={port} user={settings['USER']} dbname=postgres"


@pytest.mark.django_db
@pytest.mark.parametrize("redis", [False, True], ids=["without_redis", "with_redis"])
def test_release_steps_in_the_documented_order_on_a_fresh_postgresql_database(redis):
    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL pass of the suite (CI), on a database of its own")
    name = f"vbg_release_{uuid.uuid4().hex[:10]}"
    settings = connection.settings_dict
    with psycopg.connect(_server_dsn(), autocommit=True) as server:
        server.execute(f'CREATE DATABASE "{name}"')
    try:
        env = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
        env |= {
            "DEBUG": "true",
            "DATABASE_URL": f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
            f"{settings['PORT'] or 5432}/{name}",
            "VBG_TESTING": "false",
            "HUEY_IMMEDIATE": "true",
        }
        if redis:
            env["REDIS_URL"] = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
        for step in (["migrate", "--no-input", "-v0"], ["createcachetable"], ["seed_reference_data"]):
            done = subprocess.run(  # noqa: S603 - our own manage.py
                [sys.executable, "manage.py", *step], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
            )
            assert done.returncode == 0, f"{step[0]} failed:\n{done.stderr[-3000:]}"
            assert "Traceback" not in done.stderr, f"{step[0]} logged a failure:\n{done.stderr[-3000:]}"
    finally:
        with psycopg.connect(_server_dsn(), autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db
@override_settings(CACHES=MISSING_TABLE_CACHE)
def test_with_the_cache_down_a_kept_page_part_is_built_on_every_request():
    builds = []
    for _ in range(2):
        assert page_cache.kept_content("part:1", lambda: builds.append(1) or "the part") == "the part"
    assert len(builds) == 2
