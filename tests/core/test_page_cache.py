"""The shared page cache serves public pages to anonymous visitors only, and forgets a page the moment
it is unpublished, moved or made private; everything else is kept out of shared caches."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from core.roles import Role
from tests.knowledgebase.factories import article

pytestmark = pytest.mark.django_db


def test_an_anonymous_public_page_is_served_from_the_cache_the_second_time(client, reference_data):
    page = article("Gedeelde kennis over schuren")
    first = client.get(page.url)
    assert first.status_code == 200 and first["X-Cache"] == "MISS"
    assert first["Cache-Control"] == "public, max-age=0, must-revalidate"
    with CaptureQueriesContext(connection) as queries:
        second = client.get(page.url)
    assert second["X-Cache"] == "HIT" and second.content == first.content
    assert second["Content-Security-Policy"] and second["Content-Language"] == "nl"
    assert len(queries) <= 2  # the version and the entry (a database cache); no session, user or page query


def test_a_page_made_private_is_never_served_from_the_cache_again(client, reference_data):
    page = article("Bijna geheim")
    client.get(page.url)
    assert client.get(page.url)["X-Cache"] == "HIT"
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(page.url)
    assert response.status_code == 302 and "/account/inloggen/" in response["Location"]


def test_a_visibility_change_and_an_unpublish_take_effect_at_once(client, reference_data):
    page = article("Straks alleen voor partners")
    client.get(page.url)
    page.visibility = "partners"
    page.save_revision().publish()
    assert client.get(page.url).status_code == 302
    other = article("Gaat offline")
    client.get(other.url)
    other.unpublish()
    assert client.get(other.url).status_code == 404


def test_logged_in_pages_are_private_and_never_stored(client, make_user, reference_data):
    page = article("Voor iedereen")
    user = make_user(Role.PARTNER, first_name="Geheimenaam")
    client.force_login(user)
    response = client.get(page.url)
    assert "X-Cache" not in response and "private" in response["Cache-Control"]
    assert "Geheimenaam" in response.text or user.email in response.text or "Uitloggen" in response.text
    client.logout()
    client.cookies.clear()
    anonymous = client.get(page.url)
    assert anonymous["X-Cache"] == "MISS" and "Uitloggen" not in anonymous.text


def test_each_language_has_its_own_entry(client, reference_data):
    page = article("Tweetalig")
    assert "Inloggen" in client.get(page.url).text
    client.get(f"/taal/en/?volgende={page.url}")
    english = client.get(page.url)
    assert english["X-Cache"] == "MISS" and "Log in" in english.text and english["Content-Language"] == "en"


def test_the_referral_register_is_no_store(client, make_user, login_with_mfa):
    login_with_mfa(client, make_user(Role.COACH, district=None))
    response = client.get("/doorverwijzingen/")
    assert "no-store" in response["Cache-Control"] and "X-Cache" not in response


def test_restricted_and_form_pages_are_not_shared(client, reference_data):
    login = client.get("/account/inloggen/")
    assert "X-Cache" not in login and "private" in login["Cache-Control"]


def test_the_language_link_sets_the_cookie_and_refuses_other_sites(client, reference_data):
    response = client.get("/taal/en/?volgende=/kennisbank/")
    assert response.status_code == 302 and response["Location"] == "/kennisbank/"
    assert response.cookies["django_language"].value == "en"
    assert client.get("/taal/en/?volgende=https://evil.example/")["Location"] == "/"
    assert client.get("/taal/en/?volgende=//evil.example/")["Location"] == "/"
    assert client.get("/taal/xx/").status_code == 404


def test_the_liveness_check_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health/live/")
    assert response.status_code == 200 and response.content == b"ok" and "no-cache" in response["Cache-Control"]


def test_a_deploy_never_serves_pages_rendered_by_the_previous_build(client, reference_data, settings):
    from core.build import build_id

    page = article("Na de nieuwe release")
    client.get(page.url)
    assert client.get(page.url)["X-Cache"] == "HIT"
    settings.BUILD_ID = "the-next-release"
    build_id.cache_clear()
    try:
        assert build_id() == "the-next-release"
        assert client.get(page.url)["X-Cache"] == "MISS"  # no version was bumped: only the build differs
    finally:
        build_id.cache_clear()


def test_the_build_id_is_a_digest_of_the_source_files_and_ignores_data(tmp_path):
    from core.build import source_digest

    (tmp_path / "app" / "templates").mkdir(parents=True)
    template = tmp_path / "app" / "templates" / "page.html"
    template.write_text("<h1>{{ title }}</h1>")
    (tmp_path / "app" / "views.py").write_text("VIEW = 1\n")
    (tmp_path / "var").mkdir()
    first = source_digest(tmp_path)
    (tmp_path / "var" / "db.sqlite3").write_bytes(b"data changes every minute")
    (tmp_path / "app" / "notes.bin").write_bytes(b"not a source file")
    assert source_digest(tmp_path) == first
    template.write_text("<h1 class='nieuw'>{{ title }}</h1>")
    assert source_digest(tmp_path) != first
