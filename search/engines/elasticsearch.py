"""The Elasticsearch 8 engine: Dutch analysis with synonyms, parts of compound words, autocomplete on titles,
facets and highlighted snippets, always behind the access filter of search.access.

Everything that decides what a user may find is a pure function here (`access_filter`, `build_query`,
`build_search_body`, `build_autocomplete_body`, `document_to_source`, `map_response`), so it is tested
without a cluster; the engine class only sends those bodies. Any failure of the cluster becomes
`SearchUnavailable`, on which the caller answers from the database instead.

The live name (`index_name`) is an alias: a full rebuild fills a new timestamped index and moves the alias in
one atomic step, so searches never see a half-filled index."""

import dataclasses
import datetime
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from functools import cached_property

from elasticsearch import ApiError, Elasticsearch, TransportError
from elasticsearch.helpers import BulkIndexError, ScanError, scan, streaming_bulk
from elasticsearch_dsl import (
    Boolean,
    Date,
    Float,
    Index,
    Integer,
    Keyword,
    Mapping,
    Text,
    analyzer,
    token_filter,
    tokenizer,
)

from .. import analysis
from ..access import PUBLIC, AccessScope
from ..contract import (
    DOC_TYPE_LABELS,
    FACETS,
    TAG_FACETS,
    DocumentData,
    FacetValue,
    Hit,
    SearchRequest,
    SearchResponse,
    TitleSuggestion,
)
from ..models import SearchTerm, SynonymGroup
from .base import SearchUnavailable

logger = logging.getLogger("search.elasticsearch")

# Everything the client raises when the cluster cannot answer: connection refused, timeouts, TLS and
# serialisation errors (TransportError), any error status (ApiError) and rejected bulk items.
CLUSTER_ERRORS = (ApiError, TransportError, BulkIndexError)

WRITE_TIMEOUT = 10.0  # index()/delete() of a few documents after a save (inline when the task queue is)
MAINTENANCE_TIMEOUT = 120.0  # rebuilds: bulk batches, creating an index, delete_by_query over a type
BATCH = 500  # documents per bulk request, and per progress() report (as the database engine does)
MAX_WINDOW = 10_000  # Elasticsearch's default index.max_result_window: from + size may not exceed it
FACET_SIZE = 100
# Index and delete requests wait until a refresh has made them visible to searches (at most the index's
# refresh interval, 1 s by default) instead of forcing one per request. Rebuilds refresh once at the end.
WAIT_FOR = "wait_for"

# Tag facets are stored as one keyword "key<US>label", so a terms aggregation returns both without a lookup.
TAG_SEPARATOR = "\u001f"

# --- Analysis ---------------------------------------------------------------------------------------------

FOLD = ["lowercase", "asciifolding"]  # as analysis.fold: "coördinator" and "coordinator" are one word
DUTCH_STOP = token_filter("vbg_dutch_stop", "stop", stopwords="_dutch_")
# Snowball "dutch", the Dutch stemmer Elasticsearch recommends: "dutch_kp" is deprecated since 8.16 (Lucene 10
# dropped it) and there is no light Dutch stemmer. On 8.x this is the classic Snowball algorithm, which the
# snowballstemmer package calls "dutch_porter"; the database engine uses that package's newer "dutch", so the
# two engines conflate slightly different word forms. Each is consistent with itself (index and query are
# stemmed alike), which is all matching needs.
DUTCH_STEMMER = token_filter("vbg_dutch_stemmer", "stemmer", language="dutch")
INDEX_ANALYZER = "vbg_dutch"
DUTCH = analyzer(INDEX_ANALYZER, tokenizer="standard", filter=[*FOLD, DUTCH_STOP, DUTCH_STEMMER])

SEARCH_ANALYZER = "vbg_dutch_search"

