"""The bell's websocket: authenticated by session, origin-checked, MFA-aware, closed on access loss."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings

from core.roles import Role
from notifications.services import notify
from tests.accounts.factories import confirmed_totp_device, current_totp

pytestmark = pytest.mark.django_db(transaction=True)


def _communicator(cookies: str = "", origin: str = "http://127.0.0.1:8000"):
    from vbg_platform.asgi import application

    headers = [(b"origin", origin.encode())]
    if cookies:
        headers.append((b"cookie", cookies.encode()))
    return WebsocketCommunicator(application, "/ws/notifications/", headers=headers)


def _cookie(client) -> str:
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _run(coro):
    from asgiref.sync import async_to_sync

    return async_to_sync(coro)()


def test_anonymous_is_refused(reference_data):
    async def scenario():
        communicator = _communicator()
        connected, code = await communicator.connect()
        assert not connected and code == 4401

    _run(scenario)


def test_foreign_origin_is_refused(client, make_user):
    client.force_login(make_user(Role.PARTNER))
    cookie = _cookie(client)

    async def scenario():
        communicator = _communicator(cookie, origin="https://evil.example")
        connected, _ = await communicator.connect()
        assert not connected

    _run(scenario)


def test_partner_receives_count_and_live_notifications(client, make_user):
    user = make_user(Role.PARTNER)
    client.post("/account/inloggen/", {"username": user.email, "password": "Een-Goed-Wachtwoord-2026"})
    cookie = _cookie(client)

    async def scenario():
        communicator = _communicator(cookie)
        connected, _ = await communicator.connect()
        assert connected
        assert await communicator.receive_json_from() == {"type": "count", "unread": 0}
        await sync_to_async(notify)(recipients=[user], kind="announcement", title="Agenda gepubliceerd", url="/")
        message = await communicator.receive_json_from(timeout=5)
        assert message["type"] == "new" and message["title"] == "Agenda gepubliceerd"
        await communicator.disconnect()

    _run(scenario)


def test_mfa_role_without_verification_is_refused(client, make_user):
    user = make_user(Role.COACH)
    client.post("/account/inloggen/", {"username": user.email, "password": "Een-Goed-Wachtwoord-2026"})
    cookie = _cookie(client)

    async def scenario():
        connected, code = await _communicator(cookie).connect()
        assert not connected and code == 4401

    _run(scenario)
    device = confirmed_totp_device(user)
    client.post("/account/mfa/", {"token": current_totp(device)})
    cookie = _cookie(client)

    async def verified():
        communicator = _communicator(cookie)
        connected, _ = await communicator.connect()
        assert connected
        await communicator.disconnect()

    _run(verified)


def test_deactivation_closes_the_socket_and_sends_nothing_more(client, make_user):
    user = make_user(Role.PARTNER)
    client.post("/account/inloggen/", {"username": user.email, "password": "Een-Goed-Wachtwoord-2026"})
    cookie = _cookie(client)

    def deactivate():
        user.is_active = False
        user.save()

    async def scenario():
        communicator = _communicator(cookie)
        connected, _ = await communicator.connect()
        assert connected
        await communicator.receive_json_from()
        await sync_to_async(deactivate)()
        output = await communicator.receive_output(timeout=5)
        assert output["type"] == "websocket.close" and output["code"] == 4401
        await sync_to_async(notify)(recipients=[user], kind="announcement", title="Mag niet aankomen", email=False)
        assert await communicator.receive_nothing(timeout=0.5)

    _run(scenario)


@pytest.mark.parametrize("how", ["user form", "group's members"])
def test_a_role_that_needs_mfa_closes_a_bell_opened_without_it(client, make_user, how):
    """Written to the groups directly, as the Wagtail user form and bulk actions do: the bell is closed
    rather than carry the secretariat's notifications on a session that never passed MFA."""
    from django.contrib.auth.models import Group

    from core.roles import GROUP_NAMES

    user = make_user(Role.PARTNER)
    client.force_login(user)
    cookie = _cookie(client)

    def make_secretariat():
        secretariat = Group.objects.get(name=GROUP_NAMES[Role.SECRETARIAT])
        if how == "user form":
            user.groups.add(secretariat)
        else:
            secretariat.user_set.add(user)

    async def scenario():
        communicator = _communicator(cookie)
        connected, _ = await communicator.connect()
        assert connected
        await communicator.receive_json_from()
        await sync_to_async(make_secretariat)()
        output = await communicator.receive_output(timeout=5)
        assert output == {"type": "websocket.close", "code": 4401}

    _run(scenario)


