"""The CRM journeys of issue 3, as the secretariat and a partner do them in a browser."""

import csv
import io
import re

from playwright.sync_api import expect

from core.roles import Role
from stakeholders.models import Contact, District
from tests.accounts.factories import confirmed_totp_device
from tests.browser.test_foundation_journeys import _log_in, _serious_violations
from tests.stakeholders.factories import AffiliationFactory, ContactFactory, MembershipFactory, OrganisationFactory


def _spreadsheet(tmp_path):
    rows = ["Voornaam;Achternaam;Functie;E-mail;Telefoon;Organisatie;Toestemming Wie is wie"]
    for number in range(200):
        rows.append(
            f"Persoon{number};Achternaam{number};Toezichthouder;p{number}@example.nl;06-1234{number:04d};Liander;ja"
        )
    rows[11] = "Fout;Telefoon;Boa;fout1@example.nl;12ab;Liander;ja"
    rows[51] = "Fout;Organisatie;Boa;fout2@example.nl;;Bestaat Niet;ja"
    rows[101] = "Dubbel;Contact;Projectleider;bestaand@example.nl;;Liander;ja"
    path = tmp_path / "contactpersonen.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_secretariat_imports_fixes_merges_and_exports(live, page, make_user, tmp_path):
    OrganisationFactory(name="Liander")
    ContactFactory(first_name="Dubbel", last_name="Contact", email="bestaand@example.nl")
    user = make_user(Role.SECRETARIAT)
    _log_in(page, live, user, confirmed_totp_device(user))
    page.goto(f"{live.url}/beheer/crm/import/")
    page.get_by_label("contactpersonen").check()
    page.get_by_label("Bestand").set_input_files(str(_spreadsheet(tmp_path)))
    page.get_by_role("button", name="Voorbeeld bekijken").click()
    expect(page.locator("[data-import-summary]")).to_contain_text("197 nieuw, 1 mogelijk dubbel, 2 met fouten")
    expect(page.get_by_role("button", name="Importeren")).to_be_disabled()

    # The preview shows 50 rows per page: the filter brings the two broken rows together.
    page.get_by_role("button", name="met fouten (2)").click()
    page.get_by_label("Rij 11: telefoon").fill("020-1234567")
    page.get_by_label("Rij 51: organisatie").fill("Liander")
    page.get_by_role("button", name="Opnieuw controleren").click()
    expect(page.locator("[data-import-summary]")).to_contain_text("199 nieuw, 1 mogelijk dubbel, 0 met fouten")
    page.get_by_role("button", name="mogelijk dubbel (1)").click()
    page.locator('[data-row="101"]').get_by_label("samenvoegen").check()
    page.get_by_role("button", name="Importeren").click()
    expect(page.get_by_text("Import klaar: 199 nieuw, 1 samengevoegd, 0 overgeslagen.")).to_be_visible()
    assert Contact.objects.exclude(pk=user.contact_id).count() == 200  # 199 new, 1 merged
    assert Contact.objects.get(email="bestaand@example.nl").function == "Projectleider"

    page.goto(f"{live.url}/beheer/snippets/stakeholders/contact/")
    page.get_by_role("button", name="Acties").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    exported = list(csv.reader(io.StringIO(download_info.value.path().read_text(encoding="utf-8-sig"))))
    assert len(exported) == 1 + Contact.objects.count()  # the heading and every contact


def test_kennemerland_partner_finds_a_liander_colleague_by_typing(live, page, make_user):
    ken, nhn = District.objects.get(code="KEN"), District.objects.get(code="NHN")
    liander = OrganisationFactory(name="Liander")
    MembershipFactory(organisation=liander, district=ken)
    MembershipFactory(organisation=liander, district=nhn)
    AffiliationFactory(
        organisation=liander, contact=ContactFactory(first_name="Marloes", last_name="Dekker", directory_consent=True)
    )
    north_only = OrganisationFactory(name="Waterbeheer Noordkop")
    MembershipFactory(organisation=north_only, district=nhn)
    AffiliationFactory(
        organisation=north_only, contact=ContactFactory(first_name="Marco", last_name="Noord", directory_consent=True)
    )
    _log_in(page, live, make_user(Role.PARTNER, district="KEN"))
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Wie is wie").click()
    page.get_by_label("Zoek op naam, functie of organisatie").press_sequentially("mar", delay=60)
    results = page.locator("[data-results]")
    expect(results.get_by_role("cell", name="Marloes Dekker", exact=True)).to_be_visible()
    expect(results.get_by_text("Marco Noord")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"q=mar"))
    expect(page.get_by_role("status")).to_contain_text("1 persoon")
    assert _serious_violations(page) == []
    results.get_by_role("link", name="Liander").first.click()
    expect(page.get_by_role("heading", name="Liander", level=1)).to_be_visible()
    expect(page.locator("[data-contact]").filter(has_text="Marloes Dekker")).to_be_visible()
