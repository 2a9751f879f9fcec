"""Module 1 survey: campaigns with the standard questions, letters with one-time codes from an address file
that is never kept, letters deleted at opening, anonymous answers, one response per code, results and the
figures that closing puts into monitoring."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from core.roles import Role
from monitoring.models import SurveyResult
from stakeholders.models import Municipality
from surveys import services
from surveys.models import Campaign, CampaignLogEntry, InvitationCode, OpenAnswer, Response
from tests.pdfs import pdf_string_list
from tests.referrals.conftest import aov_of
from tests.surveys.helpers import FULL, OPMEER, _answer, _as, _codes_from, address_csv, today

pytestmark = pytest.mark.django_db


# --- Campaigns and access ---------------------------------------------------------------------------------


def test_a_campaign_starts_with_the_standard_questions(campaign):
    codes = list(campaign.questions.values_list("code", flat=True))
    assert codes[:2] == ["respondent_type", "kent_signalen"] and "meldingsbereid" in codes
    assert CampaignLogEntry.objects.filter(campaign=campaign, action="aangemaakt").exists()


def test_the_aov_manages_their_own_municipality_only(client, make_user, login_with_mfa, campaign):
    other_aov = aov_of(make_user, "GM0392", "KEN")
    _as(client, other_aov, login_with_mfa)
    assert client.get(f"/enquetes/{campaign.pk}/").status_code == 404
    assert (
        client.post(
            f"/enquetes/{campaign.pk}/brieven/", {"file": SimpleUploadedFile("a.csv", address_csv(3))}
        ).status_code
        == 404
    )
    assert not InvitationCode.objects.exists()
    client.logout()
    own_aov = aov_of(make_user, OPMEER, "NHN")
    _as(client, own_aov, login_with_mfa)
    assert client.get(f"/enquetes/{campaign.pk}/").status_code == 200
    form = client.get("/enquetes/nieuw/").context["form"]
    assert [m.cbs_code for m in form.fields["municipality"].queryset] == [OPMEER]


@pytest.mark.parametrize("role", [Role.PARTNER, Role.COACH, Role.ADMIN, Role.PRIVACY_OFFICER])
def test_other_roles_see_no_campaigns(client, make_user, login_with_mfa, campaign, role):
    _as(client, make_user(role, district="NHN" if role == Role.PARTNER else None), login_with_mfa)
    assert client.get("/enquetes/").status_code == 404
    assert client.get(f"/enquetes/{campaign.pk}/resultaten").status_code == 404


def test_a_campaign_cannot_open_in_the_past_or_close_before_it_opens(client, secretariat, login_with_mfa):
    _as(client, secretariat, login_with_mfa)
    municipality = Municipality.objects.get(cbs_code=OPMEER)
    response = client.post(
        "/enquetes/nieuw/",
        {
            "municipality": municipality.pk,
            "title": "Te laat",
            "opens_on": (today() - datetime.timedelta(days=2)).isoformat(),
            "closes_on": (today() - datetime.timedelta(days=3)).isoformat(),
            "mayor_name": "X",
            "letter_text": "",
        },
    )
    errors = response.context["form"].errors
    assert "vandaag of later" in errors["opens_on"][0] and "na de openingsdatum" in errors["closes_on"][0]
    assert not Campaign.objects.exists()


def test_an_own_question_is_added_and_standard_questions_stay(client, secretariat, login_with_mfa, campaign):
    _as(client, secretariat, login_with_mfa)
    url = f"/enquetes/{campaign.pk}/vragen/nieuw/"
    bad = client.post(url, {"text_nl": "Kent u de wijkagent?", "kind": "single", "choices_text": "Ja"})
    assert "minstens twee" in " ".join(bad.context["form"].errors["choices_text"])
    client.post(url, {"text_nl": "Kent u de wijkagent?", "kind": "single", "choices_text": "Ja\nNee"})
    question = campaign.questions.get(standard=False)
    assert question.choices[1]["nl"] == "Nee"
    standard = campaign.questions.filter(standard=True).first()
    client.post(f"/enquetes/{campaign.pk}/vragen/{standard.pk}/verwijderen/")
    assert campaign.questions.filter(pk=standard.pk).exists()


# --- Letters ----------------------------------------------------------------------------------------------


def test_letters_hold_one_code_per_address_and_the_addresses_are_not_kept(
    client, secretariat, login_with_mfa, campaign, tmp_path
):
    _as(client, secretariat, login_with_mfa)
    upload = SimpleUploadedFile("adressen.csv", address_csv(300, street="Gouwe Wielingen"))
    response = client.post(f"/enquetes/{campaign.pk}/brieven/", {"file": upload})
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.addresses_count == 300 and InvitationCode.objects.filter(campaign=campaign).count() == 300
    letters = client.get(f"/enquetes/{campaign.pk}/brieven.pdf")
    content = b"".join(letters.streaming_content)
    codes = _codes_from(content)
    assert len(codes) == 300 and len(set(codes)) == 300
    assert "Gouwe Wielingen 7" in pdf_string_list(content)
    # Nothing in the database holds an address or a code in clear; the only file is the letters PDF.
    dump = io.StringIO()
    call_command("dumpdata", "surveys", "monitoring", stdout=dump)
    assert "Wielingen" not in dump.getvalue() and codes[0] not in dump.getvalue()
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert [p.name for p in files] == [f"{campaign.pk}.pdf"]
    assert CampaignLogEntry.objects.filter(campaign=campaign, action="brieven_gedownload").count() == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "a.csv",
            "straat;huisnummer;postcode;plaats\nDorpsweg;1;1716 AB;Opmeer\nDorpsweg;2;17XX;Opmeer\n",
            "Rij 3: postcode",
        ),
        (
            "a.csv",
            "straat;huisnummer;postcode;plaats\nDorpsweg;1;1716 AB;Opmeer\nDorpsweg;1;1716AB;Opmeer\n",
            "Rij 3: dit adres",
        ),
        ("a.csv", "naam;telefoon\nJan;0612345678\n", "Verwacht de kolommen"),
        ("a.csv", "", "bestand is leeg"),
        ("a.docx", "PK\x03\x04", "Kies een .csv- of .xlsx-bestand"),
    ],
)
def test_a_bad_address_file_makes_no_letters_and_says_why(
    client, secretariat, login_with_mfa, campaign, letters, name, content, message
):
    _as(client, secretariat, login_with_mfa)
    response = client.post(f"/enquetes/{campaign.pk}/brieven/", {"file": SimpleUploadedFile(name, content.encode())})
    assert message in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.addresses_count == 30 and InvitationCode.objects.filter(campaign=campaign).count() == 30


def test_opening_deletes_the_letters_and_logs_it(client, secretariat, login_with_mfa, campaign, letters):
    path = campaign.letters_file.path
    _as(client, secretariat, login_with_mfa)
    client.post(f"/enquetes/{campaign.pk}/openen/", {"confirm": "1"})
    campaign.refresh_from_db()
    assert campaign.status == "open" and not campaign.letters_file
    import os

    assert not os.path.exists(path)
    assert client.get(f"/enquetes/{campaign.pk}/brieven.pdf").status_code == 404
    assert CampaignLogEntry.objects.filter(campaign=campaign, action="brieven_verwijderd").exists()


def test_the_hourly_job_opens_and_closes_on_the_right_days(campaign, letters, secretariat):
    services.letters_downloaded(user=secretariat, campaign=campaign)
    assert services.campaigns_advance(today=today()) == {"opened": 1, "closed": 0}
    assert services.campaigns_advance(today=today() + datetime.timedelta(days=31)) == {"opened": 0, "closed": 1}
    assert SurveyResult.objects.get(municipality__cbs_code=OPMEER).source == "portaal"


def test_the_hourly_job_never_deletes_letters_nobody_downloaded(client, secretariat, login_with_mfa, campaign, letters):
    assert services.campaigns_advance(today=today()) == {"opened": 0, "closed": 0}
    campaign.refresh_from_db()
    assert campaign.status == "concept" and campaign.letters_file
    _as(client, secretariat, login_with_mfa)
    page = client.get(f"/enquetes/{campaign.pk}/").content.decode()
    assert 'id="wacht-op-download"' in page and "nog niet gedownload" in page
    # Made again after a download: the new letters were not downloaded, so it still waits.
    services.letters_downloaded(user=secretariat, campaign=campaign)
    services.letters_make(user=secretariat, campaign=campaign, name="adressen.csv", raw=address_csv(5))
    assert services.campaigns_advance(today=today()) == {"opened": 0, "closed": 0}
    client.get(f"/enquetes/{campaign.pk}/brieven.pdf")  # the download is what lets it open
    assert 'id="wacht-op-download"' not in client.get(f"/enquetes/{campaign.pk}/").content.decode()
    assert services.campaigns_advance(today=today()) == {"opened": 1, "closed": 0}


def test_closing_replaces_hand_figures_only_after_saying_so_and_keeps_them_in_the_log(
    client, secretariat, login_with_mfa, open_campaign, letters
):
    SurveyResult.objects.create(
        municipality=open_campaign.municipality,
        year=today().year,
        addresses_mailed=900,
        responses=210,
        willing_to_report_pct="61.5",
        knows_signals_pct="48.0",
        source=SurveyResult.Source.HAND,
    )
    _answer(client.__class__(), letters[0], FULL)
    _as(client, secretariat, login_with_mfa)
    confirm = client.get(f"/enquetes/{open_campaign.pk}/sluiten/").content.decode()
    assert 'id="handmatige-cijfers"' in confirm and "900 aangeschreven, 210 ingevuld" in confirm
    client.post(f"/enquetes/{open_campaign.pk}/sluiten/", {"confirm": "1"})
    result = SurveyResult.objects.get(municipality=open_campaign.municipality, year=today().year)
    assert (result.source, result.addresses_mailed, result.responses) == ("portaal", 30, 1)
    entry = CampaignLogEntry.objects.get(campaign=open_campaign, action="gesloten")
    assert "handmatig ingevoerde cijfers" in entry.detail and "900 aangeschreven, 210 ingevuld" in entry.detail
    assert "61,5%" in entry.detail and "48,0%" in entry.detail
    assert "900 aangeschreven" in client.get(f"/enquetes/{open_campaign.pk}/").content.decode()


def test_closing_over_portal_figures_says_nothing_of_hand_figures(client, secretariat, login_with_mfa, open_campaign):
    _as(client, secretariat, login_with_mfa)
    assert 'id="handmatige-cijfers"' not in client.get(f"/enquetes/{open_campaign.pk}/sluiten/").content.decode()
    client.post(f"/enquetes/{open_campaign.pk}/sluiten/", {"confirm": "1"})
    assert "handmatig" not in CampaignLogEntry.objects.get(campaign=open_campaign, action="gesloten").detail


# --- Answering --------------------------------------------------------------------------------------------


def test_a_resident_answers_once_and_the_response_cannot_be_linked_to_the_code(client, open_campaign, letters):
    response = _answer(client, letters[0], {**FULL, "opmerking": "Meer verlichting bij de loodsen graag."})
    assert response.status_code == 302 and response["Location"].endswith("/vragenlijst/bedankt/")
    stored = Response.objects.get()
    assert stored.answers["meldingsbereid"] == "ja" and "opmerking" not in stored.answers
    assert OpenAnswer.objects.get().text.startswith("Meer verlichting")
    # Anonymous by construction: no field of a response points at a code, and only the day is kept.
    fields = {f.name for f in Response._meta.get_fields()}
    assert fields == {"id", "campaign", "submitted_on", "respondent_type", "answers", "open_answers"}
    assert isinstance(stored.submitted_on, datetime.date) and not isinstance(stored.submitted_on, datetime.datetime)
    assert InvitationCode.objects.filter(campaign=open_campaign).count() == 29  # the used code is gone
    assert not any(f.is_relation and f.related_model is InvitationCode for f in Response._meta.get_fields())
    again = client.post("/vragenlijst/", {"code": letters[0], "website": ""})
    assert "niet (meer) invullen" in again.content.decode()
    assert Response.objects.count() == 1


def test_missing_required_answers_store_nothing(client, open_campaign, letters):
    response = _answer(client, letters[1], {"respondent_type": "bewoner"})
    assert response.status_code == 200
    assert "Beantwoord deze vraag." in response.content.decode()
    assert not Response.objects.exists() and InvitationCode.objects.count() == 30


def test_answers_are_kept_for_later_under_the_code(client, open_campaign, letters):
    _answer(client, letters[2], {"respondent_type": "eigenaar", "kent_signalen": "nee"}, action="opslaan")
    assert not Response.objects.exists()
    stored = InvitationCode.objects.exclude(draft="").get()
    assert "eigenaar" not in stored.draft  # encrypted with a key derived from the code
    assert "survey_code" not in client.session  # the next person at this computer starts from the code page
    page = client.post("/vragenlijst/", {"code": letters[2].lower().replace("-", " "), "website": ""}, follow=True)
    assert 'value="eigenaar" checked' in page.content.decode()


@pytest.mark.parametrize(
    ("typed", "message"),
    [("ABCD", "U typte 4 tekens; een code heeft er 12"), ("ABCD-EFGH-JKMN", "niet (meer) invullen")],
)
def test_unknown_or_malformed_codes_are_refused(client, open_campaign, typed, message):
    response = client.post("/vragenlijst/", {"code": typed, "website": ""})
    assert message in response.content.decode()


def test_codes_cannot_be_enumerated(client, open_campaign, letters):
    for _ in range(20):
        client.post("/vragenlijst/", {"code": "ABCD-EFGH-JKMN", "website": ""})
    blocked = client.post("/vragenlijst/", {"code": letters[3], "website": ""})
    assert blocked.status_code == 429 and "Te veel pogingen" in blocked.content.decode()


def test_the_bot_trap_keeps_a_filled_in_hidden_field_out(client, open_campaign, letters):
    response = client.post("/vragenlijst/", {"code": letters[4], "website": "http://spam.example"})
    assert response.status_code == 200 and "survey_code" not in client.session


def test_a_closed_campaign_takes_no_more_answers(client, open_campaign, letters, secretariat):
    services.campaign_close(user=secretariat, campaign=open_campaign)
    response = client.post("/vragenlijst/", {"code": letters[5], "website": ""})
    assert "gesloten" in response.content.decode()


def test_a_code_before_opening_says_when_it_opens(client, campaign, letters):
    tomorrow = today() + datetime.timedelta(days=1)
    Campaign.objects.filter(pk=campaign.pk).update(opens_on=tomorrow)
    response = client.post("/vragenlijst/", {"code": letters[0], "website": ""})
    assert f"opent op {tomorrow.day} " in response.content.decode()


# --- Closing, results, report -----------------------------------------------------------------------------


def test_closing_fills_the_module_1_figures_with_the_same_numbers(
    client, secretariat, login_with_mfa, open_campaign, letters
):
    for index, code in enumerate(letters[:12]):
        other = client.__class__()
        _answer(other, code, {**FULL, "meldingsbereid": "ja" if index % 3 else "nee"})
    _as(client, secretariat, login_with_mfa)
    client.post(f"/enquetes/{open_campaign.pk}/sluiten/", {"confirm": "1"})
    result = SurveyResult.objects.get(municipality__cbs_code=OPMEER)
    assert (result.addresses_mailed, result.responses, str(result.willing_to_report_pct)) == (30, 12, "66.7")
    assert result.source == "portaal" and str(result.response_rate) == "40.0"
    page = client.get(f"/voortgang/{OPMEER}/?jaar={today().year}").content.decode()
    assert "40,0%" in page and "66,7%" in page
    results = client.get(f"/enquetes/{open_campaign.pk}/resultaten").content.decode()
    assert "12 van de 30" in results and "40,0%" in results
    report = client.get(f"/enquetes/{open_campaign.pk}/rapport.pdf")
    text = " ".join(pdf_string_list(report.content))
    assert "40,0%" in text and "66,7%" in text


def test_the_comparison_needs_two_other_municipalities_with_ten_responses(secretariat, open_campaign):
    from surveys.selectors import campaign_results

    def closed(cbs_code, n):
        other = services.campaign_create(
            user=secretariat,
            municipality=Municipality.objects.get(cbs_code=cbs_code),
            title=f"Elders {cbs_code} {n}",
            opens_on=today(),
            closes_on=today() + datetime.timedelta(days=10),
            mayor_name="X",
        )
        for _ in range(n):
            Response.objects.create(campaign=other, submitted_on=today(), respondent_type="bewoner", answers=FULL)
        Campaign.objects.filter(pk=other.pk).update(status="open", addresses_count=50)
        services.campaign_close(campaign=Campaign.objects.get(pk=other.pk))

    closed("GM0392", 10)
    closed("GM0361", 9)
    assert campaign_results(open_campaign).others_count == 0
    closed("GM0361", 10)
    assert campaign_results(open_campaign).others_count == 0  # while open: no comparison at all
    services.campaign_close(campaign=open_campaign)
    open_campaign.refresh_from_db()
    results = campaign_results(open_campaign)
    assert results.others_count == 2
    willing = next(r for r in results.questions if r.question.code == "meldingsbereid")
    assert willing.choices[0].others_share == 100


def test_the_comparison_is_kept_as_it_was_when_the_campaign_closed(secretariat, open_campaign):
    """Watching a live average change as one more municipality closes would give that municipality's numbers
    away (new average x (n+1) - old average x n): a closed campaign keeps the comparison of its closing day."""
    from surveys.selectors import campaign_results

    def closed(cbs_code, willing):
        other = services.campaign_create(
            user=secretariat,
            municipality=Municipality.objects.get(cbs_code=cbs_code),
            title=f"Elders {cbs_code}",
            opens_on=today(),
            closes_on=today() + datetime.timedelta(days=10),
            mayor_name="X",
        )
        for i in range(10):
            answers = {**FULL, "meldingsbereid": "ja" if i < willing else "nee"}
            Response.objects.create(campaign=other, submitted_on=today(), respondent_type="bewoner", answers=answers)
        Campaign.objects.filter(pk=other.pk).update(status="open", addresses_count=50)
        services.campaign_close(campaign=Campaign.objects.get(pk=other.pk))

    closed("GM0392", 10)
    closed("GM0361", 6)
    services.campaign_close(campaign=open_campaign)
    open_campaign.refresh_from_db()
    before = campaign_results(open_campaign)
    closed("GM0453", 0)  # a third municipality closes later, with nobody willing
    after = campaign_results(Campaign.objects.get(pk=open_campaign.pk))
    assert (before.others_count, after.others_count) == (2, 2)
    willing = [next(r for r in res.questions if r.question.code == "meldingsbereid") for res in (before, after)]
    assert willing[0].choices[0].others_share == willing[1].choices[0].others_share == 80


def test_a_campaign_closed_before_comparisons_were_kept_keeps_its_first_reading(secretariat, open_campaign):
    from surveys.selectors import campaign_results

    services.campaign_close(campaign=open_campaign)
    campaign = Campaign.objects.get(pk=open_campaign.pk)
    del campaign.tallies["others"]
    Campaign.objects.filter(pk=campaign.pk).update(tallies=campaign.tallies)
    campaign_results(Campaign.objects.get(pk=campaign.pk))
    kept = Campaign.objects.get(pk=campaign.pk).tallies
    assert kept["others"] == {"count": 0, "averages": {}} and "all" in kept


def test_only_the_secretariat_reads_every_open_answer(
    client, make_user, secretariat, login_with_mfa, open_campaign, letters
):
    _answer(client.__class__(), letters[6], {**FULL, "opmerking": "Mijn buurman op nummer 4 kweekt."})
    services.campaign_close(campaign=open_campaign)
    aov = aov_of(make_user, OPMEER, "NHN")
    _as(client, aov, login_with_mfa)
    page = client.get(f"/enquetes/{open_campaign.pk}/resultaten")
    assert page.status_code == 200 and "buurman" not in page.content.decode()
    answer = OpenAnswer.objects.get()
    assert client.post(f"/enquetes/{open_campaign.pk}/antwoorden/{answer.pk}/", {"quotable": "1"}).status_code == 404
    client.logout()
    _as(client, secretariat, login_with_mfa)
    assert "buurman" in client.get(f"/enquetes/{open_campaign.pk}/resultaten").content.decode()
