"""`notify`: stored, pushed and mailed after commit, by the person's preference, and only for people who
may see the subject — checked when sent and again whenever shown."""

import asyncio
import threading

import pytest
from channels.layers import get_channel_layer

from core.channel_layers import redis_channel_layer
from core.roles import Role
from notifications.models import Delivery, Notification, Preference, SentMail
from notifications.realtime import user_group
from notifications.services import notification_mark_read, notify
from tests.knowledgebase.factories import article
from tests.meetings.factories import meeting

pytestmark = pytest.mark.django_db


class _Listener:
    """A socket of the user's, as a server process holds it: on an event loop of its own that keeps running
    (the Redis pub/sub layer subscribes per loop), while `notify` pushes from this thread."""

    def __init__(self, user_id: int):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.layer = get_channel_layer()
        self.group = user_group(user_id)
        self.channel = self._run(self.layer.new_channel())
        self._run(self.layer.group_add(self.group, self.channel))

    def _run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=10)

    def receive(self) -> dict:
        return self._run(asyncio.wait_for(self.layer.receive(self.channel), timeout=5))

    def close(self) -> None:
        self._run(self.layer.group_discard(self.group, self.channel))
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()  # the pub/sub layer closes its connection with the loop


@pytest.fixture
def listen():
    listeners = []

    def start(user_id: int) -> _Listener:
        listeners.append(_Listener(user_id))
        return listeners[-1]

    yield start
    for listener in listeners:
        listener.close()


def test_notify_stores_pushes_and_mails(make_user, mailoutbox, django_capture_on_commit_callbacks, listen):
    user = make_user(Role.PARTNER)
    listener = listen(user.pk)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[user], kind="actions.assigned", title="Nieuw actiepunt <Kennemerland>", url="/meldingen/")
    notification = Notification.objects.get(recipient=user)
    assert notification.title == "Nieuw actiepunt <Kennemerland>" and notification.delivery == Delivery.IMMEDIATE
    message = listener.receive()
    assert message["type"] == "notification.new" and message["id"] == notification.pk
    assert len(mailoutbox) == 1 and "Nieuw actiepunt <Kennemerland>" in mailoutbox[0].subject
    html = mailoutbox[0].alternatives[0][0]
    assert "&lt;Kennemerland&gt;" in html and "<Kennemerland>" not in html
    assert "Nieuw actiepunt <Kennemerland>" in mailoutbox[0].body  # a text mail is not HTML-escaped
    assert "/meldingen/afmelden/" in mailoutbox[0].body and mailoutbox[0].extra_headers["List-Unsubscribe"]
    log = SentMail.objects.get()
    assert log.to == user.email and list(log.notifications.all()) == [notification]
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_nothing_happens_when_the_transaction_rolls_back(make_user, mailoutbox, django_capture_on_commit_callbacks):
    from django.db import transaction

    user = make_user(Role.PARTNER)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                notify(recipients=[user], kind="actions.assigned", title="x")
                raise RuntimeError("rollback")
        except RuntimeError:
            pass
    assert callbacks == [] and not Notification.objects.exists() and mailoutbox == []


def test_a_failing_channel_layer_keeps_the_notification(make_user, settings, django_capture_on_commit_callbacks):
    from channels.layers import channel_layers

    user = make_user(Role.PARTNER)
    settings.CHANNEL_LAYERS = {"default": redis_channel_layer("redis://127.0.0.1:1/0")}  # nothing listens there
    channel_layers.backends.clear()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            notify(recipients=[user], kind="announcement", title="Blijft bewaard")
    finally:
        channel_layers.backends.clear()
    assert Notification.objects.filter(title="Blijft bewaard").exists()


def test_unknown_event_types_fail_loudly(make_user):
    with pytest.raises(KeyError):
        notify(recipients=[make_user(Role.PARTNER)], kind="bestaat.niet", title="x")


def test_inactive_users_and_users_outside_the_events_roles_are_not_notified(make_user):
    user = make_user(Role.PARTNER)
    user.is_active = False
    user.save()
    assert notify(recipients=[user], kind="announcement", title="x") == []
    # a referral assignment is for coaches only
    assert notify(recipients=[make_user(Role.PARTNER)], kind="referrals.assigned", title="x") == []


def test_mark_read_only_touches_own_notifications(make_user):
    alice, bob = make_user(Role.PARTNER), make_user(Role.PARTNER)
    notify(recipients=[alice, bob], kind="announcement", title="x")
    bobs = Notification.objects.get(recipient=bob)
    notification_mark_read(user=alice, notification_id=bobs.pk)
    bobs.refresh_from_db()
    assert bobs.read_at is None
    assert notification_mark_read(user=alice) == 0