# Parts of compound words are split in Python (search.analysis.Lexicon, as the database engine splits them,
# at real part boundaries only) and sent in the `parts` field, analysed like the text. Elasticsearch's own
# decompounders cannot do that here: dictionary_decompounder matches any dictionary word anywhere inside a word
# ("stal" in "installatie"), and hyphenation_decompounder needs a hyphenation grammar file on the cluster.
#
# Title suggestions still match inside a word ("lab" in "Drugslab") with every 3- and 4-letter piece of the
# title's words: a tokenizer rather than a token filter, so the pieces get positions of their own.
PARTS = analyzer(
    "vbg_parts",
    tokenizer=tokenizer("vbg_parts", "ngram", min_gram=3, max_gram=4, token_chars=["letter", "digit"]),
    filter=FOLD,
)

# Autocomplete: every beginning of every title word; what the user typed is only folded (and cut to the
# longest indexed beginning), so "drugsl" matches "Drugslab".
AUTOCOMPLETE_MAX = 20
INFIX_MIN_CHARS = 3  # as the database engine: inside a word from three letters on
AUTOCOMPLETE = analyzer(
    "vbg_autocomplete",
    tokenizer=tokenizer(
        "vbg_autocomplete", "edge_ngram", min_gram=1, max_gram=AUTOCOMPLETE_MAX, token_chars=["letter", "digit"]
    ),
    filter=FOLD,
)
AUTOCOMPLETE_SEARCH = analyzer(
    "vbg_autocomplete_search",
    tokenizer="standard",
    filter=[*FOLD, token_filter("vbg_autocomplete_truncate", "truncate", length=AUTOCOMPLETE_MAX)],
)


def synonym_lines(groups: Iterable[Iterable[str]]) -> list[str]:
    """Solr-format rules ("a, b, c"), one per group, each member folded to its words as analysis.words does.

    Folding keeps both engines in agreement and means nothing the secretariat types can change the rule
    syntax ("=>", "#", commas inside a member): only letters, digits and single spaces reach the cluster."""
    lines = []
    for members in groups:
        folded = [" ".join(analysis.words(member)) for member in members]
        folded = [member for member in dict.fromkeys(folded) if member]
        if len(folded) > 1:
            lines.append(", ".join(folded))
    return lines


def stored_synonyms() -> list[str]:
    """The rules for a new index, from the SynonymGroup rows the secretariat keeps in the admin."""
    return synonym_lines(group.members() for group in SynonymGroup.objects.all())


def search_analyzer(synonyms: list[str]):
    """The query-side Dutch analyzer: synonyms expand before stop words and stems, so the rules are parsed
    with folding only (a rule may contain a stop word such as "om" for Openbaar Ministerie) and the
    expansions are stemmed exactly like the indexed text.

    The rules are fixed when an index is created; parse_query expands the current groups as well, so a
    group added since the last full rebuild still works (as alternatives) until the next one. Without any
    groups the filter is left out rather than sent with an empty rule list."""
    synonym_filters = []
    if synonyms:
        synonym_filters = [token_filter("vbg_synonyms", "synonym_graph", synonyms=synonyms, lenient=True)]
    return analyzer(SEARCH_ANALYZER, tokenizer="standard", filter=[*FOLD, *synonym_filters, DUTCH_STOP, DUTCH_STEMMER])


def portal_mapping() -> Mapping:
    """Strict, so a field document_to_source does not declare fails loudly instead of being guessed."""
    mapping = Mapping()
    mapping.meta("dynamic", "strict")
    text = {"analyzer": DUTCH, "search_analyzer": SEARCH_ANALYZER}
    mapping.field("doc_type", Keyword())
    mapping.field("object_id", Keyword())
    mapping.field(
        "title",
        Text(
            **text,
            fields={
                "parts": Text(analyzer=PARTS),
                "autocomplete": Text(analyzer=AUTOCOMPLETE, search_analyzer=AUTOCOMPLETE_SEARCH),
            },
        ),
    )
    mapping.field("body", Text(**text))
    mapping.field("keywords", Text(**text))
    mapping.field("parts", Text(**text))
    mapping.field("weight", Float())
    mapping.field("url", Keyword(index=False))
    mapping.field("date", Date(format="strict_date"))
    mapping.field("year", Integer())
    mapping.field("access_level", Keyword())
    mapping.field("needs_district", Boolean())
    mapping.field("access_districts", Integer())
    mapping.field("needs_group", Boolean())
    mapping.field("access_groups", Integer())
    mapping.field("scope_changes_on", Date(format="strict_date"))
    for facet in TAG_FACETS:
        mapping.field(facet, Keyword())
    return mapping


