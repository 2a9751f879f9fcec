"""Module 2's journey: a resident without an account finds the evening, is told in Dutch what is wrong with
11 people, registers with 2 and an e-mail address; the AOV sees the count (never the address) and adds a guest
speaker who then shows on the public page. At 320 and 1,280 px, with axe, and no horizontal scroll.
Screenshots go to $SCREENSHOT_DIR when it is set."""

from playwright.sync_api import expect

from evenings.models import Registration
from tests.accounts.factories import confirmed_totp_device
from tests.browser.test_foundation_journeys import _log_in, _serious_violations
from tests.browser.test_training_journey import _shot
from tests.evenings.conftest import evening
from tests.referrals.conftest import HAARLEM, aov_of

WIDTHS = (320, 1280)


def _no_horizontal_scroll(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_resident_registers_and_the_aov_sees_the_count(browser, live, make_user):
    aov = aov_of(make_user, HAARLEM, "KEN")
    e = evening(capacity=30, title="Informatieavond Spaarndam")
    for width in WIDTHS:
        context = browser.new_context(locale="nl-NL", viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(f"{live.url}/informatieavonden/")
        _no_horizontal_scroll(page, width)
        page.get_by_role("link", name="Haarlem: Informatieavond Spaarndam").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Informatieavond Spaarndam")
        page.get_by_label("Met hoeveel personen komt u?").fill("11")
        page.get_by_role("button", name="Aanmelden").click()
        expect(page.get_by_text("Vul een aantal personen van 1 tot en met 10 in.")).to_be_visible()
        _no_horizontal_scroll(page, width)
        assert _serious_violations(page) == []
        _shot(page, f"avond-fout-{width}")
        page.get_by_label("Met hoeveel personen komt u?").fill("2")
        page.get_by_label("E-mailadres (niet verplicht)").fill(f"bewoner{width}@example.nl")
        page.get_by_role("button", name="Aanmelden").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("U bent aangemeld")
        expect(page.get_by_text("één herinnering per e-mail")).to_be_visible()
        assert _serious_violations(page) == []
        context.close()
    assert sorted(Registration.objects.values_list("people", flat=True)) == [2, 2]

    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _log_in(page, live, aov, confirmed_totp_device(aov))
    page.goto(f"{live.url}/informatieavonden/organiseren/{e.pk}/")
    expect(page.get_by_text("4 personen (2 aanmeldingen)")).to_be_visible()
    assert "bewoner320@example.nl" not in page.content()
    page.get_by_label("Naam gastspreker").fill("Jan de Boer")
    page.get_by_role("button", name="Gastspreker toevoegen").click()
    expect(page.get_by_text("De gastspreker is toegevoegd.")).to_be_visible()
    assert _serious_violations(page) == []
    _shot(page, "avond-organiseren-1280")
    page.goto(f"{live.url}/informatieavonden/{e.slug}/")
    expect(page.get_by_text("Jan de Boer, gastspreker")).to_be_visible()
    context.close()
