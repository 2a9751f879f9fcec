"""A server-side cache of whole pages for logged-in people, shared by everyone with the same access.

Logged-in pages cost 30-40 ms of CPU each (routing, permission checks, two dozen queries, templates), while
what a page shows depends on who may see what: the roles, district platforms, groups and municipalities of
section 3 of the design. People with the same of those ("an audience") see the same page, apart from the
parts that are theirs alone. Those parts are *holes*: while a cacheable request renders, they are written as
markers; the page with markers is stored under the audience's key, and every response (miss or hit) gets its
holes filled for the person asking: the header (menu, bell count, logout form), flash messages, CSRF tokens
and a page's personal sections (a meeting's invitation).

What keeps it from leaking:
- the key holds the audience, the language, the host and the full path; the audience is computed per request
  from the same permission functions the pages use, never stored in the session;
- only views that opt in (`audience_cached`, or page types with `audience_cacheable = True`) are stored, only
  as 200 HTML, and never a password-protected page or a response that set cookies or changed the session;
- every key carries a version that any change to content or access bumps after commit (`content_changed`;
  Wagtail's publish, unpublish, move, delete and privacy changes go through `page_cache.invalidate`, which
  bumps it too), so a page made private or a withdrawn consent is never served from the cache again;
- the markers carry a secret derived from SECRET_KEY, so text in a page cannot pose as a hole.

Responses stay `Cache-Control: private` (page_cache): nothing here reaches a shared HTTP cache."""

import functools
import hashlib
import hmac
import re
import time
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from .build import build_id
from .page_cache import bump_version, cache_read, cache_write, read_version, store_response

VERSION_KEY = "audcache:version"
TTL_SECONDS = 300  # bounds how long a change made without model signals (a queryset update) can lag behind
EMIT_HOLES = "_vbg_emit_holes"
CACHEABLE = "_vbg_audience_cacheable"
LABEL = "Audience cache"


# --- The audience -------------------------------------------------------------------------------------


