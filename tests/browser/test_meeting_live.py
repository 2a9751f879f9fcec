"""The live meeting in two real browsers: the secretariat runs the meeting with plain forms, a KEN partner
who has the page open sees the item under discussion and the new action item appear without a reload."""

import re

import pytest
from playwright.sync_api import expect

from core.roles import Role
from tests.accounts.factories import confirmed_totp_device
from tests.browser.conftest import BROWSER_TIMEOUT_MS
from tests.browser.test_foundation_journeys import _log_in, _serious_violations
from tests.meetings.factories import meeting


@pytest.fixture
def other_page(browser):
    """A second person's browser: its own context, so its own cookies."""
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(BROWSER_TIMEOUT_MS)
    yield page
    context.close()


def test_partner_follows_the_meeting_live(live, page, other_page, make_user):
    secretariat = make_user(Role.SECRETARIAT, district=None)
    partner = make_user(Role.PARTNER, district="KEN")
    organisation = partner.contact.affiliations.get().organisation
    overleg = meeting("KEN", title="Platformoverleg Kennemerland")
    second = overleg.agenda_items.order_by("sort_order")[1]
    meeting_url = f"{live.url}{overleg.url}"

    _log_in(other_page, live, partner)
    other_page.goto(meeting_url)
    agenda = other_page.locator("[data-agenda]")
    expect(agenda).to_have_attribute("data-live", "true")
    other_page.evaluate("window.__samePage = true")  # gone if the partner's page were reloaded

    _log_in(page, live, secretariat, confirmed_totp_device(secretariat))
    page.goto(meeting_url)
    page.get_by_role("button", name="Dit punt is nu aan de orde: Agendapunt 2").click()
    expect(page).to_have_url(re.compile(rf"#punt-{second.pk}$"))
    expect(page.locator(f'[data-agenda-item="{second.pk}"]')).to_have_attribute("aria-current", "true")

    item = other_page.locator(f'[data-agenda-item="{second.pk}"]')
    expect(item).to_have_class(re.compile(r"\bcurrent\b"))
    expect(item).to_have_attribute("aria-current", "true")
    expect(other_page.locator("[data-agenda-item][aria-current]")).to_have_count(1)
    expect(other_page.locator("[data-live-announcer]")).to_have_text("Nu aan de orde: Agendapunt 2")

    # The form defaults to the item under discussion. Text that looks like markup stays text.
    expect(page.locator("#actie_agenda_item")).to_have_value(str(second.pk))
    page.locator("#actie_description").fill("Lijst van leegstaande stallen delen &lt;b&gt;vóór 1 mei&lt;/b&gt;")
    page.locator("#actie_owner_organisation").select_option(label=organisation.name)
    page.get_by_role("button", name="Actiepunt toevoegen").click()
    expect(page.get_by_text("Het actiepunt is toegevoegd.")).to_be_visible()

    new_action = item.locator("[data-actions] [data-action-item]")
    expect(new_action).to_have_count(1)
    expect(new_action).to_contain_text("Lijst van leegstaande stallen delen <b>vóór 1 mei</b>")
    expect(new_action).to_contain_text(organisation.name)
    expect(new_action.locator("b")).to_have_count(0)
    expect(other_page.locator("[data-live-announcer]")).to_contain_text("Nieuw actiepunt")

    # A decision on no particular item goes to "Overige besluiten en actiepunten", made when first needed.
    page.locator("#besluit_agenda_item").select_option(value="")
    page.locator("#besluit_text").fill("Het platform steunt de voorlichtingsavond voor boeren.")
    page.get_by_role("button", name="Besluit toevoegen").click()
    expect(page.get_by_text("Het besluit is toegevoegd.")).to_be_visible()
    other = other_page.locator("#besluiten")
    expect(other.get_by_role("heading", name="Overige besluiten en actiepunten")).to_be_visible()
    expect(other.locator("p.decision")).to_have_text("Besluit: Het platform steunt de voorlichtingsavond voor boeren.")
    expect(other_page.locator("[data-live-announcer]")).to_contain_text("Nieuw besluit")
    assert other_page.evaluate("window.__samePage") is True

    assert _serious_violations(other_page) == []
    assert _serious_violations(page) == []
