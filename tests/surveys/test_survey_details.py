"""Survey details (issue #25, item 6): a campaign is open on its opening day (Amsterdam time, also just after
midnight when UTC is still on the day before), dates read "7 december 2026" everywhere, and a mistyped code is
told which character is not allowed and how many characters were typed, beside the field, keeping the input."""

import datetime
import re

import pytest
import time_machine
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from stakeholders.models import Municipality
from surveys import codes, services
from surveys.models import Campaign, CampaignLogEntry, Response
from surveys.selectors import MIN_RESPONSES, campaign_results, shown_groups
from tests.pdfs import pdf_string_list
from tests.surveys.helpers import FULL, OPMEER, _as, _codes_from, address_csv, today

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


# --- Results by respondent type ---------------------------------------------------------------------------------


def _closed_with(secretariat, groups: dict[str, int], *, extra: dict | None = None) -> Campaign:
    """A closed Opmeer campaign with groups[type] responses of each respondent type, half of each willing."""
    campaign = services.campaign_create(
        user=secretariat,
        municipality=Municipality.objects.get(cbs_code=OPMEER),
        title="Enquête buitengebied Opmeer",
        opens_on=today(),
        closes_on=today() + datetime.timedelta(days=30),
        mayor_name="Joost Nieuwenhuizen",
    )
    for kind, n in groups.items():
        for index in range(n):
            answers = {**FULL, "respondent_type": kind, "meldingsbereid": "ja" if index % 2 else "nee"}
            answers.update((extra or {}).get((kind, index), {}))
            Response.objects.create(campaign=campaign, submitted_on=today(), respondent_type=kind, answers=answers)
    Campaign.objects.filter(pk=campaign.pk).update(status="open", addresses_count=100)
    return services.campaign_close(campaign=Campaign.objects.get(pk=campaign.pk))


@pytest.mark.parametrize(
    ("sizes", "total", "shown"),
    [
        ({"a": 12, "b": 10}, 22, {"a", "b"}),
        ({"a": 12, "b": 10, "c": 3}, 25, {"a"}),  # c alone would be total - a - b: b is hidden with it
        ({"a": 20, "b": 0}, 20, {"a"}),  # an empty rest gives nothing away
        ({"a": 12, "b": 3}, 15, set()),  # with one group left, hiding it too is the only way
        ({"a": 12, "b": 11, "c": 10, "d": 9}, 42, {"a", "b"}),
        ({"a": 30}, 35, set()),  # five people without a type would be total - a
    ],
)
def test_groups_shown_never_give_a_small_group_away(sizes, total, shown):
    assert shown_groups(sizes, total) == shown


@given(st.dictionaries(st.sampled_from("abcde"), st.integers(0, 40)), st.integers(0, 15))
def test_what_is_left_hidden_is_nobody_or_at_least_the_minimum(sizes, untyped):
    total = sum(sizes.values()) + untyped
    shown = shown_groups(sizes, total)
    rest = total - sum(sizes[key] for key in shown)
    assert all(sizes[key] >= MIN_RESPONSES for key in shown)
    assert not shown or rest == 0 or rest >= MIN_RESPONSES


def _willing_table(page: str) -> str:
    start = page.index("Als u een vermoeden van drugscriminaliteit heeft")
    return page[start : page.index("</section>", start)]


def test_results_page_breaks_down_by_respondent_type(client, secretariat, login_with_mfa):
    campaign = _closed_with(secretariat, {"bewoner": 12, "ondernemer": 10})
    _as(client, secretariat, login_with_mfa)
    page = client.get(f"/enquetes/{campaign.pk}/resultaten").content.decode()
    table = _willing_table(page)
    assert "Bewoners <small>(n=12)</small>" in table and "Ondernemers <small>(n=10)</small>" in table
    assert "50,0%" in table  # half of each group is willing
    assert "Niet apart getoond" not in page
    first = page[page.index("Wat past het best bij u?") :]
    assert "(n=12)" not in first[: first.index("</section>")]  # the type question is not broken down by itself


def test_a_small_group_is_not_given_away_by_subtraction(client, secretariat, login_with_mfa):
    campaign = _closed_with(secretariat, {"bewoner": 12, "ondernemer": 10, "huurder": 3})
    results = campaign_results(campaign)
    assert [label for _v, label, _n in results.types] == ["Bewoners"]
    assert results.hidden_types == ["Ondernemers", "Huurders van een bedrijfspand"]
    _as(client, secretariat, login_with_mfa)
    page = client.get(f"/enquetes/{campaign.pk}/resultaten").content.decode()
    assert "Ondernemers <small>" not in page and "Huurders van een bedrijfspand <small>" not in page
    assert "Niet apart getoond, om kleine groepen te beschermen: Ondernemers, Huurders van een bedrijfspand." in page


def test_an_optional_question_few_of_a_group_answered_is_marked_not_shown(client, secretariat, login_with_mfa):
    # "Waar zou u het melden?" is optional: only 3 of the 10 business owners answer it.
    extra = {("ondernemer", i): {"meldkanaal": ["politie"]} for i in range(3)}
    extra |= {("bewoner", i): {"meldkanaal": ["mma"]} for i in range(12)}
    campaign = _closed_with(secretariat, {"bewoner": 12, "ondernemer": 10}, extra=extra)
    question = next(r for r in campaign_results(campaign).questions if r.question.code == "meldkanaal")
    assert question.has_hidden_cells
    # Both columns go: the business owners are few, and the residents' shares beside the total would give
    # the three away.
    assert all(cell.hidden for choice in question.choices for cell in choice.type_cells)
    _as(client, secretariat, login_with_mfa)
    page = client.get(f"/enquetes/{campaign.pk}/resultaten").content.decode()
    section = page[page.index("Waar zou u het melden?") :]
    section = section[: section.index("</section>")]
    assert '<span aria-hidden="true">×</span><span class="visually-hidden">niet getoond</span>' in section
    assert "× niet getoond:" in section


def test_without_a_group_large_enough_the_page_says_so(client, secretariat, login_with_mfa):
    campaign = _closed_with(secretariat, {"bewoner": 8, "ondernemer": 4})
    _as(client, secretariat, login_with_mfa)
    page = client.get(f"/enquetes/{campaign.pk}/resultaten").content.decode()
    assert "Geen uitsplitsing naar soort respondent" in page and "(n=8)" not in page


def test_the_report_holds_the_breakdown_by_respondent_type(client, secretariat, login_with_mfa):
    campaign = _closed_with(secretariat, {"bewoner": 12, "ondernemer": 10, "huurder": 3})
    _as(client, secretariat, login_with_mfa)
    text = " ".join(pdf_string_list(client.get(f"/enquetes/{campaign.pk}/rapport.pdf").content))
    assert "Bewoners (n=12): Ja 50,0% · Misschien 0,0% · Nee 50,0%" in text
    assert "Ondernemers (n=" not in text and "Huurders van een bedrijfspand (n=" not in text
    assert "Niet apart getoond, om kleine groepen te beschermen" in text
