"""Login throttling per (account, client address).

Keyed on the pair, so failures from an attacker's address never lock the real person out from
their own address. After the free attempts, each further failure doubles the wait.
"""

import hashlib
import math
import time
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from core.net import client_ip


def _account(username: str) -> str:
    """The account the login form would try: NFKC and case-insensitive like authentication, so
    variants of one address (full-width letters, case) share one throttle."""
    from django.contrib.auth import get_user_model

    name = unicodedata.normalize("NFKC", username).strip()
    model = get_user_model()
    pk = model._default_manager.filter(**{f"{model.USERNAME_FIELD}__iexact": name}).values_list("pk", flat=True).first()
    return f"user:{pk}" if pk is not None else f"name:{name.casefold()}"


def _key(username: str, ip: str) -> str:
    digest = hashlib.sha256(f"{_account(username)}|{ip}".encode()).hexdigest()
    return f"login-throttle:{digest}"


@dataclass(frozen=True)
class ThrottleState:
    failures: int
    locked_until: float

    def wait_seconds(self, now: float | None = None) -> int:
        return max(0, math.ceil(self.locked_until - (now or time.time())))


def _state(key: str) -> ThrottleState:
    failures, locked_until = cache.get(key, (0, 0.0))
    return ThrottleState(failures, locked_until)


def login_wait_seconds(request, username: str) -> int:
    """Seconds before this account may be tried again from this client; 0 when free."""
    return _state(_key(username, client_ip(request))).wait_seconds()


def login_failed(request, username: str) -> ThrottleState:
    key = _key(username, client_ip(request))
    failures = _state(key).failures + 1
    over = failures - settings.LOGIN_THROTTLE_FREE_ATTEMPTS
    wait = 0
    if over >= 0:
        wait = min(settings.LOGIN_THROTTLE_BASE_SECONDS * 2**over, settings.LOGIN_THROTTLE_MAX_SECONDS)
    state = ThrottleState(failures, time.time() + wait)
    cache.set(key, (state.failures, state.locked_until), timeout=settings.LOGIN_THROTTLE_MAX_SECONDS * 2)
    return state


def login_succeeded(request, username: str) -> None:
    cache.delete(_key(username, client_ip(request)))
