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
