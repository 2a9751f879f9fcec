"""The Wagtail admin's door (design section 3, issue #19 items 4 and 5): every /beheer/ URL answers 404 to
a logged-in user without admin access, and the Beheerder (users and roles only) sees no page, title or
snippet there. The URLs come from the URL resolver, so a view Wagtail or an app adds later is covered."""

import re
import uuid
from re import _parser as regex_parser

import pytest
from django.urls import URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern

from core.roles import Role
from tests.knowledgebase.factories import article
from tests.meetings.factories import meeting

pytestmark = pytest.mark.django_db

ROLES_WITHOUT_ADMIN = [Role.PARTNER, Role.AOV, Role.COACH, Role.COACH_COORDINATOR, Role.PRIVACY_OFFICER]
HIDDEN_TITLES = ("Kennemerlandse wietzolder", "Conceptversie drugsdumping", "Geheim platformoverleg Kennemerland")

# Values for the URL parameters by name, so that the views behind them would find something to show.
_SAMPLES = {
    "app_label": "accounts",
    "model_name": "user",
    "action": "set_active_state",
    "content_type_app_name": "knowledgebase",
    "content_type_model_name": "bestpracticepage",
    "action_name": "publish",
    "filter_spec": "original",
    "kind": "organisation",
}


def _sample_regex(pattern: str) -> str:
    """The shortest text a (simple) URL regex matches: the first alternative, the minimum repeat."""

    def walk(items) -> str:
        text = ""
        for op, arg in items:
            name = str(op)
            if name == "LITERAL":
                text += chr(arg)
            elif name in ("MAX_REPEAT", "MIN_REPEAT"):
                low, _high, sub = arg
                text += walk(sub) * max(low, 1)
            elif name == "SUBPATTERN":
                text += walk(arg[-1])
            elif name == "BRANCH":
                text += walk(arg[1][-1])  # the last alternative: in Wagtail's routes the plain id
            elif name == "IN":
                first_op, first = arg[0]
                text += "1" if str(first_op) == "CATEGORY" else chr(first[0] if str(first_op) == "RANGE" else first)
            elif name == "ANY":
                text += "x"
        return text

    return walk(regex_parser.parse(pattern))


def _sample(pattern, ids: dict) -> str:
    if isinstance(pattern, RoutePattern):

        def value(match):
            converter, name = match.group(1), match.group(2)
            if converter == "int":
                return str(ids.get(name, ids["default"]))
            if converter == "uuid":
                return str(uuid.uuid4())
            return _SAMPLES.get(name, "x")

        return re.sub(r"<(?:(\w+):)?(\w+)>", value, str(pattern._route))
    assert isinstance(pattern, RegexPattern)
    return _sample_regex(pattern._regex)


def _has_parameters(pattern) -> bool:
    return bool(pattern.converters if isinstance(pattern, RoutePattern) else pattern.regex.groups)


def admin_urls(ids: dict, *, with_objects: bool = True) -> list[str]:
    """One concrete URL per pattern under the admin's prefix, walked from the URL resolver; without
    `with_objects`, only those that name no object (menu items, choosers, search, reports, listings)."""
    prefix = reverse("wagtailadmin_home")
    urls = []

    def walk(patterns, path, parameters):
        for entry in patterns:
            here = path + _sample(entry.pattern, ids)
            has_parameters = parameters or _has_parameters(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, here, has_parameters)
            elif here.startswith(prefix) and (with_objects or not has_parameters):
                urls.append(here)

    walk(get_resolver().url_patterns, "/", False)
    return sorted(set(urls))


@pytest.fixture
def hidden_content(reference_data):
    """A district-only page, a draft (as a partner's unpublished contribution is) and a platform meeting."""
    district_page = article(HIDDEN_TITLES[0], visibility="districts", districts=("KEN",))
    draft = article(HIDDEN_TITLES[1], visibility="public", live=False)
    platform_meeting = meeting("KEN", title=HIDDEN_TITLES[2])
    return {
        "default": district_page.pk,
        "parent_page_id": district_page.get_parent().pk,
        "page_id": draft.pk,
        "pk": platform_meeting.pk,
    }


def test_the_resolver_walk_finds_every_kind_of_admin_view(hidden_content):
    urls = admin_urls(hidden_content)
    for expected in ("/beheer/", "/beheer/choose-page/search/", "/beheer/api/main/pages/", "/beheer/reports/locked/"):
        assert expected in urls
    assert any(u.startswith("/beheer/snippets/choose/meetings/actionitem/") for u in urls)
    assert any("/revisions/compare/" in u for u in urls)
    assert len(urls) > 250


def _assert_portal_404(client, url):
    # Choosers and the admin API are opened by script: Wagtail answers those differently (403 JSON).
    headers = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"} if "choose" in url or "/api/" in url else {}
    response = client.get(url, **headers)
    assert response.status_code == 404, (url, response.status_code, response.get("Location"))
    assert "Pagina niet gevonden" in response.text, url  # the portal's own 404 page
    assert not any(title in response.text for title in HIDDEN_TITLES), url


