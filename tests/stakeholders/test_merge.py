"""Merging duplicate organisations and contacts: everything moves, nothing is deleted, the log says who and what."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import ModelLogEntry

from accounts.models import User
from core.roles import Role
from stakeholders.merge import contact_merge, organisation_merge, record_merge
from stakeholders.models import Affiliation, Contact, District, Interaction, Membership, Municipality, Organisation
from tests.accounts.factories import UserFactory
from tests.stakeholders.factories import AffiliationFactory, ContactFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def _merge_logs(record):
    return ModelLogEntry.objects.for_instance(record).filter(action="vbg.crm.merged")


def _snapshot():
    return {
        "organisations": list(Organisation.objects.order_by("pk").values()),
        "contacts": list(Contact.objects.order_by("pk").values()),
        "affiliations": list(Affiliation.objects.order_by("pk").values()),
        "memberships": list(Membership.objects.order_by("pk").values()),
        "interactions": list(Interaction.objects.order_by("pk").values()),
        "users": list(User.objects.order_by("pk").values("pk", "contact_id", "is_active")),
        "logs": ModelLogEntry.objects.count(),
    }


@pytest.fixture
def organisation_pair(reference_data):
    ken, nhn = District.objects.get(code="KEN"), District.objects.get(code="NHN")
    keep = OrganisationFactory(name="Liander", email="", city="Arnhem")
    duplicate = OrganisationFactory(
        name="Liander N.V.", email="info@liander.nl", city="Duiven", kvk_number="09104351", phone="026-1234567"
    )
    MembershipFactory(organisation=keep, district=ken, since=datetime.date(2023, 1, 1))
    MembershipFactory(organisation=duplicate, district=ken, since=datetime.date(2021, 9, 1))
    MembershipFactory(organisation=duplicate, district=nhn, since=datetime.date(2022, 3, 1))
    municipalities = list(Municipality.objects.order_by("pk")[:2])
    duplicate.municipalities.add(*municipalities)
    worker = AffiliationFactory(organisation=duplicate).contact
    Interaction.objects.create(kind="call", organisation=duplicate, summary="Overleg over lege schuren")
    Interaction.objects.create(kind="visit", organisation=duplicate, contact=worker, summary="Bezoek")
    return keep, duplicate, worker, municipalities


def test_organisation_merge_moves_everything_keeps_the_duplicate_and_logs(secretariat, organisation_pair):
    keep, duplicate, worker, municipalities = organisation_pair

    organisation_merge(actor=secretariat, keep=keep, duplicate=duplicate, field_choices={"city": "duplicate"})

    keep.refresh_from_db()
    duplicate.refresh_from_db()
    # Chosen and default values: city chosen, e-mail/KvK/phone empty on keep so taken, name kept.
    assert (keep.name, keep.city, keep.email, keep.kvk_number, keep.phone) == (
        "Liander",
        "Duiven",
        "info@liander.nl",
        "09104351",
        "026-1234567",
    )
    # One current membership per district, with the earliest start.
    memberships = {m.district.code: m for m in keep.memberships.all()}
    assert set(memberships) == {"KEN", "NHN"} and keep.memberships.count() == 2
    assert memberships["KEN"].since == datetime.date(2021, 9, 1)
    assert set(keep.municipalities.all()) == set(municipalities)
    assert list(Affiliation.objects.filter(contact=worker).values_list("organisation_id", flat=True)) == [keep.pk]
    assert keep.interactions.count() == 2
    # The duplicate stays, ended and renamed, with nothing left on it.
    assert duplicate.is_active is False
    assert duplicate.name == f"Liander N.V. (samengevoegd met #{keep.pk})"
    assert duplicate.kvk_number == ""
    assert not duplicate.memberships.exists() and not duplicate.affiliations.exists()
    assert not duplicate.interactions.exists() and not duplicate.municipalities.exists()
    # The log, on both records: who, when and which fields.
    kept_entry, duplicate_entry = _merge_logs(keep).get(), _merge_logs(duplicate).get()
    for entry in (kept_entry, duplicate_entry):
        assert entry.user_id == secretariat.pk and entry.timestamp is not None
        assert set(entry.data["fields"]) == {"city", "email", "kvk_number", "phone"}
    assert kept_entry.data["other_id"] == duplicate.pk and duplicate_entry.data["other_id"] == keep.pk
    assert kept_entry.data["duplicate_kvk_number"] == "09104351"
    assert kept_entry.data["previous_values"]["city"] == "Arnhem"
    assert "samengevoegd" in kept_entry.message.lower()


def test_contact_merge_moves_affiliations_interactions_and_user_then_anonymises_the_duplicate(
    secretariat, reference_data
):
    organisation, other = OrganisationFactory(), OrganisationFactory()
    keep = ContactFactory(first_name="Jan", last_name="Jansen", email="", function="")
    duplicate = ContactFactory(
        first_name="J.", last_name="Jansen", email="jan@example.nl", function="Wijkagent", phone="0612345678"
    )
    AffiliationFactory(contact=keep, organisation=organisation, start_date=datetime.date(2023, 1, 1))
    AffiliationFactory(contact=duplicate, organisation=organisation, start_date=datetime.date(2020, 5, 1))
    AffiliationFactory(contact=duplicate, organisation=other)
    Interaction.objects.create(kind="call", contact=duplicate, summary="Gebeld over de uitnodiging")
    account = UserFactory(roles=[Role.PARTNER], contact=duplicate)

    contact_merge(
        actor=secretariat, keep=keep, duplicate=duplicate, field_choices={"first_name": "keep", "phone": "duplicate"}
    )

    keep.refresh_from_db()
    duplicate.refresh_from_db()
    account.refresh_from_db()
    assert (keep.first_name, keep.email, keep.function, keep.phone) == (
        "Jan",
        "jan@example.nl",
        "Wijkagent",
        "0612345678",
    )
    assert keep.affiliations.count() == 2
    assert keep.affiliations.get(organisation=organisation).start_date == datetime.date(2020, 5, 1)
    assert keep.interactions.count() == 1
    assert account.contact_id == keep.pk and account.is_active
    # The duplicate is not deleted: anonymised, marked merged, emptied.
    assert Contact.objects.filter(pk=duplicate.pk).exists()
    assert duplicate.anonymised_at is not None
    assert duplicate.first_name == "Geanonimiseerd"
    assert f"samengevoegd met #{keep.pk}" in duplicate.last_name
    assert (duplicate.email, duplicate.phone, duplicate.function) == ("", "", "")
    assert not duplicate.affiliations.exists() and not duplicate.interactions.exists()
    for record in (keep, duplicate):
        entry = _merge_logs(record).get()
        assert entry.user_id == secretariat.pk
        assert set(entry.data["fields"]) == {"email", "function", "phone"}
        assert "jan@example.nl" not in str(entry.data)  # field names, never personal values
    assert "J. Jansen" not in _merge_logs(duplicate).get().label


def test_contacts_that_both_have_an_account_are_refused(secretariat, reference_data):
    keep, duplicate = ContactFactory(), ContactFactory()
    UserFactory(contact=keep)
    UserFactory(contact=duplicate)
    AffiliationFactory(contact=duplicate)
    before = _snapshot()
    with pytest.raises(ValidationError, match="Beide contactpersonen hebben een gebruikersaccount"):
        contact_merge(actor=secretariat, keep=keep, duplicate=duplicate, field_choices={})
    assert _snapshot() == before


def test_merging_a_record_with_itself_or_with_another_type_is_refused(secretariat, reference_data):
    organisation, contact = OrganisationFactory(), ContactFactory()
    before = _snapshot()
    with pytest.raises(ValidationError, match="niet met zichzelf"):
        organisation_merge(actor=secretariat, keep=organisation, duplicate=organisation, field_choices={})
    with pytest.raises(ValidationError, match="niet met zichzelf"):
        contact_merge(actor=secretariat, keep=contact, duplicate=Contact.objects.get(pk=contact.pk), field_choices={})
    with pytest.raises(ValidationError, match="twee organisaties of twee contactpersonen"):
        organisation_merge(actor=secretariat, keep=organisation, duplicate=contact, field_choices={})
    with pytest.raises(ValidationError, match="twee organisaties of twee contactpersonen"):
        record_merge(actor=secretariat, keep=contact, duplicate=organisation, field_choices={})
    with pytest.raises(ValidationError, match="Onbekend veld"):
        organisation_merge(
            actor=secretariat, keep=organisation, duplicate=OrganisationFactory(), field_choices={"is_active": "keep"}
        )
    assert _snapshot()["organisations"][: len(before["organisations"])] == before["organisations"]
    assert ModelLogEntry.objects.filter(action="vbg.crm.merged").count() == 0


def test_an_anonymised_or_already_merged_record_cannot_be_merged_again(secretariat, organisation_pair):
    keep, duplicate, _worker, _ = organisation_pair
    organisation_merge(actor=secretariat, keep=keep, duplicate=duplicate, field_choices={})
    with pytest.raises(ValidationError, match="al samengevoegd"):
        organisation_merge(actor=secretariat, keep=OrganisationFactory(), duplicate=duplicate, field_choices={})
    first, second = ContactFactory(), ContactFactory()
    contact_merge(actor=secretariat, keep=first, duplicate=second, field_choices={})
    with pytest.raises(ValidationError, match="geanonimiseerd of al samengevoegd"):
        contact_merge(actor=secretariat, keep=ContactFactory(), duplicate=second, field_choices={})


# --- The screens -------------------------------------------------------------------------------


def test_secretariat_compares_chooses_and_merges_in_the_admin(secretariat_client, organisation_pair):
    keep, duplicate, _worker, _ = organisation_pair
    url = "/beheer/crm/samenvoegen/organisaties/"
    assert secretariat_client.get("/beheer/crm/samenvoegen/").status_code == 200
    picker = secretariat_client.get(url)
    assert picker.status_code == 200 and 'name="keep"' in picker.text
    comparison = secretariat_client.get(url, {"keep": keep.pk, "duplicate": duplicate.pk})
    assert comparison.status_code == 200
    assert "Liander N.V." in comparison.text and "info@liander.nl" in comparison.text
    assert Organisation.objects.get(pk=duplicate.pk).is_active  # looking changes nothing

    response = secretariat_client.post(
        url, {"keep": keep.pk, "duplicate": duplicate.pk, "choice-name": "duplicate", "choice-city": "keep"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/snippets/stakeholders/organisation/edit/{keep.pk}/")
    keep.refresh_from_db()
    assert (keep.name, keep.city) == ("Liander N.V.", "Arnhem")
    assert not Organisation.objects.get(pk=duplicate.pk).is_active
    assert set(_merge_logs(keep).get().data["fields"]) == {"name", "email", "kvk_number", "phone"}
    history = secretariat_client.get(f"/beheer/snippets/stakeholders/organisation/history/{duplicate.pk}/")
    assert history.status_code == 200 and f"Samengevoegd met #{keep.pk}" in history.text


def test_contact_merge_screen_refuses_two_accounts_with_a_dutch_message(secretariat_client, reference_data):
    keep, duplicate = ContactFactory(), ContactFactory()
    UserFactory(contact=keep)
    UserFactory(contact=duplicate)
    before = _snapshot()
    response = secretariat_client.post(
        "/beheer/crm/samenvoegen/contactpersonen/", {"keep": keep.pk, "duplicate": duplicate.pk}
    )
    assert response.status_code == 400
    assert "Beide contactpersonen hebben een gebruikersaccount" in response.text
    assert _snapshot() == before


@pytest.mark.parametrize(
    "data, message",
    [
        ({"keep": "{a}", "duplicate": "{a}"}, "niet met zichzelf"),
        ({"keep": "{a}", "duplicate": "999999"}, "Selecteer een geldige keuze"),
        ({"keep": "abc", "duplicate": "{b}"}, "Selecteer een geldige keuze"),
        ({"keep": "{a}"}, "Dit is een verplicht veld"),
    ],
)
def test_bad_input_gives_a_dutch_message_and_changes_nothing(secretariat_client, reference_data, data, message):
    a, b = OrganisationFactory(), OrganisationFactory()
    data = {key: value.format(a=a.pk, b=b.pk) for key, value in data.items()}
    before = _snapshot()
    url = "/beheer/crm/samenvoegen/organisaties/"
    for response in (secretariat_client.get(url, data), secretariat_client.post(url, data)):
        assert response.status_code in (200, 400)
        assert message in response.text
    assert _snapshot() == before


def test_unknown_kind_is_not_found(secretariat_client):
    assert secretariat_client.get("/beheer/crm/samenvoegen/gemeenten/").status_code == 404


@pytest.mark.parametrize("role", [Role.PARTNER, Role.COACH, Role.ADMIN, Role.AOV])
def test_others_cannot_open_or_use_the_merge_tool(client, make_user, login_with_mfa, organisation_pair, role):
    keep, duplicate, _worker, _ = organisation_pair
    login_with_mfa(client, make_user(role))
    pair = {"keep": keep.pk, "duplicate": duplicate.pk}
    for url in (
        "/beheer/crm/samenvoegen/",
        "/beheer/crm/samenvoegen/organisaties/",
        "/beheer/crm/samenvoegen/contactpersonen/",
    ):
        assert client.get(url, pair).status_code in (302, 404)
    assert client.post("/beheer/crm/samenvoegen/organisaties/", pair).status_code in (302, 404)
    assert Organisation.objects.get(pk=duplicate.pk).is_active
    assert "Samenvoegen en AVG" not in client.get("/beheer/").text


def test_anonymous_visitors_are_sent_to_login(client, reference_data):
    response = client.get("/beheer/crm/samenvoegen/organisaties/")
    assert response.status_code == 302 and "inloggen" in response["Location"]


def test_menu_entry_for_the_secretariat(secretariat_client):
    page = secretariat_client.get("/beheer/")
    assert "Samenvoegen en AVG" in page.text and "/beheer/crm/samenvoegen/" in page.text
