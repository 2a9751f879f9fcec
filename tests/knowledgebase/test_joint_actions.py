"""The integrale acties register (design section 3): every partner reads it, an AOV records for their own
municipality only, it holds no addresses, and a lesson can be drafted from an action."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.roles import Role
from knowledgebase.models import FINDING_FIELDS, JointAction, LessonPage
from knowledgebase.selectors import JointActionFilters, joint_action_totals
from stakeholders.models import Affiliation, District, Municipality, PartnerType
from tests.stakeholders.factories import MembershipFactory

pytestmark = pytest.mark.django_db

HAARLEM = "GM0392"  # KEN
VELSEN = "GM0453"  # KEN
ALKMAAR = "GM0361"  # NHN


def _municipality(cbs_code: str) -> Municipality:
    return Municipality.objects.get(cbs_code=cbs_code)


def _organisation_in(district: str, name: str | None = None):
    """An active organisation that is a current member of the district's platform."""
    membership = MembershipFactory(
        district=District.objects.get(code=district), **({"organisation__name": name} if name else {})
    )
    return membership.organisation


@pytest.fixture
def aov(make_user):
    """An AOV of Haarlem: their contact works (currently) at the municipality of Haarlem, which sits on the
    KEN platform (stakeholders.permissions.aov_municipality_ids_for)."""
    user = make_user(Role.AOV, district="KEN")
    organisation = Affiliation.objects.get(contact=user.contact).organisation
    organisation.municipality = _municipality(HAARLEM)
    organisation.partner_type = PartnerType.objects.get(code="gemeente")
    organisation.save()
    return user


@pytest.fixture
def aov_client(client, aov, login_with_mfa):
    return login_with_mfa(client, aov)


def _yesterday() -> datetime.date:
    """Read when a test asks, never at import (a run crossing midnight)."""
    return datetime.date.today() - datetime.timedelta(days=1)


def _action(cbs_code: str = HAARLEM, *, date=None, premises: int = 10, organisations=(), **counts) -> JointAction:
    action = JointAction.objects.create(
        date=date or _yesterday(),
        municipality=_municipality(cbs_code),
        area=counts.pop("area", "Spaarndam"),
        premises_visited=premises,
        **counts,
    )
    action.organisations.set(organisations)
    return action


def _form_data(municipality: Municipality, **overrides) -> dict:
    data = {
        "date": _yesterday().isoformat(),
        "municipality": str(municipality.pk),
        "area": "Spaarnwoude",
        "premises_visited": "12",
        **{field: "0" for field, _label in FINDING_FIELDS},
        "follow_up": "",
        "press_link": "",
    }
    data.update(overrides)
    return data


# --- Recording -------------------------------------------------------------------------------------


def test_aov_records_an_action_for_own_municipality(aov_client, aov):
    haarlem = _municipality(HAARLEM)
    response = aov_client.post("/integrale-acties/nieuw/", _form_data(haarlem, found_cannabis="2", found_vacancy="1"))
    action = JointAction.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/integrale-acties/{action.pk}/"
    assert action.municipality == haarlem
    assert action.lead_aov == aov and action.created_by == aov
    assert action.district == District.objects.get(code="KEN") == haarlem.district
    assert (action.found_cannabis, action.found_vacancy, action.premises_visited) == (2, 1, 12)


def test_aov_cannot_record_for_another_municipality(aov_client):
    for other in (VELSEN, ALKMAAR):
        response = aov_client.post("/integrale-acties/nieuw/", _form_data(_municipality(other)))
        assert response.status_code == 200
        assert "municipality" in response.context["form"].errors
    assert not JointAction.objects.exists()


def test_aov_cannot_move_an_action_to_another_municipality(aov_client):
    action = _action(HAARLEM)
    response = aov_client.post(f"/integrale-acties/{action.pk}/bewerken/", _form_data(_municipality(VELSEN)))
    assert response.status_code == 200 and "municipality" in response.context["form"].errors
    action.refresh_from_db()
    assert action.municipality.cbs_code == HAARLEM


