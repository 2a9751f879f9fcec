"""Hardening of the survey (from a security review): no 500 on odd input, no code in any URL, drafts that
stay in neither the browser nor unchecked, no results while answers come in, no single municipality as
"average elsewhere", code rows in random order, escaping, tampering."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from stakeholders.models import Municipality
from surveys import services
from surveys.models import Campaign, InvitationCode, OpenAnswer, Response
from tests.referrals.conftest import aov_of
from tests.surveys.helpers import FULL, OPMEER, _answer, _as, address_csv, today

pytestmark = pytest.mark.django_db


# --- 1. own question codes collide after a delete -> IntegrityError (500) ----------------------------------
def test_adding_a_question_after_deleting_one_is_not_a_500(client, secretariat, login_with_mfa, campaign):
    _as(client, secretariat, login_with_mfa)
    client.raise_request_exception = False
    url = f"/enquetes/{campaign.pk}/vragen/nieuw/"
    for text in ("Eerste?", "Tweede?"):
        client.post(url, {"text_nl": text, "kind": "text", "choices_text": ""})
    first = campaign.questions.get(code="eigen-1")
    client.post(f"/enquetes/{campaign.pk}/vragen/{first.pk}/verwijderen/")
    response = client.post(url, {"text_nl": "Derde?", "kind": "text", "choices_text": ""})
    assert response.status_code in (200, 302), response.status_code
    assert campaign.questions.filter(text_nl="Derde?").exists()


# --- 2. codes never in a URL; a stale code in the session is a Dutch message ---------------------------------
def test_no_url_holds_a_code_and_the_qr_code_puts_it_after_the_hash(client, open_campaign):
    from surveys.letters import answer_url

    assert client.get("/vragenlijst/ABCDEFGHJKMN/").status_code == 404
    url = answer_url("ABCD-EFGH-JKMN")
    assert url.endswith("/vragenlijst/#ABCDEFGHJKMN")


def test_a_used_code_left_in_the_session_is_a_dutch_message(client, open_campaign, letters):
    other = Client()
    client.post("/vragenlijst/", {"code": letters[0], "website": ""})  # the code is in this browser's session
    _answer(other, letters[0], FULL)  # and is used on another device
    client.raise_request_exception = False
    response = client.get("/vragenlijst/invullen/")
    assert response.status_code == 200 and "niet (meer) invullen" in response.content.decode()
    assert "survey_code" not in client.session


# --- 3. "Bewaren en later verder" leaves the code in the session: the next person at the browser reads it ----
def test_saving_a_draft_does_not_leave_the_answers_open_in_the_browser(client, open_campaign, letters):
    _answer(client, letters[2], {**FULL, "opmerking": "Mijn buurman kweekt."}, action="opslaan")
    # The respondent walks away; the next person at the same (library) computer:
    page = client.get("/vragenlijst/invullen/", follow=True)
    assert "Mijn buurman kweekt." not in page.content.decode()
    assert "survey_code" not in client.session


# --- 4. drafts store unvalidated input (values not in the choices, unbounded text) ----------------------------
def test_a_draft_stores_only_valid_bounded_answers(client, open_campaign, letters):
    _answer(
        client,
        letters[3],
        {"respondent_type": ["hacker", "x" * 100], "opmerking": "y" * 1_000_000, "kent_signalen": ["ja", "nee"]},
        action="opslaan",
    )
    stored = InvitationCode.objects.exclude(draft="").get()
    assert len(stored.draft) < 20_000, len(stored.draft)


# --- 5. the comparison with other municipalities shows one municipality's own numbers ------------------------
def _closed(secretariat, cbs, n, willing):
    other = services.campaign_create(
        user=secretariat,
        municipality=Municipality.objects.get(cbs_code=cbs),
        title=f"Andere {cbs}",
        opens_on=today(),
        closes_on=today() + datetime.timedelta(days=10),
        mayor_name="X",
    )
    for i in range(n):
        Response.objects.create(
            campaign=other,
            submitted_on=today(),
            respondent_type="bewoner",
            answers={**FULL, "meldingsbereid": "ja" if i < willing else "nee"},
        )
    Campaign.objects.filter(pk=other.pk).update(status="open", addresses_count=50)
    services.campaign_close(campaign=Campaign.objects.get(pk=other.pk))


def test_the_comparison_never_is_one_other_municipality(client, make_user, login_with_mfa, secretariat, open_campaign):
    _closed(secretariat, "GM0392", 17, willing=13)  # 76.5% "ja" in Haarlem
    services.campaign_close(campaign=open_campaign)
    aov = aov_of(make_user, OPMEER, "NHN")
    _as(client, aov, login_with_mfa)
    page = client.get(f"/enquetes/{open_campaign.pk}/resultaten").content.decode()
    assert "76,5" not in page, "Haarlem's own share is shown as 'gemiddeld elders'"


def test_two_campaigns_of_one_municipality_are_not_two_municipalities(secretariat, open_campaign):
    from surveys.selectors import campaign_results

    _closed(secretariat, "GM0392", 12, willing=12)
    _closed(secretariat, "GM0392", 10, willing=10)
    services.campaign_close(campaign=open_campaign)
    open_campaign.refresh_from_db()
    assert campaign_results(open_campaign).others_count == 0


# --- 6. no results while answers come in; used and unknown codes read the same -----------------------------
def test_an_open_campaign_shows_no_results_yet(client, make_user, login_with_mfa, open_campaign, letters):
    _answer(Client(), letters[7], {**FULL, "benaderd": "ja"})
    _as(client, aov_of(make_user, OPMEER, "NHN"), login_with_mfa)
    for url in (f"/enquetes/{open_campaign.pk}/resultaten", f"/enquetes/{open_campaign.pk}/rapport.pdf"):
        response = client.get(url, follow=True)
        assert "zodra de enquête gesloten is" in response.content.decode()
        assert "results" not in response.context


def test_a_code_holder_cannot_tell_whether_an_address_responded(client, open_campaign, letters):
    _answer(Client(), letters[8], FULL)
    used = client.post("/vragenlijst/", {"code": letters[8], "website": ""}).content.decode()
    unknown = client.post("/vragenlijst/", {"code": "ABCD-EFGH-JKMN", "website": ""}).content.decode()
    message = "Met deze code kunt u de vragenlijst niet (meer) invullen."
    assert message in used and message in unknown


# --- 7. code order = address order ---------------------------------------------------------------------------
def test_code_rows_are_not_in_the_order_of_the_address_file(campaign, secretariat):
    from surveys import codes as codes_module
    from tests.surveys.helpers import _codes_from

    services.letters_make(user=secretariat, campaign=campaign, name="a.csv", raw=address_csv(25))
    campaign.refresh_from_db()
    with campaign.letters_file.open("rb") as handle:
        printed = _codes_from(handle.read())
    stored = list(InvitationCode.objects.filter(campaign=campaign).order_by("pk").values_list("code_hash", flat=True))
    assert [codes_module.code_hash(c) for c in printed] != stored, "row N of the address file = code pk N"


# --- 8. zero responses / not closed -------------------------------------------------------------------------
def test_results_report_and_texts_of_a_campaign_without_responses(client, secretariat, login_with_mfa, campaign):
    _as(client, secretariat, login_with_mfa)
    client.raise_request_exception = False
    Campaign.objects.filter(pk=campaign.pk).update(status="gesloten")
    assert client.get(f"/enquetes/{campaign.pk}/resultaten").status_code == 200
    assert client.get(f"/enquetes/{campaign.pk}/rapport.pdf").status_code == 200
    assert client.get(f"/enquetes/{campaign.pk}/rapport/").status_code == 200


# --- 9. escaping ---------------------------------------------------------------------------------------------
XSS = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


def test_question_text_letter_text_and_open_answers_are_escaped(client, secretariat, login_with_mfa, campaign):
    _as(client, secretariat, login_with_mfa)
    client.post(
        f"/enquetes/{campaign.pk}/vragen/nieuw/", {"text_nl": XSS, "kind": "single", "choices_text": f"{XSS}\nB"}
    )
    services.letters_make(user=secretariat, campaign=campaign, name="a.csv", raw=address_csv(2, street=XSS))
    detail = client.get(f"/enquetes/{campaign.pk}/").content.decode()
    assert "<script>alert" not in detail and "<img src=x" not in detail
    services.campaign_open(user=secretariat, campaign=campaign)
    OpenAnswer.objects.create(
        response=Response.objects.create(campaign=campaign, submitted_on=today(), answers={}),
        question=campaign.questions.get(code="opmerking"),
        text=XSS,
    )
    results = client.get(f"/enquetes/{campaign.pk}/resultaten").content.decode()
    assert "<script>alert" not in results and "<img src=x" not in results


def test_a_code_reflected_on_the_start_page_is_escaped(client, open_campaign):
    page = client.post("/vragenlijst/", {"code": '"><script>x</script>', "website": ""}).content.decode()
    assert "<script>x" not in page


# --- 10. tampering -----------------------------------------------------------------------------------------
def test_an_aov_cannot_create_for_another_municipality(client, make_user, login_with_mfa):
    _as(client, aov_of(make_user, OPMEER, "NHN"), login_with_mfa)
    haarlem = Municipality.objects.get(cbs_code="GM0392")
    response = client.post(
        "/enquetes/nieuw/",
        {"municipality": haarlem.pk, "title": "x", "opens_on": today().isoformat(),
         "closes_on": (today() + datetime.timedelta(days=5)).isoformat(), "mayor_name": "x", "letter_text": ""},
    )  # fmt: skip
    assert response.status_code == 200 and not Campaign.objects.exists()


def test_another_campaigns_question_and_answer_ids_are_404(client, secretariat, login_with_mfa, campaign, letters):
    other = services.campaign_create(
        user=secretariat, municipality=Municipality.objects.get(cbs_code="GM0392"), title="H",
        opens_on=today(), closes_on=today() + datetime.timedelta(days=5), mayor_name="x",
    )  # fmt: skip
    question = services.question_add(
        user=secretariat, campaign=other, text_nl="q", text_en="", kind="text", choices_text="", required=False
    )
    _as(client, secretariat, login_with_mfa)
    assert client.post(f"/enquetes/{campaign.pk}/vragen/{question.pk}/verwijderen/").status_code == 404
    services.campaign_open(user=secretariat, campaign=campaign)
    answer = OpenAnswer.objects.create(
        response=Response.objects.create(campaign=campaign, submitted_on=today(), answers={}),
        question=campaign.questions.get(code="opmerking"),
        text="t",
    )
    assert client.post(f"/enquetes/{other.pk}/antwoorden/{answer.pk}/", {"quotable": "1"}).status_code == 404


def test_tampered_answers_store_nothing(client, open_campaign, letters):
    bad = {**FULL, "kent_signalen": "misschien", "signalen": ["geur", "evil"], "eigen-1": "x", "opmerking": "z" * 4001}
    response = _answer(client, letters[9], bad)
    assert response.status_code == 200 and not Response.objects.exists()
    assert InvitationCode.objects.count() == 30


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("a.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10),
        ("a.csv", "straat;huisnummer;postcode;plaats".encode("utf-16")),
        ("a.xlsx", b"PK\x03\x04garbage"),
        ("a.csv", b"straat;huisnummer;postcode;plaats\n"),
        ("a.csv", b'"unterminated\n;;;\n'),
    ],
)
def test_binary_or_odd_address_files_give_a_message(client, secretariat, login_with_mfa, campaign, name, content):
    _as(client, secretariat, login_with_mfa)
    client.raise_request_exception = False
    response = client.post(f"/enquetes/{campaign.pk}/brieven/", {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200 and "Er zijn geen brieven gemaakt" in response.content.decode()
    assert not InvitationCode.objects.exists()


def test_anonymous_staff_pages_redirect_to_login(client, campaign):
    for url in ("/enquetes/", f"/enquetes/{campaign.pk}/", f"/enquetes/{campaign.pk}/resultaten",
                f"/enquetes/{campaign.pk}/rapport.pdf"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 302 and "/account/" in response["Location"], url


def test_the_public_form_needs_csrf(open_campaign, letters):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/vragenlijst/", {"code": letters[0], "website": ""}).status_code == 403


def test_session_key_rotates_on_code_entry(client, open_campaign, letters):
    client.get("/vragenlijst/")
    client.session.save()
    before = client.session.session_key
    client.post("/vragenlijst/", {"code": letters[0], "website": ""})
    assert client.session.session_key != before
