"""The `ws_broadcast_subject` bench end to end, small: a meeting notification through a real ASGI server
subprocess and Redis to a few members of the meeting's platform."""

import os

import pytest

from vbg_platform.ws_bench import ws_broadcast_subject


@pytest.mark.django_db(transaction=True)  # committed data: the server subprocess reads the same database
def test_ws_broadcast_subject_reaches_every_member(reference_data):
    from accounts.models import User, UserSession
    from meetings.models import MeetingPage
    from notifications.models import Notification

    result = ws_broadcast_subject(clients=3, broadcasts=1, warmup=0)

    if "skipped" in result:
        if os.environ.get("CI"):
            pytest.fail(f"In CI Redis is present: {result['skipped']}")
        pytest.skip(result["skipped"])
    assert result["clients"] == 3 and result["lost"] == 0
    assert result["p50_ms"] is not None and result["p95_ms"] is not None
    members = User.objects.filter(email__startswith="ws-member-", email__endswith="@bench.invalid")
    assert members.count() == 3
    assert MeetingPage.objects.filter(slug="bench-websockets", live=True).count() == 1
    assert not Notification.objects.filter(recipient__in=members).exists()
    assert not UserSession.objects.filter(user__in=members).exists()
