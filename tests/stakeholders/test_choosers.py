"""Issue #19.12: the CRM's choosers in the page editor (a meeting's chair, a presenter, a contact card) search as
you type, by name, organisation and municipality; choosing a chair among 307 contacts took 21 page turns."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stakeholders.models import Municipality, PartnerType
from tests.stakeholders.factories import AffiliationFactory, ContactFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

CONTACTS = "/beheer/snippets/choose/stakeholders/contact/"
ORGANISATIONS = "/beheer/snippets/choose/stakeholders/organisation/"


@pytest.fixture
def crm(reference_data):
    haarlem = Municipality.objects.get(cbs_code="GM0392")
    gemeente = OrganisationFactory(name="Gemeente Haarlem", municipal=True, municipality=haarlem, city="Haarlem")
    liander = OrganisationFactory(name="Liander", city="Arnhem")
    pwn = OrganisationFactory(
        name="PWN Waterleidingbedrijf", city="Velserbroek", partner_type=PartnerType.objects.get(code="pwn")
    )
    pwn.municipalities.add(Municipality.objects.get(cbs_code="GM0453"))  # works in Velsen
    people = {
        "jan": AffiliationFactory(
            organisation=gemeente, contact=ContactFactory(first_name="Jan", last_name="de Vries")
        ).contact,
        "marloes": AffiliationFactory(
            organisation=liander, contact=ContactFactory(first_name="Marloes", last_name="Dekker")
        ).contact,
        "piet": AffiliationFactory(
            organisation=pwn, contact=ContactFactory(first_name="Piet", last_name="Jansen", function="Beveiliger")
        ).contact,
    }
    # Jan left Liander years ago: a past employer does not find him.
    AffiliationFactory(
        organisation=liander,
        contact=people["jan"],
        start_date=datetime.date(2015, 1, 1),
        end_date=datetime.date(2018, 1, 1),
    )
    return people


def _names(response) -> list[str]:
    soup = BeautifulSoup(response.text, "html.parser")
    return [link.get_text(strip=True) for link in soup.select("tbody a[data-chooser-modal-choice]")]


KNOWN = {"Jan de Vries", "Marloes Dekker", "Piet Jansen", "Gemeente Haarlem", "Liander", "PWN Waterleidingbedrijf"}


def _results(client, url: str, query: str) -> list[str]:
    """The names found among those of the fixture (the logged-in user has a contact with a made-up name)."""
    response = client.get(f"{url}results/", {"q": query})
    assert response.status_code == 200
    return [name for name in _names(response) if name in KNOWN]


def test_the_chooser_has_a_search_box(secretariat_client, crm):
    for url in (CONTACTS, ORGANISATIONS):
        html = secretariat_client.get(url).json()["html"]
        search = BeautifulSoup(html, "html.parser").select_one("form[data-chooser-modal-search] input[name=q]")
        assert search is not None, url


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("dekker", ["Marloes Dekker"]),  # last name
        ("jan de vries", ["Jan de Vries"]),  # first and last name together
        ("liander", ["Marloes Dekker"]),  # the current organisation, not a past one
        ("haarlem", ["Jan de Vries"]),  # the municipality of the organisation
        ("velsen", ["Piet Jansen"]),  # a municipality the organisation works in
        ("jansen pwn", ["Piet Jansen"]),  # every word somewhere
        ("beveiliger", ["Piet Jansen"]),  # the function
        ("jan liander", []),
    ],
)
def test_the_contact_chooser_finds_by_name_organisation_and_municipality(secretariat_client, crm, query, found):
    assert _results(secretariat_client, CONTACTS, query) == found


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("pwn", ["PWN Waterleidingbedrijf"]),
        ("drinkwater", ["PWN Waterleidingbedrijf"]),  # the kind of partner
        ("velsen", ["PWN Waterleidingbedrijf"]),
        ("haarlem", ["Gemeente Haarlem"]),
    ],
)
def test_the_organisation_chooser_finds_by_name_and_place(secretariat_client, crm, query, found):
    assert _results(secretariat_client, ORGANISATIONS, query) == found


def test_a_chosen_contact_shows_their_organisation(secretariat_client, crm):
    soup = BeautifulSoup(secretariat_client.get(f"{CONTACTS}results/", {"q": "dekker"}).text, "html.parser")
    assert [cell.get_text(strip=True) for cell in soup.select("tbody tr td")][-1] == "Liander"


def test_the_contact_list_searches_the_same_way(secretariat_client, crm):
    response = secretariat_client.get("/beheer/snippets/stakeholders/contact/", {"q": "jansen pwn"})
    assert "Piet Jansen" in response.text and "Marloes Dekker" not in response.text


def test_the_chooser_runs_a_fixed_number_of_queries(secretariat_client, crm):
    def queries() -> int:
        secretariat_client.get(f"{CONTACTS}results/", {"q": "e"})
        with CaptureQueriesContext(connection) as context:
            secretariat_client.get(f"{CONTACTS}results/", {"q": "e"})
        return len(context)

    before = queries()
    for number in range(8):
        AffiliationFactory(organisation=OrganisationFactory(), contact=ContactFactory(last_name=f"Extra{number}e"))
    assert queries() == before
