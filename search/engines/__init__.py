"""Which engine answers: Elasticsearch when ELASTICSEARCH_URL is set, the database otherwise, and the
database also whenever Elasticsearch cannot answer."""

from functools import lru_cache

from django.conf import settings

from .database import DatabaseEngine
from .elasticsearch import ElasticsearchEngine


def database_engine():
    return DatabaseEngine()


@lru_cache(maxsize=1)
def _elasticsearch_engine(url: str, index_name: str):
    return ElasticsearchEngine(url, index_name=index_name)


def elasticsearch_engine():
    """None when no cluster is configured."""
    if not settings.ELASTICSEARCH_URL:
        return None
    return _elasticsearch_engine(settings.ELASTICSEARCH_URL, settings.ELASTICSEARCH_INDEX)


def primary_engine():
    return elasticsearch_engine() or database_engine()
