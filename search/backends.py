"""The portal search engine: the database by default, Elasticsearch when ELASTICSEARCH_URL is set.

Wagtail's own search serves only the Wagtail admin; the portal's search box uses this module."""

import logging
from functools import lru_cache

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)


class DatabaseSearchBackend:
    name = "database"

    def ping(self) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)


class ElasticsearchSearchBackend:
    name = "elasticsearch"
    alias = "vbg"

    def __init__(self, url: str):
        from elasticsearch_dsl import connections

        self.client = connections.create_connection(alias=self.alias, hosts=[url], request_timeout=2)

    def ping(self) -> bool:
        try:
            return bool(self.client.ping())
        except Exception:  # noqa: BLE001 - an unreachable cluster is a health result
            logger.warning("Elasticsearch ping failed", exc_info=True)
            return False


@lru_cache(maxsize=1)
def get_search_backend():
    if settings.ELASTICSEARCH_URL:
        return ElasticsearchSearchBackend(settings.ELASTICSEARCH_URL)
    return DatabaseSearchBackend()