def index_definition(name: str, synonyms: list[str]) -> Index:
    """One shard (the portal holds tens of thousands of documents, not millions); a replica only when a
    second node exists, so a single-node cluster stays green."""
    index = Index(name)
    index.settings(number_of_shards=1, auto_expand_replicas="0-1")
    index.analyzer(search_analyzer(synonyms))
    index.mapping(portal_mapping())
    return index


# --- Documents --------------------------------------------------------------------------------------------


def document_id(doc_type: str, object_id: str) -> str:
    return f"{doc_type}:{object_id}"


def _tag_value(key: str, label: str) -> str:
    return f"{key.replace(TAG_SEPARATOR, '')}{TAG_SEPARATOR}{label.replace(TAG_SEPARATOR, '')}"


def compound_parts(doc: DocumentData, lexicon: analysis.Lexicon | None) -> str:
    """The parts of the compounds of a document's title, text and keywords, as the database engine indexes
    them ("drugslab" -> "drugs lab"), each compound once."""
    if lexicon is None:
        return ""
    folded = analysis.words(f"{doc.title} {doc.body} {doc.keywords}")
    return " ".join(part for word in dict.fromkeys(folded) for part in lexicon.split(word))


def document_to_source(doc: DocumentData, lexicon: analysis.Lexicon | None = None) -> dict:
    """The _source of a document. needs_district / needs_group say whether a requirement exists at all: an
    empty set of districts is a requirement nobody meets, not the absence of one (as in search.access)."""
    access = doc.access
    source = {
        "doc_type": doc.doc_type,
        "object_id": doc.object_id,
        "title": doc.title,
        "body": doc.body,
        "keywords": doc.keywords,
        "parts": compound_parts(doc, lexicon),
        "weight": doc.weight,
        "url": doc.url,
        "date": doc.date.isoformat() if doc.date else None,
        "year": doc.year,
        "access_level": access.level,
        "needs_district": access.districts is not None,
        "access_districts": sorted(access.districts or ()),
        "needs_group": access.groups is not None,
        "access_groups": sorted(access.groups or ()),
        "scope_changes_on": access.scope_changes_on.isoformat() if access.scope_changes_on else None,
    }
    for facet in TAG_FACETS:
        source[facet] = [_tag_value(key, label) for key, label in doc.tags.get(facet, ())]
    return source


# --- Queries ----------------------------------------------------------------------------------------------

TEXT_FIELDS = ["title^3", "body", "keywords", "parts^0.5"]
SYNONYM_BOOST = 0.8  # the word the user typed ranks above its synonyms
NEAR_BOOST = 0.6  # a near spelling of a word no document has as typed (search.ranking.NEAR_FACTOR)
PARTS_BOOST = 0.9  # "sanering van de bodem" for "bodemsanering" (search.ranking.PARTS_FACTOR)
ALL_TERMS = "all_terms"  # the named clause a document matches when it has every term
ALL_TERMS_BOOST = 2.0  # documents with every term first, as far as scores allow (search.ranking is strict)
FUZZY_BOOST = 0.2  # typos only help when nothing better matches
NOTHING = {"match_none": {}}
BY_DATE = {"date": {"order": "desc", "missing": "_last"}}
HIT_SOURCE = ["doc_type", "object_id", "title", "url", "date", "body"]
FACET_FIELDS = {"type": "doc_type", "year": "year", **{facet: facet for facet in TAG_FACETS}}


