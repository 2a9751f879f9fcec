import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from accounts.roles import Role
from notifications.models import Notification
from notifications.realtime import user_group
from notifications.services import notification_mark_read, notify

pytestmark = pytest.mark.django_db


def _listen(user_id):
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(user_group(user_id), channel)
    return layer, channel


def test_notify_stores_pushes_and_mails(make_user, mailoutbox, django_capture_on_commit_callbacks):
    user = make_user(Role.PARTNER)
    layer, channel = _listen(user.pk)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[user], kind="test", title="Nieuwe agenda <Kennemerland>", url="/meldingen/")
    assert Notification.objects.filter(recipient=user, title="Nieuwe agenda <Kennemerland>").exists()
    message = async_to_sync(layer.receive)(channel)
    assert message["type"] == "notification.new" and message["unread"] == 1
    assert len(mailoutbox) == 1 and "Nieuwe agenda <Kennemerland>" in mailoutbox[0].subject
    html = mailoutbox[0].alternatives[0][0]
    assert "&lt;Kennemerland&gt;" in html and "<Kennemerland>" not in html


def test_nothing_happens_when_the_transaction_rolls_back(make_user, mailoutbox, django_capture_on_commit_callbacks):
    from django.db import transaction

    user = make_user(Role.PARTNER)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                notify(recipients=[user], kind="test", title="x")
                raise RuntimeError("rollback")
        except RuntimeError:
            pass
    assert callbacks == [] and not Notification.objects.exists() and mailoutbox == []


def test_a_failing_channel_layer_keeps_the_notification(make_user, settings, django_capture_on_commit_callbacks):
    from channels.layers import channel_layers

    user = make_user(Role.PARTNER)
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]}}
    }
    channel_layers.backends.clear()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            notify(recipients=[user], kind="test", title="Blijft bewaard", email=False)
    finally:
        channel_layers.backends.clear()
    assert Notification.objects.filter(title="Blijft bewaard").exists()


def test_inactive_users_are_not_notified(make_user):
    user = make_user(Role.PARTNER)
    user.is_active = False
    user.save()
    assert notify(recipients=[user], kind="test", title="x") == []


def test_mark_read_only_touches_own_notifications(make_user):
    alice, bob = make_user(Role.PARTNER), make_user(Role.PARTNER)
    notify(recipients=[alice, bob], kind="test", title="x", email=False)
    bobs = Notification.objects.get(recipient=bob)
    notification_mark_read(user=alice, notification_id=bobs.pk)
    bobs.refresh_from_db()
    assert bobs.read_at is None
    assert notification_mark_read(user=alice) == 0


def test_list_and_poll_show_only_own(client, make_user):
    alice, bob = make_user(Role.PARTNER), make_user(Role.PARTNER)
    notify(recipients=[bob], kind="test", title="Alleen voor Bob", email=False)
    client.force_login(alice)
    assert "Alleen voor Bob" not in client.get("/meldingen/").text
    assert client.get("/meldingen/ongelezen/").json() == {"unread": 0}
    client.force_login(bob)
    assert "Alleen voor Bob" in client.get("/meldingen/").text
    assert client.get("/meldingen/ongelezen/").json() == {"unread": 1}
