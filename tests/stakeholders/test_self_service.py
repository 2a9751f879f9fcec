import pytest
from wagtail.models import ModelLogEntry

from core.roles import Role
from stakeholders.models import Affiliation

pytestmark = pytest.mark.django_db


def test_everyone_edits_their_own_contact_and_consent_is_dated(client, make_user):
    user = make_user(Role.PARTNER)
    client.force_login(user)
    data = {
        "first_name": "Anne",
        "last_name": "de Boer",
        "function": "Regiomanager",
        "email": "anne@lto.nl",
        "phone": "06-12345678",
        "directory_consent": "on",
    }
    assert client.post("/mijn-gegevens/", data).status_code == 302
    contact = user.contact
    contact.refresh_from_db()
    assert contact.directory_consent and contact.directory_consent_at is not None
    assert not contact.invitation_consent and contact.invitation_consent_at is None
    entry = ModelLogEntry.objects.get(action="wagtail.edit", object_id=str(contact.pk))
    assert entry.user_id == user.pk and "directory_consent" in entry.data["fields"]


def test_bad_phone_number_gets_a_dutch_error_and_keeps_the_old_data(client, make_user):
    user = make_user(Role.PARTNER)
    user.contact.phone = "020-1234567"
    user.contact.save()
    client.force_login(user)
    response = client.post("/mijn-gegevens/", {"first_name": "A", "last_name": "B", "phone": "12ab"})
    assert response.status_code == 200 and "Nederlands telefoonnummer" in response.text
    user.contact.refresh_from_db()
    assert user.contact.phone == "020-1234567"


def test_representative_edits_the_organisation_profile(client, make_user):
    user = make_user(Role.PARTNER)
    affiliation = Affiliation.objects.get(contact=user.contact)
    organisation = affiliation.organisation
    client.force_login(user)
    assert client.get(f"/wie-is-wie/organisaties/{organisation.pk}/bewerken/").status_code == 404
    affiliation.is_representative = True
    affiliation.save()
    response = client.post(
        f"/wie-is-wie/organisaties/{organisation.pk}/bewerken/",
        {"website": "https://www.lto.nl", "phone": "072-5123456", "postal_code": "1811ab", "kvk_number": ""},
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.postal_code == "1811 AB" and organisation.website == "https://www.lto.nl"
    assert ModelLogEntry.objects.filter(action="wagtail.edit", object_id=str(organisation.pk), user=user).exists()


def test_kvk_number_must_be_eight_digits_and_unique(client, make_user):
    from tests.stakeholders.factories import OrganisationFactory

    OrganisationFactory(kvk_number="12345678")
    user = make_user(Role.PARTNER)
    Affiliation.objects.filter(contact=user.contact).update(is_representative=True)
    organisation = Affiliation.objects.get(contact=user.contact).organisation
    client.force_login(user)
    url = f"/wie-is-wie/organisaties/{organisation.pk}/bewerken/"
    assert "precies 8 cijfers" in client.post(url, {"kvk_number": "1234"}).text
    assert "andere organisatie" in client.post(url, {"kvk_number": "12345678"}).text
