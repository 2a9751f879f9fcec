"""No test is judged on a cache another test warmed (tests/conftest.py clears every cache around each test).

A database cache inside the `db` fixture's transaction is rolled back anyway; a transactional test's flush
leaves the cache table alone, and Redis is outside any transaction, so those are the cases that leak without
the clearing. The pair below is order-independent: whichever run comes second checks that the page the
other one cached is a MISS again, and that nothing else it stored survived."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from core import page_cache

_warmed: list[tuple[str, str]] = []


@pytest.mark.parametrize("run", ["one", "two"])
def test_a_page_cached_by_one_test_is_a_miss_in_the_next(run, transactional_db, reference_data, client):
    if _warmed:
        earlier, page_key = _warmed[0]
        assert cache.get(page_key) is None, f"the page run {earlier} cached leaked"
        assert cache.get("isolation:sentinel") is None, f"run {earlier}'s cache entry leaked"
    first = client.get("/")
    assert first.status_code == 200
    assert first["X-Cache"] == "MISS", "a page cached by an earlier test was served from the cache"
    assert client.get("/")["X-Cache"] == "HIT"  # the cache is warm now, for the next run to find cleared
    cache.set("isolation:sentinel", run, timeout=None)
    page_key = page_cache._key(RequestFactory().get("/"), cache.get(page_cache.VERSION_KEY))
    assert cache.get(page_key) is not None
    _warmed.append((run, page_key))
