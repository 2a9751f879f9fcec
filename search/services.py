"""Running a search for a user: the access scope, the configured engine with the database as fallback,
and "bedoelde u" suggestions that only ever name words this user can find."""

import dataclasses
import logging
from contextlib import nullcontext

from django.utils.translation import gettext as _

from .access import access_scope_for
from .analysis import parse_query
from .contract import FACETS, SORTS, SearchRequest, SearchResponse, TitleSuggestion
from .engines import database_engine, elasticsearch_engine
from .engines.base import SearchUnavailable
from .selectors import elasticsearch_failing, elasticsearch_lags
from .synonyms import synonym_table

logger = logging.getLogger(__name__)
PAGE_SIZE = 10
MAX_PAGE = 100


def clean_filters(raw: dict) -> dict[str, str]:
    """Known facets with a short key only; anything else in the URL is ignored."""
    return {
        facet: str(raw[facet])[:64]
        for facet in FACETS
        if raw.get(facet) and str(raw[facet]).replace("-", "").replace("_", "").isalnum()
    }


def search_request_for(user, *, text: str, filters: dict | None = None, sort: str = "relevance", page: int = 1):
    return SearchRequest(
        query=parse_query(text),
        scope=access_scope_for(user),
        filters=clean_filters(filters or {}),
        sort=sort if sort in SORTS else "relevance",
        page=min(max(1, page), MAX_PAGE),
        page_size=PAGE_SIZE,
    )


def _fallback_notice() -> str:
    return _(
        "De zoekmachine is even niet bereikbaar. U ziet resultaten uit de reservezoekfunctie; "
        "die kunnen iets minder goed zijn."
    )


@dataclasses.dataclass(frozen=True)
class _Engines:
    """Who answers this search: Elasticsearch, or (None) the database, with the notice to show then."""

    elasticsearch: object | None
    notice: str | None = None


def _engines() -> _Engines:
    """Elasticsearch when it is configured and holds every change; otherwise the database answers.

    While index updates wait for Elasticsearch (search.selectors.elasticsearch_lags) its documents may be
    wider than today's access, so the database, always written first, answers. A write under way is not worth
    mentioning; updates that failed (the cluster is down or refuses them) get the same notice as a cluster
    that does not answer."""
    elasticsearch = elasticsearch_engine()
    if elasticsearch is None:
        return _Engines(None)
    if elasticsearch_lags():
        return _Engines(None, _fallback_notice() if elasticsearch_failing() else None)
    return _Engines(elasticsearch)


def _answer(request: SearchRequest, method: str, engines: _Engines, **kwargs):
    """Ask Elasticsearch when it may answer; on failure (or without it) the database answers."""
    if engines.elasticsearch is not None:
        try:
            return getattr(engines.elasticsearch, method)(request, **kwargs), None
        except SearchUnavailable as exc:
            logger.warning("Search falls back to the database: %s", exc)
            return getattr(database_engine(), method)(request, **kwargs), _fallback_notice()
    return getattr(database_engine(), method)(request, **kwargs), engines.notice


def portal_search(request: SearchRequest, *, correct: bool = True) -> SearchResponse:
    """A query that finds nothing with all its words gets its corrected form offered as "bedoelde u" above
    the results for the words as typed. Only when the typed words find nothing at all (and `correct`) are
    the corrected form's results shown instead, saying so: a reader's own words are never silently replaced.

    When the database answers it answers everything in one session (on PostgreSQL: one transaction,
    its settings made once). Which engine answers is decided once, for every part of the answer."""
    database = database_engine()
    engines = _engines()
    with nullcontext() if engines.elasticsearch is not None else database.session():
        return _portal_search(request, database, engines, correct=correct)


def _portal_search(request: SearchRequest, database, engines: _Engines, *, correct: bool) -> SearchResponse:
    response, notice = _answer(request, "search", engines)
    response.notice = notice
    if request.query.is_empty or (response.total and not response.partial):
        return response  # every word was found: nothing to correct
    synonyms = synonym_table()
    corrections = database.corrections(request.query, request.scope, synonyms=synonyms)
    if not corrections:
        return response
    if response.partial:
        # Some words found, a misspelt one not: the typed words stay, their near spellings join them, so the
        # page the reader meant is found too (a document that has only the near spelling does not count as
        # having every word, so the page still says it shows some of them).
        near = dataclasses.replace(request, query=request.query.with_near(corrections, synonyms=synonyms))
        nearer, near_notice = _answer(near, "search", engines)
        if nearer.total:
            nearer.notice = near_notice
            nearer.partial = True
            response = nearer
    # The same page of the corrected query: the page links carry the typed query, which is corrected again.
    corrected = dataclasses.replace(request, query=request.query.replacing(corrections, synonyms=synonyms))
    if correct and not response.total:
        alternative, _notice = _answer(corrected, "search", engines)
        if alternative.total and not alternative.partial:
            alternative.suggestion = corrected.query.raw
            alternative.showing_suggestion = True
            alternative.notice = notice
            return alternative
        # The corrected form does not find every word either: a count of it would be 0 too.
        return response
    if _answer(corrected, "count", engines)[0]:
        response.suggestion = corrected.query.raw
    return response


def title_suggestions(user, prefix: str, *, limit: int = 8) -> list[TitleSuggestion]:
    scope = access_scope_for(user)
    elasticsearch = _engines().elasticsearch
    if elasticsearch is not None:
        try:
            return elasticsearch.autocomplete(prefix=prefix, scope=scope, limit=limit)
        except SearchUnavailable:
            pass
    return database_engine().autocomplete(prefix=prefix, scope=scope, limit=limit)
