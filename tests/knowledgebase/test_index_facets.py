"""The knowledge base's themes and modules with their counts (issue #20): links that choose the filter and keep
the others, counted only over pages the reader may open, with the filters in use listed and removable."""

from urllib.parse import parse_qs

import pytest
from bs4 import BeautifulSoup

from core.roles import Role
from tests.knowledgebase.factories import article

pytestmark = pytest.mark.django_db


def _facets(html: bytes) -> dict[str, dict[str, tuple[int, str]]]:
    soup = BeautifulSoup(html, "html.parser")
    groups = {}
    for section in soup.select("aside.facets section"):
        values = {}
        for link in section.select("a.facet"):
            count = link.select_one(".facet-count")
            number = int(count.get_text(" ", strip=True).split()[0])
            count.extract()
            values[link.get_text(" ", strip=True).split(" (")[0].removeprefix("✓ ")] = (number, link["href"])
        groups[section.h3.get_text(strip=True)] = values
    return groups


def test_theme_counts_are_links_over_visible_pages_only(client, make_user, reference_data):
    client.force_login(make_user(Role.PARTNER, district="KEN"))
    article("Hennep openbaar", themes=("hennep",))
    article("Hennep en leegstand", visibility="partners", themes=("hennep", "leegstand"))
    article("Alleen Noord", visibility="districts", districts=("NHN",), themes=("hennep", "leegstand"))

    themes = _facets(client.get("/kennisbank/", {"q": "e"}).content)["Thema"]

    assert themes["Hennepteelt"][0] == 2 and themes["Leegstand en verhuur van schuren en loodsen"][0] == 1
    chosen = parse_qs(themes["Hennepteelt"][1].lstrip("?"))
    assert chosen == {"q": ["e"], "thema": ["hennep"]}


def test_a_chosen_theme_counts_the_other_facets_within_it_and_can_be_removed(client, make_user, reference_data):
    client.force_login(make_user(Role.PARTNER, district="KEN"))
    article("Hennep", themes=("hennep",))
    article("Leegstand", themes=("leegstand",))

    response = client.get("/kennisbank/", {"thema": "leegstand", "pagina": "1"})
    soup = BeautifulSoup(response.content, "html.parser")

    selected = soup.select_one("aside.facets a.facet-selected")
    assert selected["aria-current"] == "true" and selected["href"] == "?"
    # The theme facet itself still counts every theme (under the other filters), so another can be chosen.
    assert _facets(response.content)["Thema"]["Hennepteelt"][0] == 1
    chips = soup.select(".active-filters a.filter-chip")
    assert [c.get_text(" ", strip=True) for c in chips] == [
        "Filter verwijderen: Thema: Leegstand en verhuur van schuren en loodsen ✕"
    ]
    assert chips[0]["href"] == "?"
