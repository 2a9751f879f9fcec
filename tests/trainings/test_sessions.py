"""Registration with mixed groups, the waiting list that moves up with a notification, the reminder (once),
attendance, and bad input that gets a Dutch message and changes nothing."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from core.roles import Role
from notifications.models import Notification
from trainings import services
from trainings.models import Registration, TrainingSession
from trainings.tasks import send_training_reminders

from .conftest import colleague_of, organisation_of, sign_in, training_session

pytestmark = pytest.mark.django_db


def _register(client, user, session):
    sign_in(client, user)
    return client.post(f"/trainingen/sessie/{session.pk}/aanmelden/", {"organisation": organisation_of(user).pk})


def test_at_most_n_people_of_one_organisation(client, people, make_user):
    session = training_session(max_per_organisation=2)
    first, second = people["partner"], colleague_of(make_user, people["partner"])
    third = colleague_of(make_user, people["partner"])
    assert _register(client, first, session).status_code == 302
    client.logout()
    assert _register(client, second, session).status_code == 302
    client.logout()
    response = _register(client, third, session)
    assert response.status_code == 400
    page = response.content.decode()
    assert "zijn al 2 mensen aangemeld voor deze sessie; meer kan niet" in page
    assert organisation_of(first).name in page
    assert not Registration.objects.filter(user=third).exists()
    # Another organisation still gets a place: the group stays mixed.
    client.logout()
    assert _register(client, people["aov"], session).status_code == 302
    assert Registration.objects.get(user=people["aov"]).status == "confirmed"


def test_the_secretariat_sets_n_per_session(client, people, make_user):
    session = training_session(max_per_organisation=1)
    services.registration_create(
        user=people["partner"], session=session, organisation=organisation_of(people["partner"])
    )
    colleague = colleague_of(make_user, people["partner"])
    assert _register(client, colleague, session).status_code == 400
    sign_in(client, people["secretariat"])
    data = {
        "title": session.title, "place": session.place, "programme": "",
        "starts_at": timezone.localtime(session.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": timezone.localtime(session.ends_at).strftime("%Y-%m-%dT%H:%M"),
        "capacity": "12", "max_per_organisation": "3",
    }  # fmt: skip
    assert client.post(f"/trainingen/sessie/{session.pk}/wijzigen/", data).status_code == 302
    session.refresh_from_db()
    assert session.max_per_organisation == 3
    client.logout()
    assert _register(client, colleague, session).status_code == 302


def test_full_session_puts_people_on_the_waiting_list_and_cancel_moves_the_first_up(client, people, make_user):
    session = training_session(capacity=1)
    assert _register(client, people["partner"], session).status_code == 302
    client.logout()
    response = _register(client, people["aov"], session)
    assert response.status_code == 302
    follow = client.get(response["Location"]).content.decode()
    assert "U staat op de wachtlijst, plaats 1" in follow
    client.logout()
    _register(client, people["aov_elsewhere"], session)
    assert list(session.registrations.order_by("pk").values_list("status", flat=True)) == [
        "confirmed",
        "waiting",
        "waiting",
    ]
    mail.outbox.clear()
    client.logout()
    sign_in(client, people["partner"])
    own = Registration.objects.get(user=people["partner"])
    assert client.post(f"/trainingen/aanmelding/{own.pk}/afmelden/").status_code == 302
    statuses = dict(session.registrations.values_list("user_id", "status"))
    assert statuses[people["partner"].pk] == "cancelled"
    assert statuses[people["aov"].pk] == "confirmed"  # first come, first served
    assert statuses[people["aov_elsewhere"].pk] == "waiting"
    note = Notification.objects.get(kind="trainings.moved_up")
    assert note.recipient == people["aov"]
    assert "U hebt een plaats" in note.title
    assert note.url == f"/trainingen/sessie/{session.pk}/"
    assert not Notification.objects.filter(kind="trainings.moved_up", recipient=people["aov_elsewhere"]).exists()


def test_more_places_move_the_waiting_list_up(people):
    session = training_session(capacity=1)
    for role in ("partner", "aov"):
        services.registration_create(user=people[role], session=session, organisation=organisation_of(people[role]))
    session.refresh_from_db()
    services.session_save(
        user=people["secretariat"], session=session, title=session.title, starts_at=session.starts_at,
        ends_at=session.ends_at, place=session.place, capacity=2, max_per_organisation=2,
    )  # fmt: skip
    assert Registration.objects.get(user=people["aov"]).status == "confirmed"
    assert Notification.objects.filter(kind="trainings.moved_up", recipient=people["aov"]).count() == 1


def test_the_reminder_goes_once_to_those_with_a_place(people):
    soon = training_session(days=2)
    later = training_session(days=9)
    for role in ("partner", "aov"):
        services.registration_create(user=people[role], session=soon, organisation=organisation_of(people[role]))
        services.registration_create(user=people[role], session=later, organisation=organisation_of(people[role]))
    soon.capacity = 1
    soon.save()
    Registration.objects.filter(session=soon, user=people["aov"]).update(status="waiting")
    send_training_reminders.call_local()
    reminders = Notification.objects.filter(kind="trainings.reminder")
    assert list(reminders.values_list("recipient_id", flat=True)) == [people["partner"].pk]
    assert "Herinnering: Voorlichting professionals" in reminders.get().title
    send_training_reminders.call_local()
    services.reminders_send(now=timezone.now() + datetime.timedelta(hours=3))
    assert Notification.objects.filter(kind="trainings.reminder").count() == 1


def test_the_reminder_is_a_scheduled_job():
    from huey.contrib.djhuey import HUEY

    # Daily at 06:40 (the worker's clock is UTC): due then, not an hour later.
    assert "send_training_reminders" in {task.name for task in HUEY.read_periodic(datetime.datetime(2026, 3, 2, 6, 40))}
    assert "send_training_reminders" not in {t.name for t in HUEY.read_periodic(datetime.datetime(2026, 3, 2, 7, 40))}


def test_attendance_ticked_by_the_secretariat_after_the_session(client, people):
    session = training_session(days=1)
    for role in ("partner", "aov"):
        services.registration_create(user=people[role], session=session, organisation=organisation_of(people[role]))
    partner_reg = Registration.objects.get(user=people["partner"])
    aov_reg = Registration.objects.get(user=people["aov"])
    sign_in(client, people["secretariat"])
    url = f"/trainingen/sessie/{session.pk}/presentie/"
    response = client.post(url, {"present": [partner_reg.pk]})
    assert response.status_code == 400
    assert "zodra de sessie begonnen is" in response.content.decode()
    partner_reg.refresh_from_db()
    assert partner_reg.attended is None
    TrainingSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=3), ends_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert client.post(url, {"present": ["abc"]}).status_code == 400
    assert client.post(url, {"present": [999999]}).status_code == 400
    assert client.post(url, {"present": [partner_reg.pk]}).status_code == 302
    partner_reg.refresh_from_db()
    aov_reg.refresh_from_db()
    assert partner_reg.attended is True and aov_reg.attended is False
    client.logout()
    sign_in(client, people["partner"])
    assert client.post(url, {"present": [aov_reg.pk]}).status_code == 404
    aov_reg.refresh_from_db()
    assert aov_reg.attended is False


def test_past_session_refuses_registration_and_cancellation(client, people):
    session = training_session(days=1)
    services.registration_create(user=people["aov"], session=session, organisation=organisation_of(people["aov"]))
    TrainingSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - datetime.timedelta(days=1),
        ends_at=timezone.now() - datetime.timedelta(days=1) + datetime.timedelta(hours=2),
    )
    response = _register(client, people["partner"], session)
    assert response.status_code == 400
    assert "al begonnen of geweest; aanmelden kan niet meer" in response.content.decode()
    assert not Registration.objects.filter(user=people["partner"]).exists()
    client.logout()
    sign_in(client, people["aov"])
    own = Registration.objects.get(user=people["aov"])
    response = client.post(f"/trainingen/aanmelding/{own.pk}/afmelden/", follow=True)
    assert "afmelden kan niet meer" in response.content.decode()
    own.refresh_from_db()
    assert own.status == "confirmed"


def test_malformed_forms_get_dutch_messages_and_store_nothing(client, people, make_user):
    session = training_session()
    sign_in(client, people["partner"])
    page = client.get(f"/trainingen/sessie/{session.pk}/aanmelden/").content.decode()
    assert 'name="organisation"' in page and "U meldt zich aan namens" in page
    response = client.post(f"/trainingen/sessie/{session.pk}/aanmelden/", {"organisation": "999999"})
    assert response.status_code == 400 and "Kies een organisatie waar u nu werkt" in response.content.decode()
    stranger = make_user(Role.PARTNER, district="NHN")
    response = client.post(
        f"/trainingen/sessie/{session.pk}/aanmelden/", {"organisation": organisation_of(stranger).pk}
    )
    assert response.status_code == 400
    assert not Registration.objects.exists()
    assert _register(client, people["partner"], session).status_code == 302
    response = _register(client, people["partner"], session)
    assert "U bent al aangemeld voor deze sessie." in response.content.decode()
    assert Registration.objects.count() == 1

    client.logout()
    sign_in(client, people["secretariat"])
    bad = {
        "title": "", "place": "Amsterdam", "programme": "", "starts_at": "morgen", "ends_at": "2020-01-01T10:00",
        "capacity": "-3", "max_per_organisation": "x",
    }  # fmt: skip
    response = client.post("/trainingen/sessie/nieuw/", bad)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Vul een datum en tijd in" in page and "Vul een geheel getal in." in page
    past = timezone.localtime(timezone.now() - datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        "/trainingen/sessie/nieuw/",
        {**bad, "title": "Sessie", "starts_at": past, "ends_at": past, "capacity": "0", "max_per_organisation": "1"},
    )
    page = response.content.decode()
    assert "Kies een moment in de toekomst" in page and "minstens 1 plaats" in page
    assert "eindigen na het begin" in page
    assert TrainingSession.objects.count() == 1
    # Fewer places than people with a place: refused, nothing changes.
    edit = {
        "title": session.title, "place": session.place, "programme": "", "capacity": "0", "max_per_organisation": "1",
        "starts_at": timezone.localtime(session.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": timezone.localtime(session.ends_at).strftime("%Y-%m-%dT%H:%M"),
    }  # fmt: skip
    assert "minstens 1 plaats" in client.post(f"/trainingen/sessie/{session.pk}/wijzigen/", edit).content.decode()
    session.refresh_from_db()
    assert session.capacity == 12


def test_the_participant_list_downloads_without_formulas(client, people, make_user):
    session = training_session()
    people["partner"].first_name, people["partner"].last_name = "=HYPERLINK(1)", "Jansen"
    people["partner"].save()
    services.registration_create(
        user=people["partner"], session=session, organisation=organisation_of(people["partner"])
    )
    sign_in(client, people["secretariat"])
    response = client.get(f"/trainingen/sessie/{session.pk}/deelnemers.csv")
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv") and response["Cache-Control"] == "private, no-store"
    assert text.splitlines()[0] == "Naam;E-mailadres;Organisatie;Status;Aangemeld op;Aanwezig"
    assert "'=HYPERLINK(1) Jansen" in text and organisation_of(people["partner"]).name in text
