"""Keeping the indexes in step with the data: changes are collected during a transaction and indexed after
it commits (a rolled-back write never reaches an index); a failing Elasticsearch never fails the write.

The database documents are always written (they are the fallback); Elasticsearch, when configured,
receives the same documents, and failures are stored in SearchIndexFailure for the worker to retry."""

import logging
import threading
from collections.abc import Callable, Iterable
from contextlib import contextmanager

from django.db import transaction

from core import audience_cache

from .contract import DocumentData
from .documents import TYPES
from .engines import database_engine, elasticsearch_engine
from .engines.base import SearchUnavailable

logger = logging.getLogger(__name__)
_state = threading.local()


def _pending() -> set[tuple[str, str]]:
    if not hasattr(_state, "pending"):
        _state.pending = set()
    return _state.pending


@contextmanager
def paused():
    """Bulk loaders (demo data, imports of thousands) index once at the end instead of per object."""
    previous = getattr(_state, "paused", False)
    _state.paused = True
    try:
        yield
    finally:
        _state.paused = previous


def schedule(doc_type: str, object_ids: Iterable) -> None:
    """Index these objects after the current transaction commits (at once outside a transaction)."""
    if getattr(_state, "paused", False):
        return
    keys = {(doc_type, str(object_id)) for object_id in object_ids}
    if not keys:
        return
    _pending().update(keys)
    # Registered on every call: after a rollback Django drops the callbacks, and the keys left behind are
    # simply re-read (and found unchanged or gone) by the next commit's flush. The first flush of a
    # transaction takes all keys; the others find nothing to do.
    transaction.on_commit(_flush, robust=True)


def _flush() -> None:
    keys = sorted(_pending())
    _pending().clear()
    if keys:
        from .tasks import index_objects

        index_objects([list(key) for key in keys])


def index_keys(keys: Iterable[tuple[str, str]]) -> tuple[int, int]:
    """Build documents for these objects and write them; objects gone or no longer indexable are removed.
    Returns (indexed, removed)."""
    by_type: dict[str, set[str]] = {}
    for doc_type, object_id in keys:
        if doc_type in TYPES:
            by_type.setdefault(doc_type, set()).add(str(object_id))
    documents: list[DocumentData] = []
    removals: list[tuple[str, str]] = []
    for doc_type, object_ids in by_type.items():
        found = dict(TYPES[doc_type].documents(object_ids))
        for object_id in object_ids:
            document = found.get(object_id)
            if document is None:
                removals.append((doc_type, object_id))
            else:
                documents.append(document)
    database = database_engine()
    database.index(documents)
    database.delete(removals)
    _to_elasticsearch(documents, removals)
    audience_cache.content_changed()  # search result pages cached per audience
    return len(documents), len(removals)


def _to_elasticsearch(documents: list[DocumentData], removals: list[tuple[str, str]]) -> None:
    from .models import SearchIndexFailure

    engine = elasticsearch_engine()
    if engine is None:
        return
    keys = [d.key for d in documents] + removals
    try:
        engine.index(documents)
        engine.delete(removals)
    except SearchUnavailable as exc:
        logger.warning("Elasticsearch index update failed for %d objects; will retry: %s", len(keys), exc)
        for doc_type, object_id in keys:
            failure, created = SearchIndexFailure.objects.get_or_create(
                doc_type=doc_type, object_id=object_id, defaults={"error": str(exc)[:500]}
            )
            if not created:
                failure.attempts += 1
                failure.error = str(exc)[:500]
                failure.save(update_fields=["attempts", "error", "last_failed_at"])
        return
    for doc_type, object_id in keys:
        SearchIndexFailure.objects.filter(doc_type=doc_type, object_id=object_id).delete()


def retry_failures(limit: int = 500) -> int:
    """Send failed objects to Elasticsearch again (the worker runs this every few minutes)."""
    from .models import SearchIndexFailure

    keys = list(SearchIndexFailure.objects.values_list("doc_type", "object_id")[:limit])
    if not keys or elasticsearch_engine() is None:
        return 0
    index_keys(keys)
    return len(keys)


def all_documents(doc_types: Iterable[str] | None = None):
    for doc_type in doc_types or TYPES:
        for _object_id, document in TYPES[doc_type].documents():
            if document is not None:
                yield document


def count_objects(doc_types: Iterable[str] | None = None) -> int:
    return sum(TYPES[doc_type].queryset().count() for doc_type in doc_types or TYPES)


def rebuild(doc_types: Iterable[str] | None = None, *, progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Rebuild the database documents and, when configured, Elasticsearch (behind its alias)."""
    doc_types = list(doc_types) if doc_types else None
    written = {"database": database_engine().rebuild(all_documents(doc_types), doc_types=doc_types, progress=progress)}
    engine = elasticsearch_engine()
    if engine is not None:
        try:
            written["elasticsearch"] = engine.rebuild(all_documents(doc_types), doc_types=doc_types)
        except SearchUnavailable as exc:
            logger.warning("Elasticsearch rebuild failed; the database documents are complete: %s", exc)
            written["elasticsearch"] = -1
    audience_cache.content_changed()
    return written
