"""Keeping the indexes in step with the data: changes are collected during a transaction and indexed after
it commits (a rolled-back write never reaches an index); a failing Elasticsearch never fails the write.

The database documents are always written (they are the fallback); Elasticsearch, when configured,
receives the same documents, and failures are stored in SearchIndexFailure for the worker to retry."""

import hashlib
import logging
import threading
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .contract import DocumentData
from .documents import TYPES
from .engines import database_engine, elasticsearch_engine
from .engines.base import SearchUnavailable
from .models import SearchDocument, SearchDocumentAccess, SearchIndexFailure, SearchTag
from .tasks import index_objects

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
        index_objects([list(key) for key in keys])


def index_keys(keys: Iterable[tuple[str, str]]) -> tuple[int, int]:
    """Build documents for these objects and write them; objects gone or no longer indexable are removed.
    Returns (indexed, removed).

    With Elasticsearch configured, the keys are marked as pending (a SearchIndexFailure row) before the
    database documents change and unmarked only once the cluster has the change: while any mark exists the
    database answers searches (search.selectors.elasticsearch_lags), so a write under way, a failed one and
    one whose worker died in between all fail closed."""
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
    elasticsearch = elasticsearch_engine()
    if elasticsearch is not None:
        _mark_pending([d.key for d in documents] + removals)
    database = database_engine()
    database.index(documents)
    database.delete(removals)
    if elasticsearch is not None:
        _to_elasticsearch(elasticsearch, documents, removals)
    return len(documents), len(removals)


