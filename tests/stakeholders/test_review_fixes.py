"""Regression tests for the CRM review fixes."""

import pytest

from core.roles import Role
from stakeholders.models import District
from tests.stakeholders.factories import AffiliationFactory, ContactFactory, MembershipFactory, OrganisationFactory


@pytest.mark.parametrize(
    "path",
    [
        "/beheer/snippets/choose/stakeholders/organisation/",
        "/beheer/snippets/choose/stakeholders/organisation/results/?q=Geheim",
        "/beheer/snippets/choose/stakeholders/organisation/chosen/{org}/",
        "/beheer/snippets/choose/stakeholders/contact/",
        "/beheer/snippets/choose/stakeholders/contact/results/?q=Geheim",
        "/beheer/snippets/choose/stakeholders/contact/chosen/{contact}/",
        "/beheer/snippets/choose/stakeholders/interaction/",
    ],
)
def test_beheerder_cannot_use_the_crm_snippet_choosers(client, make_user, login_with_mfa, path):
    organisation = OrganisationFactory(name="Geheimorg")
    contact = ContactFactory(first_name="Geheimpersoon")
    AffiliationFactory(contact=contact, organisation=organisation)
    login_with_mfa(client, make_user(Role.ADMIN, district=None))
    response = client.get(path.format(org=organisation.pk, contact=contact.pk))
    assert response.status_code == 404
    assert b"Geheim" not in response.content


def test_secretariat_still_uses_the_choosers(secretariat_client, reference_data):
    OrganisationFactory(name="Zichtbaarorg")
    response = secretariat_client.get("/beheer/snippets/choose/stakeholders/organisation/")
    assert response.status_code == 200 and b"Zichtbaarorg" in response.content


def test_directory_and_vcard_do_not_name_an_employer_of_another_district(client, make_user):
    """A KEN partner sees a KEN colleague, but not that the colleague also works at an NHN-only organisation."""
    partner = make_user(Role.PARTNER, district="KEN")
    nhn_only = MembershipFactory(district=District.objects.get(code="NHN"), organisation__name="Alleen NHN BV")
    ken = MembershipFactory(organisation__name="Kennemer BV")
    colleague = ContactFactory(first_name="Zichtbare", last_name="Collega", directory_consent=True)
    AffiliationFactory(contact=colleague, organisation=nhn_only.organisation)
    AffiliationFactory(contact=colleague, organisation=ken.organisation)
    client.force_login(partner)
    for response in (
        client.get("/wie-is-wie/", {"q": "Zichtbare"}),
        client.get("/wie-is-wie/", {"q": "Zichtbare", "fragment": "1"}),
        client.get(f"/wie-is-wie/organisaties/{ken.organisation.pk}/"),
        client.get(f"/wie-is-wie/personen/{colleague.pk}/vcard/"),
    ):
        assert response.status_code == 200
        assert "Alleen NHN" not in response.content.decode()
    assert "ORG:Kennemer BV" in client.get(f"/wie-is-wie/personen/{colleague.pk}/vcard/").content.decode()
