"""Findings of the security review of module 2, each guarded: the speaker choice names only organisations the
organiser may see; a coming evening cannot be moved into the past (it would rewrite a past year's module 2
figures), and a draft never held does not decide from which year the records count; the service re-checks a
CRM speaker; numbers too large for their column get a Dutch message instead of an error page."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from evenings import selectors, services
from evenings.models import Evening
from stakeholders.models import Affiliation
from tests.stakeholders.factories import AffiliationFactory, OrganisationFactory

from .conftest import evening, sign_in
from .test_organising import _form

pytestmark = pytest.mark.django_db


def test_the_speaker_choice_names_no_organisation_the_organiser_may_not_see(client, people):
    e = evening()
    own = Affiliation.objects.get(contact=people["aov"].contact).organisation  # Haarlem's, in the AOV's platform
    speaker = AffiliationFactory(organisation=own).contact
    speaker.directory_consent = True
    speaker.save()
    # A second workplace in no platform of the AOV, whose name sorts first.
    AffiliationFactory(contact=speaker, organisation=OrganisationFactory(name="Aaa Advocatenkantoor Geheim"))
    labels = selectors.contact_labels(people["aov"], selectors.speaker_candidates(people["aov"], e.municipality))
    assert speaker.pk in labels and "Geheim" not in labels[speaker.pk]
    page = sign_in(client, people["aov"]).get(f"/informatieavonden/organiseren/{e.pk}/").content.decode()
    assert str(speaker) in page and "Geheim" not in page


def test_a_coming_evening_cannot_be_moved_into_the_past(client, people):
    e = evening(days=10)
    sign_in(client, people["aov"])
    past = (timezone.localdate() - datetime.timedelta(days=3650)).isoformat()
    response = client.post(f"/informatieavonden/organiseren/{e.pk}/wijzigen/", _form(date=past))
    assert response.status_code == 400
    assert "niet naar een datum in het verleden verplaatsen" in response.content.decode()
    e.refresh_from_db()
    assert e.date == timezone.localdate() + datetime.timedelta(days=10)


def test_a_draft_never_held_does_not_decide_the_first_year_of_records(people):
    evening(days=-800, published=False)  # a draft left in the past, never held
    held = evening(days=-1, attendance=20)
    assert selectors.first_record_year() == held.date.year


def test_the_service_refuses_a_speaker_the_organiser_may_not_choose(people):
    e = evening()
    outsider = AffiliationFactory(organisation=OrganisationFactory()).contact  # no consent, another municipality
    with pytest.raises(ValidationError):
        services.speaker_add(user=people["aov"], evening=e, kind="burgemeester", contact=outsider)
    assert not e.speakers.exists()


def test_numbers_too_large_get_a_dutch_message(client, people):
    sign_in(client, people["aov"])
    response = client.post("/informatieavonden/organiseren/nieuw/", _form(capacity="40000"))
    assert response.status_code == 400
    assert "Vul hoogstens 5000 plaatsen in" in response.content.decode()
    assert not Evening.objects.exists()


def test_unpublishing_an_evening_forgets_the_reminder_addresses_at_once(client, people):
    e = evening(days=30)
    services.registration_create(evening=e, people=2, email="bewoner@example.nl")
    services.registration_create(evening=e, people=1, email="")
    sign_in(client, people["aov"])
    data = _form(date=e.date.isoformat())
    del data["published"]  # the box unticked: off the public page
    response = client.post(f"/informatieavonden/organiseren/{e.pk}/wijzigen/", data)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Het e-mailadres voor de herinnering van 1 aanmelding is gewist" in page
    assert list(e.registrations.values_list("email", flat=True)) == ["", ""]
    assert sum(e.registrations.values_list("people", flat=True)) == 3  # the registrations themselves stay
    # Saving it again, unpublished, says nothing more.
    again = client.post(f"/informatieavonden/organiseren/{e.pk}/wijzigen/", data)
    assert "voor de herinnering van" not in client.get(again["Location"]).content.decode()
