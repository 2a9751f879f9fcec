"""Issue #23 part 4: the business-park survey. A municipality without rural area asks owners, landlords and
tenants of business premises: its own standard questions, letters addressed to the business, and results that
never mix with the rural-area campaigns (not in module 1's figures, not in the comparison with others)."""

import datetime

import pytest

from monitoring.models import SurveyResult
from stakeholders.models import Municipality
from surveys import services
from surveys.models import Campaign, Response
from surveys.questions import BUSINESS_PARK_QUESTIONS, STANDARD_QUESTIONS
from surveys.report import press_release_draft
from surveys.selectors import campaign_results
from tests.pdfs import pdf_string_list

from .helpers import FULL, OPMEER, _as, today

pytestmark = pytest.mark.django_db

ZAANSTAD = "GM0479"
BUSINESS_FULL = {**FULL, "respondent_type": "verhuurder"}


def _create(secretariat, cbs_code=ZAANSTAD, *, area=Campaign.Area.BUSINESS_PARK, title="Enquête bedrijventerreinen"):
    return services.campaign_create(
        user=secretariat,
        municipality=Municipality.objects.get(cbs_code=cbs_code),
        area=area,
        title=f"{title} {cbs_code}",
        opens_on=today(),
        closes_on=today() + datetime.timedelta(days=20),
        mayor_name="Jan Hamming",
    )


def _closed_with(secretariat, cbs_code, answers, n, *, area=Campaign.Area.BUSINESS_PARK):
    campaign = _create(secretariat, cbs_code, area=area)
    for _ in range(n):
        Response.objects.create(campaign=campaign, submitted_on=today(), respondent_type="x", answers=answers)
    Campaign.objects.filter(pk=campaign.pk).update(status="open", addresses_count=50)
    return services.campaign_close(campaign=Campaign.objects.get(pk=campaign.pk))


