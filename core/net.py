"""The client's address, believing X-Forwarded-For only from configured proxies."""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _trusted_networks(proxies: tuple[str, ...]):
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _is_trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in _trusted_networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request) -> str:
    """Walk X-Forwarded-For from the right while the hop is a trusted proxy.

    A spoofed header from a direct client is ignored because the direct peer is not trusted."""
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    if not _is_trusted(remote):
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    candidate = remote
    for hop in reversed(hops):
        candidate = hop
        if not _is_trusted(hop):
            break
    return candidate
