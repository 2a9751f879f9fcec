"""Survey details (issue #25, item 6): a campaign is open on its opening day (Amsterdam time, also just after
midnight when UTC is still on the day before), dates read "7 december 2026" everywhere, and a mistyped code is
told which character is not allowed and how many characters were typed, beside the field, keeping the input."""

import datetime
import re

import pytest
import time_machine
from django.utils import timezone

from stakeholders.models import Municipality
from surveys import codes, services
from surveys.models import Campaign, CampaignLogEntry
from tests.surveys.helpers import OPMEER, _codes_from, address_csv, today

pytestmark = pytest.mark.django_db

# 23:30 UTC on 6 December is 00:30 on 7 December in Amsterdam: the UTC date is still the day before.
JUST_AFTER_MIDNIGHT = "2026-12-06 23:30:00 +0000"
OPENING_DAY = datetime.date(2026, 12, 7)


def _with_letters(secretariat, opens_on: datetime.date) -> tuple[Campaign, list[str]]:
    campaign = services.campaign_create(
        user=secretariat,
        municipality=Municipality.objects.get(cbs_code=OPMEER),
        title="Enquête buitengebied Opmeer",
        opens_on=opens_on,
        closes_on=opens_on + datetime.timedelta(days=30),
        mayor_name="Joost Nieuwenhuizen",
    )
    services.letters_make(user=secretariat, campaign=campaign, name="adressen.csv", raw=address_csv(5))
    campaign.refresh_from_db()
    with campaign.letters_file.open("rb") as handle:
        return campaign, _codes_from(handle.read())


# --- The opening day -------------------------------------------------------------------------------------------


def test_a_code_works_on_the_opening_day_before_the_hourly_job_ran(client, secretariat):
    with time_machine.travel(JUST_AFTER_MIDNIGHT, tick=False):
        assert timezone.localdate() == OPENING_DAY and timezone.now().date() < OPENING_DAY
        campaign, letters = _with_letters(secretariat, OPENING_DAY)
        assert campaign.status == Campaign.Status.DRAFT  # the hourly job has not opened it yet
        response = client.post("/vragenlijst/", {"code": letters[0], "website": ""})
        assert response.status_code == 302 and response["Location"].endswith("/vragenlijst/invullen/")
        assert "opent op" not in client.get("/vragenlijst/invullen/").content.decode()
    campaign.refresh_from_db()
    # Opened as the job would open it: the letters (codes beside addresses) are gone and that is logged.
    assert campaign.status == Campaign.Status.OPEN and not campaign.letters_file
    assert CampaignLogEntry.objects.filter(campaign=campaign, action="brieven_verwijderd").exists()


def test_the_day_before_opening_the_code_waits_and_names_the_day(client, secretariat):
    with time_machine.travel("2026-12-06 22:30:00 +0000", tick=False):  # 23:30 on 6 December in Amsterdam
        _campaign, letters = _with_letters(secretariat, OPENING_DAY)
        page = client.post("/vragenlijst/", {"code": letters[0], "website": ""}).content.decode()
    assert "Deze enquête opent op 7 december 2026." in page
    assert "07-12-2026" not in page


def test_an_opening_done_meanwhile_is_not_an_error(secretariat):
    campaign, _letters = _with_letters(secretariat, today())
    stale = Campaign.objects.get(pk=campaign.pk)  # still a draft in this request's hands
    services.campaign_open(campaign=campaign)  # the hourly job (or another resident) got there first
    assert services._open_on_its_day(stale).status == Campaign.Status.OPEN  # noqa: SLF001


# --- One date format ------------------------------------------------------------------------------------------


def test_survey_dates_use_the_portals_long_format():
    assert services.day(datetime.date(2026, 12, 7)) == "7 december 2026"


# --- Mistyped codes ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("ABCD-EFGH-JKM0", "De code bevat een 0 (nul). Codes hebben geen nul en geen letter O"),
        ("ABCD-EFGH-JKMO", "De code bevat een O. Codes hebben geen letter O en geen nul"),
        ("ABCD-EFGH-JKM1", "De code bevat een 1 (één). Codes hebben geen 1, I of L"),
        ("abcd-efgh-jkmi", "De code bevat een I."),
        ("abcd-efgh-jkml", "De code bevat een L."),
        ("ABCD-EFGH-JKMÉ", "De code bevat een É. Codes hebben alleen hoofdletters en de cijfers 2 tot en met 9."),
    ],
)
def test_a_character_outside_the_alphabet_is_named(typed, expected):
    message = codes.problem(typed)
    assert message.startswith(expected)
    assert "tekens" not in message  # twelve characters were typed: the length is not the problem


def test_the_characters_named_are_exactly_those_left_out_of_the_alphabet():
    for left_out in "0O1IL":
        assert left_out not in codes.ALPHABET
    assert codes.problem("ABCD-EFGH-JKMN") is None
    assert codes.problem(" abcd efgh jkmn ") is None  # spaces, dashes and lower case are fine
    assert codes.problem(codes.ALPHABET[:12]) is None


@pytest.mark.parametrize(
    ("typed", "count"),
    [("ABCD-EFGH-JKM", "11 tekens"), ("ABCD-EFGH-JKMNP", "13 tekens"), ("A", "1 teken;")],
)
def test_a_length_error_states_the_count_typed(typed, count):
    assert f"U typte {count}" in codes.problem(typed)
    assert "een code heeft er 12" in codes.problem(typed)


def test_a_short_code_with_a_zero_gets_both_messages():
    message = codes.problem("ABCD-EFG0")
    assert "0 (nul)" in message and "U typte 8 tekens" in message


def test_the_code_page_names_the_character_beside_the_field_and_keeps_the_input(client, open_campaign):
    page = client.post("/vragenlijst/", {"code": "ABCD-EFGH-JKM0", "website": ""}).content.decode()
    assert "De code bevat een 0 (nul)" in page and "Een code heeft 12 tekens" not in page
    field = re.search(r'<div class="field">(.*?)</div>', page, re.S).group(1)
    assert 'id="code-fout"' in field  # the message sits in the field's own block, not above the form
    assert 'value="ABCD-EFGH-JKM0"' in field
    assert 'aria-describedby="code-hint code-fout"' in field and 'aria-invalid="true"' in field


def test_an_empty_code_asks_for_the_code_in_dutch(client, open_campaign):
    page = client.post("/vragenlijst/", {"code": "", "website": ""}).content.decode()
    assert "Vul de code uit de brief in" in page