def test_the_form_makes_a_business_park_campaign_with_its_own_questions_and_letter(client, secretariat, login_with_mfa):
    page = _as(client, secretariat, login_with_mfa).get("/enquetes/nieuw/").content.decode()
    assert 'value="bedrijventerrein"' in page
    rural_letter = services.DEFAULT_LETTER.replace("\n", "\r\n")  # as the browser sends the prefilled text back
    response = client.post(
        "/enquetes/nieuw/",
        {
            "municipality": Municipality.objects.get(cbs_code=ZAANSTAD).pk,
            "area": "bedrijventerrein",
            "title": "Enquête bedrijventerreinen Zaanstad",
            "opens_on": today().isoformat(),
            "closes_on": (today() + datetime.timedelta(days=20)).isoformat(),
            "mayor_name": "Jan Hamming",
            "letter_text": rural_letter,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    campaign = Campaign.objects.get(title="Enquête bedrijventerreinen Zaanstad")
    assert campaign.area == "bedrijventerrein"
    assert campaign.letter_text == services.DEFAULT_LETTER_BUSINESS_PARK
    questions = list(campaign.questions.all())
    assert [q.code for q in questions] == [q["code"] for q in BUSINESS_PARK_QUESTIONS]
    types = next(q for q in questions if q.code == "respondent_type")
    assert "verhuurder" in [value for value, _label in types.choice_list()]
    assert "bedrijventerrein" in questions[-1].text_nl
    detail = client.get(f"/enquetes/{campaign.pk}/").content.decode()
    assert "Bedrijventerrein: eigenaren, verhuurders en huurders" in detail
    assert "kolom bedrijf" in detail


def test_an_own_letter_is_kept_and_the_rural_set_is_unchanged(secretariat):
    own = services.campaign_create(
        user=secretariat,
        municipality=Municipality.objects.get(cbs_code=ZAANSTAD),
        area=Campaign.Area.BUSINESS_PARK,
        title="Eigen brief",
        opens_on=today(),
        closes_on=today() + datetime.timedelta(days=20),
        mayor_name="Jan Hamming",
        letter_text="Beste ondernemer, vul de lijst in.",
    )
    assert own.letter_text == "Beste ondernemer, vul de lijst in."
    rural = _create(secretariat, OPMEER, area=Campaign.Area.RURAL)
    assert rural.letter_text == services.DEFAULT_LETTER
    assert [q.code for q in rural.questions.all()] == [q["code"] for q in STANDARD_QUESTIONS]


def test_the_kind_is_fixed_after_creation_and_an_unknown_kind_is_refused(client, secretariat, login_with_mfa):
    campaign = _create(secretariat)
    edit = _as(client, secretariat, login_with_mfa).get(f"/enquetes/{campaign.pk}/bewerken/").content.decode()
    assert 'name="area"' not in edit
    bad = client.post(
        "/enquetes/nieuw/",
        {
            "municipality": Municipality.objects.get(cbs_code=ZAANSTAD).pk,
            "area": "industrie",
            "title": "Fout",
            "opens_on": today().isoformat(),
            "closes_on": (today() + datetime.timedelta(days=20)).isoformat(),
            "mayor_name": "X",
        },
    )
    assert bad.status_code == 200
    assert "industrie" in bad.content.decode()  # Django's Dutch "Selecteer een geldige keuze. industrie is ..."
    assert not Campaign.objects.filter(title="Fout").exists()


def test_letters_go_to_the_business_for_the_attention_of_a_named_person(secretariat):
    campaign = _create(secretariat)
    raw = (
        b"bedrijf;naam;straat;huisnummer;postcode;plaats\n"
        b"Loods & Co BV;mevrouw De Wit;Hemweg;12;1506 AB;Zaandam\n"
        b"Zaanse Opslag;;Hemweg;14;1506 AB;Zaandam\n"
        b";;Hemweg;16;1506 AB;Zaandam\n"
    )
    assert services.letters_make(user=secretariat, campaign=campaign, name="panden.csv", raw=raw) == 3
    campaign.refresh_from_db()
    with campaign.letters_file.open("rb") as handle:
        text = pdf_string_list(handle.read())
    assert "Loods & Co BV" in text and "t.a.v. mevrouw De Wit" in text
    assert "Zaanse Opslag" in text
    assert "De eigenaar of gebruiker van" in text
    assert "De bewoners van" not in text


def test_closing_keeps_business_park_results_out_of_module_1(client, secretariat, login_with_mfa):
    hand = SurveyResult.objects.create(
        municipality=Municipality.objects.get(cbs_code=ZAANSTAD),
        year=today().year,
        addresses_mailed=400,
        responses=100,
        willing_to_report_pct=50,
        knows_signals_pct=40,
        source=SurveyResult.Source.HAND,
    )
    campaign = _create(secretariat)
    Campaign.objects.filter(pk=campaign.pk).update(status="open", addresses_count=50)
    confirm = _as(client, secretariat, login_with_mfa).get(f"/enquetes/{campaign.pk}/sluiten/").content.decode()
    assert "telt niet mee in de cijfers van module 1" in confirm
    assert "worden vervangen" not in confirm
    services.campaign_close(user=secretariat, campaign=Campaign.objects.get(pk=campaign.pk))
    assert list(SurveyResult.objects.all()) == [hand]
    hand.refresh_from_db()
    assert (hand.responses, hand.source) == (100, "hand")


def test_comparisons_stay_within_the_same_kind_of_survey(secretariat):
    for code in ("GM0392", "GM0361"):  # Haarlem and Alkmaar: rural campaigns do not count for a business park
        _closed_with(secretariat, code, FULL, 10, area=Campaign.Area.RURAL)
    alone = _closed_with(secretariat, "GM0453", BUSINESS_FULL, 10)  # Velsen, the first business park
    assert campaign_results(alone).others_count == 0
    _closed_with(secretariat, "GM0396", BUSINESS_FULL, 10)  # Heemstede, the second
    own = _closed_with(secretariat, ZAANSTAD, BUSINESS_FULL, 10)
    assert campaign_results(own).others_count == 2  # Velsen and Heemstede, not the rural ones
    rural = _closed_with(secretariat, OPMEER, FULL, 10, area=Campaign.Area.RURAL)
    assert campaign_results(rural).others_count == 2  # Haarlem and Alkmaar, not the business parks


def test_the_press_release_speaks_of_businesses_not_the_rural_area(secretariat):
    campaign = _create(secretariat)
    for _ in range(12):
        Response.objects.create(campaign=campaign, submitted_on=today(), respondent_type="huurder", answers=FULL)
    Campaign.objects.filter(pk=campaign.pk).update(status="open", addresses_count=40)
    text = press_release_draft(Campaign.objects.get(pk=campaign.pk))
    assert "bedrijven op de bedrijventerreinen van Zaanstad" in text
    assert "buitengebied" not in text


def test_a_business_park_respondent_is_thanked_for_the_business_park(client):
    page = client.get("/vragenlijst/bedankt/?soort=bedrijventerrein").content.decode()
    assert "bedrijventerrein veiliger" in page
    assert "buitengebied veiliger" in client.get("/vragenlijst/bedankt/").content.decode()
