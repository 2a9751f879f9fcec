"""Which engine answers: Elasticsearch when ELASTICSEARCH_URL is set, the database otherwise, and the
database also whenever Elasticsearch cannot answer."""

from functools import lru_cache

from django.conf import settings


def database_engine():
    from .database import DatabaseEngine

    return DatabaseEngine()


@lru_cache(maxsize=1)
def _elasticsearch_engine(url: str, index_name: str):
    from .elasticsearch import ElasticsearchEngine

    return ElasticsearchEngine(url, index_name=index_name)


def elasticsearch_engine():
    """None when no cluster is configured."""
    if not settings.ELASTICSEARCH_URL:
        return None
    return _elasticsearch_engine(settings.ELASTICSEARCH_URL, settings.ELASTICSEARCH_INDEX)


def primary_engine():
    return elasticsearch_engine() or database_engine()
