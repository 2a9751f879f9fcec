"""Elasticsearch unreachable (ELASTICSEARCH_URL points at a closed port): the search page answers from the
database documents with a notice, and /health/ reports search as degraded."""

import pytest

pytestmark = pytest.mark.faults

PUBLISH = """
from search.models import SearchDocument
from tests.knowledgebase.factories import article
page = article("Drugsafval op het erf: samen opruimen", visibility="public")
print(SearchDocument.objects.filter(title__startswith="Drugsafval op het erf").count())
"""


def test_search_falls_back_to_the_database(app, redis_running, browser):
    # The index update runs at once (no worker here): the database documents get it, Elasticsearch cannot.
    assert app.shell(PUBLISH, HUEY_IMMEDIATE="true") == "1"
    visitor = browser()
    response = visitor.get("/zoeken/?q=drugsafval")
    assert response.status == 200, (response.status, app.log_tail())
    assert "De zoekmachine is even niet bereikbaar" in response.text
    results = response.text.split("resultaten-kop", 1)[-1]
    assert "samen opruimen" in results, results[:3000]

    health = visitor.get("/health/")
    assert health.status == 503
    body = health.json()
    assert "search" in body["failing"]
    assert body["checks"]["search"]["detail"].startswith("degraded: elasticsearch unreachable"), body
    assert body["checks"]["database"]["ok"] and body["checks"]["cache"]["ok"]
