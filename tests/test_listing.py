"""The portal's lists look and work one way (issue #20): one pagination (a named nav, the current page marked
with aria-current, previous/next in Dutch, every other filter kept), filters in use shown with a link that
removes each, and one set of buttons whose colours keep 4.5:1 and that show the focus ring."""

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django import forms
from django.core.paginator import Paginator
from django.template import Context, Template
from django.test import RequestFactory

ROOT = Path(__file__).resolve().parent.parent
FRONT_END_TEMPLATES = [
    path
    for path in ROOT.glob("*/templates/**/*.html")
    if ".venv" not in path.parts and "admin" not in path.parts and "wagtailadmin" not in path.parts
]


def _render(source: str, path: str, **context) -> BeautifulSoup:
    request = RequestFactory().get(path)
    html = Template("{% load listing %}" + source).render(Context({"request": request, **context}))
    return BeautifulSoup(html, "html.parser")


def test_the_pagination_is_a_named_nav_with_the_current_page_and_dutch_previous_and_next():
    page = Paginator(range(200), 10).page(7)
    soup = _render("{% pagination page %}", "/kennisbank/?thema=a&thema=b&fragment=1&pagina=7", page=page)

    nav = soup.select_one("nav.pagination")
    assert nav["aria-label"] == "Paginering"
    current = nav.select("a[aria-current=page]")
    assert [a.get_text(strip=True) for a in current] == ["Pagina7"]
    previous, following = nav.select_one("a[rel=prev]"), nav.select_one("a[rel=next]")
    assert previous.get_text(strip=True).startswith("Vorige") and following.get_text(strip=True).startswith("Volgende")
    # Every other filter is kept, all values of a repeated one; the live-search switch never is.
    assert previous["href"] == "?thema=a&thema=b&pagina=6" and following["href"] == "?thema=a&thema=b&pagina=8"
    numbers = [a.get_text(strip=True).removeprefix("Pagina") for a in nav.select("li a:not([rel])")]
    assert numbers == ["1", "6", "7", "8", "20"] and nav.get_text().count("…") == 2
    assert "Pagina 7 van 20" in nav.get_text()


def test_two_lists_on_one_page_get_two_names_and_a_single_page_gets_no_pagination():
    soup = _render(
        "{% pagination a param='pagina' label='Paginering personen' %}{% pagination b param='org_pagina' %}"
        "{% pagination c %}",
        "/wie-is-wie/?org_pagina=2",
        a=Paginator(range(30), 10).page(1),
        b=Paginator(range(30), 10).page(2),
        c=Paginator(range(5), 10).page(1),
    )
    assert [nav["aria-label"] for nav in soup.select("nav")] == ["Paginering personen", "Paginering"]
    assert soup.select("nav")[0].select_one("a[rel=next]")["href"] == "?org_pagina=2&pagina=2"


def test_no_list_draws_its_own_pagination():
    """Every list uses the one include through the `pagination` tag: a second style cannot creep back in."""
    own = [
        str(path.relative_to(ROOT))
        for path in FRONT_END_TEMPLATES
        if path.name != "pagination.html"
        and (
            re.search(r"Pagina \{\{ *\w+ *\}\} van", path.read_text())
            or "components/pagination.html" in path.read_text()
        )
    ]
    assert own == []


class _Filters(forms.Form):
    q = forms.CharField(label="Zoek", required=False)
    thema = forms.ChoiceField(label="Thema", required=False, choices=[("", "Alle"), ("hennep", "Hennep")])
    jaar = forms.TypedChoiceField(label="Jaar", required=False, coerce=int, choices=[("", "Alle"), ("2024", "2024")])
    te_laat = forms.BooleanField(label="Alleen te laat", required=False)


def test_active_filters_show_each_filter_by_its_label_with_a_link_that_removes_it_alone():
    query = "/kennisbank/?q=schuur&thema=hennep&jaar=1999&te_laat=on&pagina=3"
    form = _Filters(RequestFactory().get(query).GET)
    soup = _render("{% active_filters_of form %}", query, form=form)

    chips = soup.select("a.filter-chip")
    # The year is not a valid choice: the form says so elsewhere, it is not shown as in use.
    assert [chip.get_text(" ", strip=True) for chip in chips] == [
        "Filter verwijderen: Zoek: schuur ✕",
        "Filter verwijderen: Thema: Hennep ✕",
        "Filter verwijderen: Alleen te laat ✕",  # a tick box by its own label, not "Alleen te laat: on"
    ]
    assert [chip["href"] for chip in chips] == [
        "?thema=hennep&jaar=1999&te_laat=on",
        "?q=schuur&jaar=1999&te_laat=on",
        "?q=schuur&thema=hennep&jaar=1999",
    ]
    assert soup.find("a", string="Alle filters wissen")["href"] == "?"
    assert not _render("{% active_filters_of form %}", "/kennisbank/", form=_Filters()).select("a")


