"""Issue #19 items 1 and 17 in the browser, where their defects were: the integrale actie's list of
organisations (a widget, narrowed by a small script) and the import preview's layout (CSS)."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from core.roles import Role
from knowledgebase.models import JointAction
from stakeholders.models import District, Organisation, PartnerType
from tests.accounts.factories import confirmed_totp_device
from tests.browser.test_foundation_journeys import _log_in, _serious_violations
from tests.browser.test_knowledge_journeys import _aov_of_haarlem
from tests.stakeholders.factories import MembershipFactory, OrganisationFactory


def _yesterday() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=1)


def test_aov_records_an_integrale_actie_with_three_partner_organisations(live, page, make_user):
    aov = _aov_of_haarlem(make_user)
    partners = {
        "Brandweer Kennemerland": "veiligheidsregio",
        "Liander": "liander",
        "PWN": "pwn",
        "Staatsbosbeheer": "staatsbosbeheer",
        "LTO Noord": "lto",
    }
    for name, kind in partners.items():  # on the KEN platform
        MembershipFactory(organisation__name=name, organisation__partner_type=PartnerType.objects.get(code=kind))
    MembershipFactory(organisation__name="Woonstichting Noorderkwartier", district=District.objects.get(code="NHN"))
    _log_in(page, live, aov, confirmed_totp_device(aov))
    page.goto(f"{live.url}/integrale-acties/nieuw/")
    page.get_by_label("Datum").fill(_yesterday().isoformat())
    page.get_by_label(re.compile(r"^\s*Gemeente\s*\*?\s*$")).select_option(label="Haarlem")
    page.get_by_label("Gebied").fill("Spaarndam")
    page.get_by_label("Aantal bezochte locaties").fill("12")

    organisations = page.locator("[data-choice-options]")
    expect(organisations.get_by_text("Woonstichting Noorderkwartier")).to_have_count(0)  # another district's
    search = page.get_by_label("Zoek een organisatie")
    search.fill("lian")
    expect(organisations.locator("li:visible")).to_have_count(1)
    organisations.get_by_label(re.compile(r"^\s*Liander\b")).check()
    search.fill("drinkwater")  # a kind of partner finds its organisations too
    organisations.get_by_label(re.compile(r"^\s*PWN\b")).check()
    search.press("Enter")  # narrows the list; does not submit the form
    expect(page).to_have_url(re.compile(r"/integrale-acties/nieuw/$"))
    search.fill("")
    organisations.get_by_label(re.compile(r"^\s*Staatsbosbeheer\b")).check()
    expect(page.locator("[data-choice-summary]")).to_have_text("Gekozen (3): Liander, PWN, Staatsbosbeheer")
    assert _serious_violations(page) == []
    page.get_by_role("button", name="Opslaan").click()

    expect(page.get_by_role("heading", name="Integrale actie: Spaarndam, Haarlem")).to_be_visible()
    expect(page.locator("dl.facts")).to_contain_text("Liander, PWN, Staatsbosbeheer")
    action = JointAction.objects.get()
    assert sorted(action.organisations.values_list("name", flat=True)) == ["Liander", "PWN", "Staatsbosbeheer"]


def _overflows(page, *, whole_values: bool) -> list[str]:
    """Edit boxes off the screen or narrower than 11rem (176 px; "Pie" and "Gemeent" were what showed of
    Pieterburen and Gemeente), and with `whole_values` any box too narrow for what it holds."""
    return page.evaluate(
        """(wholeValues) => {
            const width = document.documentElement.clientWidth, out = [];
            if (document.documentElement.scrollWidth > width) out.push('page ' + document.documentElement.scrollWidth);
            const boxes = document.querySelectorAll('input[name^="row-"], select[name^="row-"]');
            if (!boxes.length) out.push('no edit boxes');
            for (const box of boxes) {
                const r = box.getBoundingClientRect();
                if (r.right > width + 1) out.push(box.name + ' off screen');
                if (r.width < 176) out.push(box.name + ' ' + Math.round(r.width) + ' px');
                const cut = box.tagName === 'INPUT' && box.scrollWidth > box.clientWidth;
                if (wholeValues && cut) out.push(box.name + ' cut off');
            }
            return out;
        }""",
        whole_values,
    )


def test_the_import_preview_fits_the_screen_and_offers_partner_types_by_name(live, page, make_user, tmp_path):
    OrganisationFactory(name="PWN")
    secretary = make_user(Role.SECRETARIAT)
    path = tmp_path / "organisaties.csv"
    path.write_text(
        "Naam;Partnertype;Plaats;Gemeente;Districten\n"
        "PWN Waterleidingbedrijf Noord-Holland;pwn;Velserbroek;Velsen;KEN\n"
        "Pieterburen Recreatie en Verhuur;Recreatie;Pieterburen;Gemeente Zandvoort;KEN\n",
        encoding="utf-8",
    )
    _log_in(page, live, secretary, confirmed_totp_device(secretary))
    page.goto(f"{live.url}/beheer/crm/import/")
    page.get_by_label("organisaties").check()
    page.get_by_label("Bestand").set_input_files(str(path))
    page.get_by_role("button", name="Voorbeeld bekijken").click()
    expect(page.locator("[data-import-summary]")).to_contain_text("0 nieuw, 1 mogelijk dubbel, 1 met fouten")
    expect(page.locator('[data-row="1"]')).to_contain_text("Lijkt op PWN")
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        page.reload()
        assert _overflows(page, whole_values=width > 320) == [], width

    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_label("Rij 2: partnertype").select_option(label="Hiswa/Recron (recreatieondernemers)")
    page.get_by_label("Rij 2: gemeente").fill("Zandvoort")
    page.locator('[data-row="1"]').get_by_label("toch als nieuwe toevoegen").check()
    page.get_by_role("button", name="Opnieuw controleren").click()
    expect(page.locator("[data-import-summary]")).to_contain_text("1 nieuw, 1 mogelijk dubbel, 0 met fouten")
    page.get_by_role("button", name="Importeren").click()
    expect(page.get_by_text("Import klaar: 2 nieuw, 0 samengevoegd, 0 overgeslagen.")).to_be_visible()
    assert Organisation.objects.get(name="Pieterburen Recreatie en Verhuur").partner_type.code == "hiswa-recron"
    assert Organisation.objects.filter(name__startswith="PWN").count() == 2
