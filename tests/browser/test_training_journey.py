"""Module 3's journey: a partner registers for the Amsterdam session (the last place), a colleague is refused
by the organisation cap, a third person goes on the waiting list and moves up when the partner cancels; the
secretariat sees the participants; the AOV enrols for the e-learning. At 320 and 1,280 px, with axe.
Screenshots go to $SCREENSHOT_DIR when it is set."""

import os
from pathlib import Path

from playwright.sync_api import expect

from core.roles import Role
from notifications.models import Notification
from stakeholders.models import Municipality
from tests.accounts.factories import confirmed_totp_device
from tests.browser.test_foundation_journeys import _log_in, _serious_violations
from tests.referrals.conftest import HAARLEM, aov_of
from tests.trainings.conftest import colleague_of, training_session
from trainings import services

WIDTHS = (320, 1280)


def _shot(page, name: str) -> None:
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def _person(browser, live, user, width, device=None):
    context = browser.new_context(locale="nl-NL", viewport={"width": width, "height": 900})
    page = context.new_page()
    _log_in(page, live, user, device)
    return context, page


def test_registration_waiting_list_and_elearning(browser, live, make_user):
    partner = make_user(Role.PARTNER, district="KEN")
    colleague = colleague_of(make_user, partner)
    aov = aov_of(make_user, HAARLEM, "KEN")
    secretariat = make_user(Role.SECRETARIAT, district=None)
    session = training_session(capacity=1, max_per_organisation=1, title="Voorlichting professionals, Amsterdam")
    services.enrolment_create(
        user=secretariat, municipality=Municipality.objects.get(cbs_code=HAARLEM), name="Anna de Vries",
        email="anna@haarlem.example",
    )  # fmt: skip

    for width in WIDTHS:
        context, page = _person(browser, live, partner, width)
        page.goto(f"{live.url}/trainingen/")
        _shot(page, f"trainingen-lijst-{width}")
        page.get_by_role("link", name="Voorlichting professionals, Amsterdam").first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Voorlichting professionals, Amsterdam")
        _shot(page, f"sessie-partner-{width}")
        if width == WIDTHS[0]:
            page.get_by_role("link", name="Aanmelden").click()
            _shot(page, f"aanmelden-{width}")
            assert _serious_violations(page) == []
            page.get_by_role("button", name="Aanmelden").click()
            expect(page.get_by_text("U bent aangemeld voor Voorlichting professionals, Amsterdam.")).to_be_visible()
        context.close()

    context, page = _person(browser, live, colleague, WIDTHS[0])
    page.goto(f"{live.url}/trainingen/sessie/{session.pk}/aanmelden/")
    page.get_by_role("button", name="Op de wachtlijst").click()
    expect(page.get_by_role("alert")).to_contain_text("meer kan niet, zodat de groep gemengd blijft")
    _shot(page, "aanmelden-organisatie-vol-320")
    context.close()

    context, page = _person(browser, live, aov, WIDTHS[1], confirmed_totp_device(aov))
    page.goto(f"{live.url}/trainingen/sessie/{session.pk}/aanmelden/")
    page.get_by_role("button", name="Op de wachtlijst").click()
    expect(page.get_by_text("U staat op de wachtlijst, plaats 1")).to_be_visible()
    page.goto(f"{live.url}/trainingen/e-learning/")
    expect(page.get_by_role("heading", level=1)).to_have_text("E-learning Drugsview: Haarlem")
    page.get_by_label("Naam").fill("Bram Bakker")
    page.get_by_label("E-mailadres").fill("bram@haarlem.example")
    page.get_by_role("button", name="Inschrijven").click()
    expect(page.get_by_text("Bram Bakker is ingeschreven voor de e-learning Drugsview.")).to_be_visible()
    _shot(page, "elearning-aov-1280")
    assert _serious_violations(page) == []
    context.close()

    context, page = _person(browser, live, partner, WIDTHS[0])
    page.goto(f"{live.url}/trainingen/sessie/{session.pk}/")
    page.get_by_role("button", name="Afmelden").click()
    expect(page.get_by_text("U bent afgemeld.")).to_be_visible()
    context.close()
    assert Notification.objects.filter(kind="trainings.moved_up", recipient=aov).exists()

    for width in WIDTHS:
        context, page = _person(browser, live, secretariat, width, confirmed_totp_device(secretariat))
        page.goto(f"{live.url}/trainingen/sessie/{session.pk}/")
        expect(page.get_by_role("table")).to_contain_text(str(aov))
        expect(page.get_by_role("table")).to_contain_text("doorgeschoven")
        _shot(page, f"sessie-secretariaat-{width}")
        if width == WIDTHS[1]:
            assert _serious_violations(page) == []
            page.goto(f"{live.url}/trainingen/e-learning/")
            _shot(page, f"elearning-overzicht-{width}")
            page.goto(f"{live.url}/trainingen/sessie/nieuw/")
            _shot(page, f"sessie-nieuw-{width}")
        context.close()
