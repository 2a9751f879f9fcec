"""Search as a Kennemerland partner does it in a browser: title suggestions in the header, a synonym
that finds the right best practice first with the words marked, facets, and never another district's
minutes."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_foundation_journeys import _log_in, _serious_violations
from tests.search.conftest import SECRET_WORD, people, portal  # noqa: F401 - fixtures

PARTNER_KEN = "partner_ken"


@pytest.fixture
def synonyms(live):
    """The seeded synonym groups come from a data migration, which a transactional test before this one has
    flushed away: the journey states the group it relies on."""
    from search.models import SynonymGroup
    from search.synonyms import synonyms_changed

    SynonymGroup.objects.get_or_create(terms="hennepkwekerij, wietplantage, wietkwekerij, kwekerij")
    synonyms_changed()


def test_partner_searches_with_suggestions_synonyms_and_facets(live, page, synonyms, portal, people):  # noqa: F811
    _log_in(page, live, people[PARTNER_KEN])
    box = page.get_by_role("combobox", name="Zoeken in het portaal")
    box.fill("Hennepk")
    suggestions = page.get_by_role("listbox")
    expect(suggestions.get_by_role("option", name=re.compile("Hennepkwekerij in een schuur"))).to_be_visible()
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", re.compile(".+"))
    box.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")

    box.fill("wietplantage schuur")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/zoeken/\?q=wietplantage"))
    first = page.locator(".search-hit").first
    expect(first.get_by_role("link")).to_have_text("Hennepkwekerij in een schuur")
    expect(first.locator("mark").first).to_be_visible()
    assert _serious_violations(page) == []

    facets = page.get_by_role("complementary")
    facets.get_by_role("link", name="Best practice").click()
    expect(page).to_have_url(re.compile("type=best_practice"))
    expect(facets.get_by_role("link", name="Alles tonen")).to_be_visible()
    facets.get_by_role("link", name="Alles tonen").click()
    expect(page).not_to_have_url(re.compile("type="))

    # A wider search, narrowed by theme and then by district: only what belongs to Kennemerland stays.
    page.get_by_role("combobox", name="Zoeken in het portaal").fill("wietplantage")
    page.get_by_role("combobox", name="Zoeken in het portaal").press("Enter")
    expect(page.locator(".search-hit h3").filter(has_text="Hennepkwekerij in een schuur")).to_have_count(1)
    facets.get_by_role("region", name="Thema").get_by_role("link", name="Hennepteelt").click()
    expect(page).to_have_url(re.compile("theme=hennep"))
    facets.get_by_role("region", name="District").get_by_role("link", name="Kennemerland").click()
    expect(page).to_have_url(re.compile("district="))
    titles = page.locator(".search-hit h3")
    expect(titles.filter(has_text="Wietplantage in Kennemerland")).to_have_count(1)
    expect(titles.filter(has_text="Hennepkwekerij in een schuur")).to_have_count(0)

    page.get_by_role("combobox", name="Zoeken in het portaal").fill(SECRET_WORD[:-2] + "n")
    page.get_by_role("combobox", name="Zoeken in het portaal").press("Enter")
    expect(page.get_by_text("U ziet de resultaten voor")).to_be_visible()  # the member's own district minutes


def test_another_district_never_sees_the_minutes_and_hostile_input_is_harmless(live, page, portal, people):  # noqa: F811
    _log_in(page, live, people["partner_nhn"])
    for text in [SECRET_WORD, '"schuur OR (lab', "'; DROP TABLE x; --"]:
        box = page.get_by_role("combobox", name="Zoeken in het portaal")
        box.fill(text)
        box.press("Enter")
        expect(page.get_by_role("heading", name="Zoeken", exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile("Geen resultaten voor"))).to_be_visible()
    page.goto(f"{live.url}/zoeken/?q={SECRET_WORD}")
    expect(page.get_by_text(re.compile("Geen resultaten voor"))).to_be_visible()
    expect(page.locator("mark")).to_have_count(0)
