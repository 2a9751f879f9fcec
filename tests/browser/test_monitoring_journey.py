"""Issue 8's journey: the AOV of Hollands Kroon enters the survey results (after a mistake the form explains);
the secretariat sees the dashboard change, opens the 2022 view with 32 municipalities and downloads the
Stuurgroep PDF whose numbers are the dashboard's."""

import re
from pathlib import Path

from playwright.sync_api import expect

from core.roles import Role
from tests.accounts.factories import confirmed_totp_device
from tests.browser.conftest import BROWSER_TIMEOUT_MS
from tests.browser.test_foundation_journeys import _log_in, _serious_violations
from tests.pdfs import pdf_string_list
from tests.referrals.conftest import aov_of

HOLLANDS_KROON = "GM1911"


def _person(browser, live, user):
    context = browser.new_context(locale="nl-NL", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(BROWSER_TIMEOUT_MS)
    _log_in(page, live, user, confirmed_totp_device(user))
    return page


def _row_cells(page, table_id: str, name: str) -> list[str]:
    row = page.locator(f"#{table_id} tr", has=page.get_by_role("rowheader", name=name, exact=True))
    return [" ".join(text.split()) for text in row.locator("th, td").all_inner_texts()]


def test_an_aov_enters_survey_results_and_the_report_matches_the_dashboard(live, browser, make_user):
    aov = aov_of(make_user, HOLLANDS_KROON, "NHN")
    secretary = make_user(Role.SECRETARIAT, district=None)

    page = _person(browser, live, aov)
    page.get_by_role("link", name="Voortgang").first.click()
    page.get_by_role("link", name="Hollands Kroon").first.click()
    page.get_by_role("link", name="Enquêteresultaten invoeren").click()
    page.get_by_label("Jaar").fill("2022")
    page.get_by_label("Aangeschreven adressen").fill("1500")
    page.get_by_label("Ingevulde vragenlijsten").fill("1600")
    page.get_by_label("Meldingsbereidheid (%)").fill("63.2")
    page.get_by_label("Kent de signalen (%)").fill("41.7")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text(re.compile("de respons kan niet boven 100% liggen"))).to_be_visible()
    page.get_by_label("Ingevulde vragenlijsten").fill("410")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("De enquêteresultaten van Hollands Kroon over 2022 zijn opgeslagen.")).to_be_visible()

    office = _person(browser, live, secretary)
    office.get_by_role("link", name="Voortgang").first.click()
    office.get_by_label("Jaar", exact=True).select_option("2022")
    office.get_by_role("button", name="Toon").click()
    expect(office.get_by_text("32 gemeenten in 2022.")).to_be_visible()
    expect(office.get_by_role("rowheader", name="Dijk en Waard").first).to_be_visible()
    expect(office.get_by_role("rowheader", name="Beemster")).to_have_count(0)
    on_dashboard = _row_cells(office, "tabel-module-1", "Hollands Kroon")
    assert on_dashboard == ["Hollands Kroon", "1.500", "410", "27,3%", "63,2%", "41,7%"]
    assert _serious_violations(office) == []

    office.get_by_role("link", name="Rapportage aan de Stuurgroep 2022").click()
    office.get_by_label("Procesevaluatie").fill("De enquête in Hollands Kroon had een goede respons.")
    office.get_by_role("button", name="Opslaan").click()
    with office.expect_download() as download:
        office.get_by_role("link", name="Download PDF").click()
    printed = pdf_string_list(Path(download.value.path()).read_bytes())
    text = " ".join(printed)
    assert " ".join(on_dashboard) in text
    assert "De enquête in Hollands Kroon had een goede respons." in text
    for municipality in ("Dijk en Waard", "Purmerend"):
        assert municipality in printed
    assert "Beemster" not in printed
