"""Wie is wie: a partner sees organisations and consenting contacts of their own platforms only."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.roles import Role
from stakeholders.models import District, Membership
from tests.stakeholders.factories import AffiliationFactory, ContactFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(reference_data, make_user):
    """A Kennemerland partner, Liander on two platforms, and an organisation in NHN only."""
    ken, nhn = District.objects.get(code="KEN"), District.objects.get(code="NHN")
    liander = OrganisationFactory(name="Liander", email="info@liander.nl")
    MembershipFactory(organisation=liander, district=ken)
    MembershipFactory(organisation=liander, district=nhn)
    nhn_only = OrganisationFactory(name="Boerderij Noordkop Beheer")
    MembershipFactory(organisation=nhn_only, district=nhn)
    colleague = AffiliationFactory(
        organisation=liander, contact=ContactFactory(first_name="Janneke", last_name="Visser", directory_consent=True)
    ).contact
    shy = AffiliationFactory(
        organisation=liander, contact=ContactFactory(first_name="Piet", last_name="Stil", directory_consent=False)
    ).contact
    north = AffiliationFactory(
        organisation=nhn_only, contact=ContactFactory(first_name="Klaas", last_name="Noord", directory_consent=True)
    ).contact
    former = AffiliationFactory(
        organisation=liander,
        end_date=datetime.date.today() - datetime.timedelta(days=1),
        contact=ContactFactory(first_name="Oud", last_name="Gediende", directory_consent=True),
    ).contact
    partner = make_user(Role.PARTNER, district="KEN")
    return {
        "partner": partner,
        "liander": liander,
        "nhn_only": nhn_only,
        "colleague": colleague,
        "shy": shy,
        "north": north,
        "former": former,
    }


def test_partner_sees_only_own_platforms_and_consenting_people(client, world):
    client.force_login(world["partner"])
    html = client.get("/wie-is-wie/").text
    assert "Janneke Visser" in html and "Liander" in html
    for hidden in ("Piet Stil", "Klaas Noord", "Boerderij Noordkop Beheer", "Oud Gediende"):
        assert hidden not in html


def test_search_as_you_type_finds_a_colleague_by_part_of_the_name(client, world):
    client.force_login(world["partner"])
    for fragment in ("janne", "VISS", "Liand"):
        html = client.get("/wie-is-wie/", {"q": fragment, "fragment": "1"}).text
        assert "Janneke Visser" in html, fragment
        assert "<html" not in html  # only the results
    assert "Klaas Noord" not in client.get("/wie-is-wie/", {"q": "klaas", "fragment": "1"}).text


def test_filter_counts_only_count_visible_organisations(client, world):
    client.force_login(world["partner"])
    response = client.get("/wie-is-wie/")
    counted = {value.label: value.count for value in response.context["type_facets"].values}
    assert sum(counted.values()) == response.context["organisations"].paginator.count
    assert "Boerderij Noordkop Beheer" not in response.text


def test_the_counts_per_type_are_links_that_filter_and_show_the_filter_in_use(client, world):
    from bs4 import BeautifulSoup

    client.force_login(world["partner"])
    soup = BeautifulSoup(client.get("/wie-is-wie/", {"q": "li", "org_pagina": "1"}).content, "html.parser")
    links = soup.select(".facet-inline a.facet")
    assert links and all(a.select_one(".facet-count") for a in links)
    chosen = links[0]["href"]
    assert "q=li" in chosen and "type=" in chosen and "org_pagina" not in chosen
    filtered = BeautifulSoup(client.get("/wie-is-wie/" + chosen).content, "html.parser")
    assert filtered.select_one(".facet-inline a.facet-selected")["aria-current"] == "true"
    chips = [a.get_text(" ", strip=True) for a in filtered.select(".active-filters a.filter-chip")]
    assert any(chip.startswith("Filter verwijderen: Soort organisatie:") for chip in chips)


def test_filtering_on_another_district_shows_nothing_of_it(client, world):
    client.force_login(world["partner"])
    html = client.get("/wie-is-wie/", {"district": "NHN", "q": "klaas"}).text
    assert "Klaas Noord" not in html
    assert 'value="NHN"' not in html  # the district is not even offered


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("/wie-is-wie/organisaties/{}/", "nhn_only"),
        ("/wie-is-wie/organisaties/{}/bewerken/", "nhn_only"),
        ("/wie-is-wie/personen/{}/vcard/", "north"),
        ("/wie-is-wie/personen/{}/vcard/", "shy"),
        ("/wie-is-wie/personen/{}/vcard/", "former"),
        ("/wie-is-wie/organisaties/{}/", 999999),
    ],
)
def test_hidden_objects_are_404(client, world, path, target):
    client.force_login(world["partner"])
    pk = world[target].pk if isinstance(target, str) else target
    assert client.get(path.format(pk)).status_code == 404


def test_organisation_page_lists_only_consenting_people(client, world):
    client.force_login(world["partner"])
    html = client.get(f"/wie-is-wie/organisaties/{world['liander'].pk}/").text
    assert "Janneke Visser" in html and "Piet Stil" not in html and "Oud Gediende" not in html
    assert "Interne notities" not in html


def test_vcard_of_a_visible_colleague(client, world):
    client.force_login(world["partner"])
    response = client.get(f"/wie-is-wie/personen/{world['colleague'].pk}/vcard/")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/vcard")
    body = response.content.decode()
    assert "BEGIN:VCARD" in body and "FN:Janneke Visser" in body and "ORG:Liander" in body


@pytest.mark.parametrize("role", [Role.COACH, Role.COACH_COORDINATOR, Role.PRIVACY_OFFICER, Role.ADMIN])
def test_roles_without_directory_access_get_404(client, world, make_user, role):
    client.force_login(make_user(role))
    assert client.get("/wie-is-wie/").status_code in (302, 404)  # 302: MFA first
    assert client.get(f"/wie-is-wie/organisaties/{world['liander'].pk}/").status_code in (302, 404)


def test_anonymous_goes_to_login(client, world):
    response = client.get("/wie-is-wie/")
    assert response.status_code == 302 and response["Location"].startswith("/account/inloggen/")


def test_secretariat_sees_everyone(client, world, make_user, login_with_mfa):
    login_with_mfa(client, make_user(Role.SECRETARIAT))
    html = client.get("/wie-is-wie/").text
    for name in ("Janneke Visser", "Piet Stil", "Klaas Noord"):
        assert name in html


def test_ending_the_membership_removes_the_organisation(client, world):
    Membership.objects.filter(organisation=world["liander"], district__code="KEN").update(
        until=datetime.date.today() - datetime.timedelta(days=1)
    )
    client.force_login(world["partner"])
    assert "Janneke Visser" not in client.get("/wie-is-wie/").text
    assert client.get(f"/wie-is-wie/organisaties/{world['liander'].pk}/").status_code == 404


def _queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured.captured_queries)


def test_directory_and_organisation_pages_run_a_constant_number_of_queries(client, world):
    client.force_login(world["partner"])
    liander = world["liander"]
    small = (_queries(client, "/wie-is-wie/"), _queries(client, f"/wie-is-wie/organisaties/{liander.pk}/"))
    for number in range(30):
        organisation = OrganisationFactory(name=f"Partner {number}")
        MembershipFactory(organisation=organisation)
        AffiliationFactory(organisation=organisation, contact=ContactFactory(directory_consent=True))
        AffiliationFactory(organisation=liander, contact=ContactFactory(directory_consent=True))
    large = (_queries(client, "/wie-is-wie/"), _queries(client, f"/wie-is-wie/organisaties/{liander.pk}/"))
    assert small == large
