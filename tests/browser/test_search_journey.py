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
    # The filter in use is listed above the results, with a link that removes it.
    remove = page.get_by_role("group", name="Actieve filters").get_by_role("link", name="Filter verwijderen: Soort")
    expect(remove).to_be_visible()
    remove.click()
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


@pytest.fixture
def two_public_pages(live):
    from search.indexing import rebuild
    from tests.knowledgebase.factories import article

    pages = [article("Hennepkwekerij in een schuur"), article("Hennepkwekerij in een kas")]
    rebuild(["best_practice"])
    return pages


def test_the_suggestion_keys_follow_the_combobox_pattern_and_escape_keeps_the_words(live, page, two_public_pages):
    """WAI-ARIA combobox: Escape closes the list and keeps what was typed; a second Escape (list closed) is
    the search box's own, which clears it. Arrows wrap, Enter opens the chosen title or searches, Tab leaves."""
    page.goto(f"{live.url}/")
    box = page.get_by_role("combobox", name="Zoeken in het portaal")
    listbox = page.get_by_role("listbox", name="Titels die passen bij uw zoekwoorden")
    box.fill("Hennepk")
    expect(listbox.get_by_role("option")).to_have_count(2)
    expect(box).to_have_attribute("aria-expanded", "true")
    box.press("ArrowDown")
    first = listbox.get_by_role("option").first
    expect(first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", first.get_attribute("id"))

    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).not_to_have_attribute("aria-activedescendant", re.compile(".*"))
    expect(box).to_have_value("Hennepk")
    expect(box).to_be_focused()
    box.press("Escape")
    expect(box).to_have_value("")

    # Escape before the suggestions arrive: they never open, the words stay.
    box.fill("Hennepkw")
    box.press("Escape")
    page.wait_for_timeout(600)
    expect(listbox).to_be_hidden()
    expect(box).to_have_value("Hennepkw")

    box.press("ArrowDown")  # opens the list again
    expect(listbox.get_by_role("option")).to_have_count(2)
    box.press("ArrowUp")  # from nothing chosen to the last title
    last = listbox.get_by_role("option").last
    expect(last).to_have_attribute("aria-selected", "true")
    box.press("Tab")
    expect(listbox).to_be_hidden()
    expect(page.get_by_role("button", name="Zoek", exact=True)).to_be_focused()

    box.focus()
    box.press("Enter")  # nothing chosen: a search for the typed words
    expect(page).to_have_url(re.compile(r"/zoeken/\?q=Hennepkw"))
    box = page.get_by_role("combobox", name="Zoeken in het portaal")
    box.fill("Hennepkwekerij in een s")
    expect(listbox.get_by_role("option")).to_have_count(1)
    box.press("ArrowDown")
    box.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(two_public_pages[0].url) + "$"))