def _requirement(flag: str, field: str, ids: frozenset[int]) -> dict:
    """No requirement, or one of the user's ids among the document's."""
    unrestricted = {"term": {flag: False}}
    if not ids:
        return unrestricted
    return {"bool": {"should": [unrestricted, {"terms": {field: sorted(ids)}}], "minimum_should_match": 1}}


def access_filter(scope: AccessScope) -> dict:
    """search.access.document_visible as a filter clause. The secretariat gets an explicit match_all so
    that every query has the clause and a missing one is a visible bug, not a silent leak."""
    if scope.sees_everything:
        return {"match_all": {}}
    public = {"term": {"access_level": PUBLIC}}
    if not scope.levels:
        return public
    not_yet_changed = {
        "bool": {
            "should": [
                {"bool": {"must_not": [{"exists": {"field": "scope_changes_on"}}]}},
                {"range": {"scope_changes_on": {"gt": scope.today.isoformat()}}},
            ],
            "minimum_should_match": 1,
        }
    }
    # The secretariat (all_districts) passes every district requirement, yet Wagtail groups still apply.
    district = [] if scope.all_districts else [_requirement("needs_district", "access_districts", scope.district_ids)]
    fresh = [] if scope.all_districts else [not_yet_changed]
    restricted = {
        "bool": {
            "filter": [
                {"terms": {"access_level": sorted(scope.levels)}},
                *district,
                _requirement("needs_group", "access_groups", scope.group_ids),
                *fresh,
            ]
        }
    }
    return {"bool": {"should": [public, restricted], "minimum_should_match": 1}}


def facet_filters(filters: dict[str, str]) -> list[dict]:
    """The chosen facet values, with the database engine's meaning: a value that cannot exist (a year that
    is not a year, an unknown facet) finds nothing rather than being ignored or failing in the cluster."""
    clauses = []
    for facet, key in filters.items():
        key = str(key)
        if facet == "type":
            clauses.append({"term": {"doc_type": key}})
        elif facet == "year":
            clauses.append({"term": {"year": int(key)}} if key.isdecimal() and len(key) <= 4 else NOTHING)
        elif facet in TAG_FACETS:
            clauses.append({"prefix": {facet: key.replace(TAG_SEPARATOR, "") + TAG_SEPARATOR}})
        else:
            clauses.append(NOTHING)
    return clauses


def _term_clause(term: analysis.Term) -> dict:
    """A term matches when any of its alternatives does, all parts of the compound typed do (anywhere), or
    (weakly) a word one or two typos away does. Fuzzy matching uses the index analyzer: Elasticsearch does
    not expand fuzzy terms that synonyms have expanded."""
    should = []
    for position, alternative in enumerate(term.alternatives):
        match = {"query": " ".join(alternative), "fields": TEXT_FIELDS}
        if position:
            match["boost"] = SYNONYM_BOOST
        if len(alternative) > 1:
            match["type"] = "phrase"
        else:
            match["operator"] = "and"  # a synonym may expand one word into several: all of them
        should.append({"multi_match": match})
    for alternative in term.near:
        should.append(
            {
                "multi_match": {
                    "query": " ".join(alternative),
                    "fields": TEXT_FIELDS,
                    "operator": "and",
                    "boost": NEAR_BOOST,
                }
            }
        )
    for parts in term.parts:
        should.append(
            {"multi_match": {"query": " ".join(parts), "fields": TEXT_FIELDS, "operator": "and", "boost": PARTS_BOOST}}
        )
    should.append(
        {
            "multi_match": {
                "query": term.text,
                "fields": TEXT_FIELDS,
                "fuzziness": "AUTO",
                "prefix_length": 1,
                "operator": "and",
                "analyzer": INDEX_ANALYZER,
                "boost": FUZZY_BOOST,
            }
        }
    )
    return {"bool": {"should": should, "minimum_should_match": 1}}


