"""Issue #25, items 4 and 5: the campaign page shows the exact address the letters will carry before they are
made; opening (which deletes the letters) and closing early (which stops the answers) happen only after a page
that says what will happen and a POST with the box ticked; after an early close every period shows the real last
day beside the planned one."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import formats, timezone, translation

from core.roles import Role
from surveys import services
from surveys.models import Campaign, CampaignLogEntry
from tests.pdfs import pdf_string_list
from tests.referrals.conftest import aov_of
from tests.surveys.helpers import FULL, OPMEER, _answer, _as, today

pytestmark = pytest.mark.django_db


def _day(date: datetime.date) -> str:
    with translation.override("nl"):
        return formats.date_format(date, "j F Y")


# --- Item 4: the address in the letters ---------------------------------------------------------------------


def test_the_campaign_page_shows_the_address_and_qr_target_the_letters_will_carry(
    client, secretariat, login_with_mfa, campaign, settings
):
    settings.WAGTAILADMIN_BASE_URL = "https://portal.example.nl"
    _as(client, secretariat, login_with_mfa)
    page = client.get(f"/enquetes/{campaign.pk}/").content.decode()
    assert "<code>https://portal.example.nl/vragenlijst/</code>" in page
    assert "<code>https://portal.example.nl/vragenlijst/#ABCDEFGHJKMN</code>" in page
    assert 'id="adres-waarschuwing"' not in page
    # The letters made afterwards carry exactly that address.
    services.letters_make(
        user=secretariat, campaign=campaign, name="a.csv", raw=b"adres;postcode;plaats\nDorp 1;1716AB;Opmeer"
    )
    campaign.refresh_from_db()
    with campaign.letters_file.open("rb") as handle:
        printed = " ".join(pdf_string_list(handle.read()))
    assert "https://portal.example.nl/vragenlijst/" in printed


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://127.0.0.1:8000", "lokaal adres"),
        ("https://localhost", "lokaal adres"),
        ("http://portal.example.nl", "https://"),
        ("portal.example.nl", "geen volledig webadres"),
    ],
)
def test_the_campaign_page_warns_before_letters_with_an_address_residents_cannot_use(
    client, secretariat, login_with_mfa, campaign, settings, url, says
):
    settings.WAGTAILADMIN_BASE_URL = url
    _as(client, secretariat, login_with_mfa)
    page = client.get(f"/enquetes/{campaign.pk}/").content.decode()
    warning = page[page.index('id="adres-waarschuwing"') :].split("</div>")[0]
    assert "bewoners kunnen dit adres niet gebruiken" in warning and says in warning
    assert "WAGTAILADMIN_BASE_URL" in warning


# --- Item 5: a confirmation before what cannot be undone -----------------------------------------------------


def test_opening_without_confirmation_changes_nothing_and_says_what_will_happen(
    client, secretariat, login_with_mfa, campaign, letters
):
    _as(client, secretariat, login_with_mfa)
    detail = client.get(f"/enquetes/{campaign.pk}/").content.decode()
    assert f'<form method="get" action="/enquetes/{campaign.pk}/openen/">' in detail  # the button asks first
    page = client.get(f"/enquetes/{campaign.pk}/openen/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "wordt de PDF met de brieven (30 adressen) uit het portaal verwijderd" in text
    assert "niet meer downloaden of opnieuw afdrukken" in text and "Openen kan niet ongedaan worden gemaakt." in text
    assert 'id="brieven-niet-gedownload"' in text  # nobody downloaded the letters yet
    assert 'name="csrfmiddlewaretoken"' in text and "onclick" not in text and "confirm(" not in text
    refused = client.post(f"/enquetes/{campaign.pk}/openen/")
    assert refused.status_code == 200
    assert "Er is niets veranderd. Vink eerst aan dat u begrijpt wat er gebeurt." in refused.content.decode()
    assert 'aria-describedby="confirm-error"' in refused.content.decode()
    client.post(f"/enquetes/{campaign.pk}/openen/", {"confirm": "0"})
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT and campaign.letters_file
    assert not campaign.log.filter(action=CampaignLogEntry.Action.OPENED).exists()


def test_the_warning_about_letters_not_downloaded_goes_once_they_are(
    client, secretariat, login_with_mfa, campaign, letters
):
    _as(client, secretariat, login_with_mfa)
    client.get(f"/enquetes/{campaign.pk}/brieven.pdf")
    assert 'id="brieven-niet-gedownload"' not in client.get(f"/enquetes/{campaign.pk}/openen/").content.decode()
    # Letters made again after that download are new codes: the warning is back.
    services.letters_make(
        user=secretariat, campaign=campaign, name="a.csv", raw=b"adres;postcode;plaats\nDorp 1;1716AB;Opmeer"
    )
    assert 'id="brieven-niet-gedownload"' in client.get(f"/enquetes/{campaign.pk}/openen/").content.decode()


def test_opening_with_confirmation_opens_and_deletes_the_letters(
    client, secretariat, login_with_mfa, campaign, letters
):
    _as(client, secretariat, login_with_mfa)
    response = client.post(f"/enquetes/{campaign.pk}/openen/", {"confirm": "1"}, follow=True)
    assert "De enquête is geopend. De brieven zijn uit het portaal verwijderd." in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.OPEN and not campaign.letters_file


def test_closing_early_without_confirmation_changes_nothing_and_says_what_will_happen(
    client, secretariat, login_with_mfa, open_campaign, letters
):
    _answer(Client(), letters[0], FULL)
    _as(client, secretariat, login_with_mfa)
    page = client.get(f"/enquetes/{open_campaign.pk}/sluiten/").content.decode()
    assert re.search(r"kunnen bewoners vanaf nu niet meer invullen, \d+ dagen eerder dan gepland", page)
    assert f"de enquête zou lopen tot en met {_day(open_campaign.closes_on)}" in page
    assert "worden de resultaten gemaakt uit de 1 vragenlijst die nu is ingevuld" in page
    assert "antwoorden die bewoners halverwege bewaarden" in page
    assert "de enquête kan niet opnieuw open" in page
    refused = client.post(f"/enquetes/{open_campaign.pk}/sluiten/")
    assert "Er is niets veranderd" in refused.content.decode()
    open_campaign.refresh_from_db()
    assert open_campaign.status == Campaign.Status.OPEN and open_campaign.closed_at is None
    assert not open_campaign.log.filter(action=CampaignLogEntry.Action.CLOSED).exists()


def test_closing_on_the_last_planned_day_says_so(client, secretariat, login_with_mfa, open_campaign):
    Campaign.objects.filter(pk=open_campaign.pk).update(
        opens_on=today() - datetime.timedelta(days=5), closes_on=today()
    )
    _as(client, secretariat, login_with_mfa)
    page = client.get(f"/enquetes/{open_campaign.pk}/sluiten/").content.decode()
    assert "ook niet meer vandaag, de laatste geplande dag" in page


def test_closing_early_with_confirmation_records_the_real_end_and_every_period_shows_it(
    client, secretariat, login_with_mfa, open_campaign
):
    _as(client, secretariat, login_with_mfa)
    response = client.post(f"/enquetes/{open_campaign.pk}/sluiten/", {"confirm": "1"}, follow=True)
    assert "De enquête is gesloten." in response.content.decode()
    open_campaign.refresh_from_db()
    planned = open_campaign.closes_on
    assert open_campaign.status == Campaign.Status.CLOSED and open_campaign.closed_early
    assert open_campaign.closes_on == planned and open_campaign.last_day == open_campaign.closed_on < planned
    assert open_campaign.closed_on == timezone.localdate(open_campaign.closed_at)
    real_end, planned_text = _day(open_campaign.closed_on), _day(planned)
    expected = f"t/m {real_end} (eerder gesloten; gepland t/m {planned_text})"
    log = open_campaign.log.get(action=CampaignLogEntry.Action.CLOSED)
    assert log.detail == f"eerder gesloten; gepland t/m {planned_text}"
    detail = response.content.decode()
    assert expected in detail and f"Eerder gesloten op {real_end}; gepland was tot en met {planned_text}" in detail
    assert expected in client.get("/enquetes/").content.decode()
    assert expected in client.get(f"/enquetes/{open_campaign.pk}/resultaten").content.decode()
    report = " ".join(pdf_string_list(client.get(f"/enquetes/{open_campaign.pk}/rapport.pdf").content))
    assert "eerder gesloten; gepland t/m" in report and planned_text in report and real_end in report


def test_a_change_that_cannot_happen_now_shows_no_confirmation_and_changes_nothing(
    client, secretariat, login_with_mfa, campaign, open_campaign
):
    _as(client, secretariat, login_with_mfa)
    response = client.post(f"/enquetes/{campaign.pk}/openen/", {"confirm": "1"}, follow=True)
    assert "Deze enquête is al geopend" in response.content.decode()
    assert client.get(f"/enquetes/{campaign.pk}/openen/").status_code == 302
    draft = services.campaign_create(
        user=secretariat,
        municipality=campaign.municipality,
        title="Later",
        opens_on=today() + datetime.timedelta(days=3),
        closes_on=today() + datetime.timedelta(days=30),
        mayor_name="X",
    )
    for action, message in [("openen", "Maak eerst de brieven"), ("sluiten", "Alleen een open enquête")]:
        response = client.post(f"/enquetes/{draft.pk}/{action}/", {"confirm": "1"}, follow=True)
        assert message in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Campaign.Status.DRAFT


def test_the_confirmation_needs_the_csrf_token(client, secretariat, login_with_mfa, open_campaign):
    _as(client, secretariat, login_with_mfa)
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies  # the same logged-in session, without the page's token
    assert strict.post(f"/enquetes/{open_campaign.pk}/sluiten/", {"confirm": "1"}).status_code == 403
    open_campaign.refresh_from_db()
    assert open_campaign.status == Campaign.Status.OPEN


@pytest.mark.parametrize("who", ["aov_elsewhere", Role.PARTNER, Role.COACH, Role.ADMIN, Role.PRIVACY_OFFICER])
def test_people_without_the_right_get_404_and_change_nothing(
    client, make_user, login_with_mfa, campaign, letters, secretariat, who
):
    if who == "aov_elsewhere":
        user = aov_of(make_user, "GM0392", "KEN")  # Haarlem: another municipality
    else:
        user = make_user(who, district="NHN" if who == Role.PARTNER else None)
    _as(client, user, login_with_mfa)
    for url in (f"/enquetes/{campaign.pk}/openen/", f"/enquetes/{campaign.pk}/sluiten/"):
        assert client.get(url).status_code == 404
        assert client.post(url, {"confirm": "1"}).status_code == 404
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT and campaign.letters_file


def test_the_own_municipalitys_aov_confirms_and_closes(client, make_user, login_with_mfa, open_campaign):
    _as(client, aov_of(make_user, OPMEER, "NHN"), login_with_mfa)
    assert client.get(f"/enquetes/{open_campaign.pk}/sluiten/").status_code == 200
    client.post(f"/enquetes/{open_campaign.pk}/sluiten/", {"confirm": "1"})
    open_campaign.refresh_from_db()
    assert open_campaign.status == Campaign.Status.CLOSED


def test_anonymous_visitors_are_sent_to_login(client, campaign):
    response = client.get(f"/enquetes/{campaign.pk}/openen/")
    assert response.status_code == 302 and "/account/inloggen/" in response["Location"]


# --- The period --------------------------------------------------------------------------------------------


def _at(date: datetime.date, hour: int = 14) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(hour)))


@pytest.mark.parametrize(
    ("closed_at", "expected"),
    [
        (None, "1 maart t/m 31 maart 2026"),
        (_at(datetime.date(2026, 4, 1), 0), "1 maart t/m 31 maart 2026"),  # the hourly job, the day after
        (_at(datetime.date(2026, 3, 31)), "1 maart t/m 31 maart 2026"),  # by hand on the last day
        (_at(datetime.date(2026, 3, 10)), "1 maart t/m 10 maart 2026 (eerder gesloten; gepland t/m 31 maart 2026)"),
    ],
)
def test_the_period_shows_the_real_last_day(closed_at, expected):
    campaign = Campaign(opens_on=datetime.date(2026, 3, 1), closes_on=datetime.date(2026, 3, 31), closed_at=closed_at)
    with translation.override("nl"):
        assert campaign.period_display == expected
    assert campaign.closed_early == ("eerder" in expected)


def test_a_period_across_new_year_names_both_years():
    campaign = Campaign(opens_on=datetime.date(2026, 12, 15), closes_on=datetime.date(2027, 1, 31))
    with translation.override("nl"):
        assert campaign.period_display == "15 december 2026 t/m 31 januari 2027"
    campaign.closed_at = _at(datetime.date(2026, 12, 20))
    with translation.override("nl"):
        assert campaign.period_display == (
            "15 december t/m 20 december 2026 (eerder gesloten; gepland t/m 31 januari 2027)"
        )


def test_on_its_opening_day_a_draft_says_it_can_open_now_and_before_it_names_the_day_in_words(
    client, secretariat, login_with_mfa, campaign
):
    """The page never says "gaat vanzelf open op <vandaag>", and the refusal names the day as the portal does."""
    _as(client, secretariat, login_with_mfa)
    draft = services.campaign_create(
        user=secretariat,
        municipality=campaign.municipality,
        title="Vandaag",
        opens_on=today(),
        closes_on=today() + datetime.timedelta(days=30),
        mayor_name="X",
    )
    page = client.get(f"/enquetes/{draft.pk}/").content.decode()
    assert "De openingsdag is bereikt" in page and "gaat vanzelf open op" not in page
    draft.opens_on = today() + datetime.timedelta(days=3)
    draft.save(update_fields=["opens_on"])
    page = client.get(f"/enquetes/{draft.pk}/").content.decode()
    assert f"gaat vanzelf open op {_day(draft.opens_on)}" in page
    services.letters_make(
        user=secretariat, campaign=draft, name="a.csv", raw=b"adres;postcode;plaats\nDorp 1;1716AB;Opmeer"
    )
    response = client.post(f"/enquetes/{draft.pk}/openen/", {"confirm": "1"}, follow=True)
    assert f"Deze enquête opent pas op {_day(draft.opens_on)}." in response.content.decode()
