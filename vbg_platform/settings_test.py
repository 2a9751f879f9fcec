"""Test settings: the production settings with fast hashing and inline background work.

Under pytest-xdist (`make test` runs independent tests on several processes) every worker gets its own copy of
each shared resource: pytest-django suffixes the PostgreSQL test database (_gw0, _gw1), the SQLite file is per
process, and below each worker gets its own Redis db and channel-layer prefix, because tests flush the cache
(FLUSHDB) and Redis pub/sub channels are shared by every db of a server."""

import os
import re

os.environ.setdefault("VBG_TESTING", "true")
os.environ.setdefault("HUEY_IMMEDIATE", "true")

# e.g. "gw3"; absent outside xdist (and in the serial run of the browser and fault tests).
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if XDIST_WORKER:
    # Read by core.channel_layers, so a server subprocess started by a test (it inherits the
    # environment) and the test's own layer meet on the same prefix. Derived from the worker id, not from an
    # earlier value, so a subprocess that loads these settings again ends up with the same prefix.
    os.environ["CHANNEL_LAYER_PREFIX"] = f"vbg-test-{XDIST_WORKER}"

from django.core.exceptions import ImproperlyConfigured  # noqa: E402

from vbg_platform.settings import *  # noqa: E402,F403
from vbg_platform.settings import CACHES, CHANNEL_LAYERS, DATABASES, HUEY, REDIS_URL  # noqa: E402,F401


def worker_redis_url(url: str, worker: str) -> str:
    """The worker's own Redis db: the db of `url` plus the worker's number (gw0 keeps it)."""
    if not worker:
        return url
    index = int(re.fullmatch(r"gw(\d+)", worker).group(1))
    match = re.fullmatch(r"(redis|rediss)://([^/?#]*)(?:/(\d*))?(\?.*)?", url)
    if not match:
        raise ImproperlyConfigured(f"REDIS_URL {url!r}: a redis://host:port/db URL is needed for parallel tests")
    scheme, netloc, db, query = match.groups()
    number = int(db or 0) + index
    if number > 15:
        raise ImproperlyConfigured(
            f"xdist worker {worker} would need Redis db {number} (REDIS_URL db {db or 0} + {index}); Redis has "
            "0-15: use a lower db in REDIS_URL or fewer workers (make test TEST_WORKERS=...)"
        )
    return f"{scheme}://{netloc}/{number}{query or ''}"


if REDIS_URL and XDIST_WORKER:
    from core.channel_layers import redis_channel_layer

    REDIS_URL = worker_redis_url(REDIS_URL, XDIST_WORKER)
    CACHES = {**CACHES, "default": {**CACHES["default"], "LOCATION": REDIS_URL}}
    CHANNEL_LAYERS = {"default": redis_channel_layer(REDIS_URL)}
    HUEY = {**HUEY, "url": REDIS_URL}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
HUEY = {**HUEY, "immediate": True}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file (not in-memory) test database, so the browser tests' live server thread shares it;
    # one per process, so two test runs in one checkout (or two xdist workers) do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / f"test-db-{os.getpid()}.sqlite3")}  # noqa: F405
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
