"""Journeys of the foundation, as a person does them in a real browser."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from core.roles import Role
from notifications.services import notify
from tests.accounts.factories import PASSWORD, confirmed_totp_device, current_totp


def _serious_violations(page):
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}x)"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


def _log_in(page, live, user, device=None):
    page.goto(f"{live.url}/account/inloggen/")
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    # A click does not wait for the navigation it starts; a goto() right after it would cancel the
    # POST and leave the browser logged out (or half-way, on the code step).
    page.wait_for_url(lambda url: "/account/inloggen/" not in url)
    if device is not None:
        expect(page.get_by_role("heading", name="Tweestapsverificatie")).to_be_visible()
        page.get_by_label("Code").fill(current_totp(device))
        page.get_by_role("button", name="Bevestigen").click()
        page.wait_for_url(lambda url: "/account/mfa/" not in url)


@pytest.mark.parametrize("path", ["/", "/account/inloggen/", "/privacyverklaring/"])
def test_public_pages_have_no_serious_accessibility_violations(live, page, path):
    page.goto(f"{live.url}{path}")
    assert _serious_violations(page) == []


def test_skip_link_is_the_first_stop_and_moves_focus(live, page):
    page.goto(f"{live.url}/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Direct naar de inhoud")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#inhoud$"))


def test_partner_logs_in_and_sees_only_partner_navigation(live, page, make_user):
    user = make_user(Role.PARTNER)
    _log_in(page, live, user)
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    expect(nav.get_by_role("link", name="Start")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Meldingen"))).to_be_visible()
    expect(nav.get_by_role("link", name="Beheer inhoud")).to_have_count(0)
    assert _serious_violations(page) == []


def test_secretariat_enrols_mfa_then_reaches_the_admin(live, page, make_user):
    user = make_user(Role.SECRETARIAT)
    _log_in(page, live, user)
    expect(page.get_by_role("heading", name="Tweestapsverificatie instellen")).to_be_visible()
    assert _serious_violations(page) == []
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page.get_by_label("Code uit de app").fill(current_totp(device))
    page.get_by_role("button", name="Activeren").click()
    expect(page.get_by_role("heading", name="Uw herstelcodes")).to_be_visible()
    expect(page.locator("[data-recovery-codes] li")).to_have_count(10)
    page.get_by_role("link", name="Ik heb ze bewaard, ga verder").click()
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Beheer inhoud").click()
    expect(page).to_have_url(re.compile(r"/beheer/$"))


def test_notification_appears_on_the_bell_without_reload(live, page, make_user, in_server):
    user = make_user(Role.COACH)
    device = confirmed_totp_device(user)
    _log_in(page, live, user, device)
    bell = page.locator("[data-bell]")
    expect(bell).to_have_attribute("data-live", "true")
    expect(bell.locator("[data-unread-count]")).to_have_text("0")
    in_server(
        notify,
        recipients=[user],
        kind="announcement",
        title="Er is een nieuwe doorverwijzing",
        url="/meldingen/",
        email=False,
    )
    expect(bell.locator("[data-unread-count]")).to_have_text("1")
    expect(page.locator("[data-bell-announcer]")).to_have_text("Er is een nieuwe doorverwijzing")


def test_language_switch(live, page):
    page.goto(f"{live.url}/account/inloggen/")
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.get_by_role("link", name="Nederlands").click()
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()


def test_account_and_directory_pages_have_no_serious_accessibility_violations(live, page, make_user):
    from stakeholders.models import Affiliation

    user = make_user(Role.PARTNER)
    Affiliation.objects.filter(contact=user.contact).update(is_representative=True)
    organisation = Affiliation.objects.get(contact=user.contact).organisation
    _log_in(page, live, user)
    for path in [
        "/account/",
        "/mijn-gegevens/",
        "/meldingen/",
        "/wie-is-wie/",
        f"/wie-is-wie/organisaties/{organisation.pk}/",
        f"/wie-is-wie/organisaties/{organisation.pk}/bewerken/",
        "/account/wachtwoord/",
    ]:
        page.goto(f"{live.url}{path}")
        assert _serious_violations(page) == [], path
