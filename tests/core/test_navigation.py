"""Each role sees only the menu items it may open, and no item leads to a 404 for its holder."""

import pytest

from core.roles import Role

pytestmark = pytest.mark.django_db

EXPECTED = {
    None: {"Start", "Kennisbank", "Materialen", "Informatieavonden"},
    Role.PARTNER: {
        "Start",
        "Kennisbank",
        "Materialen",
        "Platforms",
        "Actiepunten",
        "Wie is wie",
        "Integrale acties",
        "Voortgang",
        "Trainingen",
        "Informatieavonden",
    },
    Role.AOV: {
        "Start",
        "Kennisbank",
        "Materialen",
        "Platforms",
        "Actiepunten",
        "Wie is wie",
        "Integrale acties",
        "Voortgang",
        "Doorverwijzingen",
        "Trainingen",
        "Informatieavonden",
    },
    Role.SECRETARIAT: {
        "Start",
        "Kennisbank",
        "Materialen",
        "Platforms",
        "Actiepunten",
        "Wie is wie",
        "Integrale acties",
        "Voortgang",
        "Beheer inhoud",
        "Uitnodigen",
        "Doorverwijzingen in cijfers",
        "Enquêtes",
        "Trainingen",
        "Informatieavonden",
    },
    # Every role reads the training sessions (design section 3); only Partners and AOVs register. Everyone
    # finds the information evenings: organisers their screens, the others the public list.
    Role.COACH: {"Start", "Kennisbank", "Materialen", "Doorverwijzingen", "Trainingen", "Informatieavonden"},
    Role.COACH_COORDINATOR: {
        "Start",
        "Kennisbank",
        "Materialen",
        "Doorverwijzingen",
        "Trainingen",
        "Informatieavonden",
    },
    Role.PRIVACY_OFFICER: {
        "Start",
        "Kennisbank",
        "Materialen",
        "Roltoekenningen",
        "Toegangslog",
        "Verzoek betrokkene",
        "Trainingen",
        "Informatieavonden",
    },  # fmt: skip
    Role.ADMIN: {
        "Start",
        "Kennisbank",
        "Materialen",
        "Beheeromgeving",
        "Gebruikers en rollen",
        "Trainingen",
        "Informatieavonden",
    },
}


def _menu(html: str) -> set[str]:
    import re

    nav = html.split('aria-label="Hoofdmenu"', 1)[1].split("</nav>", 1)[0]
    return set(re.findall(r'<a href="[^"]+"[^>]*>([^<]+)</a>', nav))


@pytest.mark.parametrize("role", list(EXPECTED))
def test_menu_per_role(client, reference_data, make_user, login_with_mfa, role):
    if role is not None:
        login_with_mfa(client, make_user(role))
    html = client.get("/").text
    assert _menu(html) == EXPECTED[role]
    for href in __import__("re").findall(
        r'<a href="(/[^"]*)"', html.split('aria-label="Hoofdmenu"', 1)[1].split("</nav>", 1)[0]
    ):
        assert client.get(href).status_code == 200, href


def test_the_menu_reverses_its_urls_once_and_marks_the_current_page(client, reference_data, make_user, monkeypatch):
    """The menu is on every page: its URLs are reversed once per process (issue #22), not on every view, and
    the page the reader is on is still marked."""
    from core import navigation

    navigation._reversed.cache_clear()
    calls = []
    real_reverse = navigation.reverse
    monkeypatch.setattr(
        navigation, "reverse", lambda *args, **kwargs: calls.append(args) or real_reverse(*args, **kwargs)
    )
    client.force_login(make_user(Role.PARTNER))

    client.get("/")
    first = len(calls)
    html = client.get("/actiepunten/").text

    assert first > 0 and len(calls) == first
    nav = html.split('aria-label="Hoofdmenu"', 1)[1].split("</nav>", 1)[0]
    assert '<a href="/actiepunten/" aria-current="page">Actiepunten</a>' in nav
    assert nav.count("aria-current") == 1