def _by_type(keys: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for doc_type, object_id in keys:
        grouped.setdefault(doc_type, []).append(object_id)
    return grouped


def _failures_of(keys: Iterable[tuple[str, str]]):
    """The SearchIndexFailure rows of these keys, one queryset per type and chunk."""
    for doc_type, object_ids in _by_type(keys).items():
        for start in range(0, len(object_ids), 500):
            yield SearchIndexFailure.objects.filter(doc_type=doc_type, object_id__in=object_ids[start : start + 500])


def _mark_pending(keys: list[tuple[str, str]]) -> None:
    """A row per key (attempts 0 until a write fails); an existing row keeps its count of failed attempts."""
    SearchIndexFailure.objects.bulk_create(
        [SearchIndexFailure(doc_type=t, object_id=o, error="", attempts=0) for t, o in keys],
        batch_size=500,
        ignore_conflicts=True,
    )


def _to_elasticsearch(engine, documents: list[DocumentData], removals: list[tuple[str, str]]) -> None:
    keys = [d.key for d in documents] + removals
    try:
        engine.index(documents)
        engine.delete(removals)
    except SearchUnavailable as exc:
        logger.warning("Elasticsearch index update failed for %d objects; will retry: %s", len(keys), exc)
        _mark_pending(keys)  # again: a concurrent success of the same key may have removed the mark
        for failures in _failures_of(keys):
            failures.update(attempts=F("attempts") + 1, error=str(exc)[:500], last_failed_at=timezone.now())
        return
    for failures in _failures_of(keys):
        failures.delete()


def retry_failures(limit: int = 500) -> int:
    """Send failed objects to Elasticsearch again (the worker runs this every few minutes)."""
    if elasticsearch_engine() is None:
        return 0
    # A type that no longer exists can never be retried, and its row would keep searches off Elasticsearch.
    SearchIndexFailure.objects.exclude(doc_type__in=list(TYPES)).delete()
    keys = list(SearchIndexFailure.objects.values_list("doc_type", "object_id")[:limit])
    if not keys:
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
    return written


# --- Verification: do the indexes hold what would be built from the objects now? ----------------------------


@dataclass
class TypeDifferences:
    """Object ids per kind of difference, for one document type."""

    documents: int = 0  # documents that should exist (built from the objects now)
    missing: list[str] = field(default_factory=list)  # no database document, though there should be one
    extra: list[str] = field(default_factory=list)  # a database document for an object gone or not indexable
    stale: list[str] = field(default_factory=list)  # title, body, url, date, weight, access or tags differ
    es_missing: list[str] = field(default_factory=list)  # a database document Elasticsearch does not have
    es_extra: list[str] = field(default_factory=list)  # an Elasticsearch document the database does not have

    @property
    def count(self) -> int:
        return sum(len(ids) for ids in (self.missing, self.extra, self.stale, self.es_missing, self.es_extra))


@dataclass
class VerifyReport:
    types: dict[str, TypeDifferences]
    elasticsearch: str  # "not configured", "compared" or "unreachable"
    fixed: int = 0  # objects re-indexed (fix=True)

    @property
    def differences(self) -> int:
        return sum(differences.count for differences in self.types.values())

    def keys(self) -> set[tuple[str, str]]:
        return {
            (doc_type, object_id)
            for doc_type, found in self.types.items()
            for ids in (found.missing, found.extra, found.stale, found.es_missing, found.es_extra)
            for object_id in ids
        }


def _digest(title, body, url, date, weight, level, districts, groups, scope_changes_on, tags) -> bytes:
    """One value for everything a search shows or filters on; equal digests mean equal documents."""
    value = (title, body, url, date, float(weight), level, districts, groups, scope_changes_on, tuple(sorted(tags)))
    return hashlib.blake2b(repr(value).encode(), digest_size=16).digest()


def _built_digest(doc: DocumentData) -> bytes:
    """As DatabaseEngine._insert stores the document (the same truncations)."""
    access = doc.access
    return _digest(
        doc.title[:1000],
        doc.body,
        doc.url,
        doc.date,
        doc.weight,
        access.level,
        None if access.districts is None else tuple(sorted(access.districts)),
        None if access.groups is None else tuple(sorted(access.groups)),
        access.scope_changes_on,
        [(facet, key[:64], label[:200]) for facet, pairs in doc.tags.items() for key, label in pairs],
    )


def _stored_digests(doc_type: str) -> dict[str, bytes]:
    """object id -> digest of the database document as stored (its row, access rows and tags)."""
    access: dict[int, dict[str, list[int]]] = {}
    for document_id, kind, value in SearchDocumentAccess.objects.filter(document__doc_type=doc_type).values_list(
        "document_id", "kind", "value"
    ):
        access.setdefault(document_id, {}).setdefault(kind, []).append(value)
    tags: dict[int, list[tuple[str, str, str]]] = {}
    for document_id, facet, key, label in SearchTag.objects.filter(document__doc_type=doc_type).values_list(
        "document_id", "facet", "key", "label"
    ):
        tags.setdefault(document_id, []).append((facet, key, label))
    rows = SearchDocument.objects.filter(doc_type=doc_type).values_list(
        "id", "object_id", "title", "body", "url", "date", "weight", "access_level", "needs_district",
        "needs_group", "scope_changes_on",
    )  # fmt: skip
    digests = {}
    for pk, object_id, title, body, url, date, weight, level, needs_district, needs_group, changes in rows.iterator(
        chunk_size=2000
    ):
        kinds = access.get(pk, {})
        digests[object_id] = _digest(
            title,
            body,
            url,
            date,
            weight,
            level,
            tuple(sorted(kinds.get("district", ()))) if needs_district else None,
            tuple(sorted(kinds.get("group", ()))) if needs_group else None,
            changes,
            tags.get(pk, ()),
        )
    return digests


def verify(*, fix: bool = False, doc_types: Iterable[str] | None = None) -> VerifyReport:
    """Compare, for every document type, the database documents with the documents built from the objects
    now: missing, extra and stale ones; with Elasticsearch configured, also its document ids with the
    database's. With `fix`, exactly the objects concerned are indexed again (both engines).

    Nothing here trusts the write paths: a write that sent no signal, a lost index task or a worker that
    died half-way all show up. A change made while this runs may show up once too; indexing it again is
    harmless."""
    report = VerifyReport(types={}, elasticsearch="not configured")
    stored_ids: dict[str, set[str]] = {}
    for doc_type in doc_types or TYPES:
        stored = _stored_digests(doc_type)
        built = {
            object_id: _built_digest(document)
            for object_id, document in TYPES[doc_type].documents()
            if document is not None
        }
        report.types[doc_type] = TypeDifferences(
            documents=len(built),
            missing=sorted(built.keys() - stored.keys()),
            extra=sorted(stored.keys() - built.keys()),
            stale=sorted(key for key in built.keys() & stored.keys() if built[key] != stored[key]),
        )
        stored_ids[doc_type] = set(stored)
    engine = elasticsearch_engine()
    unknown: list[tuple[str, str]] = []
    if engine is not None:
        try:
            in_elasticsearch = engine.document_ids()
        except SearchUnavailable as exc:
            logger.warning("Search index verify could not read Elasticsearch: %s", exc)
            report.elasticsearch = "unreachable"
        else:
            report.elasticsearch = "compared"
            for doc_type, differences in report.types.items():
                found = in_elasticsearch.get(doc_type, set())
                differences.es_missing = sorted(stored_ids[doc_type] - found)
                differences.es_extra = sorted(found - stored_ids[doc_type])
            if doc_types is None:
                # Documents of a type the portal no longer has: only Elasticsearch can hold them.
                for doc_type in in_elasticsearch.keys() - TYPES.keys():
                    report.types[doc_type] = TypeDifferences(es_extra=sorted(in_elasticsearch[doc_type]))
                    unknown += [(doc_type, object_id) for object_id in in_elasticsearch[doc_type]]
    if fix and report.differences:
        keys = sorted(report.keys() - set(unknown))
        for start in range(0, len(keys), 500):
            index_keys(keys[start : start + 500])
        if unknown:
            _to_elasticsearch(engine, [], unknown)
        report.fixed = len(keys) + len(unknown)
    return report
