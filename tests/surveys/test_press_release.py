"""The press release draft follows its numbers (issue #25, item 3): the willingness to report against the other
municipalities' average decides the headline and the lead, a difference within SAME_BAND reads as "about the
same", too few responses give no conclusion, and the draft always carries n, a marked placeholder for the
mayor's quote and a press contact to fill in."""

import datetime
from decimal import Decimal

import pytest

from stakeholders.models import Municipality
from surveys import services
from surveys.models import Campaign, Response
from surveys.report import SAME_BAND, Direction, direction, press_release_draft
from surveys.selectors import MIN_RESPONSES
from tests.surveys.helpers import FULL, OPMEER, _as, today

pytestmark = pytest.mark.django_db


def _campaign(secretariat, cbs_code: str, *, yes: int, n: int, close: bool = True, mailed: int = 50) -> Campaign:
    """A campaign of cbs_code with n responses, `yes` of them willing to report."""
    campaign = services.campaign_create(
        user=secretariat,
        municipality=Municipality.objects.get(cbs_code=cbs_code),
        title=f"Enquête {cbs_code}",
        opens_on=today(),
        closes_on=today() + datetime.timedelta(days=10),
        mayor_name="Joost Nieuwenhuizen",
    )
    for index in range(n):
        answers = {**FULL, "meldingsbereid": "ja" if index < yes else "nee"}
        Response.objects.create(campaign=campaign, submitted_on=today(), respondent_type="bewoner", answers=answers)
    Campaign.objects.filter(pk=campaign.pk).update(status="open", addresses_count=mailed)
    campaign = Campaign.objects.get(pk=campaign.pk)
    if close:
        campaign = services.campaign_close(campaign=campaign)
    return campaign


@pytest.fixture
def elsewhere_61(secretariat):
    """Two other municipalities, 60% and 62% willing: an average of 61,0%."""
    _campaign(secretariat, "GM0392", yes=6, n=10)
    _campaign(secretariat, "GM0361", yes=62, n=100, mailed=200)


def _headline(text: str) -> str:
    return text.split("\n")[0]


def test_a_low_willingness_to_report_says_so(secretariat, elsewhere_61):
    text = press_release_draft(_campaign(secretariat, OPMEER, yes=2, n=13))
    assert _headline(text) == "Minder bewoners buitengebied Opmeer bereid drugscriminaliteit te melden dan elders"
    assert "alert" not in text
    assert "15,4%" in text and "61,0%" in text and "45,6 procentpunt minder" in text
    assert "2 andere gemeenten" in text
    assert "13 bewoners en ondernemers" in text and "26,0% van de 50 aangeschreven adressen" in text
    assert "[Wat de gemeente en haar partners doen" in text


def test_a_high_willingness_to_report_says_more_than_elsewhere(secretariat, elsewhere_61):
    text = press_release_draft(_campaign(secretariat, OPMEER, yes=12, n=13))
    assert _headline(text) == "Bewoners buitengebied Opmeer vaker bereid drugscriminaliteit te melden dan elders"
    assert "92,3%" in text and "31,3 procentpunt meer" in text and "61,0%" in text
    assert "minder" not in text.lower().replace("minder dan 10", "")


def test_a_difference_inside_the_band_reads_as_the_same(secretariat, elsewhere_61):
    text = press_release_draft(_campaign(secretariat, OPMEER, yes=8, n=13))  # 61,5% against 61,0%
    assert _headline(text) == "Bewoners buitengebied Opmeer even vaak bereid drugscriminaliteit te melden als elders"
    assert "ongeveer even veel" in text and "procentpunt" not in text


@pytest.mark.parametrize(
    ("own", "average", "expected"),
    [
        ("15.4", "61.0", Direction.LOWER),
        ("92.3", "61.0", Direction.HIGHER),
        ("61.5", "61.0", Direction.SAME),
        ("66.0", "61.0", Direction.SAME),  # exactly SAME_BAND above: still the same
        ("56.0", "61.0", Direction.SAME),  # exactly SAME_BAND below
        ("66.1", "61.0", Direction.HIGHER),
        ("55.9", "61.0", Direction.LOWER),
    ],
)
def test_the_direction_follows_sign_and_size_of_the_difference(own, average, expected):
    assert SAME_BAND == Decimal("5.0")
    assert direction(Decimal(own), Decimal(average)) is expected


def test_too_few_responses_draw_no_conclusion(secretariat, elsewhere_61):
    text = press_release_draft(_campaign(secretariat, OPMEER, yes=1, n=MIN_RESPONSES - 1))
    assert _headline(text) == "Enquête buitengebied Opmeer: te weinig reacties voor conclusies"
    assert "minstens 10 ingevulde vragenlijsten" in text and "9 bewoners en ondernemers" in text
    assert "bereid" not in text and "61,0%" not in text and "11,1%" not in text  # no figure, no comparison


def test_without_other_municipalities_the_figure_stands_alone(secretariat):
    text = press_release_draft(_campaign(secretariat, OPMEER, yes=2, n=13))
    assert _headline(text) == "15,4% van de bewoners buitengebied Opmeer zou drugscriminaliteit melden"
    assert "nog niet te vergelijken" in text and "elders" not in text


def test_every_draft_has_a_marked_quote_and_press_contact(secretariat, elsewhere_61):
    for n in (3, 13):
        text = press_release_draft(_campaign(secretariat, OPMEER, yes=2, n=n))
        assert "[Citaat burgemeester Joost Nieuwenhuizen – in te vullen door de gemeente]" in text
        assert "Noot voor de redactie (niet voor publicatie)" in text
        assert "[Contact voor de pers:" in text and "gemeente Opmeer – in te vullen]" in text


def test_a_draft_of_a_campaign_still_open_warns_the_figures_may_change(secretariat, elsewhere_61):
    text = press_release_draft(_campaign(secretariat, OPMEER, yes=2, n=13, close=False))
    assert text.startswith("[Let op: de enquête is nog niet gesloten")


def test_the_texts_page_offers_the_draft(client, secretariat, login_with_mfa, elsewhere_61):
    campaign = _campaign(secretariat, OPMEER, yes=2, n=13)
    _as(client, secretariat, login_with_mfa)
    page = client.get(f"/enquetes/{campaign.pk}/rapport/").content.decode()
    assert "Minder bewoners buitengebied Opmeer" in page and "alert op drugscriminaliteit" not in page
    assert "Tekst tussen [ ] vult de gemeente zelf in" in page
