"""A shared cache for public Wagtail pages seen by anonymous visitors, and the Cache-Control rules that keep
everything else out of shared caches.

Only a response that the page-serving hook marked as public (live, audience "public", no view restriction)
and that was rendered for an anonymous request without cookies to set is stored. Every key carries a
version number; publishing, unpublishing, moving or deleting a page and any privacy change bump it, so a
page made private is never served from the cache again, not even once. Responses to logged-in users are
private; the referral register sends no-store itself."""

import hashlib
import logging
import time
from collections.abc import Callable
from contextlib import nullcontext
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import patch_cache_control

from .build import build_id

logger = logging.getLogger(__name__)

VERSION_KEY = "pagecache:version"
TTL_SECONDS = 300  # also bounds how long a changed footer or menu can lag behind
MARK = "_vbg_public_page"
KEPT_HEADERS = ("Content-Type", "Content-Language")
PUBLIC_CACHE_CONTROL = "public, max-age=0, must-revalidate"
# kept_content: a version bump makes parts new earlier; the time to live bounds how long a bump that Redis
# dropped leaves a part's text stale (never who may see it: that is decided on every view).
CONTENT_TTL_SECONDS = 3600
T = TypeVar("T")


# Between pre_migrate and post_migrate (core/apps.py): version bumps from signals of data migrations are
# held back (on a fresh database the cache table does not exist yet: `createcachetable` follows `migrate`)
# and made once at the end, so that workers of the previous release, still serving during a rolling
# deploy, do not keep parts a data migration changed.
_migrating = False
_held_back: set[tuple[str, str]] = set()


def migration_started(**kwargs) -> None:
    global _migrating
    _migrating = True


def migration_finished(**kwargs) -> None:
    global _migrating
    _migrating = False
    held = set(_held_back)
    _held_back.clear()
    for key, label in sorted(held):
        try:
            with _own_savepoint():
                _increment(key)
        except Exception:  # noqa: BLE001 - a fresh database has no cache table yet: nothing was cached
            logger.debug("%s version bump after migrating skipped", label, exc_info=True)


def _own_savepoint():
    """A database cache inside a transaction gets a savepoint of its own: on PostgreSQL a failed statement
    (the cache table missing, a lock timeout) otherwise aborts the caller's whole transaction, and a cache must
    never cost a write. Other caches, SQLite (a failed statement leaves its transaction usable) and
    autocommit need nothing."""
    backend = caches["default"]
    if isinstance(backend, DatabaseCache):
        database = connections[router.db_for_write(backend.cache_model_class)]
        if database.vendor == "postgresql" and database.in_atomic_block:
            return transaction.atomic(using=database.alias)
    return nullcontext()


def mark_public(request) -> None:
    """Called while serving a page that anyone may see; the response may then be shared."""
    setattr(request, MARK, True)


def version() -> int:
    return read_version(VERSION_KEY, "Page cache")


