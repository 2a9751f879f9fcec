"""Data-subject requests (AVG): export of one contact, anonymisation, and the review of inactive contacts."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import ModelLogEntry

from core.roles import Role
from stakeholders.models import Affiliation, Contact, Interaction
from stakeholders.personal_data import contact_anonymise, contact_personal_data, inactive_contacts
from tests.accounts.factories import UserFactory
from tests.stakeholders.factories import AffiliationFactory, ContactFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def _long_ago() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=365 * 3)


def _recently() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=30)


@pytest.fixture
def person(reference_data):
    """A contact with consents, two affiliations, interactions, an account and a log entry; and a colleague."""
    organisation = OrganisationFactory(name="Waterschap HHNK")
    former = OrganisationFactory(name="Gemeente Hollands Kroon", municipal=True)
    contact = ContactFactory(
        first_name="Fenna",
        last_name="de Boer",
        email="fenna@hhnk.nl",
        phone="0612345678",
        function="Handhaver",
        directory_consent=True,
        directory_consent_at=timezone.now(),
    )
    AffiliationFactory(contact=contact, organisation=organisation)
    AffiliationFactory(contact=contact, organisation=former, end_date=datetime.date(2023, 12, 31))
    Interaction.objects.create(kind="call", contact=contact, summary="Fenna belde over de ondermijningskaart")
    Interaction.objects.create(kind="meeting", contact=contact, organisation=organisation, summary="Overleg HHNK")
    colleague = ContactFactory(first_name="Kees", last_name="Zwart", email="kees@hhnk.nl")
    AffiliationFactory(contact=colleague, organisation=organisation)
    Interaction.objects.create(kind="email", contact=colleague, organisation=organisation, summary="Mail aan Kees")
    Interaction.objects.create(kind="visit", organisation=organisation, summary="Bezoek zonder persoon")
    user = UserFactory(roles=[Role.PARTNER], contact=contact, email="fenna.account@hhnk.nl")
    from wagtail.log_actions import log

    log(instance=contact, action="wagtail.edit", data={"fields": ["phone"], "via": "self-service"})
    return contact, colleague, user


def test_export_holds_everything_about_the_contact_and_nothing_about_others(person):
    contact, colleague, user = person
    data = contact_personal_data(contact=contact)

    assert data["contact"]["email"] == "fenna@hhnk.nl" and data["contact"]["function"] == "Handhaver"
    assert data["consents"]["directory"]["given"] is True and data["consents"]["directory"]["given_at"]
    assert data["consents"]["invitations"] == {"given": False, "given_at": None}
    assert {(a["organisation"], a["end_date"]) for a in data["affiliations"]} == {
        ("Waterschap HHNK", None),
        ("Gemeente Hollands Kroon", "2023-12-31"),
    }
    assert sorted(i["summary"] for i in data["interactions"]) == [
        "Fenna belde over de ondermijningskaart",
        "Overleg HHNK",
    ]
    assert data["user_account"]["email"] == "fenna.account@hhnk.nl"
    assert data["user_account"]["roles"] == ["partner"]
    assert "last_login" in data["user_account"]
    assert [entry["action"] for entry in data["audit_log"]] == ["wagtail.edit"]
    dumped = json.dumps(data)
    for other in ("Kees", "kees@hhnk.nl", "Mail aan Kees", "Bezoek zonder persoon", str(colleague.pk) + '"'):
        assert other not in dumped


def test_export_download_in_the_admin_is_logged(secretariat_client, secretariat, person):
    contact, _colleague, _user = person
    response = secretariat_client.get(f"/beheer/crm/persoonsgegevens/contactpersoon/{contact.pk}/export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["contact"]["id"] == contact.pk and len(data["affiliations"]) == 2
    entry = ModelLogEntry.objects.for_instance(contact).get(action="vbg.crm.personal_data_exported")
    assert entry.user_id == secretariat.pk


def test_anonymise_removes_personal_fields_keeps_counts_and_ends_access(
    client, person, secretariat, django_capture_on_commit_callbacks
):
    contact, colleague, user = person
    client.force_login(user)
    assert client.get("/mijn-gegevens/").status_code == 200
    counts = (Affiliation.objects.filter(contact=contact).count(), Interaction.objects.filter(contact=contact).count())

    with django_capture_on_commit_callbacks(execute=True):
        contact_anonymise(actor=secretariat, contact=contact, reason="Verzoek van de betrokkene, 3 maart")

    contact.refresh_from_db()
    assert contact.first_name == "Geanonimiseerd" and contact.last_name == f"#{contact.pk}"
    assert (contact.email, contact.phone, contact.function) == ("", "", "")
    assert not contact.directory_consent and contact.directory_consent_at is None
    assert contact.anonymised_at is not None
    assert counts == (
        Affiliation.objects.filter(contact=contact).count(),
        Interaction.objects.filter(contact=contact).count(),
    )
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    assert not Affiliation.objects.filter(contact=contact).current(tomorrow).exists()  # ended today ("t/m")
    assert Affiliation.objects.get(contact=contact, end_date=datetime.date.today())
    summaries = set(Interaction.objects.filter(contact=contact).values_list("summary", flat=True))
    assert summaries == {"[geanonimiseerd]", "Overleg HHNK"}  # the organisation's history keeps its summary
    old_email = user.email
    user.refresh_from_db()
    assert user.is_active is False
    assert old_email not in user.email and not user.first_name and not user.last_name
    assert not user.has_usable_password()
    assert client.get("/mijn-gegevens/").status_code == 302
    # The colleague is untouched.
    colleague.refresh_from_db()
    assert colleague.first_name == "Kees" and colleague.affiliations.current().exists()
    # The log says who and why, without the person's data (also in older entries' labels).
    entry = ModelLogEntry.objects.for_instance(contact).get(action="vbg.crm.anonymised")
    assert entry.user_id == secretariat.pk and entry.data["reason"] == "Verzoek van de betrokkene, 3 maart"
    for entry in ModelLogEntry.objects.for_instance(contact):
        text = entry.label + json.dumps(entry.data)
        assert "Fenna" not in text and "fenna@hhnk.nl" not in text and "de Boer" not in text


def test_anonymise_needs_a_reason_and_happens_once(secretariat, person):
    contact, _colleague, _user = person
    for reason in ("", "   "):
        with pytest.raises(ValidationError, match="Geef een reden op"):
            contact_anonymise(actor=secretariat, contact=contact, reason=reason)
    contact.refresh_from_db()
    assert contact.first_name == "Fenna" and contact.anonymised_at is None
    contact_anonymise(actor=secretariat, contact=contact, reason="Bewaartermijn verstreken")
    with pytest.raises(ValidationError, match="al geanonimiseerd"):
        contact_anonymise(actor=secretariat, contact=contact, reason="Nogmaals")


def test_anonymise_screen_refuses_a_missing_reason_in_dutch(secretariat_client, person):
    contact, _colleague, user = person
    url = f"/beheer/crm/persoonsgegevens/contactpersoon/{contact.pk}/anonimiseren/"
    assert secretariat_client.get(url).status_code == 200
    response = secretariat_client.post(url, {"reason": "  "})
    assert response.status_code == 400 and "Geef een reden op voor het anonimiseren" in response.text
    contact.refresh_from_db()
    user.refresh_from_db()
    assert contact.first_name == "Fenna" and user.is_active
    response = secretariat_client.post(url, {"reason": "Verzoek van de betrokkene"})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.anonymised_at is not None


def test_unknown_contact_is_not_found(secretariat_client, reference_data):
    for suffix in ("", "export/", "anonimiseren/"):
        assert secretariat_client.get(f"/beheer/crm/persoonsgegevens/contactpersoon/999999/{suffix}").status_code == 404
    response = secretariat_client.get("/beheer/crm/persoonsgegevens/zoeken/", {"contact": "999999"})
    assert response.status_code == 200 and "Selecteer een geldige keuze" in response.text


def test_lookup_leads_to_the_contact_page(secretariat_client, person):
    contact, _colleague, _user = person
    response = secretariat_client.get("/beheer/crm/persoonsgegevens/zoeken/", {"contact": contact.pk})
    assert response.status_code == 302
    page = secretariat_client.get(response["Location"])
    assert page.status_code == 200 and "Fenna de Boer" in page.text


# --- The retention review ----------------------------------------------------------------------


def _contact(*, updated, login=None, interaction=None, anonymised=False):
    contact = ContactFactory()
    if login is not None:
        UserFactory(contact=contact, last_login=login)
    if interaction is not None:
        Interaction.objects.create(kind="call", contact=contact, date=interaction.date(), summary="Gesprek")
    Contact.objects.filter(pk=contact.pk).update(
        updated_at=updated, anonymised_at=timezone.now() if anonymised else None
    )
    return contact


def test_inactive_contacts_are_those_without_any_recent_activity(reference_data):
    old = _contact(updated=_long_ago())
    old_with_old_login = _contact(updated=_long_ago(), login=_long_ago(), interaction=_long_ago())
    recent = _contact(updated=_recently())
    logged_in_recently = _contact(updated=_long_ago(), login=_recently())
    spoken_to_recently = _contact(updated=_long_ago(), interaction=_recently())
    anonymised = _contact(updated=_long_ago(), anonymised=True)

    found = set(inactive_contacts().values_list("pk", flat=True))

    assert found == {old.pk, old_with_old_login.pk}
    assert not found & {recent.pk, logged_in_recently.pk, spoken_to_recently.pk, anonymised.pk}


def test_retention_period_comes_from_settings(reference_data, settings):
    contact = _contact(updated=_long_ago())
    settings.RETENTION = {**settings.RETENTION, "inactive_contact_years": 5}
    assert not inactive_contacts().filter(pk=contact.pk).exists()
    settings.RETENTION = {**settings.RETENTION, "inactive_contact_years": 1}
    assert inactive_contacts().filter(pk=contact.pk).exists()


def test_review_list_shows_old_not_recent_with_actions_and_constant_queries(secretariat_client, reference_data):
    old = _contact(updated=_long_ago())
    recent = _contact(updated=_recently())
    url = "/beheer/crm/persoonsgegevens/"

    def measure():
        with CaptureQueriesContext(connection) as queries:
            response = secretariat_client.get(url)
        assert response.status_code == 200
        return response, len(queries)

    response, small = measure()
    assert f'data-contact="{old.pk}"' in response.text
    assert f'data-contact="{recent.pk}"' not in response.text
    assert f"/persoonsgegevens/contactpersoon/{old.pk}/export/" in response.text
    assert f"/persoonsgegevens/contactpersoon/{old.pk}/anonimiseren/" in response.text

    for number in range(15):
        contact = _contact(updated=_long_ago(), login=_long_ago() if number % 2 else None, interaction=_long_ago())
        AffiliationFactory(contact=contact)
    response, large = measure()
    assert response.text.count("data-contact=") == 16
    assert large == small


# --- Who may use it ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.PARTNER, Role.COACH, Role.ADMIN, Role.AOV, Role.PRIVACY_OFFICER])
def test_others_get_nothing_from_the_personal_data_tools(client, make_user, login_with_mfa, person, role):
    contact, _colleague, _user = person
    login_with_mfa(client, make_user(role))
    base = "/beheer/crm/persoonsgegevens/"
    for url in (
        base,
        f"{base}zoeken/?contact={contact.pk}",
        f"{base}contactpersoon/{contact.pk}/",
        f"{base}contactpersoon/{contact.pk}/export/",
        f"{base}contactpersoon/{contact.pk}/anonimiseren/",
    ):
        response = client.get(url)
        assert response.status_code in (302, 404), url
        assert b"fenna" not in response.content.lower()
    response = client.post(f"{base}contactpersoon/{contact.pk}/anonimiseren/", {"reason": "Poging"})
    assert response.status_code in (302, 404)
    contact.refresh_from_db()
    assert contact.anonymised_at is None
    assert not ModelLogEntry.objects.filter(action__startswith="vbg.crm.personal_data").exists()