def test_aov_cannot_edit_the_action_of_another_municipality(aov_client):
    action = _action(VELSEN, area="Velsen-Noord")
    assert aov_client.get(f"/integrale-acties/{action.pk}/bewerken/").status_code == 404
    response = aov_client.post(f"/integrale-acties/{action.pk}/bewerken/", _form_data(_municipality(VELSEN), area="X"))
    assert response.status_code == 404
    action.refresh_from_db()
    assert action.area == "Velsen-Noord"


@pytest.mark.parametrize("area", ["Dorpsstraat 12", "1234 AB", "Spaarndam 2064AB", "bij de Zeeweg 3"])
def test_an_address_or_postcode_is_refused(aov_client, area):
    response = aov_client.post("/integrale-acties/nieuw/", _form_data(_municipality(HAARLEM), area=area))
    assert response.status_code == 200
    assert "Noem geen adres of postcode" in " ".join(response.context["form"].errors["area"])
    assert "Noem geen adres of postcode" in response.text
    assert not JointAction.objects.exists()


def test_an_address_in_the_follow_up_is_refused(aov_client):
    response = aov_client.post(
        "/integrale-acties/nieuw/", _form_data(_municipality(HAARLEM), follow_up="Hercontrole Kerkweg 4 in mei")
    )
    assert "follow_up" in response.context["form"].errors
    assert not JointAction.objects.exists()


def test_a_future_date_is_refused(aov_client):
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    response = aov_client.post(
        "/integrale-acties/nieuw/", _form_data(_municipality(HAARLEM), date=tomorrow.isoformat())
    )
    assert response.status_code == 200
    assert "datum ligt in de toekomst" in " ".join(response.context["form"].errors["date"])
    assert not JointAction.objects.exists()


