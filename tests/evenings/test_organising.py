"""Organising an evening: the form's Dutch errors, speakers from the CRM (only contacts the organiser may see,
of this municipality, an organisation working in it or the district's police) and guests, attendance after the
evening, the reminder once, the deletion of registrations after the evening, and a draft lesson learned."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from evenings import selectors, services
from evenings.models import Evening, Registration, Speaker
from knowledgebase.models import LessonPage
from stakeholders.models import Municipality
from tests.stakeholders.factories import AffiliationFactory, OrganisationFactory

from .conftest import HAARLEM, evening, sign_in

pytestmark = pytest.mark.django_db


def _form(**data):
    haarlem = Municipality.objects.get(cbs_code=HAARLEM)
    base = {
        "municipality": haarlem.pk, "title": "Informatieavond", "date": "", "starts_at": "19:30",
        "place": "Dorpshuis", "address": "Dorpsstraat 1", "capacity": "", "programme": "", "published": "on",
    }  # fmt: skip
    base["date"] = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    return {**base, **data}


def test_the_aov_plans_an_evening_for_their_municipality(client, people):
    sign_in(client, people["aov"])
    response = client.post("/informatieavonden/organiseren/nieuw/", _form(capacity="60"))
    assert response.status_code == 302
    e = Evening.objects.get()
    assert e.municipality.cbs_code == HAARLEM and e.capacity == 60 and e.published and e.created_by == people["aov"]
    assert e.slug.startswith("haarlem-")
    assert e.slug in client.get("/informatieavonden/").content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"date": "31-02-2027"}, "Vul een datum in, zoals 14-03-2027."),
        ({"date": "2020-01-01"}, "Kies een datum vandaag of later voor een nieuwe avond."),
        ({"starts_at": "half acht"}, "Vul een tijd in, zoals 19:30."),
        ({"capacity": "0"}, "Vul 1 of meer plaatsen in"),
        ({"capacity": "veel"}, "Vul een geheel getal in."),
        ({"place": ""}, "Dit is een verplicht veld."),
    ],
)
def test_bad_evening_input_is_explained(client, people, data, message):
    sign_in(client, people["secretariat"])
    response = client.post("/informatieavonden/organiseren/nieuw/", _form(**data))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Evening.objects.exists()


def test_places_cannot_drop_below_those_registered(people):
    e = evening(capacity=10)
    Registration.objects.create(evening=e, people=6)
    with pytest.raises(Exception, match="Er zijn al 6 mensen aangemeld"):
        services.evening_save(
            user=people["secretariat"], evening=e, municipality=e.municipality, title=e.title, date=e.date,
            starts_at=e.starts_at, place=e.place, address=e.address, capacity=5,
        )  # fmt: skip


def test_speakers_from_the_crm_and_guests(client, people):
    e = evening()
    haarlem = e.municipality
    mayor = AffiliationFactory(organisation=OrganisationFactory(municipality=haarlem)).contact
    mayor.directory_consent = True
    mayor.save()
    elsewhere = AffiliationFactory(organisation=OrganisationFactory()).contact
    sign_in(client, people["secretariat"])
    page = client.get(f"/informatieavonden/organiseren/{e.pk}/").content.decode()
    assert str(mayor) in page and str(elsewhere) not in page
    url = f"/informatieavonden/organiseren/{e.pk}/sprekers/crm/"
    response = client.post(url, {"crm-kind": "burgemeester", "crm-contact": mayor.pk})
    assert response.status_code == 400 and "Vraag de spreker eerst" in response.content.decode()
    response = client.post(url, {"crm-kind": "burgemeester", "crm-contact": elsewhere.pk, "crm-consent": "on"})
    assert response.status_code == 400 and "Kies een contactpersoon uit de lijst." in response.content.decode()
    assert (
        client.post(url, {"crm-kind": "burgemeester", "crm-contact": mayor.pk, "crm-consent": "on"}).status_code == 302
    )
    guest_url = f"/informatieavonden/organiseren/{e.pk}/sprekers/gast/"
    response = client.post(guest_url, {"gast-name": ""})
    assert response.status_code == 400 and "Vul de naam in." in response.content.decode()
    assert client.post(guest_url, {"gast-name": "Jan de Boer", "gast-description": "LTO Noord"}).status_code == 302
    assert list(e.speakers.values_list("kind", flat=True)) == ["burgemeester", "gast"]
    public = client.get(f"/informatieavonden/{e.slug}/").content.decode()
    assert f"{mayor}, burgemeester" in public and "Jan de Boer, gastspreker (LTO Noord)" in public
    # An anonymised contact keeps the role on the page, without a name.
    mayor.anonymised_at = timezone.now()
    mayor.save()
    public = client.get(f"/informatieavonden/{e.slug}/").content.decode()
    assert str(mayor) not in public and "Burgemeester" in public


def test_the_aov_chooses_only_contacts_they_may_see(people):
    e = evening()
    hidden = AffiliationFactory(organisation=OrganisationFactory(municipality=e.municipality)).contact  # no consent
    assert hidden.pk in selectors.contact_ids(selectors.speaker_candidates(people["secretariat"], e.municipality))
    assert hidden.pk not in selectors.contact_ids(selectors.speaker_candidates(people["aov"], e.municipality))
    aov_contact = people["aov"].contact
    aov_contact.directory_consent = True
    aov_contact.save()
    assert aov_contact.pk in selectors.contact_ids(selectors.speaker_candidates(people["aov"], e.municipality))


def test_attendance_after_the_evening(client, people):
    e = evening(days=-1)
    upcoming = evening(days=5)
    sign_in(client, people["aov"])
    page = client.get(f"/informatieavonden/organiseren/{upcoming.pk}/opkomst/").content.decode()
    assert "zodra de avond begonnen is" in page
    response = client.post(f"/informatieavonden/organiseren/{upcoming.pk}/opkomst/", {"attendance": "20"})
    assert response.status_code == 400
    url = f"/informatieavonden/organiseren/{e.pk}/opkomst/"
    for data, message in [
        ({"attendance": ""}, "Vul het aantal aanwezigen in."),
        ({"attendance": "-3"}, "Vul een aantal van 0 tot en met 100000 in."),
        ({"attendance": "3000000000"}, "Vul een aantal van 0 tot en met 100000 in."),
        ({"attendance": "veertig"}, "Vul een geheel getal in."),
    ]:
        response = client.post(url, data)
        assert response.status_code == 400 and message in response.content.decode()
    assert client.post(url, {"attendance": "42", "materials_handed_out": "30"}).status_code == 302
    e.refresh_from_db()
    assert (e.attendance, e.materials_handed_out, e.attendance_entered_by) == (42, 30, people["aov"])


def test_one_reminder_the_day_before_and_the_address_is_gone(people):
    tomorrow = evening(days=1)
    later = evening(days=3)
    with_address = Registration.objects.create(evening=tomorrow, people=2, email="bewoner@example.nl")
    Registration.objects.create(evening=tomorrow, people=1)
    Registration.objects.create(evening=later, people=1, email="later@example.nl")
    assert services.reminders_send() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["bewoner@example.nl"]
    assert "Herinnering: informatieavond in Haarlem, morgen om 19:30" == message.subject
    assert f"/informatieavonden/{tomorrow.slug}/" in message.body and "Dorpshuis" in message.body
    with_address.refresh_from_db()
    assert with_address.email == "" and with_address.reminded_at is not None
    assert services.reminders_send() == 0  # once
    assert len(mail.outbox) == 1
    assert Registration.objects.get(evening=later).email == "later@example.nl"


def test_a_failed_send_is_tried_again_at_the_next_run(people, monkeypatch):
    e = evening(days=1)
    Registration.objects.create(evening=e, people=2, email="bewoner@example.nl")

    def broken(self, *args, **kwargs):
        raise OSError("smtp down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    assert services.reminders_send() == 0
    assert Registration.objects.get().email == "bewoner@example.nl"
    monkeypatch.undo()
    assert services.reminders_send() == 1


def test_registrations_are_deleted_after_the_evening_keeping_the_counts(people):
    past = evening(days=-1)
    today = evening(days=0)
    for n in (2, 3):
        Registration.objects.create(evening=past, people=n, email="x@example.nl")
    Registration.objects.create(evening=today, people=4)
    out = StringIO()
    call_command("purge_evening_registrations", "--dry-run", stdout=out)
    assert "Zou 2 aanmeldingen van 1 voorbije avonden verwijderen." in out.getvalue()
    assert Registration.objects.count() == 3
    call_command("purge_evening_registrations", stdout=out)
    assert "2 aanmeldingen van 1 voorbije avonden verwijderd." in out.getvalue()
    assert not Registration.objects.filter(evening=past).exists()
    assert Registration.objects.filter(evening=today).count() == 1
    past.refresh_from_db()
    assert (past.registrations_kept, past.people_registered_kept) == (2, 5)
    assert services.people_registered(past) == 5
    call_command("purge_evening_registrations", stdout=out)  # nothing twice
    past.refresh_from_db()
    assert past.people_registered_kept == 5


def test_a_lesson_learned_from_an_evening(client, people):
    e = evening(days=-2, attendance=37)
    Speaker.objects.create(evening=e, kind="gast", name="Jan de Boer <b>", position=1)
    sign_in(client, people["aov"])
    response = client.post(f"/informatieavonden/organiseren/{e.pk}/les/")
    assert response.status_code == 302 and response["Location"].startswith("/bijdragen/")
    assert client.get(response["Location"]).status_code == 200  # the author completes it in the usual form
    page = LessonPage.objects.get()
    assert not page.live and page.owner == people["aov"]
    assert "Lessen uit de informatieavond in Haarlem" in page.title
    text = page.body[0].value.source
    assert "Aanwezig: 37 personen" in text and "&lt;b&gt;" in text and "<b>" not in text
    assert [m.cbs_code for m in page.municipalities.all()] == [HAARLEM]
    assert [m.number for m in page.modules.all()] == [2]
    assert list(e.lessons.all()) == [page]
    # Again: the same draft, not a second one.
    client.post(f"/informatieavonden/organiseren/{e.pk}/les/")
    assert LessonPage.objects.count() == 1
    assert page.title in client.get(f"/informatieavonden/organiseren/{e.pk}/").content.decode()


def test_no_screen_shows_a_residents_email(client, people):
    e = evening(days=-1)
    Registration.objects.create(evening=e, people=2, email="geheim@example.nl")
    sign_in(client, people["secretariat"])
    for url in [
        "/informatieavonden/organiseren/",
        f"/informatieavonden/organiseren/{e.pk}/",
        f"/informatieavonden/organiseren/{e.pk}/opkomst/",
        "/",
    ]:
        assert "geheim@example.nl" not in client.get(url).content.decode(), url


def test_the_worker_jobs_run_the_services(people):
    """The periodic jobs the worker runs (tasks.py) send the reminder and delete past registrations."""
    from evenings.tasks import purge_evening_registrations, send_evening_reminders

    Registration.objects.create(evening=evening(days=1), people=1, email="morgen@example.nl")
    Registration.objects.create(evening=evening(days=-1), people=2)
    send_evening_reminders.call_local()
    purge_evening_registrations.call_local()
    assert [m.to for m in mail.outbox] == [["morgen@example.nl"]]
    assert Registration.objects.count() == 1 and Registration.objects.get().email == ""
