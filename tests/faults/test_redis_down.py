"""Redis stopped: pages and writes work, notifications are stored and reach the bell by polling, the websocket
cannot deliver live, and /health/ names the cache and the channel layer until Redis is back."""

import json
import time

import pytest

from .conftest import wait_for

pytestmark = pytest.mark.faults

NOTIFY = """
from accounts.models import User
from notifications.services import notify
partner = User.objects.get(email="partner@faults.example")
print(len(notify(recipients=[partner], kind="announcement", title={title!r}, email=False)))
"""


def _websocket(app, browser):
    from websockets.sync.client import connect

    cookies = "; ".join(f"{c.name}={c.value}" for c in browser.jar)
    return connect(
        app.base.replace("http://", "ws://") + "/ws/notifications/",
        additional_headers={"Cookie": cookies},
        origin=app.base,
        open_timeout=5,
        close_timeout=1,
    )


def _live_count(app, browser) -> int | None:
    """The unread count the websocket sends on connect, or None when it cannot deliver."""
    try:
        with _websocket(app, browser) as socket:
            return json.loads(socket.recv(timeout=5))["unread"]
    except Exception:  # noqa: BLE001 - refused, closed or silent: no live delivery
        return None


def _failing(app_browser) -> list[str]:
    response = app_browser.get("/health/")
    body = response.json()
    assert (response.status == 503) == bool(body["failing"]), (response.status, body)
    return body["failing"]


def test_redis_stopped(app, postgres, redis_running, browser):
    partner = browser().login("partner@faults.example")
    assert _live_count(app, partner) is not None, "the websocket should work while Redis runs"
    assert not {"cache", "channel_layer"} & set(_failing(partner))

    redis_running.stop()
    started = time.monotonic()

    failing = _failing(partner)
    assert {"cache", "channel_layer"} <= set(failing), failing

    anonymous = browser()
    for path in ("/", "/account/inloggen/", "/zoeken/?q=drugsafval"):
        response = anonymous.get(path)
        assert response.status == 200, (path, response.status, app.log_tail())
    for path in ("/", "/bijdragen/", "/mijn-gegevens/", "/meldingen/", "/meldingen/voorkeuren/"):
        response = partner.get(path)
        assert response.status == 200, (path, response.status, app.log_tail())

    # Logging in needs the login throttle, which lives in the cache.
    late = browser().login("partner@faults.example")
    assert late.get("/mijn-gegevens/").status == 200

    # A write, and one that notifies the secretariat (a contribution handed in for review).
    title = f"Redis uit {int(time.time())}"
    response = partner.post(
        "/bijdragen/nieuw/",
        {"kind": "lesson", "title": title, "intro": "Zonder Redis.", "text": "Een alinea.", "submit": "1"},
    )
    assert response.status == 302, (response.status, app.log_tail())
    assert title in partner.get("/bijdragen/").text
    stored = postgres.sql(
        "SELECT count(*) FROM notifications_notification n JOIN accounts_user u ON u.id = n.recipient_id "
        "WHERE u.email = %s AND n.kind = 'knowledge.submitted' AND n.title LIKE %s",
        params=("secretariaat@faults.example", f"%{title}%"),
    )
    assert stored == [(1,)], stored

    # A notification for the partner is stored and counted by the bell's polling fallback.
    unread_before = partner.get("/meldingen/ongelezen/").json()["unread"]
    assert app.shell(NOTIFY.format(title=f"Mededeling {title}")).strip() == "1"
    assert partner.get("/meldingen/ongelezen/").json()["unread"] == unread_before + 1
    assert f"Mededeling {title}" in partner.get("/meldingen/").text

    # No live delivery without the channel layer; the page itself keeps working.
    assert _live_count(app, partner) is None
    print(f"\nRedis down for {time.monotonic() - started:.1f}s: pages, login, writes and polling worked")

    redis_running.start()
    wait_for(
        lambda: not {"cache", "channel_layer"} & set(_failing(partner)),
        timeout=15,
        what="/health/ to report the cache and channel layer again",
    )
    assert _live_count(app, partner) == unread_before + 1, app.log_tail(120)