def test_list_and_poll_show_only_own(client, make_user):
    alice, bob = make_user(Role.PARTNER), make_user(Role.PARTNER)
    notify(recipients=[bob], kind="announcement", title="Alleen voor Bob")
    client.force_login(alice)
    assert "Alleen voor Bob" not in client.get("/meldingen/").text
    assert client.get("/meldingen/ongelezen/").json() == {"unread": 0}
    client.force_login(bob)
    assert "Alleen voor Bob" in client.get("/meldingen/").text
    assert client.get("/meldingen/ongelezen/").json() == {"unread": 1}


def test_hostile_titles_are_escaped_on_the_page(client, make_user):
    user = make_user(Role.PARTNER)
    notify(recipients=[user], kind="announcement", title='<script>alert("x")</script><img src=x onerror=alert(1)>')
    client.force_login(user)
    html = client.get("/meldingen/").text
    assert "<script>alert" not in html and "<img src=x" not in html and "&lt;script&gt;" in html


# --- Preferences decide the delivery ---------------------------------------------------------------


def test_role_defaults_general_choice_and_the_loudest_scoped_choice(make_user, reference_data):
    from stakeholders.models import District, Theme

    user = make_user(Role.PARTNER)
    ken = District.objects.get(code="KEN")
    page = meeting("KEN")
    assert notify(recipients=[user], kind="meetings.minutes_adopted", title="a", subject=page)[0].delivery == "daily"
    Preference.objects.create(user=user, event="meetings.minutes_adopted", delivery=Delivery.WEEKLY)
    assert notify(recipients=[user], kind="meetings.minutes_adopted", title="b", subject=page)[0].delivery == "weekly"
    Preference.objects.create(user=user, event="meetings.minutes_adopted", district=ken, delivery=Delivery.OFF)
    assert notify(recipients=[user], kind="meetings.minutes_adopted", title="c", subject=page, district_id=ken.pk) == []
    theme_a, theme_b = Theme.objects.all()[:2]
    Preference.objects.create(user=user, event="knowledge.new_page", theme=theme_a, delivery=Delivery.WEEKLY)
    Preference.objects.create(user=user, event="knowledge.new_page", theme=theme_b, delivery=Delivery.IMMEDIATE)
    [n] = notify(recipients=[user], kind="knowledge.new_page", title="d", theme_ids=[theme_a.pk, theme_b.pk])
    assert n.delivery == Delivery.IMMEDIATE


def test_a_mandatory_event_cannot_be_switched_off(make_user):
    coach = make_user(Role.COACH, district=None)
    Preference.objects.create(user=coach, event="referrals.assigned", delivery=Delivery.OFF)
    [n] = notify(recipients=[coach], kind="referrals.assigned", title="x")
    assert n.delivery == Delivery.PORTAL


# --- Checked when sent and when shown ---------------------------------------------------------------


def test_only_people_who_may_see_the_subject_are_notified(make_user):
    ken_partner, nhn_partner = make_user(Role.PARTNER, district="KEN"), make_user(Role.PARTNER, district="NHN")
    ken_meeting = meeting("KEN")
    sent = notify(
        recipients=[ken_partner, nhn_partner], kind="meetings.agenda_published", title="x", subject=ken_meeting
    )
    assert [n.recipient_id for n in sent] == [ken_partner.pk]


def test_a_subject_without_a_visibility_rule_is_refused(make_user):
    from stakeholders.models import Theme

    with pytest.raises(ValueError):
        notify(recipients=[make_user(Role.PARTNER)], kind="announcement", title="x", subject=Theme.objects.first())


def test_a_partner_who_leaves_the_district_no_longer_sees_its_notifications(client, make_user):
    import datetime

    from stakeholders.models import Membership

    user = make_user(Role.PARTNER, district="KEN")
    page = meeting("KEN", title="Overleg Kennemerland geheim")
    notify(
        recipients=[user], kind="meetings.agenda_published", title="Agenda: Overleg Kennemerland geheim", subject=page
    )
    client.force_login(user)
    assert client.get("/meldingen/ongelezen/").json() == {"unread": 1}
    Membership.objects.filter(organisation__affiliations__contact=user.contact).update(
        until=datetime.date.today() - datetime.timedelta(days=1)
    )
    assert client.get("/meldingen/ongelezen/").json() == {"unread": 0}
    assert "Overleg Kennemerland geheim" not in client.get("/meldingen/").text


def test_a_page_made_private_disappears_from_the_list(client, make_user):
    user = make_user(Role.PARTNER, district="NHN")
    page = article("Openbare pagina die besloten wordt", visibility="public")
    notify(recipients=[user], kind="knowledge.published", title=page.title, subject=page)
    client.force_login(user)
    assert page.title in client.get("/meldingen/").text
    page.visibility = "districts"
    from stakeholders.models import District

    page.visible_districts = [District.objects.get(code="KEN")]
    page.save_revision().publish()
    assert page.title not in client.get("/meldingen/").text
    assert client.get("/meldingen/ongelezen/").json() == {"unread": 0}
