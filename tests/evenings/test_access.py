"""Every route of module 2 per role (design section 3): the public pages open for anyone, the organisers'
screens only for the secretariat and the municipality's own AOV; anonymous goes to login, out of scope is a
404, and a refused write changes nothing. No screen shows a resident's e-mail address."""

import pytest

from evenings.models import Registration, Speaker

from .conftest import evening, sign_in

pytestmark = pytest.mark.django_db

ROLES = [
    "partner",
    "aov",
    "aov_elsewhere",
    "secretariat",
    "coach",
    "coordinator",
    "privacy_officer",
    "admin",
    "no_role",
]
ORGANISERS = {"aov", "secretariat"}


@pytest.fixture
def world(people):
    published = evening()
    draft = evening(published=False, days=20)
    speaker = Speaker.objects.create(evening=published, kind="gast", name="Jan de Boer", position=1)
    Registration.objects.create(evening=published, people=2, email="geheim.adres@example.nl")
    return {"published": published, "draft": draft, "speaker": speaker}


def _organiser_routes(world):
    e = world["published"].pk
    return {
        "list": ("get", "/informatieavonden/organiseren/"),
        "new": ("get", "/informatieavonden/organiseren/nieuw/"),
        "detail": ("get", f"/informatieavonden/organiseren/{e}/"),
        "edit": ("get", f"/informatieavonden/organiseren/{e}/wijzigen/"),
        "attendance": ("get", f"/informatieavonden/organiseren/{e}/opkomst/"),
        "speaker_crm": ("post", f"/informatieavonden/organiseren/{e}/sprekers/crm/"),
        "speaker_guest": ("post", f"/informatieavonden/organiseren/{e}/sprekers/gast/"),
        "speaker_remove": ("post", f"/informatieavonden/organiseren/spreker/{world['speaker'].pk}/verwijderen/"),
        "lesson": ("post", f"/informatieavonden/organiseren/{e}/les/"),
    }


def test_public_pages_open_for_anyone_and_drafts_for_nobody(client, people, world):
    published, draft = world["published"], world["draft"]
    for role in [None, *ROLES]:
        client.logout()
        if role:
            sign_in(client, people[role])
        listing = client.get("/informatieavonden/")
        assert listing.status_code == 200, role
        assert f"/informatieavonden/{published.slug}/" in listing.content.decode()
        assert draft.slug not in listing.content.decode()
        page = client.get(f"/informatieavonden/{published.slug}/")
        assert page.status_code == 200, role
        assert "Jan de Boer" in page.content.decode()
        assert "geheim.adres" not in page.content.decode()
        assert client.get(f"/informatieavonden/{draft.slug}/").status_code == 404, role
        assert client.get("/informatieavonden/bestaat-niet-2027-01-01/").status_code == 404


def test_organiser_routes_per_role(client, people, world):
    routes = _organiser_routes(world)
    for name, (method, url) in routes.items():
        response = getattr(client, method)(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith("/account/inloggen/"), name
    for role in ROLES:
        client.logout()
        sign_in(client, people[role])
        for name, (method, url) in routes.items():
            if method == "post":
                continue
            response = client.get(url)
            allowed = ORGANISERS | ({"aov_elsewhere"} if name in ("list", "new") else set())
            if role in allowed:
                assert response.status_code == 200, (role, name, response.status_code)
                assert "geheim.adres" not in response.content.decode(), (role, name)
            else:
                assert response.status_code == 404, (role, name, response.status_code)
        if role not in ORGANISERS:
            for name in ("speaker_guest", "speaker_remove", "lesson"):
                assert client.post(routes[name][1], {"gast-name": "Indringer"}).status_code == 404, (role, name)
    assert list(world["published"].speakers.values_list("name", flat=True)) == ["Jan de Boer"]
    assert not world["published"].lessons.exists()


def test_another_municipalitys_aov_gets_404_and_sees_nothing(client, people, world):
    sign_in(client, people["aov_elsewhere"])
    listing = client.get("/informatieavonden/organiseren/")
    assert listing.status_code == 200
    assert "Haarlem" not in listing.content.decode()
    e = world["published"].pk
    for url in [f"/informatieavonden/organiseren/{e}/", f"/informatieavonden/organiseren/{e}/opkomst/"]:
        assert client.get(url).status_code == 404
    assert client.post(f"/informatieavonden/organiseren/{e}/sprekers/gast/", {"gast-name": "X"}).status_code == 404
    assert client.post(f"/informatieavonden/organiseren/{e}/wijzigen/", {"title": "Gekaapt"}).status_code == 404
    # Creating one for Haarlem is refused as an unknown choice: only their own municipality is offered.
    from stakeholders.models import Municipality

    haarlem = Municipality.objects.get(cbs_code="GM0392")
    response = client.post(
        "/informatieavonden/organiseren/nieuw/",
        {"municipality": haarlem.pk, "title": "X", "date": "2099-01-01", "starts_at": "19:30", "place": "P",
         "address": "A"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Kies een gemeente uit de lijst." in response.content.decode()
    world["published"].refresh_from_db()
    assert world["published"].title == "Informatieavond veilig buitengebied"


def test_the_aov_sees_their_draft_and_unknown_ids_are_404(client, people, world):
    sign_in(client, people["aov"])
    listing = client.get("/informatieavonden/organiseren/").content.decode()
    assert f"/informatieavonden/organiseren/{world['draft'].pk}/" in listing
    assert "Nog niet gepubliceerd" in listing
    for url in ["/informatieavonden/organiseren/999999/", "/informatieavonden/organiseren/999999/opkomst/"]:
        assert client.get(url).status_code == 404
    assert client.post("/informatieavonden/organiseren/spreker/999999/verwijderen/").status_code == 404


def test_menu_item_only_for_organisers(client, people, world):
    sign_in(client, people["aov"])
    assert 'href="/informatieavonden/organiseren/"' in client.get("/informatieavonden/").content.decode()
    client.logout()
    sign_in(client, people["partner"])
    page = client.get("/informatieavonden/").content.decode()
    assert 'href="/informatieavonden/organiseren/"' not in page
    assert '<a href="/informatieavonden/"' in page.split('aria-label="Hoofdmenu"', 1)[1].split("</nav>", 1)[0]