def build_query(request: SearchRequest) -> dict:
    """The query part shared by search and count: at least one term (stop and question words are none) and
    every quoted phrase; a document with every term also matches the named clause ALL_TERMS, which adds
    to its score (search.ranking puts such documents strictly first; here the scores decide). A query with
    nothing to look for finds nothing, as in the database engine; the access filter is there regardless."""
    query = request.query
    terms = [_term_clause(term) for term in query.terms]
    phrases = [{"multi_match": {"query": " ".join(p), "fields": TEXT_FIELDS, "type": "phrase"}} for p in query.phrases]
    clauses: dict = {"filter": [access_filter(request.scope), *facet_filters(request.filters)]}
    must = phrases
    if terms:
        should = list(terms)
        if len(terms) > 1:
            should.append({"bool": {"must": terms, "boost": ALL_TERMS_BOOST, "_name": ALL_TERMS}})
        clauses["should"] = should
        clauses["minimum_should_match"] = 1
    if not (query.terms or query.phrases or query.excluded):
        must = [NOTHING]
    if must:
        clauses["must"] = must
    if query.excluded:
        # The word itself and the compounds it is a part of, not its synonyms (index analyzer): "-wiet" should
        # not also drop "hennep", "-lab" drops "drugslab".
        clauses["must_not"] = [
            {"multi_match": {"query": word, "fields": ["title", "body", "parts"], "analyzer": INDEX_ANALYZER}}
            for word in query.excluded
        ]
    return {"bool": clauses}


def build_search_body(request: SearchRequest) -> dict:
    """Query, order, page, highlighted body fragments and one terms aggregation per facet (counted over the
    hits, chosen facet values included, as the database engine counts)."""
    offset = min(max(request.offset, 0), MAX_WINDOW)
    sort = [BY_DATE, "_score"] if request.sort == "date" else ["_score", BY_DATE]
    return {
        # The document's weight (search.documents: substance and kind) multiplies the text score, as in the
        # database engine.
        "query": {
            "function_score": {
                "query": build_query(request),
                "functions": [{"field_value_factor": {"field": "weight", "missing": 1.0}}],
                "boost_mode": "multiply",
            }
        },
        "sort": sort,
        "track_scores": True,
        "track_total_hits": True,
        "from": offset,
        "size": max(0, min(request.page_size, MAX_WINDOW - offset)),
        "_source": HIT_SOURCE,
        "highlight": {
            "encoder": "html",  # the text around the tags is escaped: the snippet is safe to render
            "pre_tags": ["<mark>"],
            "post_tags": ["</mark>"],
            "max_analyzed_offset": 500_000,  # long minutes: highlight their start instead of failing
            "fields": {"body": {"fragment_size": 200, "number_of_fragments": 2}},
        },
        "aggs": {facet: {"terms": {"field": FACET_FIELDS[facet], "size": FACET_SIZE}} for facet in FACETS},
    }


def build_autocomplete_body(prefix: str, scope: AccessScope, limit: int) -> dict | None:
    """Titles with a word beginning with each typed word score highest; then (every word of at least three
    letters) titles holding the words inside a word ("lab" in "Drugslab", the parts field), then beginnings
    one typo away. None when too little was typed (at least two letters, as the database engine asks).
    Fetches extra rows because equal titles are merged."""
    typed = analysis.words(prefix[: analysis.MAX_QUERY_CHARS])[:6]
    if not typed or len("".join(typed)) < 2:
        return None
    text = " ".join(typed)
    ways = [
        {"match": {"title.autocomplete": {"query": text, "operator": "and", "boost": 3}}},
        {"match": {"title.autocomplete": {"query": text, "operator": "and", "fuzziness": 1, "prefix_length": 1}}},
    ]
    if min(len(word) for word in typed) >= INFIX_MIN_CHARS:
        ways.insert(1, {"match": {"title.parts": {"query": text, "operator": "and", "boost": 2}}})
    return {
        "query": {
            "bool": {
                "filter": [access_filter(scope)],
                "must": [{"bool": {"should": ways, "minimum_should_match": 1}}],
            }
        },
        "sort": ["_score", BY_DATE],
        "size": limit * 3,
        "_source": ["title", "url", "doc_type"],
    }