def test_a_finding_count_above_the_premises_visited_is_refused(aov_client):
    response = aov_client.post(
        "/integrale-acties/nieuw/", _form_data(_municipality(HAARLEM), premises_visited="3", found_drug_waste="4")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "meer dan het aantal bezochte locaties (3)" in " ".join(errors["found_drug_waste"])
    assert not JointAction.objects.exists()


def test_a_finding_count_equal_to_the_premises_visited_is_fine(aov_client):
    response = aov_client.post(
        "/integrale-acties/nieuw/", _form_data(_municipality(HAARLEM), premises_visited="3", found_drug_waste="3")
    )
    assert response.status_code == 302
    assert JointAction.objects.get().found_drug_waste == 3


# --- Participating organisations (#19.1) -----------------------------------------------------------


def _offered_organisations(response) -> dict[str, str]:
    """{organisation name: checkbox value} as a reader of the form sees them, with whether each is ticked."""
    soup = BeautifulSoup(response.text, "html.parser")
    offered = {}
    for box in soup.select('input[type="checkbox"][name="organisations"]'):
        label = soup.find("label", attrs={"for": box["id"]})
        offered[label.select_one(".choice-name").get_text(strip=True)] = box["value"]
    return offered


def _ticked_organisations(response) -> set[str]:
    soup = BeautifulSoup(response.text, "html.parser")
    return {
        soup.find("label", attrs={"for": box["id"]}).select_one(".choice-name").get_text(strip=True)
        for box in soup.select('input[type="checkbox"][name="organisations"][checked]')
    }


def test_the_form_offers_exactly_the_organisations_the_aov_may_see(aov_client, aov):
    _organisation_in("KEN", "Brandweer Kennemerland")
    _organisation_in("KEN", "Liander")
    ended = _organisation_in("KEN", "Opgeheven Stichting")
    ended.is_active = False
    ended.save()
    _organisation_in("NHN", "Woonstichting Noorderkwartier")
    offered = _offered_organisations(aov_client.get("/integrale-acties/nieuw/"))
    own = Affiliation.objects.get(contact=aov.contact).organisation.name
    assert set(offered) == {"Brandweer Kennemerland", "Liander", own}


def test_the_stored_action_carries_exactly_the_chosen_organisations(aov_client):
    for name in ("Brandweer Kennemerland", "Liander", "PWN", "Staatsbosbeheer", "LTO Noord"):
        _organisation_in("KEN", name)
    offered = _offered_organisations(aov_client.get("/integrale-acties/nieuw/"))
    chosen = ["Liander", "PWN", "Staatsbosbeheer"]
    data = _form_data(_municipality(HAARLEM))
    data["organisations"] = [offered[name] for name in chosen]
    response = aov_client.post("/integrale-acties/nieuw/", data)
    action = JointAction.objects.get()
    assert response.status_code == 302
    assert sorted(action.organisations.values_list("name", flat=True)) == chosen
    assert all(name in aov_client.get(f"/integrale-acties/{action.pk}/").text for name in chosen)


def test_an_organisation_the_aov_may_not_see_is_refused(aov_client):
    nhn_org = _organisation_in("NHN", "Woonstichting Noorderkwartier")
    data = _form_data(_municipality(HAARLEM))
    data["organisations"] = [str(nhn_org.pk)]
    response = aov_client.post("/integrale-acties/nieuw/", data)
    assert response.status_code == 200 and "organisations" in response.context["form"].errors
    assert not JointAction.objects.exists()


def test_a_refused_form_keeps_the_chosen_organisations(aov_client):
    for name in ("Brandweer Kennemerland", "Liander", "PWN"):
        _organisation_in("KEN", name)
    offered = _offered_organisations(aov_client.get("/integrale-acties/nieuw/"))
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    data = _form_data(_municipality(HAARLEM), date=tomorrow.isoformat())
    data["organisations"] = [offered["Liander"], offered["PWN"]]
    response = aov_client.post("/integrale-acties/nieuw/", data)
    assert response.status_code == 200 and "date" in response.context["form"].errors
    assert _ticked_organisations(response) == {"Liander", "PWN"}
    assert not JointAction.objects.exists()


def test_editing_keeps_the_organisations_the_aov_cannot_see(aov_client):
    """The secretariat added a partner of another district; the AOV's edit must not remove it."""
    ken_old = _organisation_in("KEN", "Brandweer Kennemerland")
    ken_new = _organisation_in("KEN", "Liander")
    nhn_org = _organisation_in("NHN", "Woonstichting Noorderkwartier")
    action = _action(HAARLEM, organisations=[ken_old, nhn_org])
    form = aov_client.get(f"/integrale-acties/{action.pk}/bewerken/")
    assert _ticked_organisations(form) == {"Brandweer Kennemerland"}
    data = _form_data(_municipality(HAARLEM))
    data["organisations"] = [_offered_organisations(form)["Liander"]]
    assert aov_client.post(f"/integrale-acties/{action.pk}/bewerken/", data).status_code == 302
    assert set(action.organisations.all()) == {ken_new, nhn_org}


# --- Who reads, who writes -------------------------------------------------------------------------


def test_partner_reads_the_register_but_cannot_write(client, make_user):
    action = _action(HAARLEM, area="Spaarndam")
    client.force_login(make_user(Role.PARTNER, district="NHN"))
    listing = client.get("/integrale-acties/")
    assert listing.status_code == 200 and "Spaarndam" in listing.text
    assert "/integrale-acties/nieuw/" not in listing.text
    detail = client.get(f"/integrale-acties/{action.pk}/")
    assert detail.status_code == 200 and "Spaarndam" in detail.text
    assert f"/integrale-acties/{action.pk}/bewerken/" not in detail.text
    assert f"/integrale-acties/{action.pk}/les/" not in detail.text
    assert client.get("/integrale-acties/nieuw/").status_code == 404
    assert client.post("/integrale-acties/nieuw/", _form_data(_municipality(HAARLEM))).status_code == 404
    assert client.get(f"/integrale-acties/{action.pk}/bewerken/").status_code == 404
    assert client.post(f"/integrale-acties/{action.pk}/les/").status_code == 404
    assert JointAction.objects.count() == 1 and not LessonPage.objects.exists()


@pytest.mark.parametrize("role", [Role.COACH, Role.ADMIN])
def test_roles_without_the_register_get_404(client, make_user, login_with_mfa, role):
    action = _action(HAARLEM, area="Spaarndam")
    login_with_mfa(client, make_user(role, district=None))
    for url in ("/integrale-acties/", f"/integrale-acties/{action.pk}/", "/integrale-acties/nieuw/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Spaarndam" not in response.text


def test_anonymous_is_sent_to_login(client, reference_data):
    action = _action(HAARLEM, area="Spaarndam")
    for url in ("/integrale-acties/", f"/integrale-acties/{action.pk}/", "/integrale-acties/nieuw/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/account/inloggen/"), url
    response = client.post(f"/integrale-acties/{action.pk}/les/")
    assert response.status_code == 302 and response["Location"].startswith("/account/inloggen/")


def test_organisations_of_another_district_are_only_counted(client, make_user):
    ken_org = _organisation_in("KEN", "Brandweer Kennemerland")
    nhn_org = _organisation_in("NHN", "Woonstichting Noorderkwartier")
    action = _action(HAARLEM, organisations=[ken_org, nhn_org])
    client.force_login(make_user(Role.PARTNER, district="KEN"))

    listing = client.get("/integrale-acties/").text
    assert "Brandweer Kennemerland" in listing
    assert "Woonstichting Noorderkwartier" not in listing
    assert "1 andere partner" in listing

    detail = client.get(f"/integrale-acties/{action.pk}/").text
    assert "Brandweer Kennemerland" in detail
    assert "Woonstichting Noorderkwartier" not in detail
    assert "en 1 andere partner" in detail


def test_only_organisations_of_another_district_read_as_a_count_without_a_dash(client, make_user):
    action = _action(HAARLEM, organisations=[_organisation_in("NHN", "Woonstichting Noorderkwartier")])
    client.force_login(make_user(Role.PARTNER, district="KEN"))
    detail = client.get(f"/integrale-acties/{action.pk}/").text
    assert "1 andere partner" in detail
    assert "- (en" not in detail and "Woonstichting Noorderkwartier" not in detail


def test_the_secretariat_sees_every_organisation_name(client, make_user, login_with_mfa):
    nhn_org = _organisation_in("NHN", "Woonstichting Noorderkwartier")
    action = _action(HAARLEM, organisations=[nhn_org])
    login_with_mfa(client, make_user(Role.SECRETARIAT, district=None))
    assert "Woonstichting Noorderkwartier" in client.get(f"/integrale-acties/{action.pk}/").text


# --- Totals ----------------------------------------------------------------------------------------


def test_totals_per_district_and_year(make_user):
    _action(HAARLEM, date=datetime.date(2024, 3, 1), premises=10, found_cannabis=2, found_vacancy=1)
    _action(VELSEN, date=datetime.date(2024, 9, 1), premises=5, found_cannabis=1)
    _action(HAARLEM, date=datetime.date(2023, 5, 1), premises=7, found_drug_lab=1)
    _action(ALKMAAR, date=datetime.date(2024, 6, 1), premises=4, found_nothing=4)
    partner = make_user(Role.PARTNER, district="KEN")

    rows = joint_action_totals(user=partner, filters=JointActionFilters())
    by_key = {(row["district"], row["year"]): row for row in rows}
    ken = District.objects.get(code="KEN").name
    nhn = District.objects.get(code="NHN").name
    assert set(by_key) == {(ken, 2024), (ken, 2023), (nhn, 2024)}
    assert [row["year"] for row in rows] == sorted((row["year"] for row in rows), reverse=True)

    ken_2024 = by_key[(ken, 2024)]
    assert (ken_2024["actions"], ken_2024["premises"]) == (2, 15)
    findings = dict(ken_2024["findings"])
    labels = dict(FINDING_FIELDS)
    assert findings[labels["found_cannabis"]] == 3
    assert findings[labels["found_vacancy"]] == 1
    assert findings[labels["found_drug_lab"]] == 0
    assert (by_key[(ken, 2023)]["actions"], by_key[(ken, 2023)]["premises"]) == (1, 7)
    assert dict(by_key[(ken, 2023)]["findings"])[labels["found_drug_lab"]] == 1
    assert dict(by_key[(nhn, 2024)]["findings"])[labels["found_nothing"]] == 4

    only_2023 = joint_action_totals(user=partner, filters=JointActionFilters(year=2023))
    assert [(row["district"], row["year"], row["actions"]) for row in only_2023] == [(ken, 2023, 1)]
    only_nhn = joint_action_totals(user=partner, filters=JointActionFilters(district="NHN"))
    assert [(row["district"], row["premises"]) for row in only_nhn] == [(nhn, 4)]


def test_totals_are_empty_for_a_role_without_the_register(make_user):
    _action(HAARLEM)
    assert joint_action_totals(user=make_user(Role.COACH, district=None), filters=JointActionFilters()) == []


# --- A lesson from an action -----------------------------------------------------------------------


def test_aov_drafts_a_lesson_from_an_action(aov_client, aov):
    action = _action(HAARLEM, area="Spaarndam", premises=9, found_cannabis=2)
    response = aov_client.post(f"/integrale-acties/{action.pk}/les/")
    lesson = LessonPage.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/bijdragen/{lesson.pk}/"
    assert not lesson.live and lesson.first_published_at is None
    assert lesson.owner == aov
    assert lesson.joint_action == action
    assert "Spaarndam" in lesson.title and "Spaarndam" in lesson.intro
    body = lesson.body[0].value.source
    assert "Spaarndam" in body and "9" in body
    assert "integrale-actie" in {t.code for t in lesson.themes.all()}
    assert list(lesson.municipalities.all()) == [action.municipality]

    form = aov_client.get(f"/bijdragen/{lesson.pk}/")
    assert form.status_code == 200 and "Spaarndam" in form.text


def test_posting_twice_does_not_make_a_second_draft(aov_client):
    action = _action(HAARLEM)
    first = aov_client.post(f"/integrale-acties/{action.pk}/les/")
    second = aov_client.post(f"/integrale-acties/{action.pk}/les/")
    assert LessonPage.objects.count() == 1
    assert first["Location"] == second["Location"] == f"/bijdragen/{LessonPage.objects.get().pk}/"


def test_aov_cannot_draft_a_lesson_from_another_municipalitys_action(aov_client):
    action = _action(VELSEN)
    assert aov_client.post(f"/integrale-acties/{action.pk}/les/").status_code == 404
    assert not LessonPage.objects.exists()


def test_lesson_needs_a_post(aov_client):
    action = _action(HAARLEM)
    assert aov_client.get(f"/integrale-acties/{action.pk}/les/").status_code == 405
    assert not LessonPage.objects.exists()


# --- Query count -----------------------------------------------------------------------------------


def _list_queries(client) -> int:
    client.get("/integrale-acties/")  # warm up session and per-process caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/integrale-acties/")
    assert response.status_code == 200
    return len(queries)


def _add_actions(n: int, organisations):
    municipalities = [_municipality(code) for code in (HAARLEM, VELSEN, ALKMAAR)]
    for i in range(n):
        action = JointAction.objects.create(
            date=datetime.date(2024 - i % 2, 1 + i % 12, 1 + i % 28),
            municipality=municipalities[i % 3],
            area=f"Polder {i}",
            premises_visited=5,
            found_cannabis=1,
        )
        action.organisations.set(organisations)


def test_list_query_count_does_not_grow_with_the_actions(client, make_user):
    organisations = [_organisation_in("KEN"), _organisation_in("NHN")]
    client.force_login(make_user(Role.PARTNER, district="KEN"))
    _add_actions(5, organisations)
    with_5 = _list_queries(client)
    _add_actions(25, organisations)
    assert JointAction.objects.count() == 30
    with_30 = _list_queries(client)
    assert with_5 == with_30


def test_the_lesson_button_after_the_draft_was_submitted(aov_client):
    """Once the draft lesson is with the secretariat, "Maak er een les van" must not lead to a dead end."""
    action = _action(HAARLEM)
    lesson_url = aov_client.post(f"/integrale-acties/{action.pk}/les/")["Location"]
    lesson = LessonPage.objects.get()
    form = aov_client.get(lesson_url).context["form"]
    data = {name: form[name].value() for name in ("title", "intro", "text")}
    submitted = aov_client.post(lesson_url, {**data, "submit": "1"})
    assert submitted.status_code == 302 and submitted["Location"] == "/bijdragen/"
    assert lesson.current_workflow_state is not None

    response = aov_client.post(f"/integrale-acties/{action.pk}/les/", follow=True)
    assert response.status_code == 200
    assert LessonPage.objects.count() == 1


# --- The chooser of a lesson's integrale actie in the page editor (#19.12) --------------------------


def test_the_joint_action_chooser_searches_by_area_municipality_and_year(client, make_user, login_with_mfa):
    _action(HAARLEM, area="Spaarndam", date=datetime.date(2024, 3, 1))
    _action(VELSEN, area="Velsen-Noord", date=datetime.date(2025, 5, 1))
    _action(ALKMAAR, area="Koedijk", date=datetime.date(2025, 6, 1))
    login_with_mfa(client, make_user(Role.SECRETARIAT, district=None))
    html = client.get("/beheer/snippets/choose/knowledgebase/jointaction/").json()["html"]
    assert BeautifulSoup(html, "html.parser").select_one("form[data-chooser-modal-search] input[name=q]")

    def found(query):
        response = client.get("/beheer/snippets/choose/knowledgebase/jointaction/results/", {"q": query})
        soup = BeautifulSoup(response.text, "html.parser")
        return [link.get_text(strip=True) for link in soup.select("tbody a[data-chooser-modal-choice]")]

    assert found("spaarn") == ["01-03-2024 Haarlem, Spaarndam"]
    assert found("velsen") == ["01-05-2025 Velsen, Velsen-Noord"]
    assert found("2025") == ["01-06-2025 Alkmaar, Koedijk", "01-05-2025 Velsen, Velsen-Noord"]
    assert found("2025 kennemerland") == ["01-05-2025 Velsen, Velsen-Noord"]


def test_district_and_year_counts_are_filter_links_that_keep_the_other_filters(aov_client):
    """Issue #20: the facets of the list count the actions under the other filters and choose one value."""
    _action(HAARLEM, date=datetime.date(2024, 3, 1))
    _action(VELSEN, date=datetime.date(2025, 3, 1))
    _action(ALKMAAR, date=datetime.date(2025, 4, 1))

    soup = BeautifulSoup(aov_client.get("/integrale-acties/", {"jaar": "2025"}).content, "html.parser")

    groups = {
        section.h3.get_text(strip=True): {
            link.get_text(" ", strip=True): link["href"] for link in section.select("a.facet")
        }
        for section in soup.select("aside.facets section")
    }
    districts, years = groups["District"], groups["Jaar"]
    # Within 2025: one action in Kennemerland, one in Noord-Holland Noord; the years count every year.
    assert districts == {
        "Kennemerland 1 resultaat": "?jaar=2025&district=KEN",
        "Noord-Holland Noord 1 resultaat": "?jaar=2025&district=NHN",
    }
    assert years["2024 1 resultaat"] == "?jaar=2024"
    assert years["✓ 2025 2 (gekozen; klik om dit filter te verwijderen)"] == "?"
    chips = [a.get_text(" ", strip=True) for a in soup.select(".active-filters a.filter-chip")]
    assert chips == ["Filter verwijderen: Jaar: 2025 ✕"]