def read_version(key: str, label: str) -> int:
    """A cache's version number (0: the cache is down, so nothing is looked up or stored)."""
    try:
        # Started from the clock, not 1: if the cache loses the key (a restart), the new numbers never meet
        # entries stored under the old ones.
        with _own_savepoint():
            return cache.get_or_set(key, time.time_ns() // 1000, timeout=None)
    except Exception:  # noqa: BLE001 - a cache that is down means no caching, never an error page
        logger.warning("%s unreachable", label, exc_info=True)
        return 0


def bump_version(key: str, label: str) -> None:
    if _migrating:
        _held_back.add((key, label))
        return
    try:
        with _own_savepoint():
            _increment(key)
    except Exception:  # noqa: BLE001 - the old entries still expire after their time to live
        logger.warning("%s version bump failed", label, exc_info=True)


def _increment(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # the key was gone
        cache.set(key, time.time_ns() // 1000, timeout=None)


def invalidate(**kwargs) -> None:
    """Forget every cached page at once (a version bump: old keys expire by themselves). Bumped now and
    again after commit: a request that rendered the old state in between stored under a version no one
    looks up any more."""
    _bump()
    transaction.on_commit(_bump)


def _bump() -> None:
    bump_version(VERSION_KEY, "Page cache")


def _language(request) -> str:
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _key(request, current_version: int) -> str:
    """The build is part of the key: after a deploy, pages rendered by the previous templates are not found."""
    raw = f"{build_id()}|{request.get_host()}|{_language(request)}|{request.get_full_path()}"
    return f"pagecache:{current_version}:{hashlib.sha256(raw.encode()).hexdigest()}"


def _is_page_url(request) -> bool:
    """Only Wagtail's page-serving URL can give a cacheable page: other views cost no cache round trip."""
    try:
        return resolve(request.path_info).url_name == "wagtail_serve"
    except Resolver404:
        return False


def _may_look_up(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and _is_page_url(request)
    )


def _may_store(request, response) -> bool:
    user = getattr(request, "user", None)
    return (
        getattr(request, MARK, False)
        and request.method == "GET"
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and user is not None
        and not user.is_authenticated
        and "Cache-Control" not in response
    )


class PageCacheMiddleware:
    """Placed after WhiteNoise (static files have their own forever headers) and before the session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = None
        if _may_look_up(request):
            current = version()
            if current:
                key = _key(request, current)
                hit = _get(key)
                if hit is not None:
                    return _response_from(hit, request)
        response = self.get_response(request)
        if key is not None and _may_store(request, response):
            _set(key, response)
            response["Cache-Control"] = PUBLIC_CACHE_CONTROL
            response["X-Cache"] = "MISS"
            return response
        return _private_unless_set(request, response)


def _get(key):
    return cache_read(key, "Page cache")


def _set(key, response) -> None:
    store_response(key, response, TTL_SECONDS, "Page cache")


def cache_read(key: str, label: str):
    try:
        with _own_savepoint():
            return cache.get(key)
    except Exception:  # noqa: BLE001
        logger.warning("%s read failed", label, exc_info=True)
        return None


def store_response(key: str, response, timeout: int, label: str, extra_headers: tuple[str, ...] = ()) -> None:
    """The body and the headers that describe it; the middleware adds the rest for every response."""
    kept = KEPT_HEADERS + extra_headers
    stored = {"content": response.content, "headers": {h: response[h] for h in kept if h in response}}
    cache_write(key, stored, timeout, label)


def cache_write(key: str, value, timeout: int, label: str) -> None:
    try:
        with _own_savepoint():
            cache.set(key, value, timeout=timeout)
    except Exception:  # noqa: BLE001
        logger.warning("%s write failed", label, exc_info=True)


def _response_from(stored: dict, request) -> HttpResponse:
    response = HttpResponse(b"" if request.method == "HEAD" else stored["content"])
    for header, value in stored["headers"].items():
        response[header] = value
    response["Content-Length"] = str(len(stored["content"]))
    response["Cache-Control"] = PUBLIC_CACHE_CONTROL
    response["X-Cache"] = "HIT"
    return response


def _private_unless_set(request, response):
    """Everything not shared above stays out of shared caches. A view that decided itself (the referral
    register's no-store, a public image's public max-age) is left alone."""
    if "Cache-Control" not in response:
        patch_cache_control(response, private=True, no_cache=True)
    return response


def kept_content(name: str, build: Callable[[], T], *, timeout: int = CONTENT_TTL_SECONDS) -> T:
    """A part of a page that is the same for every reader who may see the page (its taxonomy, the cards
    of related pages: content only, never who may see it), built once per page-cache version and build.

    Opt-in and chosen part by part (ARCHITECTURE.md, caching): never anything personal, never a rendering
    of a logged-in page. Every publish, unpublish, move, restriction change and reference-data change bumps
    the version; the build id keeps a release from reading what an older one stored. With the cache down
    the part is built on every request."""
    key = f"content:{build_id()}:{name}"
    try:
        with _own_savepoint():
            found = cache.get_many([VERSION_KEY, key])  # one round trip for both
    except Exception:  # noqa: BLE001 - a cache that is down means no caching, never an error page
        logger.warning("Content cache read failed", exc_info=True)
        return build()
    current = found.get(VERSION_KEY) or version()
    if not current:
        return build()
    kept = found.get(key)
    if kept is not None and kept[0] == current:
        return kept[1]
    value = build()
    # Stored with the version it was built under: after a bump, a slower request's older build is never used.
    cache_write(key, (current, value), timeout, "Content cache")
    return value
