"""Reads of the search documents. `visible_documents` is the only way in: it always applies the access
filter of search.access (the same rule Elasticsearch gets from engines/elasticsearch.access_filter)."""

import datetime

from django.db.models import Q
from django.utils import timezone

from .access import PUBLIC, AccessScope
from .models import SearchDocument, SearchDocumentAccess, SearchIndexFailure, SearchTag


def _requirement_q(flag: str, kind: str, ids: frozenset[int]) -> Q:
    """No such requirement on the document, or one of the user's ids among the document's."""
    met = Q(**{flag: False})
    if ids:
        met |= Q(pk__in=SearchDocumentAccess.objects.filter(kind=kind, value__in=sorted(ids)).values("document_id"))
    return met


def access_q(scope: AccessScope) -> Q:
    if not isinstance(scope, AccessScope):
        raise TypeError("visible_documents needs the user's AccessScope.")
    if scope.sees_everything:
        return Q()
    allowed = Q(access_level=PUBLIC)
    if scope.levels:
        group_ok = _requirement_q("needs_group", SearchDocumentAccess.Kind.GROUP, scope.group_ids)
        if scope.all_districts:
            allowed |= Q(access_level__in=sorted(scope.levels)) & group_ok
        else:
            district_ok = _requirement_q("needs_district", SearchDocumentAccess.Kind.DISTRICT, scope.district_ids)
            fresh = Q(scope_changes_on__isnull=True) | Q(scope_changes_on__gt=scope.today)
            allowed |= Q(access_level__in=sorted(scope.levels)) & district_ok & group_ok & fresh
    return allowed


def visible_documents(scope: AccessScope, filters: dict[str, str] | None = None):
    queryset = SearchDocument.objects.filter(access_q(scope))
    for facet, key in (filters or {}).items():
        if facet == "type":
            queryset = queryset.filter(doc_type=key)
        elif facet == "year":
            key = str(key)
            queryset = (
                queryset.filter(year=int(key))
                if key.isdecimal() and key.isascii() and len(key) <= 4
                else queryset.none()
            )
        else:
            queryset = queryset.filter(pk__in=SearchTag.objects.filter(facet=facet, key=key).values("document_id"))
    return queryset


def elasticsearch_lags() -> bool:
    """Does Elasticsearch miss a change the database documents have (an update under way, failed, or lost
    with its worker)? Its stale document may be wider than today's access, so the database answers until
    the retry succeeds. One indexed EXISTS per search; no cache flag, which a lost key would turn into
    "fresh"."""
    return SearchIndexFailure.objects.exists()


STUCK_AFTER = datetime.timedelta(minutes=1)


def elasticsearch_failing() -> bool:
    """An index update failed, or its worker stopped half-way (a pending mark older than a minute): the
    cluster is behind for a reason worth telling, not just busy with a write (/health/, the search notice)."""
    stuck = timezone.now() - STUCK_AFTER
    return SearchIndexFailure.objects.filter(Q(attempts__gte=1) | Q(first_failed_at__lt=stuck)).exists()


def elasticsearch_failures_waiting() -> int:
    stuck = timezone.now() - STUCK_AFTER
    return SearchIndexFailure.objects.filter(Q(attempts__gte=1) | Q(first_failed_at__lt=stuck)).count()