# --- Responses --------------------------------------------------------------------------------------------


def _facet_value(facet: str, bucket: dict) -> FacetValue:
    key = str(bucket["key"])
    if facet == "type":
        label = str(DOC_TYPE_LABELS.get(key, key))
    elif facet in TAG_FACETS:
        key, _, label = key.partition(TAG_SEPARATOR)
    else:
        label = key
    return FacetValue(key=key, label=label or key, count=bucket["doc_count"])


def _facets(aggregations: dict) -> dict[str, list[FacetValue]]:
    """Facets with at least one value, ordered as the database engine orders them (years newest first,
    the others by count, then label)."""
    facets = {}
    for facet in FACETS:
        values = [_facet_value(facet, b) for b in aggregations.get(facet, {}).get("buckets", []) if b["doc_count"]]
        if not values:
            continue
        if facet == "year":
            values.sort(key=lambda v: v.key, reverse=True)
        else:
            values.sort(key=lambda v: (-v.count, v.label))
        facets[facet] = values
    return facets


def map_response(raw: dict, request: SearchRequest) -> SearchResponse:
    """A search response as the contract's SearchResponse. The snippet is Elasticsearch's highlight of the
    body, or analysis.snippet when the body itself did not match (only the title did, or a part of a word)."""
    hits = []
    for raw_hit in raw["hits"]["hits"]:
        source = raw_hit["_source"]
        fragments = raw_hit.get("highlight", {}).get("body")
        hits.append(
            Hit(
                doc_type=source["doc_type"],
                object_id=source["object_id"],
                title=source["title"],
                url=source["url"],
                snippet_html=" … ".join(fragments) if fragments else analysis.snippet(source["body"], request.query),
                date=datetime.date.fromisoformat(source["date"]) if source.get("date") else None,
                score=float(raw_hit.get("_score") or 0.0),
            )
        )
    return SearchResponse(
        hits=hits,
        total=raw["hits"]["total"]["value"],
        facets=_facets(raw.get("aggregations", {})),
        engine=ElasticsearchEngine.name,
    )


# --- The engine -------------------------------------------------------------------------------------------


