import ipaddress
from enum import StrEnum
from urllib.parse import urlsplit

from django.conf import settings


def absolute_url(path: str) -> str:
    """Absolute link for mails, where no request is at hand."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


class BaseUrlProblem(StrEnum):
    """Why a base URL cannot go into a letter or a mail: residents and users would follow it and reach nothing."""

    MISSING = "missing"
    MALFORMED = "malformed"  # no http(s) scheme or host, or a query, fragment or user name in it
    LOCAL = "local"  # loopback, unspecified, private or single-label: not reachable from outside
    NOT_HTTPS = "not_https"


def _is_local_host(host: str) -> bool:
    host = host.rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "." not in host  # a single-label name ("web", "testserver") resolves on the local network only
    return not address.is_global


def base_url_problems(url: str | None) -> list[BaseUrlProblem]:
    """What is wrong with `url` as the portal's public base address (an empty list: nothing). Shared by the
    deployment check that refuses a production start and by the campaign page that warns before letters are made."""
    url = (url or "").strip()
    if not url:
        return [BaseUrlProblem.MISSING]
    try:
        parts = urlsplit(url)
        host, _port = parts.hostname, parts.port  # .port raises ValueError on a port that is not a number
    except ValueError:
        return [BaseUrlProblem.MALFORMED]
    if parts.scheme not in ("http", "https") or not host or parts.query or parts.fragment or parts.username:
        return [BaseUrlProblem.MALFORMED]
    problems = []
    if _is_local_host(host):
        problems.append(BaseUrlProblem.LOCAL)
    if parts.scheme != "https":
        problems.append(BaseUrlProblem.NOT_HTTPS)
    return problems
