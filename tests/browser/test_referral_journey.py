"""Issue 7's journey: an AOV refers an owner, the coördinator assigns a coach, the coach records the first
conversation and a note; the AOV sees only the status; another coach, the secretariat and the Beheerder get
nothing; the privacy officer sees every one of those accesses in the log."""

import datetime
import re

from playwright.sync_api import expect

from core.roles import Role
from referrals.models import AccessLogEntry, Referral
from tests.accounts.factories import confirmed_totp_device
from tests.browser.conftest import BROWSER_TIMEOUT_MS
from tests.browser.test_foundation_journeys import _log_in, _serious_violations
from tests.referrals.conftest import HAARLEM, aov_of


def _person(browser, live, user):
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(BROWSER_TIMEOUT_MS)
    _log_in(page, live, user, confirmed_totp_device(user))
    return page


def test_referral_journey_with_need_to_know_and_the_log(live, browser, make_user):
    aov = aov_of(make_user, HAARLEM, "KEN")
    coordinator = make_user(Role.COACH_COORDINATOR, district=None)
    coach = make_user(Role.COACH, district=None, first_name="Carla", last_name="Coach")
    other_coach = make_user(Role.COACH, district=None)
    secretary = make_user(Role.SECRETARIAT, district=None)
    admin = make_user(Role.ADMIN, district=None)
    privacy_officer = make_user(Role.PRIVACY_OFFICER, district=None)

    # The AOV registers the location and refers the owner.
    page = _person(browser, live, aov)
    page.goto(f"{live.url}/doorverwijzingen/")
    page.get_by_role("link", name="Kwetsbare locatie vastleggen").click()
    page.get_by_label("Gemeente").select_option(label="Haarlem")
    page.get_by_label("Soort pand").select_option("schuur")
    page.get_by_label("Leegstand").check()
    page.get_by_label("Financiële nood").check()
    page.get_by_label("Bron").select_option("wijkagent")
    page.get_by_label("Adres").fill("Testweg 1, Spaarndam")
    page.get_by_label("Naam eigenaar").fill("Piet Proef")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("De locatie is vastgelegd.")).to_be_visible()
    page.get_by_label("Reden van de doorverwijzing").fill("Schulden en een verdacht huuraanbod.")
    page.get_by_label("De eigenaar stemt in met contact door een coach").check()
    page.get_by_label(re.compile("Toestemming van de eigenaar")).check()
    page.get_by_role("button", name="Doorverwijzen").click()
    expect(page.get_by_text("De eigenaar is doorverwezen.")).to_be_visible()
    referral = Referral.objects.get()
    detail = f"{live.url}/doorverwijzingen/{referral.pk}/"
    assert str(referral.pk) in page.url and "Piet" not in page.url and "Piet" not in page.title()

    # The coördinator assigns the coach.
    coordinator_page = _person(browser, live, coordinator)
    coordinator_page.goto(detail)
    coordinator_page.get_by_label("Coach").select_option(label="Carla Coach")
    coordinator_page.get_by_role("button", name="Toewijzen").click()
    expect(coordinator_page.get_by_text("Toegewezen", exact=True).first).to_be_visible()
    expect(coordinator_page.get_by_role("heading", name="Status wijzigen")).to_have_count(0)  # reads status only

    # The coach records contact, the first conversation and a note.
    coach_page = _person(browser, live, coach)
    coach_page.goto(detail)
    expect(coach_page.get_by_text("Piet Proef")).to_be_visible()
    # Only the fields of the chosen status show (referral-status.js); the others wait hidden.
    expect(coach_page.get_by_label("Uitkomst")).to_be_hidden()
    coach_page.get_by_label("Nieuwe status").select_option("afgesloten")
    expect(coach_page.get_by_label("Uitkomst")).to_be_visible()
    coach_page.get_by_label("Nieuwe status").select_option("contact_gelegd")
    expect(coach_page.get_by_label("Uitkomst")).to_be_hidden()
    coach_page.get_by_role("button", name="Status opslaan").click()
    # A missing date: a Dutch error, the explanation kept, nothing stored.
    coach_page.get_by_label("Nieuwe status").select_option("eerste_gesprek")
    expect(coach_page.get_by_label("Eerste gesprek betaald door NHSV")).to_be_checked()
    coach_page.get_by_label("Toelichting").fill("Op het erf gesproken.")
    coach_page.get_by_role("button", name="Status opslaan").click()
    expect(coach_page.get_by_text("Vul de datum van het eerste gesprek in.")).to_be_visible()
    expect(coach_page.get_by_label("Toelichting")).to_have_value("Op het erf gesproken.")
    assert Referral.objects.get().status == "contact_gelegd"
    coach_page.get_by_label("Datum eerste gesprek").fill(datetime.date.today().isoformat())
    coach_page.get_by_role("button", name="Status opslaan").click()
    expect(coach_page.get_by_text("betaald door NHSV")).to_be_visible()
    coach_page.get_by_label("Tekst", exact=False).and_(coach_page.locator("textarea")).fill(
        "Goed gesprek; eigenaar wil hulp bij de schulden."
    )
    coach_page.get_by_role("button", name="Toevoegen").click()
    expect(coach_page.get_by_text("Goed gesprek; eigenaar wil hulp")).to_be_visible()
    assert _serious_violations(coach_page) == []

    # The AOV sees the status, not the coach's notes.
    page.goto(detail)
    expect(page.get_by_text("Eerste gesprek gehouden")).to_be_visible()
    expect(page.get_by_text("Goed gesprek")).to_have_count(0)

    # Another coach, the secretariat and the Beheerder get nothing.
    for outsider in (other_coach, secretary, admin):
        outsider_page = _person(browser, live, outsider)
        response = outsider_page.goto(detail)
        assert response.status == 404
        expect(outsider_page.get_by_text("Piet Proef")).to_have_count(0)
        outsider_page.context.close()

    # The privacy officer sees every one of those accesses.
    log_page = _person(browser, live, privacy_officer)
    log_page.goto(f"{live.url}/doorverwijzingen/toegangslog/?object_id={referral.pk}")
    expect(log_page.get_by_text("De keten van het log is heel.")).to_be_visible()
    for outsider in (other_coach, secretary, admin):
        assert AccessLogEntry.objects.filter(actor_id=outsider.pk, object_id=str(referral.pk), result="denied").exists()
    rows = log_page.locator("tbody tr")
    expect(rows).to_have_count(AccessLogEntry.objects.filter(object_id=str(referral.pk)).count())
    expect(log_page.locator("tbody").get_by_text("geweigerd")).to_have_count(3)
    assert _serious_violations(log_page) == []
