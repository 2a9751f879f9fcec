"""The register's screens tried as each role would (issue #19 items 2, 18, 19 and 20): the coach's status form,
the coördinator's read-only status, the privacy officer's erase, lookup and log, and labels and Dutch dates."""

import datetime
import json
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from referrals.access_log import access_log_write
from referrals.models import AccessLogEntry, Referral, ReferralStatusChange
from referrals.permissions import user_can_view_intake, with_intake_flag
from referrals.services import coach_assign, note_add, status_change
from tests.referrals.conftest import aov_of

pytestmark = pytest.mark.django_db

ENGLISH_DATE = re.compile(r"\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\.? \d{4}")
DUTCH_MONTHS = "januari februari maart april mei juni juli augustus september oktober november december".split()


def _client(login_with_mfa, user) -> Client:
    return login_with_mfa(Client(), user)


def _options(html: str, name: str) -> list[tuple[str, bool]]:
    """(value, selected) of each option of the select called `name`."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, name
    return [
        (value, "selected" in attrs)
        for attrs, value in (
            (m.group(0), m.group(1)) for m in re.finditer(r'<option value="([^"]*)"[^>]*>', select.group(1))
        )
    ]


def _dutch(day: datetime.date) -> str:
    return f"{day.day} {DUTCH_MONTHS[day.month - 1]} {day.year}"


@pytest.fixture
def assigned(people, referral):
    return coach_assign(user=people["coordinator"], referral=referral, coach=people["coach"])


@pytest.fixture
def in_follow_up(people, assigned):
    coach = people["coach"]
    status_change(user=coach, referral=assigned, to_status="contact_gelegd")
    status_change(user=coach, referral=assigned, to_status="eerste_gesprek", first_conversation_on=timezone.localdate())
    return status_change(user=coach, referral=assigned, to_status="vervolg", follow_up="wijkteam")


# --- #19.2: the coach's status form ---------------------------------------------------------------


def test_the_form_offers_only_the_next_statuses_and_the_offered_one_saves(people, login_with_mfa, in_follow_up):
    client = _client(login_with_mfa, people["coach"])
    url = f"/doorverwijzingen/{in_follow_up.pk}/"
    options = _options(client.get(url).content.decode(), "status-to_status")
    assert options == [("", True), ("afgesloten", False)]  # from Vervolg only closing; nothing chosen yet
    response = client.post(
        f"{url}status/",
        {"status-to_status": options[1][0], "status-outcome": "geholpen", "status-text": "Wijkteam neemt het over."},
    )
    assert response.status_code == 302
    assert Referral.objects.get().status == "afgesloten"
    reopen = _options(client.get(url).content.decode(), "status-to_status")
    assert reopen == [("", True), ("toegewezen", False)]


def test_only_the_fields_of_the_offered_statuses_are_on_the_form(people, login_with_mfa, assigned):
    html = _client(login_with_mfa, people["coach"]).get(f"/doorverwijzingen/{assigned.pk}/").content.decode()
    # From Toegewezen: Contact gelegd or Afgesloten, so an outcome but no date, payment or follow-up.
    assert 'name="status-outcome"' in html and 'data-for-status="afgesloten"' in html
    for absent in ("status-first_conversation_on", "status-first_conversation_paid", "status-follow_up"):
        assert f'name="{absent}"' not in html, absent
    assert "js/referral-status.js" in html and "<script>" not in html  # CSP: no inline script


@pytest.mark.parametrize(
    ("target", "typed", "error"),
    [
        ("eerste_gesprek", {}, "Vul de datum van het eerste gesprek in."),
        ("eerste_gesprek", {"first_conversation_on": "2999-01-05"}, "ligt in de toekomst"),
        ("afgesloten", {"outcome": "geholpen", "text": ""}, "Vul een toelichting in."),
        ("afgesloten", {}, "Kies de uitkomst."),
        ("", {}, "Kies de nieuwe status."),
    ],
)
def test_an_error_keeps_everything_typed_and_stores_nothing(people, login_with_mfa, assigned, target, typed, error):
    coach = people["coach"]
    referral = status_change(user=coach, referral=assigned, to_status="contact_gelegd")
    client = _client(login_with_mfa, coach)
    data = {"status-to_status": target, "status-text": "Eigenaar belde zelf; gesprek op het erf.", "status-outcome": ""}
    data.update({f"status-{name}": value for name, value in typed.items()})
    changes = ReferralStatusChange.objects.count()
    response = client.post(f"/doorverwijzingen/{referral.pk}/status/", data)
    html = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert error in html and "De status is niet gewijzigd." in html
    if data["status-text"]:
        assert data["status-text"] in html
    if "first_conversation_on" in typed:
        assert f'value="{typed["first_conversation_on"]}"' in html
    if target:
        assert (target, True) in _options(html, "status-to_status")
    if typed.get("outcome"):
        assert ("geholpen", True) in _options(html, "status-outcome")
    assert Referral.objects.get().status == "contact_gelegd" and ReferralStatusChange.objects.count() == changes
    assert AccessLogEntry.objects.filter(actor_id=coach.pk, action="status").latest("pk").result == "refused"


def test_no_follow_up_chosen_keeps_the_text(people, login_with_mfa, assigned):
    coach = people["coach"]
    status_change(user=coach, referral=assigned, to_status="contact_gelegd")
    status_change(user=coach, referral=assigned, to_status="eerste_gesprek", first_conversation_on=timezone.localdate())
    response = _client(login_with_mfa, coach).post(
        f"/doorverwijzingen/{assigned.pk}/status/", {"status-to_status": "vervolg", "status-text": "Via de huisarts."}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Kies het vervolg" in html and "Via de huisarts." in html
    assert Referral.objects.get().status == "eerste_gesprek"


def test_the_coach_records_who_paid_the_first_conversation(people, login_with_mfa, assigned):
    coach = people["coach"]
    status_change(user=coach, referral=assigned, to_status="contact_gelegd")
    client = _client(login_with_mfa, coach)
    html = client.get(f"/doorverwijzingen/{assigned.pk}/").content.decode()
    assert re.search(r'<input type="checkbox" name="status-first_conversation_paid"[^>]*checked', html)
    day = timezone.localdate() - datetime.timedelta(days=2)
    response = client.post(
        f"/doorverwijzingen/{assigned.pk}/status/",
        {"status-to_status": "eerste_gesprek", "status-first_conversation_on": day.isoformat()},
    )  # the box left unticked
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.first_conversation_on == day and referral.first_conversation_paid is False
    assert "niet betaald door NHSV" in client.get(f"/doorverwijzingen/{assigned.pk}/").content.decode()


# --- #19.18: the coördinator reads the status ---------------------------------------------------------


def test_the_coordinator_reads_the_status_but_cannot_change_it(people, login_with_mfa, assigned):
    coordinator = people["coordinator"]
    client = _client(login_with_mfa, coordinator)
    html = client.get(f"/doorverwijzingen/{assigned.pk}/").content.decode()
    assert "Toegewezen" in html and "Status wijzigen" not in html and "/status/" not in html
    response = client.post(
        f"/doorverwijzingen/{assigned.pk}/status/",
        {"status-to_status": "afgesloten", "status-outcome": "geen_behoefte", "status-text": "Dicht"},
    )
    assert response.status_code == 404 and Referral.objects.get().status == "toegewezen"
    assert AccessLogEntry.objects.filter(actor_id=coordinator.pk, action="status").latest("pk").result == "denied"
    with pytest.raises(PermissionDenied):
        status_change(user=coordinator, referral=assigned, to_status="afgesloten", outcome="geholpen", text="x")
    closed = status_change(
        user=people["coach"], referral=assigned, to_status="afgesloten", outcome="geholpen", text="Klaar"
    )
    with pytest.raises(PermissionDenied):
        status_change(user=coordinator, referral=closed, to_status="toegewezen", text="Belde terug")
    assert Referral.objects.get().status == "afgesloten"


# --- #19.19: the privacy officer ------------------------------------------------------------------


def test_erase_without_the_tick_says_so_keeps_the_lookup_and_erases_nothing(people, login_with_mfa, assigned):
    officer = people["privacy_officer"]
    response = _client(login_with_mfa, officer).post(
        "/doorverwijzingen/verzoek-betrokkene/", {"field": "owner_name", "value": "Jan de Boer", "do": "erase"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Er is niets gewist. Vink eerst aan dat u weet dat wissen niet ongedaan kan worden." in html
    assert 'value="Jan de Boer"' in html and "1 locatie gevonden" in html
    assert Referral.objects.exists()
    entry = AccessLogEntry.objects.filter(actor_id=officer.pk).latest("pk")
    assert (entry.action, entry.result) == ("erase", "refused")


def test_the_lookup_says_that_capitals_and_accents_do_not_matter(people, login_with_mfa, assigned):
    client = _client(login_with_mfa, people["privacy_officer"])
    html = client.get("/doorverwijzingen/verzoek-betrokkene/").content.decode()
    assert "(exact)" not in html and "Hoofdletters, accenten en extra spaties maken niet uit." in html
    for typed in ("JAN DE BOER", "  jan  de  böer "):
        found = client.post("/doorverwijzingen/verzoek-betrokkene/", {"field": "owner_name", "value": typed})
        assert "1 locatie gevonden" in found.content.decode(), typed
    part = client.post("/doorverwijzingen/verzoek-betrokkene/", {"field": "owner_name", "value": "Jan"})
    assert "0 locaties gevonden" in part.content.decode()


def test_an_empty_lookup_gets_the_portals_dutch_error_beside_the_field(people, login_with_mfa, assigned):
    """The browser's own check would answer in the browser's language, without the portal's wording: the
    form leaves checking to the server, which names the field in Dutch."""
    client = _client(login_with_mfa, people["privacy_officer"])
    assert "novalidate" in client.get("/doorverwijzingen/verzoek-betrokkene/").content.decode()
    html = client.post("/doorverwijzingen/verzoek-betrokkene/", {"field": "owner_name", "value": ""}).content.decode()
    assert "locatie gevonden" not in html and "locaties gevonden" not in html
    assert 'aria-invalid="true"' in html and "verplicht" in html.lower()


def test_the_access_log_is_paged_with_the_chain_check_on_every_page(people, login_with_mfa):
    from referrals.views import LOG_PAGE_SIZE

    officer = people["privacy_officer"]
    for _i in range(LOG_PAGE_SIZE + 20):
        access_log_write(user=people["coach"], object_type="referral", object_id="x", action="view", result="allowed")
    client = _client(login_with_mfa, officer)
    first = client.get("/doorverwijzingen/toegangslog/?result=allowed").content.decode()
    second = client.get("/doorverwijzingen/toegangslog/?result=allowed&pagina=2").content.decode()
    total = AccessLogEntry.objects.filter(result="allowed").count()
    assert first.count("<tr><td>") == LOG_PAGE_SIZE and second.count("<tr><td>") == total - LOG_PAGE_SIZE
    for html in (first, second):
        assert "De keten van het log is heel." in html and html.count('class="pagination"') == 1
    assert "result=allowed&amp;pagina=2" in first  # the filter is kept when paging
    assert "<td>Coach</td>" in first and "<td>doorverwijzing x</td>" in first  # by name, not by code


# --- #19.20: labels, Dutch dates and rows that can be told apart -----------------------------------------


def test_signals_are_shown_by_name(people, login_with_mfa, location):
    html = _client(login_with_mfa, people["aov"]).get(f"/doorverwijzingen/locaties/{location.pk}/").content.decode()
    assert "Financiële nood, Leegstand" in html and "financiele_nood" not in html


def test_the_data_subject_export_uses_dutch_labels_and_says_so(people, login_with_mfa, assigned):
    note_add(user=people["coach"], referral=assigned, text="Gesprek gepland.", kind="stap")
    client = _client(login_with_mfa, people["privacy_officer"])
    client.cookies["django_language"] = "en"  # an English screen still gets one language in the file
    response = client.post(
        "/doorverwijzingen/verzoek-betrokkene/", {"field": "owner_name", "value": "Jan de Boer", "do": "export"}
    )
    export = json.loads(response.content)
    assert export["taal"] == "nl" and "Nederlands" in export["toelichting"]
    location = export["locaties"][0]["locatie"]
    referral = export["locaties"][0]["doorverwijzingen"][0]
    assert location["signalen"] == ["Financiële nood", "Leegstand"] and location["soort_pand"] == "Schuur"
    assert referral["notities"][0]["soort"] == "Stap"
    steps = [(c["van"], c["naar"]) for c in referral["statusverloop"]]
    assert steps == [("", "Aangemeld"), ("Aangemeld", "Toegewezen")]
    codes = {"financiele_nood", "leegstand", "stap", "aangemeld", "toegewezen", "schuur", "wijkagent"}
    assert not codes & set(re.findall(r'"([a-z_]+)"', response.content.decode().split('"locaties"', 1)[1]))


def test_referral_screens_show_dutch_dates(people, login_with_mfa, assigned):
    today = _dutch(timezone.localdate())
    note_add(user=people["coach"], referral=assigned, text="Gebeld.")
    coach = _client(login_with_mfa, people["coach"])
    officer = _client(login_with_mfa, people["privacy_officer"])
    aov = _client(login_with_mfa, people["aov"])
    pages = {
        "coach detail": coach.get(f"/doorverwijzingen/{assigned.pk}/"),
        "coach list": coach.get("/doorverwijzingen/"),
        "aov list": aov.get("/doorverwijzingen/"),
        "log": officer.get("/doorverwijzingen/toegangslog/"),
    }
    for name, response in pages.items():
        html = response.content.decode()
        assert response.status_code == 200 and not ENGLISH_DATE.search(html), name
        assert name == "log" or today in html, name


def test_the_aov_can_tell_rows_apart_without_seeing_more(people, make_user, login_with_mfa, assigned, location):
    from referrals.services import location_create, referral_create

    colleague = aov_of(make_user, "GM0392", "KEN")  # another AOV of Haarlem
    other_location = location_create(
        user=colleague,
        municipality=location.municipality,
        premises_kind="kas",
        signals=["leegstand"],
        source="melding",
        address="Kasweg 3, Haarlem",
        owner_name="Kees Kas",
    )
    theirs = referral_create(
        user=colleague, location=other_location, reason="r", owner_consent=True, legal_basis="toestemming"
    )
    html = _client(login_with_mfa, people["aov"]).get("/doorverwijzingen/").content.decode()
    rows = dict(re.findall(r'<tr><td><a href="/doorverwijzingen/([0-9a-f-]{36})/">(.*?)</tr>', html, re.S))
    mine, other = rows[str(assigned.pk)], rows[str(theirs.pk)]
    assert str(assigned.pk)[:8] in mine and "Schuur" in mine and "toegewezen" in mine
    assert str(theirs.pk)[:8] in other and "nog niet" in other and "Kas" not in other  # not theirs to see
    assert timezone.localtime(assigned.created_at).strftime("%H:%M") in mine


def test_the_intake_flag_follows_the_intake_rule(people, make_user, assigned):
    users = [*people.values(), aov_of(make_user, "GM0392", "KEN")]
    for user in users:
        flagged = {r.pk: r.may_see_intake for r in with_intake_flag(Referral.objects.all(), user)}
        assert flagged[assigned.pk] == user_can_view_intake(user, assigned), user


def _looked_up(html: str) -> str:
    return re.search(r'name="looked_up" value="([^"]+)"', html).group(1)


def test_erase_removes_only_what_was_counted_never_a_value_typed_afterwards(people, login_with_mfa, assigned):
    from referrals.models import VulnerableLocation
    from referrals.services import location_create

    url = "/doorverwijzingen/verzoek-betrokkene/"
    other = location_create(
        user=people["aov"],
        municipality=assigned.municipality,
        premises_kind="loods",
        signals=["leegstand"],
        source="melding",
        address="Dijkweg 3, 2000 AB Spaarndam",
        owner_name="Piet Visser",
    )
    client = _client(login_with_mfa, people["privacy_officer"])
    shown = client.post(url, {"field": "owner_name", "value": "Jan de Boer", "do": "find"}).content.decode()
    assert "1 locatie gevonden" in shown
    # The value is edited after the count was shown: nothing is erased, the new count is shown instead.
    response = client.post(
        url,
        {"field": "owner_name", "value": "Piet Visser", "do": "erase", "confirm": "1", "looked_up": _looked_up(shown)},
    )
    html = response.content.decode()
    assert "de zoekwaarde of de gevonden locaties zijn veranderd sinds het zoeken" in html
    assert VulnerableLocation.objects.filter(pk=other.pk).exists() and Referral.objects.exists()
    # A location of the same owner registered after the count: not erased unseen either.
    location_create(
        user=people["aov"],
        municipality=assigned.municipality,
        premises_kind="stal",
        signals=["leegstand"],
        source="melding",
        address="Dijkweg 5, 2000 AB Spaarndam",
        owner_name="Jan de Boer",
    )
    response = client.post(
        url,
        {"field": "owner_name", "value": "Jan de Boer", "do": "erase", "confirm": "1", "looked_up": _looked_up(shown)},
    )
    assert (
        "veranderd sinds het zoeken" in response.content.decode() and "2 locaties gevonden" in response.content.decode()
    )
    assert VulnerableLocation.objects.filter(owner_name_hash=assigned.location.owner_name_hash).count() == 2
    # Erasing what the page now counts works.
    response = client.post(
        url,
        {
            "field": "owner_name",
            "value": "Jan de Boer",
            "do": "erase",
            "confirm": "1",
            "looked_up": _looked_up(response.content.decode()),
        },
    )
    assert response.status_code == 302
    assert list(VulnerableLocation.objects.values_list("pk", flat=True)) == [other.pk]
    assert not Referral.objects.exists()