def audience_key(user) -> str:
    """Everything section 3's rules read of a person: two people with the same key may see the same pages,
    lists and counts. Built from the permission modules' own functions (cached on the user per request) on
    every request, never remembered: access can end by a change that bumps no version (an update of rows)."""
    from core.permissions import group_ids_of
    from stakeholders.permissions import aov_municipality_ids_for, district_ids_for

    def ids(values) -> str:
        return ",".join(map(str, sorted(values)))

    parts = [
        "su" if user.is_superuser else "",
        "staff" if user.is_staff else "",
        ids(group_ids_of(user)),  # the roles too: a role is a group
        ids(district_ids_for(user)),
        ids(aov_municipality_ids_for(user)),
        timezone.localdate().isoformat(),  # memberships and affiliations end by date
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


# --- Holes --------------------------------------------------------------------------------------------

_renderers: dict[str, Callable[..., str]] = {}
_kept: set[str] = set()


@functools.cache
def _marker_secret() -> str:
    return hmac.new(settings.SECRET_KEY.encode(), b"vbg-audience-cache-hole", hashlib.sha256).hexdigest()[:16]


def register_hole(name: str, *, kept: bool = False):
    """A renderer `fn(request, *args) -> str` (HTML) for the personal part called `name`.

    `kept`: its rendering is stored per person, URL, arguments and minute until content or access changes
    (it must read nothing else, apart from the clock: a meeting that starts, a comment period that ends; a
    kept part follows the clock within a minute)."""

    def decorator(function):
        _renderers[name] = function
        if kept:
            _kept.add(name)
        return function

    return decorator


def emitting_holes(request) -> bool:
    return getattr(request, EMIT_HOLES, False)


def hole(request, name: str, *args) -> SafeString:
    """The personal part: a marker while the page is rendered for the cache, the part itself otherwise."""
    if name not in _renderers:
        raise KeyError(f"no hole renderer called {name!r}")
    args = [int(arg) for arg in args]  # ids and timestamps: nothing to escape, the same in both paths
    if emitting_holes(request):
        encoded = ":".join([name, *map(str, args)])
        return mark_safe(f"<!--hole-{_marker_secret()}:{encoded}-->")  # noqa: S308 - a fixed marker
    return mark_safe(_renderers[name](request, *args))  # noqa: S308 - the renderers return escaped HTML


def csrf_marker() -> str:
    """Stands in for the CSRF token (it sits in an attribute value, where a comment cannot)."""
    return f"csrfhole{_marker_secret()}"


def _hole_pattern() -> re.Pattern:
    return re.compile(rf"<!--hole-{_marker_secret()}:([a-z_]+)((?::-?\d+)*)-->".encode())


def fill_holes(request, content: bytes) -> bytes:
    previous = getattr(request, EMIT_HOLES, False)
    setattr(request, EMIT_HOLES, False)
    try:

        def render(match) -> bytes:
            name = match.group(1).decode()
            args = [int(arg) for arg in match.group(2).decode().split(":")[1:]]
            if name in _kept:
                part = f"{name}{match.group(2).decode()}@{int(time.time()) // 60}"
                return cached_fragment(request, part, lambda: _renderers[name](request, *args)).encode()
            return _renderers[name](request, *args).encode()

        content = _hole_pattern().sub(render, content)
        marker = csrf_marker().encode()
        if marker in content:
            from django.middleware.csrf import get_token

            content = content.replace(marker, get_token(request).encode())
        return content
    finally:
        setattr(request, EMIT_HOLES, previous)


def cached_fragment(request, name: str, render: Callable[[], str]) -> str:
    """A personal part that is the same for this person on this URL until content or access changes (the
    header: its menu follows the person's own permissions). Stored with its own holes (CSRF token, bell
    count) as markers, which are filled here for every response."""
    current = getattr(request, "audience_version", 0)
    if not current:
        return render()
    key = f"audcache:{current}:fragment:{_digest(request, name, str(request.user.pk), request.audience_key)}"
    html = _get(key)
    if html is None:
        previous = getattr(request, EMIT_HOLES, False)
        setattr(request, EMIT_HOLES, True)
        try:
            html = render()
        finally:
            setattr(request, EMIT_HOLES, previous)
        cache_write(key, html, TTL_SECONDS, LABEL)
    return fill_holes(request, html.encode()).decode()


# --- Versions and invalidation -----------------------------------------------------------------------


def version() -> int:
    return read_version(VERSION_KEY, LABEL)


def _bump() -> None:
    bump_version(VERSION_KEY, LABEL)


def content_changed(**kwargs) -> None:
    """Forget every cached page: now, and once more when the current transaction commits (scheduled once per
    transaction). A request that rendered the old state in between stored it under a version no one looks up
    any more; the bump now also covers a change read back inside the same transaction."""
    _bump()
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(entry[1] is _bump for entry in connection.run_on_commit):
        return
    transaction.on_commit(_bump)


# --- Which requests ------------------------------------------------------------------------------------


def audience_cached(view):
    """Marks a view whose response depends only on the audience and the URL (apart from its holes)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        mark_cacheable(request)
        return response

    wrapper.audience_cached = True
    return wrapper


def mark_cacheable(request) -> None:
    setattr(request, CACHEABLE, True)


def _may_use(request) -> bool:
    if not settings.AUDIENCE_CACHE or request.method != "GET" or not getattr(request, "user", None):
        return False
    if not request.user.is_authenticated:
        return False
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.url_name == "wagtail_serve" or getattr(match.func, "audience_cached", False)


def _may_store(request, response) -> bool:
    session = getattr(request, "session", None)
    return (
        getattr(request, CACHEABLE, False)
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and response.get("Content-Type", "").startswith("text/html")
        and not (session is not None and session.modified)
    )


def _key(request, audience: str, current_version: int) -> str:
    # What someone typed (a search, a name in the directory) is theirs alone: shared, a fast answer would tell
    # them that a colleague searched the same words a moment ago.
    person = str(request.user.pk) if request.GET.get("q", "").strip() else ""
    return f"audcache:{current_version}:{_digest(request, audience, person)}"


def _digest(request, *parts: str) -> str:
    """What every stored rendering is keyed on besides `parts`: the URL, host and language, the marker secret
    (renderings made under another SECRET_KEY carry markers this process cannot fill) and the hole names (a
    rendering stored by other code never meets a hole this code does not know)."""
    raw = "|".join([_code_signature(), request.get_host(), request.LANGUAGE_CODE, request.get_full_path(), *parts])
    return hashlib.sha256(raw.encode()).hexdigest()


@functools.cache
def _code_signature() -> str:
    """Read on the first request, after every app registered its holes in ready(); the build id keeps a
    deploy's new templates from meeting renderings of the previous ones."""
    return build_id() + "|" + _marker_secret() + "|" + ",".join(sorted(_renderers))


class AudienceCacheMiddleware:
    """Last in MIDDLEWARE: login, MFA, messages and the referral timeout have had their say."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _may_use(request):
            return self.get_response(request)
        key = None
        current = version()
        if current:
            request.audience_key = audience_key(request.user)
            request.audience_version = current
            key = _key(request, request.audience_key, current)
            stored = _get(key)
            if stored is not None:
                return _response_from(request, stored)
        setattr(request, EMIT_HOLES, True)
        response = self.get_response(request)
        setattr(request, EMIT_HOLES, False)
        if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
            return response
        if key is not None and _may_store(request, response):
            _set(key, response)
            _mark(response, "MISS")
        response.content = fill_holes(request, response.content)
        return response


def _get(key):
    return cache_read(key, LABEL)


def _set(key, response) -> None:
    # The view's own Cache-Control and Expires too: restricted pages and search answer no-store, on a hit as well.
    store_response(key, response, TTL_SECONDS, LABEL, extra_headers=("Cache-Control", "Expires"))


def _response_from(request, stored: dict):
    from django.http import HttpResponse

    response = HttpResponse(fill_holes(request, stored["content"]))  # GET only (_may_use)
    for header, value in stored["headers"].items():
        response[header] = value
    _mark(response, "HIT")
    return response


def _mark(response, state: str) -> None:
    """Only in development and tests: in production the header would tell a reader what others opened."""
    if settings.DEBUG or settings.TESTING:
        response["X-Audience-Cache"] = state