class ElasticsearchEngine:
    name = "elasticsearch"

    def __init__(self, url: str, *, index_name: str = "vbg-portal", timeout: float = 2.0):
        self.url = url
        self.index_name = index_name
        self.timeout = timeout
        self._live_index_ready = False

    @cached_property
    def _client(self) -> Elasticsearch:
        """Created on first use, so configuring a URL costs nothing until a search. No retries and a short
        timeout: an unreachable cluster must hand the search to the database within the timeout."""
        try:
            return Elasticsearch(self.url, request_timeout=self.timeout, max_retries=0, retry_on_timeout=False)
        except ValueError as error:  # the URL itself is malformed
            logger.warning("Elasticsearch client not created: %s", error)
            raise SearchUnavailable("Elasticsearch URL is not valid.") from error

    @contextmanager
    def _cluster(self, action: str) -> Iterator[Elasticsearch]:
        try:
            yield self._client
        except CLUSTER_ERRORS as error:
            self._live_index_ready = False  # the alias may be what went missing: check again next time
            logger.warning("Elasticsearch %s failed: %s", action, error)
            raise SearchUnavailable(f"Elasticsearch {action} failed ({type(error).__name__}).") from error

    # Reading -----------------------------------------------------------------------------------------

    @staticmethod
    def _with_compounds(request: SearchRequest) -> SearchRequest:
        """The compounds typed, split with the database's vocabulary as the documents' were (see
        DatabaseEngine.with_compounds)."""
        from .database import DatabaseEngine  # here: the database engine is only needed for its vocabulary

        return dataclasses.replace(request, query=DatabaseEngine().with_compounds(request.query))

    def search(self, request: SearchRequest) -> SearchResponse:
        request = self._with_compounds(request)
        with self._cluster("search") as client:
            raw = client.search(index=self.index_name, body=build_search_body(request)).body
        response = map_response(raw, request)
        # No hit on the page has every word (the best ones would): the page says it shows some of them.
        response.partial = len(request.query.terms) > 1 and not any(
            ALL_TERMS in hit.get("matched_queries", ()) for hit in raw["hits"]["hits"]
        )
        response.partial = response.partial and response.total > 0
        return response

    def count(self, request: SearchRequest) -> int:
        request = self._with_compounds(request)
        with self._cluster("count") as client:
            return client.count(index=self.index_name, query=build_query(request))["count"]

    def autocomplete(self, *, prefix: str, scope: AccessScope, limit: int = 8) -> list[TitleSuggestion]:
        body = build_autocomplete_body(prefix, scope, limit)
        if body is None:
            return []
        with self._cluster("autocomplete") as client:
            raw = client.search(index=self.index_name, body=body).body
        seen, suggestions = set(), []
        for raw_hit in raw["hits"]["hits"]:
            source = raw_hit["_source"]
            if source["title"] not in seen:
                seen.add(source["title"])
                suggestions.append(
                    TitleSuggestion(title=source["title"], url=source["url"], doc_type=source["doc_type"])
                )
        return suggestions[:limit]

    def document_ids(self) -> dict[str, set[str]]:
        """The object ids of every document behind the alias, by type (search.indexing.verify compares them
        with the database's). No index yet means no documents."""
        ids: dict[str, set[str]] = {}
        with self._cluster("verify") as client:
            if not client.indices.exists_alias(name=self.index_name):
                return ids
            try:
                hits = scan(
                    client,
                    index=self.index_name,
                    query={"query": {"match_all": {}}, "_source": False},
                    size=BATCH * 2,
                    request_timeout=MAINTENANCE_TIMEOUT,
                )
                for hit in hits:
                    doc_type, _, object_id = hit["_id"].partition(":")
                    ids.setdefault(doc_type, set()).add(object_id)
            except ScanError as error:  # some shards did not answer: the list would be incomplete
                raise SearchUnavailable(f"Elasticsearch verify failed ({type(error).__name__}).") from error
        return ids

    def ping(self) -> bool:
        """For /health/: never raises."""
        try:
            with self._cluster("ping") as client:
                return bool(client.ping())
        except SearchUnavailable:
            return False

    # Writing -----------------------------------------------------------------------------------------

    def index(self, documents: Iterable[DocumentData]) -> int:
        """Upserts through the alias (require_alias: a write never creates a concrete index of that name).
        Returns once the change is searchable (refresh=wait_for): a page narrowed to one district must not
        be found under its old access for up to a refresh interval after its index update is done."""
        with self._cluster("index") as client:
            self._ensure_live_index(client)
            actions = self._index_actions(documents, self.index_name)
            return self._bulk(client, actions, timeout=WRITE_TIMEOUT, require_alias=True, refresh=WAIT_FOR)

    def delete(self, keys: Iterable[tuple[str, str]]) -> int:
        """Deletes by key; a key that is not in the index (or no index at all) is not an error. Returns once
        the deletion is searchable, as index() does."""
        actions = (
            {"_op_type": "delete", "_index": self.index_name, "_id": document_id(doc_type, object_id)}
            for doc_type, object_id in keys
        )
        with self._cluster("delete") as client:
            return self._bulk(
                client, actions, timeout=WRITE_TIMEOUT, require_alias=True, ignore_status=(404,), refresh=WAIT_FOR
            )

    def rebuild(
        self,
        documents: Iterable[DocumentData],
        *,
        doc_types: Iterable[str] | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """All types: a new index behind the alias, swapped in atomically when complete (synonyms are read
        from the database now). Some types: those are deleted from the live index and written again;
        searches see them missing for the duration, which a full rebuild avoids."""
        with self._cluster("rebuild") as client:
            if doc_types is None:
                return self._rebuild_all(client, documents, progress)
            self._ensure_live_index(client)
            types = sorted(set(doc_types))
            if types:
                client.options(request_timeout=MAINTENANCE_TIMEOUT).delete_by_query(
                    index=self.index_name, query={"terms": {"doc_type": types}}, conflicts="proceed", refresh=True
                )
            actions = self._index_actions(documents, self.index_name)
            written = self._bulk(client, actions, timeout=MAINTENANCE_TIMEOUT, progress=progress, require_alias=True)
            client.options(request_timeout=MAINTENANCE_TIMEOUT).indices.refresh(index=self.index_name)
            return written

    def _rebuild_all(self, client: Elasticsearch, documents, progress) -> int:
        name = self._create_index(client)
        try:
            actions = self._index_actions(documents, name)
            written = self._bulk(client, actions, timeout=MAINTENANCE_TIMEOUT, progress=progress)
            client.options(request_timeout=MAINTENANCE_TIMEOUT).indices.refresh(index=name)
            previous = self._point_alias_at(client, name)
        except Exception:
            # Whatever stopped the rebuild (the cluster, or reading the documents), the half-filled index must
            # not stay behind; the alias still points at the previous one.
            with suppress(*CLUSTER_ERRORS):
                client.options(ignore_status=404).indices.delete(index=name)
            raise
        for index in previous:
            try:
                client.options(ignore_status=404, request_timeout=MAINTENANCE_TIMEOUT).indices.delete(index=index)
            except CLUSTER_ERRORS as error:
                # The new index is live and complete: the rebuild succeeded, only the clean-up did not.
                logger.warning("Elasticsearch rebuild: previous index %s not deleted (%s)", index, error)
        return written

    def _create_index(self, client: Elasticsearch) -> str:
        name = f"{self.index_name}-{datetime.datetime.now(datetime.UTC):%Y%m%d%H%M%S%f}"
        index_definition(name, stored_synonyms()).create(using=client.options(request_timeout=MAINTENANCE_TIMEOUT))
        return name

    def _point_alias_at(self, client: Elasticsearch, name: str) -> list[str]:
        """Moves the alias in one request, so there is no moment without it; returns the indices it left."""
        previous = []
        if client.indices.exists_alias(name=self.index_name):
            previous = list(client.indices.get_alias(name=self.index_name).body)
        actions = [{"add": {"index": name, "alias": self.index_name}}]
        actions += [{"remove": {"index": index, "alias": self.index_name}} for index in previous]
        client.indices.update_aliases(actions=actions)
        self._live_index_ready = True
        return previous

    def _ensure_live_index(self, client: Elasticsearch) -> None:
        """On a fresh cluster, an empty index behind the alias, so saves are indexed before the first rebuild."""
        if self._live_index_ready:
            return
        if not client.indices.exists_alias(name=self.index_name):
            self._point_alias_at(client, self._create_index(client))
        self._live_index_ready = True

    @staticmethod
    def _index_actions(documents: Iterable[DocumentData], index: str) -> Iterator[dict]:
        """Compounds are split with the database's vocabulary (written before Elasticsearch, see indexing)."""
        lexicon = analysis.Lexicon(set(SearchTerm.objects.filter(public=True).values_list("word", flat=True)))
        for doc in documents:
            yield {
                "_op_type": "index",
                "_index": index,
                "_id": document_id(doc.doc_type, doc.object_id),
                "_source": document_to_source(doc, lexicon),
            }

    @staticmethod
    def _bulk(client: Elasticsearch, actions: Iterable[dict], *, timeout: float, progress=None, **options) -> int:
        """Sends the actions in batches; returns how many succeeded, reporting each batch to `progress`.
        A failed item raises BulkIndexError (unless its status is ignored)."""
        done = pending = 0
        for ok, _item in streaming_bulk(client.options(request_timeout=timeout), actions, chunk_size=BATCH, **options):
            done += ok
            pending += 1
            if progress and pending == BATCH:
                progress(pending)
                pending = 0
        if progress and pending:
            progress(pending)
        return done
