"""Issue 10's journey: the secretariat opens a campaign for Opmeer, uploads 300 addresses and downloads the
letters; once the campaign opens no letter is left; a resident answers on a phone-sized screen with the code from
the letter and cannot answer twice; at closing the report PDF shows the response rate and the module 1 figures
of Opmeer show the same numbers."""

import datetime
import re
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from core.roles import Role
from surveys.models import Campaign
from tests.accounts.factories import confirmed_totp_device
from tests.browser.conftest import BROWSER_TIMEOUT_MS
from tests.browser.test_foundation_journeys import _log_in, _serious_violations
from tests.pdfs import pdf_string_list

CODE = re.compile(r"^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$")


def test_a_survey_from_letters_to_the_module_1_figures(live, browser, make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    secretary = make_user(Role.SECRETARIAT, district=None)
    today = timezone.localdate()
    addresses = tmp_path / "adressen.csv"
    addresses.write_text(
        "straat;huisnummer;postcode;plaats\n"
        + "\n".join(f"Hoogeweg;{n};1718 A{chr(65 + n % 26)};Opmeer" for n in range(1, 301)),
        encoding="utf-8",
    )

    context = browser.new_context(locale="nl-NL", accept_downloads=True)
    office = context.new_page()
    office.set_default_timeout(BROWSER_TIMEOUT_MS)
    _log_in(office, live, secretary, confirmed_totp_device(secretary))
    office.get_by_role("link", name="Enquêtes").first.click()
    office.get_by_role("link", name="Nieuwe enquête").click()
    office.get_by_label("Gemeente").select_option(label="Opmeer")
    office.get_by_role("textbox", name="Titel").fill("Veiligheid in het buitengebied van Opmeer")
    office.get_by_label("Opent op").fill(today.isoformat())
    office.get_by_label("Sluit op").fill((today + datetime.timedelta(days=28)).isoformat())
    office.get_by_label("Naam van de burgemeester").fill("Joost Nieuwenhuizen")
    office.get_by_role("button", name="Opslaan").click()
    expect(office.get_by_text("De enquête is aangemaakt met de standaardvragen.")).to_be_visible()

    office.get_by_label("Adressenbestand").set_input_files(str(addresses))
    office.get_by_role("button", name="Brieven maken").click()
    expect(office.get_by_text("300 brieven met een eigen code zijn klaar om te downloaden.")).to_be_visible()
    with office.expect_download() as download:
        office.get_by_role("link", name=re.compile("Download de brieven")).click()
    codes = [text for text in pdf_string_list(Path(download.value.path()).read_bytes()) if CODE.match(text)]
    assert len(codes) == 300

    office.get_by_role("button", name="Enquête openen").click()
    # A page says what opening does first; only the ticked box and the second button open it.
    expect(office.get_by_text(re.compile("niet meer downloaden of opnieuw afdrukken"))).to_be_visible()
    office.get_by_label(re.compile("Ik heb de brieven gedownload")).check()
    office.get_by_role("button", name="Ja, open de enquête").click()
    expect(office.get_by_text("De brieven zijn uit het portaal verwijderd.")).to_be_visible()
    expect(office.get_by_role("link", name=re.compile("Download de brieven"))).to_have_count(0)
    assert not [p for p in (tmp_path / "media").rglob("*") if p.is_file()]
    assert not Campaign.objects.get().letters_file

    phone = browser.new_context(locale="nl-NL", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    resident = phone.new_page()
    resident.set_default_timeout(BROWSER_TIMEOUT_MS)
    # The QR code on the letter: the code after the "#" is filled in by the page and leaves the address bar.
    resident.goto(f"{live.url}/vragenlijst/#{codes[17].replace('-', '')}")
    expect(resident.get_by_label("Uw code")).to_have_value(codes[17].replace("-", ""))
    expect(resident).to_have_url(f"{live.url}/vragenlijst/")
    resident.get_by_role("button", name="Begin met de vragenlijst").click()
    expect(resident.get_by_role("heading", name="Veiligheid in het buitengebied van Opmeer")).to_be_visible()
    assert _serious_violations(resident) == []
    resident.get_by_role("button", name="Versturen").click()  # nothing filled in yet
    expect(resident.get_by_text(re.compile("vragen hebben nog aandacht nodig"))).to_be_visible()
    for question, answer in [
        ("Wat past het best bij u?", "Ik woon in het buitengebied"),
        ("Weet u aan welke signalen", "Ja"),
        ("Als u een vermoeden van drugscriminaliteit heeft", "Ja"),
        ("Bent u ooit benaderd", "Nee"),
        ("Hoeveel vertrouwen heeft u in de politie?", "4"),
        ("Hoeveel vertrouwen heeft u in de gemeente?", "3"),
    ]:
        group = resident.get_by_role("group", name=re.compile(re.escape(question)))
        group.get_by_label(answer, exact=True).check()
    resident.get_by_role("button", name="Versturen").click()
    expect(resident.get_by_role("heading", name="Dank u wel!")).to_be_visible()
    resident.goto(f"{live.url}/vragenlijst/")
    resident.get_by_label("Uw code").fill(codes[17])
    resident.get_by_role("button", name="Begin met de vragenlijst").click()
    expect(
        resident.get_by_text(re.compile("Met deze code kunt u de vragenlijst niet \\(meer\\) invullen"))
    ).to_be_visible()

    office.reload()
    office.get_by_role("button", name="Enquête nu sluiten").click()
    expect(office.get_by_text(re.compile(r"\d+ dagen eerder dan gepland"))).to_be_visible()
    office.get_by_label(re.compile("Ik begrijp dat bewoners daarna niet meer kunnen invullen")).check()
    office.get_by_role("button", name="Ja, sluit de enquête nu").click()
    expect(office.get_by_text(re.compile("De enquête is gesloten"))).to_be_visible()
    office.get_by_role("link", name="Resultaten").click()
    expect(office.get_by_text(re.compile("1 van de 300 aangeschreven adressen"))).to_be_visible()
    with office.expect_download() as report:
        office.get_by_role("link", name="Download het rapport (PDF)").click()
    printed = pdf_string_list(Path(report.value.path()).read_bytes())
    assert "0,3%" in printed and "300" in printed

    office.goto(f"{live.url}/voortgang/GM0432/?jaar={today.year}")
    row = office.locator("#tabel-module-1 tr", has=office.get_by_role("rowheader", name="Opmeer", exact=True))
    cells = [" ".join(t.split()) for t in row.locator("td").all_inner_texts()]
    assert cells[:3] == ["300", "1", "0,3%"]
