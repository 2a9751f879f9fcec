"""The residents' registration page: the number of people (1 to 10) and an optional e-mail address, clear
Dutch errors that store nothing, a full evening that says so, and tries limited per client address."""

import datetime

import pytest
from django.utils import timezone

from evenings import services
from evenings.models import Registration

from .conftest import evening

pytestmark = pytest.mark.django_db


def _post(client, e, **data):
    return client.post(f"/informatieavonden/{e.slug}/", {"people": "", "email": "", "website": "", **data})


def test_registering_with_people_only(client):
    e = evening()
    response = _post(client, e, people="3")
    assert response.status_code == 302 and response["Location"] == f"/informatieavonden/{e.slug}/aangemeld/"
    registration = Registration.objects.get()
    assert registration.people == 3 and registration.email == ""
    done = client.get(response["Location"]).content.decode()
    assert "U bent aangemeld met 3 personen" in done
    assert "herinnering" not in done.split("U bent aangemeld met")[1].split("Na de avond")[0]


def test_registering_with_an_email_for_one_reminder(client):
    e = evening()
    response = _post(client, e, people="1", email="Bewoner@Example.nl")
    assert response.status_code == 302
    assert Registration.objects.get().email == "bewoner@example.nl"
    assert "één herinnering per e-mail" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"people": ""}, "Vul in met hoeveel personen u komt."),
        ({"people": "0"}, "Vul een aantal personen van 1 tot en met 10 in."),
        ({"people": "11"}, "Vul een aantal personen van 1 tot en met 10 in."),
        ({"people": "-2"}, "Vul een aantal personen van 1 tot en met 10 in."),
        ({"people": "twee"}, "Vul een getal in, bijvoorbeeld 2."),
        ({"people": "2", "email": "geen-adres"}, "Dit e-mailadres klopt niet."),
    ],
)
def test_bad_input_is_explained_and_nothing_is_stored(client, data, message):
    e = evening()
    response = _post(client, e, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Registration.objects.exists()


def test_a_full_evening_says_so_and_stores_nothing(client):
    e = evening(capacity=5)
    assert _post(client, e, people="4").status_code == 302
    response = _post(client, e, people="2")
    assert response.status_code == 400
    assert "Er is nog 1 plaats vrij. Meld u aan met 1 persoon." in response.content.decode()
    assert _post(client, e, people="1").status_code == 302
    page = client.get(f"/informatieavonden/{e.slug}/").content.decode()
    assert "Deze avond is vol. Aanmelden kan niet meer." in page
    assert 'name="people"' not in page
    assert "Vol" in client.get("/informatieavonden/").content.decode()
    response = _post(client, e, people="1")
    assert response.status_code == 400 and "Deze avond is vol." in response.content.decode()
    assert sum(Registration.objects.values_list("people", flat=True)) == 5


def test_no_maximum_takes_everyone(client):
    e = evening(capacity=None)
    for number in range(3):
        resident = client.__class__(REMOTE_ADDR=f"10.0.0.{number + 1}")
        assert _post(resident, e, people="10").status_code == 302
    assert Registration.objects.count() == 3


def test_a_past_or_begun_evening_takes_no_registrations(client):
    past = evening(days=-1)
    response = _post(client, past, people="2")
    assert response.status_code == 400
    assert "Aanmelden voor deze avond kan niet meer." in response.content.decode()
    begun = evening(days=0, starts_at=(timezone.localtime() - datetime.timedelta(minutes=5)).time())
    if begun.date == timezone.localdate():
        assert _post(client, begun, people="2").status_code == 400
    assert not Registration.objects.exists()
    assert past.slug not in client.get("/informatieavonden/").content.decode()


def test_too_many_tries_from_one_address_are_refused(client):
    e = evening(capacity=None)
    for _ in range(10):
        _post(client, e, people="1")
    response = _post(client, e, people="1")
    assert response.status_code == 429
    assert "Te veel aanmeldingen vanaf dit adres" in response.content.decode()
    assert Registration.objects.count() == 10
    other = client.__class__(REMOTE_ADDR="10.9.9.9")
    assert _post(other, e, people="1").status_code == 302


def test_the_bot_trap_stores_nothing(client):
    e = evening()
    response = _post(client, e, people="2", website="http://spam.example")
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_the_done_page_needs_this_browsers_registration(client):
    e = evening()
    assert client.get(f"/informatieavonden/{e.slug}/aangemeld/").status_code == 404


def test_no_email_is_kept_when_no_reminder_can_be_sent():
    e = evening(days=1)
    late = timezone.make_aware(datetime.datetime.combine(e.date - datetime.timedelta(days=1), datetime.time(20, 0)))
    registration = services.registration_create(evening=e, people=2, email="laat@example.nl", now=late)
    assert registration.email == ""
    early = timezone.make_aware(datetime.datetime.combine(e.date - datetime.timedelta(days=1), datetime.time(8, 0)))
    assert services.registration_create(evening=e, people=2, email="vroeg@example.nl", now=early).email


@pytest.mark.django_db(transaction=True)
def test_two_residents_at_once_for_the_last_places_give_one_registration():
    import threading

    from django.core.exceptions import ValidationError
    from django.db import connection

    e = evening(capacity=6)
    services.registration_create(evening=e, people=3)
    barrier = threading.Barrier(2)
    outcomes = []

    def register():
        try:
            barrier.wait()
            services.registration_create(evening=e, people=3)
            outcomes.append("ok")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=register) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert outcomes.count("ok") == 1, outcomes
    assert "Deze avond is vol. Aanmelden kan niet meer." in outcomes
    assert sum(Registration.objects.values_list("people", flat=True)) == 6


def test_one_address_cannot_book_an_evening_out(client):
    """At most 20 places per client address per evening in a day; an IPv6 address counts by its /64."""
    e = evening(capacity=80)
    home = client.__class__(REMOTE_ADDR="2001:db8:1:2::10")
    assert _post(home, e, people="10").status_code == 302
    same_line = client.__class__(REMOTE_ADDR="2001:db8:1:2::99")
    assert _post(same_line, e, people="10").status_code == 302
    response = _post(same_line, e, people="1")
    assert response.status_code == 400
    assert "Vanaf dit adres zijn vandaag al 20 plaatsen voor deze avond aangemeld" in response.content.decode()
    assert sum(Registration.objects.values_list("people", flat=True)) == 20
    elsewhere = client.__class__(REMOTE_ADDR="2001:db8:9:9::1")
    assert _post(elsewhere, e, people="3").status_code == 302
    other_evening = evening(capacity=80)
    assert _post(same_line, other_evening, people="5").status_code == 302
