"""The search page's facets as filters (issue #20): each value with its count is one link that applies the
filter and keeps the words and the other filters; the filters in use are listed, each with a link that removes
it alone; the pages of the results use the portal's one pagination."""

from urllib.parse import parse_qs

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.django_db


def _soup(client, **params) -> BeautifulSoup:
    response = client.get("/zoeken/", params)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_facet_links_apply_the_filter_keep_the_others_and_can_be_removed(client, portal, people, login_with_mfa):
    login_with_mfa(client, people["secretariat"])
    first = _soup(client, q="drugsafval", sort="date")

    facet = first.select_one("#facet-type").find_parent("section").select_one("a.facet")
    # The link's own text carries the count and what it counts: one accessible name.
    label, count = facet.contents[0].strip(), facet.select_one(".facet-count").get_text(" ", strip=True)
    assert count.split()[0].isdigit() and count.split()[1] in ("resultaat", "resultaten")
    chosen = parse_qs(facet["href"].lstrip("?"))
    assert chosen["q"] == ["drugsafval"] and chosen["sort"] == ["date"] and len(chosen["type"]) == 1

    narrowed = _soup(client, **{k: v[0] for k, v in chosen.items()})
    selected = narrowed.select_one("a.facet-selected")
    assert selected["aria-current"] == "true" and selected.get_text(" ", strip=True).startswith(f"✓ {label}")
    chips = narrowed.select(".active-filters a.filter-chip")
    assert [chip.get_text(" ", strip=True) for chip in chips] == [f"Filter verwijderen: Soort: {label} ✕"]
    removed = parse_qs(chips[0]["href"].lstrip("?"))
    assert removed == {"q": ["drugsafval"], "sort": ["date"]}
    assert parse_qs(selected["href"].lstrip("?")) == removed  # the chosen value's own link removes it too


def test_no_active_filters_without_a_filter(client, portal, people, login_with_mfa):
    login_with_mfa(client, people["secretariat"])
    assert not _soup(client, q="drugsafval").select(".active-filters")
