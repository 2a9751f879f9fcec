"""What every portal search engine offers. The database engine is always kept up to date (it is also the
fallback); Elasticsearch is added beside it when ELASTICSEARCH_URL is set."""

from collections.abc import Callable, Iterable
from typing import Protocol

from ..access import AccessScope
from ..contract import DocumentData, SearchRequest, SearchResponse, TitleSuggestion


class SearchUnavailable(Exception):
    """The engine could not answer (cluster down, timeout); the caller falls back to the database."""


class SearchEngine(Protocol):
    name: str

    def search(self, request: SearchRequest) -> SearchResponse: ...

    def autocomplete(self, *, prefix: str, scope: AccessScope, limit: int = 8) -> list[TitleSuggestion]: ...

    def count(self, request: SearchRequest) -> int:
        """Hits for the request (used to offer a "bedoelde u" suggestion only when it finds something)."""
        ...

    def index(self, documents: Iterable[DocumentData]) -> int: ...

    def delete(self, keys: Iterable[tuple[str, str]]) -> int: ...

    def rebuild(
        self,
        documents: Iterable[DocumentData],
        *,
        doc_types: Iterable[str] | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Replace the index (or only the given types) with `documents`; returns how many were written."""
        ...

    def ping(self) -> bool: ...
