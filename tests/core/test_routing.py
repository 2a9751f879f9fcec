"""Serving a page cheaply without changing who gets which page (issue #22, point 5): the home page routes the
whole path in one query, Wagtail's second reading of the view restrictions is skipped only where the portal's
own check already decided, and a first view costs a fixed number of queries."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.http import Http404
from django.test import RequestFactory
from wagtail.models import Page, PageViewRestriction

from core.models import HomePage, StatementPage
from core.roles import Role
from tests.knowledgebase.factories import article
from tests.meetings.factories import meeting

pytestmark = pytest.mark.django_db


def _wagtails_route(path: str):
    """The answer of Wagtail's own routing: Page.route level by level from the site root."""
    home = HomePage.objects.get()
    components = [part for part in path.split("/") if part]
    try:
        return Page.route(home, RequestFactory().get(path), components).page.pk
    except Http404:
        return None


def _portals_route(path: str):
    home = HomePage.objects.get()
    components = [part for part in path.split("/") if part]
    try:
        return home.route(RequestFactory().get(path), components).page.pk
    except Http404:
        return None


def test_no_page_type_routes_on_its_own():
    """The one-query route is only the same as Wagtail's while every page type uses Page.route."""
    page_models = [model for model in apps.get_models() if issubclass(model, Page) and model is not HomePage]
    assert [model.__name__ for model in page_models if model.route is not Page.route] == []


def test_every_page_is_found_where_wagtail_finds_it(reference_data):
    home = HomePage.objects.get()
    article("Loodsen in de polder", visibility="public")
    meeting("KEN")
    hidden_parent = home.add_child(instance=StatementPage(title="Map", slug="map", body="<p>x</p>", live=False))
    hidden_parent.add_child(instance=StatementPage(title="Binnen", slug="binnen", body="<p>x</p>"))
    hidden_parent.add_child(instance=StatementPage(title="Concept", slug="concept", body="<p>x</p>", live=False))
    # The same slug elsewhere in the tree, one level deeper: not the page asked for.
    home.add_child(instance=StatementPage(title="Andere map", slug="andere", body="<p>x</p>")).add_child(
        instance=StatementPage(title="Binnen ook", slug="binnen", body="<p>x</p>")
    )

    paths = [page.url_path[len(home.url_path) - 1 :] for page in Page.objects.descendant_of(home)]
    paths += ["/bestaat-niet/", "/map/bestaat-niet/", "/kennisbank/bestaat-niet/diep/", "/binnen/"]
    assert len(paths) > 10
    assert {path: _portals_route(path) for path in paths} == {path: _wagtails_route(path) for path in paths}
    assert _portals_route("/map/binnen/") is not None  # a page below an unpublished one, as in Wagtail
    assert _portals_route("/map/concept/") is None  # a draft is not served


def test_the_route_asks_one_query_for_the_page_and_its_parent(reference_data, django_assert_num_queries):
    meeting_page = meeting("KEN")
    path = meeting_page.url_path[len(HomePage.objects.get().url_path) - 1 :]
    home = HomePage.objects.get()

    with django_assert_num_queries(2):  # the page with its parent, then its specific row
        found = home.route(RequestFactory().get(path), [part for part in path.split("/") if part]).page
        assert found.get_parent().pk == meeting_page.get_parent().pk

    assert found.pk == meeting_page.pk and type(found).__name__ == "MeetingPage"


@pytest.fixture
def password_page(reference_data):
    page = HomePage.objects.get().add_child(
        instance=StatementPage(title="Met wachtwoord", slug="wachtwoord", body="<p>Geheim</p>")
    )
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.PASSWORD, password="geheim")
    return page


def test_a_password_page_still_asks_for_its_password(client, make_user, password_page):
    client.force_login(make_user(Role.PARTNER))
    response = client.get("/wachtwoord/")
    assert response.status_code == 200 and 'name="password"' in response.text and "Geheim" not in response.text


def test_restricted_pages_are_never_cached_by_the_browser_or_a_proxy(client, make_user, login_with_mfa, reference_data):
    page = HomePage.objects.get().add_child(instance=StatementPage(title="Intern", slug="intern", body="<p>Geheim</p>"))
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.set([Group.objects.get(name="Secretariaat")])
    login_with_mfa(client, make_user(Role.SECRETARIAT))

    response = client.get("/intern/")

    assert response.status_code == 200 and "Geheim" in response.text
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_wagtails_own_password_login_is_not_a_way_in(client):
    response = client.get("/_util/login/?next=/kennisbank/")
    assert response.status_code == 302 and response["Location"].startswith("/account/inloggen/")
    assert client.post("/_util/login/", {"username": "x", "password": "y"}).status_code in (302, 405)


def _first_view_queries(client, url, capture) -> int:
    """Database queries of one view, leaving out reads of the database cache: with Redis (CI's second pass)
    they are not database queries, so the figure is the same on both."""
    with capture() as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len([query for query in queries.captured_queries if "vbg_cache" not in query["sql"]])


def test_a_partners_first_view_of_an_article_or_a_meeting_asks_a_fixed_number_of_queries(client, make_user):
    """As the bench's kb_article and meeting_page measure them (issue #22): the meeting has a chair and a
    secretary (read with the page itself) and an agenda item that lists the open action items of earlier
    meetings, with an open item from an earlier meeting on the same platform."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from meetings.models import ActionItem, AgendaItem
    from tests.stakeholders.factories import ContactFactory

    client.force_login(make_user(Role.PARTNER, district="KEN"))
    page = article("Loodsen in de polder", visibility="partners")
    earlier = meeting("KEN", starts_in_days=-30)
    ActionItem.objects.create(meeting=earlier, description="Kaart van de erven bijwerken")
    meeting_page = meeting("KEN", chair=ContactFactory(last_name="Voorzitter"), secretary=ContactFactory())
    AgendaItem.objects.create(page=meeting_page, title="Actiepunten", is_previous_actions=True, sort_order=9)
    client.get(page.url)  # the site root paths enter the cache once

    def capture():
        return CaptureQueriesContext(connection)

    # At most: the session comes from Redis where Redis is the cache (one query fewer). Before issue #22: 24
    # and 24; after its first part: 16 and 19 (and 2 more for a chair and a secretary); now the chair and the
    # secretary come with the page.
    assert _first_view_queries(client, page.url, capture) <= 9
    assert _first_view_queries(client, meeting_page.url, capture) <= 14
    response = client.get(meeting_page.url)
    assert "Voorzitter" in response.text and "Kaart van de erven bijwerken" in response.text


def test_a_page_type_without_related_rows_to_serve_is_served_as_wagtail_finds_it(reference_data):
    """Only page types that name rows in `serve_select_related` are read differently; the copy keeps what the
    route set on the generic page (its parent for the breadcrumb)."""
    from core.models import _specific_with_its_related_rows

    meeting_page = meeting("KEN")
    generic = Page.objects.get(pk=meeting_page.pk)
    generic._cached_parent_obj = "the parent"
    specific = _specific_with_its_related_rows(generic)
    assert type(specific).__name__ == "MeetingPage" and specific._cached_parent_obj == "the parent"
    assert "chair" in specific._state.fields_cache and "secretary" in specific._state.fields_cache

    statement = HomePage.objects.get().add_child(instance=StatementPage(title="V", slug="v", body="<p>x</p>"))
    generic = Page.objects.get(pk=statement.pk)
    assert _specific_with_its_related_rows(generic) == generic.specific