def test_a_facet_value_is_a_link_with_its_count_that_chooses_it_and_keeps_the_other_filters():
    from core.listing import facet_group

    query = RequestFactory().get("/wie-is-wie/?district=KEN&type=lto&pagina=2&org_pagina=3").GET
    group = facet_group(
        query,
        name="type",
        title="Soort",
        values=[("lto", "LTO", 4), ("gemeente", "Gemeente", 9)],
        reset=("pagina", "org_pagina"),
    )
    soup = _render("{% facets groups %}", "/", groups=[group])

    links = soup.select("a.facet")
    assert [a.get_text(" ", strip=True) for a in links] == [
        "✓ LTO 4 (gekozen; klik om dit filter te verwijderen)",
        "Gemeente 9 resultaten",
    ]
    assert links[0]["aria-current"] == "true" and links[0]["href"] == "?district=KEN"
    assert links[1]["href"] == "?district=KEN&type=gemeente"


BUTTON_CLASSES = {"btn", "btn-link", "link-button", "header-search-button", "menu-button"}


@pytest.mark.parametrize("path", FRONT_END_TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_front_end_button_uses_the_portals_button_classes(path):
    for tag in re.findall(r"<button\b[^>]*>", path.read_text()):
        classes = set(
            re.sub(r"\{%.*?%\}", " ", re.search(r'class="([^"]*)"', tag).group(1) if "class=" in tag else "").split()
        )
        assert classes & BUTTON_CLASSES, f"{path.name}: {tag}"


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_button_colours_keep_the_contrast_and_every_button_shows_the_focus_ring():
    css = (ROOT / "vbg_platform/static/css/portal.css").read_text()
    colours = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6})", css))
    pairs = {
        "primary": ("#ffffff", colours["blue"]),
        "primary hover": ("#ffffff", colours["blue-dark"]),
        "secondary": (colours["blue"], "#ffffff"),
        "secondary hover": (colours["blue-dark"], colours["bg-soft"]),
        "danger": ("#ffffff", colours["red"]),
        "danger hover": ("#ffffff", re.search(r"\.btn\.btn-danger:hover \{ background: (#[0-9a-f]{6})", css).group(1)),
        "disabled": (colours["muted"], "#f0f0f0"),
    }
    assert {name: round(_contrast(*pair), 1) for name, pair in pairs.items() if _contrast(*pair) < 4.5} == {}
    focus = re.search(r"\.btn:focus-visible, ([^{]*)\{([^}]*)\}", css)
    assert ".btn-link:focus-visible" in focus.group(1) and "outline: 3px solid" in focus.group(2)


def test_a_value_listed_twice_shows_its_first_label():
    class _Status(forms.Form):
        status = forms.ChoiceField(
            label="Status", required=False, choices=[("open", "Open en in uitvoering"), ("open", "Open")]
        )

    query = "/actiepunten/?status=open"
    soup = _render("{% active_filters_of form %}", query, form=_Status(RequestFactory().get(query).GET))
    assert (
        soup.select_one("a.filter-chip").get_text(" ", strip=True)
        == "Filter verwijderen: Status: Open en in uitvoering ✕"
    )


def test_a_long_facet_shows_six_values_and_the_rest_behind_a_summary_open_when_one_of_them_is_chosen():
    from core.listing import facet_group

    values = [(f"t{n}", f"Thema {n}", 20 - n) for n in range(9)]
    closed = facet_group(RequestFactory().get("/").GET, name="thema", title="Thema", values=values)
    chosen = facet_group(RequestFactory().get("/?thema=t8").GET, name="thema", title="Thema", values=values)

    soup = _render("{% facets groups %}", "/", groups=[closed])
    assert len(soup.select("section > ul > li")) == 6 and len(soup.select("details li")) == 3
    assert soup.select_one("details summary").get_text(strip=True) == "Nog 3 tonen"
    assert not soup.select_one("details").has_attr("open")
    assert _render("{% facets groups %}", "/", groups=[chosen]).select_one("details").has_attr("open")