def test_the_bell_forwards_a_notification_without_asking_the_database(client, make_user):
    """Who may see the subject was decided when it was sent, for all recipients at once; a socket that asked
    again cost a few queries per listener per message (hundreds at a broadcast, on the server's one thread
    for database work)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from notifications.realtime import push_to_user
    from notifications.services import _push_message
    from tests.meetings.factories import meeting

    user = make_user(Role.PARTNER, district="KEN")
    page = meeting("KEN", title="Overleg Kennemerland")
    [notification] = notify(recipients=[user], kind="meetings.agenda_published", title="Agenda", subject=page)
    client.force_login(user)
    cookie = _cookie(client)
    queries = CaptureQueriesContext(connection)  # the consumer's database work runs on this thread

    async def scenario():
        communicator = _communicator(cookie)
        connected, _ = await communicator.connect()
        assert connected
        assert (await communicator.receive_json_from())["unread"] == 1
        await sync_to_async(queries.__enter__)()
        await sync_to_async(push_to_user)(user.pk, _push_message(notification))
        message = await communicator.receive_json_from(timeout=5)
        await sync_to_async(queries.__exit__)(None, None, None)
        assert message == {"type": "new", "id": notification.pk, "title": "Agenda", "url": ""}
        await communicator.disconnect()

    _run(scenario)
    assert queries.captured_queries == []


def test_after_leaving_the_district_a_notification_about_its_meeting_reaches_no_open_bell(client, make_user):
    """The membership ends by a row update (no signal, no access.changed) and the socket stays open: the
    decision at sending leaves the partner out, so nothing is pushed."""
    import datetime

    from stakeholders.models import Membership
    from tests.meetings.factories import meeting

    user = make_user(Role.PARTNER, district="KEN")
    colleague = make_user(Role.PARTNER, district="KEN")
    page = meeting("KEN", title="Besloten overleg")
    client.force_login(user)
    cookie = _cookie(client)

    def leave_district():
        Membership.objects.filter(organisation__affiliations__contact=user.contact).update(
            until=datetime.date.today() - datetime.timedelta(days=1)
        )

    async def scenario():
        communicator = _communicator(cookie)
        connected, _ = await communicator.connect()
        assert connected
        await communicator.receive_json_from()
        await sync_to_async(leave_district)()
        sent = await sync_to_async(notify)(
            recipients=[user, colleague], kind="meetings.agenda_published", title="Agenda: Besloten", subject=page
        )
        assert [n.recipient_id for n in sent] == [colleague.pk]
        assert await communicator.receive_nothing(timeout=1)
        await communicator.disconnect()

    _run(scenario)


def test_the_channel_layer_is_redis_when_redis_url_is_set_else_in_memory():
    """CI runs the suite a second time with REDIS_URL: then every websocket test above goes through Redis
    (pub/sub: a push reaches a socket of this process that joined the user's group)."""
    import asyncio
    import os

    from asgiref.sync import async_to_sync
    from channels.layers import InMemoryChannelLayer, get_channel_layer
    from channels_redis.pubsub import RedisPubSubChannelLayer

    from notifications.realtime import push_to_user, user_group

    layer = get_channel_layer()
    assert isinstance(layer, RedisPubSubChannelLayer if os.environ.get("REDIS_URL") else InMemoryChannelLayer)

    async def roundtrip():
        # One event loop throughout: the pub/sub layer subscribes per loop, as a server process does.
        channel = await layer.new_channel()
        await layer.group_add(user_group(424242), channel)
        try:
            assert push_to_user(424242, {"type": "notification.count", "unread": 3})
            return await asyncio.wait_for(layer.receive(channel), timeout=5)
        finally:
            await layer.group_discard(user_group(424242), channel)

    assert async_to_sync(roundtrip)() == {"type": "notification.count", "unread": 3}


def test_logging_out_closes_the_bell_of_that_session(client, make_user):
    user = make_user(Role.PARTNER)
    client.post("/account/inloggen/", {"username": user.email, "password": "Een-Goed-Wachtwoord-2026"})
    cookie = _cookie(client)

    async def scenario():
        communicator = _communicator(cookie)
        connected, _ = await communicator.connect()
        assert connected
        await communicator.receive_json_from()
        await sync_to_async(client.post)("/account/uitloggen/")
        output = await communicator.receive_output(timeout=5)
        assert output["type"] == "websocket.close" and output["code"] == 4401
        await sync_to_async(notify)(recipients=[user], kind="announcement", title="Na het uitloggen", email=False)
        assert await communicator.receive_nothing(timeout=0.5)

    _run(scenario)


def test_a_session_that_went_idle_receives_nothing_and_closes(client, make_user, settings):
    import time

    import time_machine

    user = make_user(Role.PARTNER)
    client.post("/account/inloggen/", {"username": user.email, "password": "Een-Goed-Wachtwoord-2026"})
    cookie = _cookie(client)

    async def scenario():
        communicator = _communicator(cookie)
        connected, _ = await communicator.connect()
        assert connected
        await communicator.receive_json_from()
        # The tab is left open and no page renews the session: it ends after the idle timeout.
        with time_machine.travel(time.time() + settings.SESSION_COOKIE_AGE + 60, tick=True):
            await sync_to_async(notify)(recipients=[user], kind="announcement", title="Na de time-out", email=False)
            output = await communicator.receive_output(timeout=5)
        assert output["type"] == "websocket.close" and output["code"] == 4401

    _run(scenario)


def test_a_session_renewed_by_another_tab_keeps_its_bell(client, make_user, settings):
    import time

    import time_machine

    from core.middleware import IdleSessionMiddleware

    user = make_user(Role.PARTNER)
    client.post("/account/inloggen/", {"username": user.email, "password": "Een-Goed-Wachtwoord-2026"})
    cookie = _cookie(client)

    def renew_in_another_tab():
        session = client.session
        session[IdleSessionMiddleware.RENEWED_KEY] = int(time.time())
        session.save()

    async def scenario():
        communicator = _communicator(cookie)
        connected, _ = await communicator.connect()
        assert connected
        await communicator.receive_json_from()
        with time_machine.travel(time.time() + settings.SESSION_COOKIE_AGE - 30, tick=True):
            await sync_to_async(renew_in_another_tab)()
            with time_machine.travel(time.time() + 60, tick=True):  # past the bell's first deadline
                await sync_to_async(notify)(recipients=[user], kind="announcement", title="Nog actief", email=False)
                message = await communicator.receive_json_from(timeout=5)
        assert message["type"] == "new" and message["title"] == "Nog actief"
        await communicator.disconnect()

    _run(scenario)


def test_pushes_stay_within_their_redis_database_number():
    """Redis pub/sub ignores database numbers; the layer's prefix carries it, so two deployments, test runs or
    benches on one Redis never hear each other's pushes."""
    import asyncio
    import os

    from asgiref.sync import async_to_sync

    from core.channel_layers import prefix_for, redis_channel_layer

    assert prefix_for("redis://127.0.0.1:6379/3") != prefix_for("redis://127.0.0.1:6379/4")
    assert prefix_for("redis://127.0.0.1:6379") == prefix_for("redis://127.0.0.1:6379/0")
    if not os.environ.get("REDIS_URL"):
        return  # the round trip below runs in the PostgreSQL + Redis pass
    from channels.layers import BaseChannelLayer
    from django.utils.module_loading import import_string

    def layer_on(database: int) -> BaseChannelLayer:
        url = f"redis://127.0.0.1:6379/{database}"
        # the prefix a deployment on that db gets (the parallel test workers set their own in the environment)
        config = redis_channel_layer(url, prefix=prefix_for(url))
        return import_string(config["BACKEND"])(**config["CONFIG"])

    async def roundtrip():
        listener, other = layer_on(14), layer_on(15)
        channel = await listener.new_channel()
        await listener.group_add("user.4242", channel)
        try:
            await other.group_send("user.4242", {"type": "notification.count", "unread": 1})
            try:
                return await asyncio.wait_for(listener.receive(channel), timeout=1)
            except TimeoutError:
                return None
        finally:
            await listener.group_discard("user.4242", channel)
            await listener.flush()
            await other.flush()

    assert async_to_sync(roundtrip)() is None