def test_every_admin_url_is_a_404_for_a_partner(client, make_user, login_with_mfa, hidden_content):
    """Wagtail sent them to its login page, which sent a logged-in user back: ERR_TOO_MANY_REDIRECTS."""
    login_with_mfa(client, make_user(Role.PARTNER, district="KEN"))
    for url in admin_urls(hidden_content):
        _assert_portal_404(client, url)


@pytest.mark.parametrize("role", ROLES_WITHOUT_ADMIN)
def test_admin_menu_search_and_chooser_urls_are_a_404_for_every_role_without_admin_access(
    client, make_user, login_with_mfa, hidden_content, role
):
    """The URLs without an object in them: every menu item, chooser, search, report and API listing."""
    login_with_mfa(client, make_user(role, district="KEN"))
    urls = admin_urls(hidden_content, with_objects=False)
    assert len(urls) > 100 and "/beheer/choose-page/search/" in urls
    for url in urls:
        _assert_portal_404(client, url)


def test_an_anonymous_visitor_of_the_admin_goes_to_login(client, hidden_content):
    for url in ("/beheer/", "/beheer/choose-page/", "/beheer/pages/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/account/inloggen/")


# The Beheerder's own part of the admin: users and roles.
_BEHEERDER_PATHS = ("/beheer/users/", "/beheer/groups/", "/beheer/account/", "/beheer/sprite/")
_BEHEERDER_URLS = ("/beheer/", "/beheer/jsi18n/", "/beheer/dismissibles/")


def test_the_beheerder_sees_no_content_anywhere_in_the_admin(client, make_user, login_with_mfa, hidden_content):
    login_with_mfa(client, make_user(Role.ADMIN, district=None))
    opened = []
    for url in admin_urls(hidden_content):
        if url == "/beheer/logout/":
            continue  # it ends the session the rest of the sweep needs
        response = client.get(url)
        for title in HIDDEN_TITLES:
            assert title not in response.text, (url, title)
        if response.status_code == 404:
            continue
        assert url.startswith(_BEHEERDER_PATHS) or url in _BEHEERDER_URLS, (
            url,
            response.status_code,
        )
        assert response.get("Location") != reverse("wagtailadmin_home"), url  # no "no permission" bounce
        opened.append(url)
    assert "/beheer/users/" in opened and "/beheer/groups/" in opened


@pytest.mark.parametrize(
    "url",
    [
        "/beheer/choose-page/",
        "/beheer/choose-page/search/?q=Kennemerlandse",
        "/beheer/choose-page/search/?q=Geheim",
        "/beheer/pages/",
        "/beheer/pages/search/?q=Kennemerlandse",
        "/beheer/api/main/pages/?fields=title",
        "/beheer/snippets/choose/meetings/actionitem/",
        "/beheer/documents/chooser/",
        "/beheer/images/chooser/",
        "/beheer/reports/site-history/",
    ],
)
def test_the_beheerders_choosers_explorer_and_search_are_shut(client, make_user, login_with_mfa, hidden_content, url):
    login_with_mfa(client, make_user(Role.ADMIN, district=None))
    response = client.get(url, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 404
    assert not any(title in response.text for title in HIDDEN_TITLES)


def test_the_beheerder_lands_on_the_users_and_gets_404_where_wagtail_would_bounce(client, make_user, login_with_mfa):
    login_with_mfa(client, make_user(Role.ADMIN, district=None))
    home = client.get("/beheer/")
    assert home.status_code == 302 and home["Location"] == reverse("wagtailusers_users:index")
    assert client.get("/beheer/users/").status_code == 200
    assert client.get("/beheer/groups/").status_code == 200
    # Viewing groups is the Beheerder's; changing one is not: Wagtail redirected to the dashboard.
    group_edit = client.get("/beheer/groups/edit/1/")
    assert group_edit.status_code == 404
    assert client.get("/beheer/users/").status_code == 200


def test_the_secretariat_still_finds_every_page_in_the_chooser_and_explorer(
    client, make_user, login_with_mfa, hidden_content
):
    login_with_mfa(client, make_user(Role.SECRETARIAT, district=None))
    assert client.get("/beheer/").status_code == 200
    search = client.get("/beheer/choose-page/search/?q=Kennemerlandse")
    assert search.status_code == 200 and HIDDEN_TITLES[0] in search.text
    explorer = client.get(f"/beheer/pages/{hidden_content['parent_page_id']}/")
    assert HIDDEN_TITLES[0] in explorer.text and HIDDEN_TITLES[1] in explorer.text
    meetings = client.get("/beheer/choose-page/search/?q=Geheim")
    assert HIDDEN_TITLES[2] in meetings.text
    assert client.get("/beheer/snippets/choose/meetings/actionitem/").status_code == 200
