"""The `ws_broadcast` bench end to end, small: a real ASGI server subprocess, Redis, a few websockets."""

import os

import pytest

from vbg_platform.ws_bench import ws_broadcast


@pytest.mark.django_db(transaction=True)  # committed data: the server subprocess reads the same database
def test_ws_broadcast_reaches_every_client():
    result = ws_broadcast(clients=5, broadcasts=1, warmup=0)

    if "skipped" in result:
        if os.environ.get("CI"):
            pytest.fail(f"In CI Redis is present: {result['skipped']}")
        pytest.skip(result["skipped"])
    assert result["clients"] == 5
    assert result["broadcasts"] == 1
    assert result["lost"] == 0
    assert result["p50_ms"] is not None and result["p95_ms"] is not None


@pytest.mark.django_db(transaction=True)
def test_ws_broadcast_leaves_no_notifications_or_sessions():
    from accounts.models import User, UserSession
    from notifications.models import Notification

    result = ws_broadcast(clients=2, broadcasts=1, warmup=0)

    if "skipped" in result:
        pytest.skip(result["skipped"])
    users = User.objects.filter(email__endswith="@bench.invalid")
    assert users.count() == 2
    assert not Notification.objects.filter(recipient__in=users).exists()
    assert not UserSession.objects.filter(user__in=users).exists()
