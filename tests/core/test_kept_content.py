"""Page parts kept per page-cache version (core.page_cache.kept_content): built once, made anew after any
change that bumps the version, and never read across builds of the portal."""

import pytest

from core import page_cache

pytestmark = pytest.mark.django_db  # the embedded default keeps the cache in the database


@pytest.fixture(autouse=True)
def _empty_cache():
    from django.core.cache import cache

    cache.clear()


def test_a_part_is_built_once_and_anew_after_the_version_changes():
    builds = []

    def build():
        builds.append(1)
        return {"names": ["Hennep"]}

    assert page_cache.kept_content("part:1", build) == {"names": ["Hennep"]}
    assert page_cache.kept_content("part:1", build) == {"names": ["Hennep"]}
    assert len(builds) == 1
    page_cache.invalidate()
    page_cache.kept_content("part:1", build)
    assert len(builds) == 2


def test_another_build_of_the_portal_does_not_read_what_this_one_kept(monkeypatch):
    page_cache.kept_content("part:1", lambda: "old shape")
    monkeypatch.setattr(page_cache, "build_id", lambda: "a-newer-release")
    assert page_cache.kept_content("part:1", lambda: "new shape") == "new shape"


def test_a_part_built_under_an_older_version_is_not_used():
    """A slow request that read the version before a bump may store its build after it: never used."""
    page_cache.kept_content("part:1", lambda: "before")
    page_cache.invalidate()
    assert page_cache.kept_content("part:1", lambda: "after") == "after"
    assert page_cache.kept_content("part:1", lambda: "not built again") == "after"


def test_the_kept_site_follows_a_change_of_the_site(reference_data, rf):
    from wagtail.models import Site

    from core.views import _site_for

    request = rf.get("/")
    site, root_paths = _site_for(request)
    assert site.root_page.specific_class.__name__ == "HomePage" and root_paths
    site.site_name = "Veilig Buitengebied (test)"
    site.save()
    assert _site_for(rf.get("/"))[0].site_name == "Veilig Buitengebied (test)"
    assert Site.objects.count() == 1


def test_a_bump_held_back_while_migrating_is_made_when_migrating_ends():
    """A data migration's page changes reach the parts that workers of the previous release still serve."""
    before = page_cache.version()
    page_cache.migration_started()
    try:
        page_cache.invalidate()
        assert page_cache.version() == before  # not while the cache table may not exist yet
    finally:
        page_cache.migration_finished()
    assert page_cache.version() > before
