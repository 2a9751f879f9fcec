"""The Elasticsearch engine without a cluster: index definition, query bodies (above all the access filter,
checked against search.access.document_visible by evaluating the clause in Python), documents, response
mapping, index management against an in-memory stand-in for the REST API, and the fallback when the cluster
is unreachable. The live tests at the end run only when ELASTICSEARCH_URL is set."""

import dataclasses
import datetime
import itertools
import json
import logging
import os
import re
import time
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from elastic_transport import ApiResponseMeta, BaseNode, HttpHeaders
from elastic_transport._node import NodeApiResponse
from elasticsearch import Elasticsearch
from elasticsearch_dsl import Search

from core.roles import Role
from search import analysis
from search.access import CLOSED, LEVELS, LOGGED_IN, PLATFORM, PUBLIC, AccessScope, document_visible
from search.contract import DOC_TYPE_LABELS, FACETS, TAG_FACETS, DocumentAccess, DocumentData, SearchRequest
from search.engines.base import SearchUnavailable
from search.engines.elasticsearch import (
    HIT_SOURCE,
    TEXT_FIELDS,
    ElasticsearchEngine,
    access_filter,
    build_autocomplete_body,
    build_query,
    build_search_body,
    document_to_source,
    index_definition,
    map_response,
    stored_synonyms,
    synonym_lines,
)
from search.synonyms import build_table

TODAY = datetime.date(2025, 3, 14)
ANONYMOUS = AccessScope(False, frozenset(), frozenset(), frozenset(), TODAY)
MEMBER = AccessScope(False, frozenset({LOGGED_IN}), frozenset(), frozenset(), TODAY)
PARTNER = AccessScope(False, frozenset({LOGGED_IN, PLATFORM}), frozenset({1, 2}), frozenset({7}), TODAY)
AOV = AccessScope(False, frozenset({LOGGED_IN, PLATFORM}), frozenset({3}), frozenset(), TODAY)
SECRETARIAT = AccessScope(True, frozenset(LEVELS), frozenset(), frozenset(), TODAY)
# The secretariat sees every district, but a Wagtail group restriction still applies to it.
SECRETARIAT_GROUPS = AccessScope(False, frozenset(LEVELS), frozenset(), frozenset({7}), TODAY, all_districts=True)
SCOPES = {
    "anonymous": ANONYMOUS,
    "member": MEMBER,
    "partner": PARTNER,
    "aov": AOV,
    "secretariat": SECRETARIAT,
    "secretariat_groups": SECRETARIAT_GROUPS,
}

SYNONYMS = build_table([["hennepkwekerij", "wietplantage", "kwekerij"], ["openbaar ministerie", "om"]])


def request(text="drugslab", scope=ANONYMOUS, **kwargs):
    return SearchRequest(query=analysis.parse_query(text, synonyms=SYNONYMS), scope=scope, **kwargs)


def document(object_id="1", *, doc_type="lesson", title="Drugslab opgerold", body="Een drugslab in de schuur.", **kw):
    access = kw.pop("access", DocumentAccess(PUBLIC))
    date = kw.pop("date", datetime.date(2024, 5, 1))
    return DocumentData(doc_type, object_id, title, body, f"/kennisbank/{object_id}/", date, access, **kw)


def walk(value):
    """Every dict in a body, depth first."""
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)


def query_strings(body) -> list[str]:
    return [d["query"] for d in walk(body) if isinstance(d.get("query"), str)]


# --- Index definition ---------------------------------------------------------------------------------------


def test_index_definition_has_dutch_analysis_parts_autocomplete_and_synonyms():
    definition = index_definition("vbg-test-1", synonym_lines([["Hennepkwekerij", "wietplantage", "kwekerij"]]))
    body = definition.to_dict()
    analysis_settings = body["settings"]["analysis"]
    filters = analysis_settings["filter"]
    analyzers = analysis_settings["analyzer"]

    assert analyzers["vbg_dutch"]["filter"] == ["lowercase", "asciifolding", "vbg_dutch_stop", "vbg_dutch_stemmer"]
    assert filters["vbg_dutch_stop"] == {"type": "stop", "stopwords": "_dutch_"}
    assert filters["vbg_dutch_stemmer"] == {"type": "stemmer", "language": "dutch"}
    # Synonyms only at search time, expanded before stop words and stems.
    assert analyzers["vbg_dutch_search"]["filter"] == [
        "lowercase",
        "asciifolding",
        "vbg_synonyms",
        "vbg_dutch_stop",
        "vbg_dutch_stemmer",
    ]
    assert filters["vbg_synonyms"]["type"] == "synonym_graph"
    assert filters["vbg_synonyms"]["synonyms"] == ["hennepkwekerij, wietplantage, kwekerij"]
    tokenizers = analysis_settings["tokenizer"]
    assert tokenizers["vbg_parts"] == {
        "type": "ngram",
        "min_gram": 3,
        "max_gram": 4,
        "token_chars": ["letter", "digit"],
    }
    assert tokenizers["vbg_autocomplete"]["type"] == "edge_ngram"

    mapping = body["mappings"]
    fields = mapping["properties"]
    assert mapping["dynamic"] == "strict"
    assert fields["title"]["analyzer"] == "vbg_dutch"
    assert fields["title"]["search_analyzer"] == "vbg_dutch_search"
    assert fields["title"]["fields"]["parts"]["analyzer"] == "vbg_parts"
    assert fields["title"]["fields"]["autocomplete"]["analyzer"] == "vbg_autocomplete"
    # Compound parts are split in Python (search.analysis.Lexicon) and analysed like the text; the body has no
    # n-gram pieces any more ("stal" must not match "installatie").
    assert "fields" not in fields["body"]
    assert fields["parts"]["analyzer"] == "vbg_dutch"
    assert fields["parts"]["search_analyzer"] == "vbg_dutch_search"
    assert fields["url"] == {"type": "keyword", "index": False}
    assert {name: fields[name]["type"] for name in ("date", "year", "scope_changes_on")} == {
        "date": "date",
        "year": "integer",
        "scope_changes_on": "date",
    }
    for name, kind in [
        ("doc_type", "keyword"),
        ("object_id", "keyword"),
        ("access_level", "keyword"),
        ("needs_district", "boolean"),
        ("access_districts", "integer"),
        ("needs_group", "boolean"),
        ("access_groups", "integer"),
    ]:
        assert fields[name]["type"] == kind
    for facet in TAG_FACETS:
        assert fields[facet]["type"] == "keyword"
    # Every field the documents carry is mapped (the mapping is strict).
    assert set(document_to_source(document())) == set(fields)


def test_index_definition_without_synonym_groups_leaves_the_filter_out():
    analyzers = index_definition("vbg-test-1", []).to_dict()["settings"]["analysis"]["analyzer"]
    assert analyzers["vbg_dutch_search"]["filter"] == [
        "lowercase",
        "asciifolding",
        "vbg_dutch_stop",
        "vbg_dutch_stemmer",
    ]


def test_synonym_lines_are_folded_and_cannot_carry_rule_syntax():
    lines = synonym_lines(
        [
            ["Hennep-kwekerij", "WIETPLANTAGE", "Kwekerij"],
            ["a => b", "c # comment", "d, e"],
            ["coördinator", "Coordinator"],  # one member after folding: no rule
            ["", "  "],
        ]
    )
    assert lines == ["hennep kwekerij, wietplantage, kwekerij", "a b, c comment, d e"]
    assert all(re.fullmatch(r"[a-z0-9 ,]+", line) for line in lines)


@pytest.mark.django_db
def test_stored_synonyms_come_from_the_synonym_groups():
    from search.models import SynonymGroup

    SynonymGroup.objects.all().delete()  # the migrations add a starting set
    SynonymGroup.objects.create(terms="hennepkwekerij, wietplantage, kwekerij")
    SynonymGroup.objects.create(terms="Openbaar Ministerie, OM")

    lines = stored_synonyms()

    assert sorted(lines) == ["hennepkwekerij, wietplantage, kwekerij", "openbaar ministerie, om"]
    assert (
        index_definition("vbg-test-1", lines).to_dict()["settings"]["analysis"]["filter"]["vbg_synonyms"]["synonyms"]
        == lines
    )


# --- Documents ----------------------------------------------------------------------------------------------


def test_document_to_source():
    doc = document(
        "42",
        access=DocumentAccess(PLATFORM, districts=frozenset({3, 1}), scope_changes_on=datetime.date(2025, 6, 30)),
        tags={"theme": (("drugs", "Drugs"),), "municipality": (("0796", "'s-Hertogenbosch"), ("0855", "Tilburg"))},
    )

    assert document_to_source(doc) == {
        "doc_type": "lesson",
        "object_id": "42",
        "title": "Drugslab opgerold",
        "body": "Een drugslab in de schuur.",
        "keywords": "",
        "parts": "",
        "weight": 1.0,
        "url": "/kennisbank/42/",
        "date": "2024-05-01",
        "year": 2024,
        "access_level": "platform",
        "needs_district": True,
        "access_districts": [1, 3],
        "needs_group": False,
        "access_groups": [],
        "scope_changes_on": "2025-06-30",
        "theme": ["drugs\u001fDrugs"],
        "district": [],
        "municipality": ["0796\u001f's-Hertogenbosch", "0855\u001fTilburg"],
        "module": [],
    }


def test_document_to_source_carries_the_parts_of_compounds_split_at_real_boundaries():
    from search.analysis import Lexicon

    doc = document("7", title="Drugslab in een installatie", body="Bodemsanering bij een jachtwerf.")
    lexicon = Lexicon({"bodem", "sanering", "jacht", "werf", "stal"})

    assert document_to_source(doc, lexicon)["parts"] == "drugs lab bodem sanering jacht werf"


def test_document_to_source_empty_district_set_is_a_requirement_nobody_meets():
    source = document_to_source(document(access=DocumentAccess(PLATFORM, districts=frozenset()), date=None))
    assert source["needs_district"] is True
    assert source["access_districts"] == []
    assert source["date"] is None and source["year"] is None


def test_document_to_source_strips_the_separator_from_tags():
    source = document_to_source(document(tags={"theme": (("a\u001fb", "A\u001fB"),)}))
    assert source["theme"] == ["ab\u001fAB"]


# --- The access filter --------------------------------------------------------------------------------------


def _values(source: dict, field: str) -> list:
    value = source.get(field)
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _comparable(value):
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


RANGE = {
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
}


def evaluate(clause: dict, source: dict) -> bool:
    """Elasticsearch's filter semantics for the clause kinds the access filter uses (on keyword, integer,
    boolean and date fields; a missing field or an empty list has no values)."""
    ((kind, argument),) = clause.items()
    if kind == "match_all":
        return True
    if kind == "match_none":
        return False
    if kind == "term":
        ((field, value),) = argument.items()
        return value in _values(source, field)
    if kind == "terms":
        ((field, wanted),) = argument.items()
        return bool(set(wanted) & set(_values(source, field)))
    if kind == "exists":
        return bool(_values(source, argument["field"]))
    if kind == "range":
        ((field, bounds),) = argument.items()
        return any(
            all(RANGE[op](_comparable(v), _comparable(bound)) for op, bound in bounds.items())
            for v in _values(source, field)
        )
    if kind == "bool":
        unknown = set(argument) - {"must", "filter", "should", "must_not", "minimum_should_match"}
        assert not unknown, unknown
        required = argument.get("must", []) + argument.get("filter", [])
        should = argument.get("should", [])
        minimum = argument.get("minimum_should_match", 0 if required or not should else 1)
        return (
            all(evaluate(c, source) for c in required)
            and not any(evaluate(c, source) for c in argument.get("must_not", []))
            and sum(evaluate(c, source) for c in should) >= minimum
        )
    raise AssertionError(f"the evaluator does not know {kind!r}")


ACCESS_GRID = [
    DocumentAccess(level, districts, groups, changes)
    for level, districts, groups, changes in itertools.product(
        LEVELS,
        [None, frozenset(), frozenset({1}), frozenset({3}), frozenset({1, 3})],
        [None, frozenset({7}), frozenset({8})],
        [None, TODAY - datetime.timedelta(days=1), TODAY, TODAY + datetime.timedelta(days=1)],
    )
]


@pytest.mark.parametrize("scope_name", SCOPES)
def test_access_filter_is_document_visible(scope_name):
    scope = SCOPES[scope_name]
    clause = access_filter(scope)
    for access in ACCESS_GRID:
        source = document_to_source(document(access=access))
        assert evaluate(clause, source) == document_visible(scope, access), (scope_name, access)


@pytest.mark.parametrize("scope_name", SCOPES)
def test_access_filter_lets_something_through_and_keeps_something_out(scope_name):
    """Guards the property test above against a grid in which the answer is always the same."""
    scope = SCOPES[scope_name]
    visible = {document_visible(scope, access) for access in ACCESS_GRID}
    assert visible == ({True} if scope.sees_everything else {True, False})


def test_access_filter_clauses():
    assert access_filter(SECRETARIAT) == {"match_all": {}}
    assert access_filter(ANONYMOUS) == {"term": {"access_level": PUBLIC}}

    public, restricted = access_filter(PARTNER)["bool"]["should"]
    assert public == {"term": {"access_level": PUBLIC}}
    levels, districts, groups, fresh = restricted["bool"]["filter"]
    assert levels == {"terms": {"access_level": [LOGGED_IN, PLATFORM]}}
    assert districts == {
        "bool": {
            "should": [{"term": {"needs_district": False}}, {"terms": {"access_districts": [1, 2]}}],
            "minimum_should_match": 1,
        }
    }
    assert groups["bool"]["should"][1] == {"terms": {"access_groups": [7]}}
    assert {"range": {"scope_changes_on": {"gt": "2025-03-14"}}} in fresh["bool"]["should"]

    # Without groups the user only sees documents that need none.
    assert access_filter(AOV)["bool"]["should"][1]["bool"]["filter"][2] == {"term": {"needs_group": False}}
    assert CLOSED not in json.dumps(access_filter(AOV))


@pytest.mark.parametrize("scope_name", SCOPES)
@pytest.mark.parametrize("text", ["drugslab", "", '"openbaar ministerie"', "-wiet"])
def test_every_query_is_filtered_by_access(scope_name, text):
    scope = SCOPES[scope_name]
    for body in (
        build_search_body(request(text, scope)),
        {"query": build_query(request(text, scope))},
        build_autocomplete_body("drugs", scope, 8),
    ):
        query = body["query"].get("function_score", {}).get("query", body["query"])
        assert query["bool"]["filter"][0] == access_filter(scope)


# --- Search bodies ------------------------------------------------------------------------------------------


def test_search_body_terms_with_synonyms_parts_and_typos():
    search = request("wietplantage bodemsanering", PARTNER)
    plantage_term, compound_term = search.query.terms
    compound_term = dataclasses.replace(compound_term, parts=(("bodem", "sanering"),))
    search = dataclasses.replace(search, query=dataclasses.replace(search.query, terms=(plantage_term, compound_term)))
    query = build_search_body(search)["query"]["function_score"]["query"]["bool"]
    plantage, compound, every = query["should"]

    should = plantage["bool"]["should"]
    assert plantage["bool"]["minimum_should_match"] == 1
    assert should[0] == {"multi_match": {"query": "wietplantage", "fields": TEXT_FIELDS, "operator": "and"}}
    assert {
        "multi_match": {"query": "hennepkwekerij", "fields": TEXT_FIELDS, "operator": "and", "boost": 0.8}
    } in should
    assert "title^3" in TEXT_FIELDS and "parts^0.5" in TEXT_FIELDS  # "lab" finds the part of "drugslab"
    fuzzy = should[-1]["multi_match"]
    assert (fuzzy["fuzziness"], fuzzy["prefix_length"], fuzzy["analyzer"]) == ("AUTO", 1, "vbg_dutch")
    assert fuzzy["boost"] < 0.8
    # The compound's parts, anywhere in the text ("sanering van de bodem").
    assert {
        "multi_match": {"query": "bodem sanering", "fields": TEXT_FIELDS, "operator": "and", "boost": 0.9}
    } in compound["bool"]["should"]
    # Ranked retrieval: one term is enough, every term scores higher (a named clause says which hits have all).
    assert query["minimum_should_match"] == 1
    assert every == {"bool": {"must": [plantage, compound], "boost": 2.0, "_name": "all_terms"}}
    assert "must" not in query


def test_search_body_near_spellings_of_a_misspelt_word_are_alternatives():
    search = request("wietplantge schuur", PARTNER)
    search = dataclasses.replace(search, query=search.query.with_near({"wietplantge": "wietplantage"}, synonyms={}))
    misspelt = build_search_body(search)["query"]["function_score"]["query"]["bool"]["should"][0]
    assert {
        "multi_match": {"query": "wietplantage", "fields": TEXT_FIELDS, "operator": "and", "boost": 0.6}
    } in misspelt["bool"]["should"]


def test_search_body_synonym_phrases_match_as_phrases():
    body = build_search_body(request("om", MEMBER))
    (om,) = body["query"]["function_score"]["query"]["bool"]["should"]
    should = om["bool"]["should"]
    assert {
        "multi_match": {"query": "openbaar ministerie", "fields": TEXT_FIELDS, "boost": 0.8, "type": "phrase"}
    } in should


def test_search_body_phrases_and_excluded_words():
    body = build_search_body(request('"illegale lozing" mest -varkens -lab', AOV))
    query = body["query"]["function_score"]["query"]["bool"]
    assert query["must"] == [{"multi_match": {"query": "illegale lozing", "fields": TEXT_FIELDS, "type": "phrase"}}]
    assert len(query["should"]) == 1
    # A minus word also drops the compounds it is a part of ("-lab": "drugslab", through the parts field).
    assert query["must_not"] == [
        {"multi_match": {"query": "varkens", "fields": ["title", "body", "parts"], "analyzer": "vbg_dutch"}},
        {"multi_match": {"query": "lab", "fields": ["title", "body", "parts"], "analyzer": "vbg_dutch"}},
    ]


def test_search_body_needs_one_term_and_every_phrase():
    query = build_search_body(request('mest lozing "illegale dumping"', AOV))["query"]["function_score"]["query"][
        "bool"
    ]
    assert len(query["should"]) == 3 and query["minimum_should_match"] == 1
    assert [c["multi_match"]["type"] for c in query["must"]] == ["phrase"]


def test_search_body_empty_query_finds_nothing_but_is_still_filtered():
    query = build_search_body(request("", ANONYMOUS))["query"]["function_score"]["query"]["bool"]
    assert query["must"] == [{"match_none": {}}]
    assert query["filter"] == [{"term": {"access_level": "public"}}]
    # Only operators and brackets: the same.
    assert build_query(request("AND OR ( )", ANONYMOUS))["bool"]["must"] == [{"match_none": {}}]


def test_search_body_excluded_words_alone_search_everything_visible_without_them():
    query = build_query(request("-wiet", MEMBER))["bool"]
    assert "must" not in query
    assert query["must_not"][0]["multi_match"]["query"] == "wiet"
    assert query["filter"][0] == access_filter(MEMBER)


def test_search_body_facet_filters():
    filters = {
        "type": "lesson",
        "year": "2024",
        "theme": "drugs",
        "district": "KEN",
        "municipality": "0796",
        "module": "kennisbank",
    }
    clauses = build_query(request("mest", PARTNER, filters=filters))["bool"]["filter"]
    assert clauses[1:] == [
        {"term": {"doc_type": "lesson"}},
        {"term": {"year": 2024}},
        {"prefix": {"theme": "drugs\u001f"}},
        {"prefix": {"district": "KEN\u001f"}},
        {"prefix": {"municipality": "0796\u001f"}},
        {"prefix": {"module": "kennisbank\u001f"}},
    ]


@pytest.mark.parametrize("filters", [{"year": "20x4"}, {"year": "²"}, {"year": "123456789012"}, {"colour": "red"}])
def test_search_body_impossible_facet_values_find_nothing(filters):
    assert build_query(request("mest", PARTNER, filters=filters))["bool"]["filter"][1] == {"match_none": {}}


def test_search_body_sort_page_highlight_and_aggregations():
    body = build_search_body(request("mest", MEMBER, sort="date", page=3, page_size=20))
    assert body["sort"] == [{"date": {"order": "desc", "missing": "_last"}}, "_score"]
    assert (body["from"], body["size"]) == (40, 20)
    assert body["track_total_hits"] is True

    highlight = body["highlight"]
    assert (highlight["pre_tags"], highlight["post_tags"], highlight["encoder"]) == (["<mark>"], ["</mark>"], "html")
    assert highlight["fields"]["body"]["fragment_size"] == 200

    aggs = body["aggs"]
    assert list(aggs) == list(FACETS)
    assert aggs["type"]["terms"]["field"] == "doc_type"
    assert aggs["year"]["terms"]["field"] == "year"
    for facet in TAG_FACETS:
        assert aggs[facet]["terms"]["field"] == facet

    assert build_search_body(request("mest", MEMBER))["sort"][0] == "_score"


def test_search_body_pages_beyond_the_result_window_are_empty_not_errors():
    body = build_search_body(request("mest", MEMBER, page=2000, page_size=10))
    assert (body["from"], body["size"]) == (10_000, 0)
    body = build_search_body(request("mest", MEMBER, page=0, page_size=10))
    assert (body["from"], body["size"]) == (0, 10)


@pytest.mark.parametrize(
    "text",
    [
        "\"wiet OR (lab AND -x) ' ; DROP TABLE",
        'title:wiet^10 body:"lab~2" {"query": {"match_all": {}}}',
        "* ? \\ / <script>alert(1)</script> && || !",
        "wiet" * 100,
    ],
)
def test_operator_laden_queries_produce_a_valid_body_of_plain_words(text):
    body = build_search_body(request(text, ANONYMOUS))

    assert Search.from_dict(json.loads(json.dumps(body))).to_dict() == body  # every clause is a known kind
    for value in query_strings(body):
        assert re.fullmatch(r"[^\W_]+( [^\W_]+)*", value), value
    assert body["query"]["function_score"]["query"]["bool"]["filter"][0] == {"term": {"access_level": "public"}}


def test_autocomplete_body():
    body = build_autocomplete_body("Drúgsl", PARTNER, 5)
    (ways,) = body["query"]["bool"]["must"]
    assert ways["bool"]["minimum_should_match"] == 1
    assert ways["bool"]["should"] == [
        {"match": {"title.autocomplete": {"query": "drugsl", "operator": "and", "boost": 3}}},
        {"match": {"title.parts": {"query": "drugsl", "operator": "and", "boost": 2}}},
        {"match": {"title.autocomplete": {"query": "drugsl", "operator": "and", "fuzziness": 1, "prefix_length": 1}}},
    ]
    # Two letters: no match inside words (the parts field holds pieces of three and four letters).
    short = build_autocomplete_body("la", PARTNER, 5)["query"]["bool"]["must"][0]["bool"]["should"]
    assert [next(iter(way["match"])) for way in short] == ["title.autocomplete", "title.autocomplete"]
    assert body["query"]["bool"]["filter"] == [access_filter(PARTNER)]
    assert body["size"] == 15
    assert build_autocomplete_body("d", PARTNER, 5) is None
    assert build_autocomplete_body(" -! ", PARTNER, 5) is None


# --- Responses ----------------------------------------------------------------------------------------------


def _hit(object_id, score, **source):
    defaults = {
        "doc_type": "lesson",
        "object_id": object_id,
        "title": f"Titel {object_id}",
        "url": f"/kennisbank/{object_id}/",
        "date": "2024-05-01",
        "body": "",
    }
    return {"_index": "vbg-portal-1", "_id": f"lesson:{object_id}", "_score": score, "_source": defaults | source}


CANNED = {
    "took": 3,
    "timed_out": False,
    "hits": {
        "total": {"value": 27, "relation": "eq"},
        "max_score": 4.2,
        "hits": [
            {
                **_hit("1", 4.2, title="Drugslab <opgerold>"),
                "highlight": {
                    "body": ["Een <mark>drugslab</mark> in &lt;de&gt; schuur", "weer een <mark>drugslab</mark>"]
                },
            },
            _hit("2", 1.5, doc_type="best_practice", date=None, body="Bij de boerderij stond een drugslab met vaten."),
        ],
    },
    "aggregations": {
        "type": {"buckets": [{"key": "lesson", "doc_count": 5}, {"key": "best_practice", "doc_count": 22}]},
        "year": {"buckets": [{"key": 2023, "doc_count": 9}, {"key": 2024, "doc_count": 18}]},
        "theme": {
            "buckets": [
                {"key": "drugs\u001fDrugs", "doc_count": 4},
                {"key": "afval\u001fAfval & dumping", "doc_count": 4},
            ]
        },
        "district": {"buckets": []},
        "municipality": {"buckets": [{"key": "0796\u001f's-Hertogenbosch", "doc_count": 1}]},
        "module": {"buckets": [{"key": "kennisbank\u001f", "doc_count": 0}]},
    },
}


def test_map_response():
    req = request("drugslab", PARTNER)
    response = map_response(CANNED, req)

    assert response.engine == "elasticsearch"
    assert response.total == 27
    first, second = response.hits
    assert (first.doc_type, first.object_id, first.url, first.score) == ("lesson", "1", "/kennisbank/1/", 4.2)
    assert first.title == "Drugslab <opgerold>"  # plain: the template escapes it
    assert first.date == datetime.date(2024, 5, 1)
    assert first.snippet_html == "Een <mark>drugslab</mark> in &lt;de&gt; schuur … weer een <mark>drugslab</mark>"
    # No highlight of the body: the snippet is made here.
    assert second.date is None
    assert second.snippet_html == analysis.snippet("Bij de boerderij stond een drugslab met vaten.", req.query)
    assert "<mark>drugslab</mark>" in second.snippet_html

    facets = response.facets
    assert list(facets) == ["type", "theme", "municipality", "year"]
    assert [(v.key, v.label, v.count) for v in facets["type"]] == [
        ("best_practice", str(DOC_TYPE_LABELS["best_practice"]), 22),
        ("lesson", str(DOC_TYPE_LABELS["lesson"]), 5),
    ]
    assert [(v.key, v.label) for v in facets["year"]] == [("2024", "2024"), ("2023", "2023")]
    assert [(v.key, v.label, v.count) for v in facets["theme"]] == [
        ("afval", "Afval & dumping", 4),
        ("drugs", "Drugs", 4),
    ]
    assert facets["municipality"][0].label == "'s-Hertogenbosch"


# --- Index management against a stand-in for the REST API ---------------------------------------------------


class FakeCluster:
    """Just enough of the Elasticsearch REST API, behind the real client and bulk helpers, to check the
    engine's index management: indices, aliases (require_alias included), documents by id, and canned
    search answers. It does not search; a scan (scroll) returns every document id in one page."""

    SHARDS = {"total": 1, "successful": 1, "skipped": 0, "failed": 0}

    def __init__(self):
        self.indices: dict[str, dict] = {}  # name -> {"definition": ..., "docs": {id: source}}
        self.aliases: dict[str, set[str]] = {}
        self.requests: list[tuple[str, str, dict, object]] = []
        self.search_responses: list[dict] = []
        self.fail = None  # (method, last path segment) answered with a 500
        self.on_bulk = None  # called when a bulk request arrives, before it is applied

    def client(self) -> Elasticsearch:
        return Elasticsearch("http://fake:9200", node_class=self._node_class(), max_retries=0)

    def _node_class(self):
        cluster = self

        class FakeNode(BaseNode):
            _CLIENT_META_HTTP_CLIENT = ("fk", "1.0")

            def perform_request(self, method, target, body=None, headers=None, request_timeout=None):
                status, payload = cluster.handle(method, target, body)
                meta = ApiResponseMeta(
                    status=status,
                    http_version="1.1",
                    headers=HttpHeaders({"content-type": "application/json", "x-elastic-product": "Elasticsearch"}),
                    duration=0.0,
                    node=self.config,
                )
                return NodeApiResponse(meta, b"" if method == "HEAD" else json.dumps(payload).encode())

        return FakeNode

    def resolve(self, name: str) -> list[str]:
        return sorted(self.aliases.get(name, ())) or ([name] if name in self.indices else [])

    def docs(self, name: str) -> dict:
        return {k: v for index in self.resolve(name) for k, v in self.indices[index]["docs"].items()}

    def paths(self) -> list[str]:
        return [f"{method} {path}" for method, path, _, _ in self.requests]

    def handle(self, method, target, body):
        url = urlsplit(target)
        path = url.path.strip("/")
        parts = path.split("/") if path else []
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
        if body and parts and parts[-1] == "_bulk":
            data = [json.loads(line) for line in body.decode().splitlines() if line.strip()]
        else:
            data = json.loads(body) if body else None
        self.requests.append((method, "/" + path, params, data))
        if self.fail and (method, parts[-1] if parts else "") == self.fail:
            return 500, {"error": {"type": "node_not_connected_exception", "reason": "down"}, "status": 500}
        if method == "HEAD" and not parts:
            return 200, {}
        if parts == ["_search", "scroll"]:  # the next page of a scan: everything came in the first
            if method == "DELETE":
                return 200, {"succeeded": True, "num_freed": 1}
            return 200, {"_scroll_id": "scroll-1", "_shards": self.SHARDS, "hits": {"total": 0, "hits": []}}
        if parts[-1] == "_search" and "scroll" in params:
            hits = [{"_id": doc_id, "_score": None} for doc_id in sorted(self.docs(parts[0]))]
            return 200, {"_scroll_id": "scroll-1", "_shards": self.SHARDS, "hits": {"total": len(hits), "hits": hits}}
        if parts[0] == "_alias":
            found = self.aliases.get(parts[1])
            if not found:
                return 404, {"error": "alias missing", "status": 404}
            return 200, {index: {"aliases": {parts[1]: {}}} for index in found}
        if parts == ["_aliases"]:
            for action in data["actions"]:
                ((kind, spec),) = action.items()
                members = self.aliases.setdefault(spec["alias"], set())
                (members.add if kind == "add" else members.discard)(spec["index"])
            return 200, {"acknowledged": True}
        if parts[-1] == "_bulk":
            if self.on_bulk:
                self.on_bulk()
            return 200, self.bulk(data, params)
        if len(parts) == 1 and method == "PUT":
            self.indices[parts[0]] = {"definition": data, "docs": {}}
            return 200, {"acknowledged": True, "index": parts[0]}
        if len(parts) == 1 and method == "DELETE":
            if parts[0] not in self.indices:
                return 404, {"error": {"type": "index_not_found_exception"}, "status": 404}
            del self.indices[parts[0]]
            return 200, {"acknowledged": True}
        if parts[-1] == "_refresh":
            return 200, {"_shards": {"total": 1, "successful": 1, "failed": 0}}
        if parts[-1] == "_delete_by_query":
            types = set(data["query"]["terms"]["doc_type"])
            deleted = 0
            for index in self.resolve(parts[0]):
                docs = self.indices[index]["docs"]
                for key in [k for k, v in docs.items() if v["doc_type"] in types]:
                    del docs[key]
                    deleted += 1
            return 200, {"deleted": deleted}
        if parts[-1] == "_search":
            return 200, self.search_responses.pop(0)
        if parts[-1] == "_count":
            return 200, {"count": len(self.docs(parts[0]))}
        raise AssertionError(f"FakeCluster cannot answer {method} {target}")

    def bulk(self, lines, params):
        items = []
        while lines:
            ((op, meta),) = lines.pop(0).items()
            source = lines.pop(0) if op in ("index", "create") else None
            name = meta["_index"]
            if params.get("require_alias") == "true" and name not in self.aliases:
                items.append({op: {"_index": name, "status": 404, "error": {"type": "index_not_found_exception"}}})
                continue
            if not self.resolve(name):  # Elasticsearch would create an index with guessed mappings
                self.indices[name] = {"definition": None, "docs": {}}
            docs = self.indices[self.resolve(name)[0]]["docs"]
            if op == "delete":
                found = docs.pop(meta["_id"], None) is not None
                items.append({op: {"_id": meta["_id"], "status": 200 if found else 404}})
            else:
                docs[meta["_id"]] = source
                items.append({op: {"_id": meta["_id"], "status": 201}})
        return {"took": 1, "errors": any(i[next(iter(i))]["status"] >= 300 for i in items), "items": items}


@pytest.fixture
def cluster():
    return FakeCluster()


@pytest.fixture
def engine(cluster):
    engine = ElasticsearchEngine("http://fake:9200", index_name="vbg-test")
    engine.__dict__["_client"] = cluster.client()  # the cached client, as _client would create it
    return engine


@pytest.mark.django_db
def test_full_rebuild_fills_a_new_index_then_moves_the_alias_and_drops_the_old_one(cluster, engine):
    from search.models import SynonymGroup

    SynonymGroup.objects.all().delete()
    SynonymGroup.objects.create(terms="hennepkwekerij, wietplantage, kwekerij")
    reported = []

    assert engine.rebuild([document(str(n)) for n in range(1203)], progress=reported.append) == 1203

    assert reported == [500, 500, 203]
    (first,) = cluster.aliases["vbg-test"]
    assert first.startswith("vbg-test-") and set(cluster.indices) == {first}
    definition = cluster.indices[first]["definition"]
    assert definition["settings"]["analysis"]["filter"]["vbg_synonyms"]["synonyms"] == [
        "hennepkwekerij, wietplantage, kwekerij"
    ]
    assert definition["mappings"]["dynamic"] == "strict"
    # With the parts of its compounds, split as the database engine splits them ("drugslab": drugs, lab).
    source = cluster.docs("vbg-test")["lesson:7"]
    assert source == {**document_to_source(document("7")), "parts": "drugs lab"}
    # Filled and refreshed before the alias points at it.
    paths = cluster.paths()
    assert paths.index(f"POST /{first}/_refresh") < paths.index("POST /_aliases")

    cluster.requests.clear()
    assert engine.rebuild([document("new", doc_type="material")]) == 1

    (second,) = cluster.aliases["vbg-test"]
    assert second != first
    assert set(cluster.indices) == {second}
    assert list(cluster.docs("vbg-test")) == ["material:new"]
    (swap,) = [data for method, path, _, data in cluster.requests if path == "/_aliases"]
    assert swap["actions"] == [
        {"add": {"index": second, "alias": "vbg-test"}},
        {"remove": {"index": first, "alias": "vbg-test"}},
    ]
    assert cluster.paths().index("POST /_aliases") < cluster.paths().index(f"DELETE /{first}")


@pytest.mark.django_db
def test_failed_full_rebuild_removes_its_index_and_leaves_the_alias(cluster, engine):
    engine.rebuild([document("1")])
    (live,) = cluster.aliases["vbg-test"]

    def broken():
        yield document("2")
        raise RuntimeError("reading the documents failed")

    with pytest.raises(RuntimeError):
        engine.rebuild(broken())

    assert cluster.aliases["vbg-test"] == {live}
    assert set(cluster.indices) == {live}

    cluster.fail = ("POST", "_aliases")
    with pytest.raises(SearchUnavailable):
        engine.rebuild([document("3")])
    assert set(cluster.indices) == {live}


@pytest.mark.django_db
def test_full_rebuild_succeeds_when_only_dropping_the_old_index_fails(cluster, engine, caplog):
    engine.rebuild([document("1")])
    (first,) = cluster.aliases["vbg-test"]
    cluster.fail = ("DELETE", first)

    with caplog.at_level(logging.WARNING, logger="search.elasticsearch"):
        assert engine.rebuild([document("2")]) == 1

    (second,) = cluster.aliases["vbg-test"]
    assert second != first and set(cluster.indices) == {first, second}
    assert list(cluster.docs("vbg-test")) == ["lesson:2"]
    assert any(first in r.getMessage() for r in caplog.records if r.name == "search.elasticsearch")


@pytest.mark.django_db
def test_rebuild_of_some_types_replaces_only_those(cluster, engine):
    engine.rebuild([document("1"), document("2", doc_type="meeting"), document("3", doc_type="material")])
    cluster.requests.clear()

    written = engine.rebuild(
        [document("4"), document("5", doc_type="meeting")], doc_types=iter(["meeting", "lesson", "lesson"])
    )

    assert written == 2
    assert sorted(cluster.docs("vbg-test")) == ["lesson:4", "material:3", "meeting:5"]
    (delete,) = [(params, data) for method, path, params, data in cluster.requests if path.endswith("_delete_by_query")]
    assert delete[1] == {"query": {"terms": {"doc_type": ["lesson", "meeting"]}}}
    assert delete[0]["conflicts"] == "proceed"
    assert all(params.get("require_alias") == "true" for _, path, params, _ in cluster.requests if path == "/_bulk")
    assert "POST /vbg-test/_refresh" in cluster.paths()


@pytest.mark.django_db
def test_index_on_a_fresh_cluster_creates_the_index_behind_the_alias_first(cluster, engine):
    assert engine.index([document("1"), document("2")]) == 2

    (live,) = cluster.aliases["vbg-test"]
    assert live != "vbg-test" and "vbg-test" not in cluster.indices
    assert sorted(cluster.docs("vbg-test")) == ["lesson:1", "lesson:2"]

    cluster.requests.clear()
    assert engine.index([document("1", title="Nieuwe titel")]) == 1
    assert cluster.docs("vbg-test")["lesson:1"]["title"] == "Nieuwe titel"
    assert cluster.paths() == ["PUT /_bulk"]  # no more alias checks


@pytest.mark.django_db
def test_index_and_delete_return_when_the_change_is_searchable(cluster, engine):
    engine.index([document("1"), document("2")])
    engine.delete([("lesson", "1")])

    bulks = [params for _, path, params, _ in cluster.requests if path == "/_bulk"]
    assert len(bulks) == 2
    assert all(params.get("refresh") == "wait_for" for params in bulks)


@pytest.mark.django_db
def test_rebuilds_refresh_once_at_the_end_instead_of_waiting_per_batch(cluster, engine):
    engine.rebuild([document(str(n)) for n in range(700)])
    engine.rebuild([document("new")], doc_types=["lesson"])

    bulks = [params for _, path, params, _ in cluster.requests if path == "/_bulk"]
    assert len(bulks) == 3 and not any("refresh" in params for params in bulks)
    assert len([path for path in cluster.paths() if path.endswith("/_refresh")]) == 2


def test_delete_ignores_keys_that_are_not_there(cluster, engine):
    cluster.indices["vbg-test-1"] = {"definition": {}, "docs": {"lesson:1": {}, "lesson:2": {}}}
    cluster.aliases["vbg-test"] = {"vbg-test-1"}

    assert engine.delete([("lesson", "1"), ("lesson", "404"), ("meeting", "1")]) == 1
    assert list(cluster.docs("vbg-test")) == ["lesson:2"]

    del cluster.aliases["vbg-test"]  # no index at all: nothing to delete, and nothing created
    assert engine.delete([("lesson", "2")]) == 0
    assert set(cluster.indices) == {"vbg-test-1"}


def _response(*hits, total=None):
    return {
        "hits": {"total": {"value": len(hits) if total is None else total, "relation": "eq"}, "hits": list(hits)},
        "aggregations": {},
    }


@pytest.mark.django_db  # the compounds typed are split with the database's vocabulary
def test_search_sends_one_body_and_says_partial_when_no_hit_has_every_word(cluster, engine):
    every = _hit("2", 3.0, body="mest lozing")
    every["matched_queries"] = ["all_terms"]
    cluster.search_responses = [_response(_hit("1", 2.0, body="mest")), _response(every, _hit("1", 2.0, body="mest"))]
    req = request("mest lozing", PARTNER)

    some = engine.search(req)
    both = engine.search(req)

    assert [h.object_id for h in some.hits] == ["1"] and some.partial
    assert [h.object_id for h in both.hits] == ["2", "1"] and not both.partial
    first, second = [data for _, path, _, data in cluster.requests if path == "/vbg-test/_search"]
    assert first == second == build_search_body(req)


def test_search_with_one_term_and_no_hits_asks_once(cluster, engine):
    cluster.search_responses = [_response()]
    assert engine.search(request("mest", PARTNER)).hits == []
    assert cluster.paths() == ["POST /vbg-test/_search"]


def test_count_uses_the_filtered_query(cluster, engine):
    cluster.indices["vbg-test-1"] = {"definition": {}, "docs": {"lesson:1": {}}}
    cluster.aliases["vbg-test"] = {"vbg-test-1"}
    req = request("mest", AOV)

    assert engine.count(req) == 1
    (data,) = [data for _, path, _, data in cluster.requests if path == "/vbg-test/_count"]
    assert data == {"query": build_query(req)}


def test_autocomplete_merges_equal_titles(cluster, engine):
    cluster.search_responses = [
        _response(
            _hit("1", 3.0, title="Drugslab Kempen"),
            _hit("2", 2.0, title="Drugslab Kempen"),
            _hit("3", 1.0, title="Drugslabs in de Peel", doc_type="meeting"),
        )
    ]

    suggestions = engine.autocomplete(prefix="drugsl", scope=AOV, limit=8)

    assert [(s.title, s.url, s.doc_type) for s in suggestions] == [
        ("Drugslab Kempen", "/kennisbank/1/", "lesson"),
        ("Drugslabs in de Peel", "/kennisbank/3/", "meeting"),
    ]
    assert engine.autocomplete(prefix="d", scope=AOV) == []
    assert len(cluster.requests) == 1


def test_ping(cluster, engine):
    assert engine.ping() is True
    cluster.fail = ("HEAD", "")
    assert engine.ping() is False


@pytest.mark.django_db  # the compounds typed are split with the database's vocabulary
def test_cluster_errors_become_search_unavailable(cluster, engine, caplog):
    cluster.fail = ("POST", "_search")
    with caplog.at_level(logging.WARNING, logger="search.elasticsearch"):
        with pytest.raises(SearchUnavailable, match="search failed"):
            engine.search(request("mest", PARTNER))
    assert [r.levelno for r in caplog.records if r.name == "search.elasticsearch"] == [logging.WARNING]

    cluster.fail = ("PUT", "_bulk")
    cluster.aliases["vbg-test"] = {"vbg-test-1"}
    cluster.indices["vbg-test-1"] = {"definition": {}, "docs": {}}
    with pytest.raises(SearchUnavailable):
        engine.index([document("1")])


@pytest.mark.django_db  # the compounds typed are split with the database's vocabulary
def test_rejected_documents_become_search_unavailable(cluster, engine):
    """require_alias refuses the write when the alias has gone (someone deleted it): no guessed index."""
    engine._live_index_ready = True
    with pytest.raises(SearchUnavailable, match="BulkIndexError"):
        engine.index([document("1")])
    assert cluster.indices == {}


# --- Searches while index updates wait for Elasticsearch ---------------------------------------------------


class SearchingCluster(FakeCluster):
    """The stand-in, answering searches, counts and title suggestions with every document that passes the
    request's filter clauses (the access filter above all; the text is not matched). Enough to show which
    document a search would get from the cluster."""

    def handle(self, method, target, body):
        path = urlsplit(target).path.strip("/").split("/")
        if (
            path[-1] not in ("_search", "_count")
            or "scroll" in target
            or self.fail == (method, path[-1])
            or self.search_responses
        ):
            return super().handle(method, target, body)
        data = json.loads(body) if body else {}
        self.requests.append((method, urlsplit(target).path, {}, data))
        query = data["query"].get("function_score", {}).get("query", data["query"])
        found = [
            (doc_id, source)
            for doc_id, source in sorted(self.docs(path[0]).items())
            if all(evaluate(clause, source) for clause in query["bool"]["filter"])
        ]
        if path[-1] == "_count":
            return 200, {"count": len(found)}
        hits = [
            {"_id": doc_id, "_score": 1.0, "_source": {k: source[k] for k in HIT_SOURCE if k in source}}
            for doc_id, source in found
        ]
        return 200, {"hits": {"total": {"value": len(hits), "relation": "eq"}, "hits": hits}}


@pytest.fixture
def portal_cluster(settings):
    """The portal configured with the stand-in as its Elasticsearch."""
    from search.engines import _elasticsearch_engine, elasticsearch_engine

    cluster = SearchingCluster()
    _elasticsearch_engine.cache_clear()
    settings.ELASTICSEARCH_URL = "http://fake:9200"
    settings.ELASTICSEARCH_INDEX = "vbg-test"
    elasticsearch_engine().__dict__["_client"] = cluster.client()
    yield cluster
    _elasticsearch_engine.cache_clear()


def _finds(user, page, text="mestfraude") -> tuple[str, bool, bool]:
    """(the engine that answered, whether the search found the page, whether the title suggestions did)."""
    from search.services import portal_search, search_request_for, title_suggestions

    response = portal_search(search_request_for(user, text=text))
    suggested = any(s.url == page.url for s in title_suggestions(user, text[:6]))
    return response.engine, str(page.pk) in [h.object_id for h in response.hits], suggested


def _notice(user, text="mestfraude") -> str | None:
    from search.services import portal_search, search_request_for

    return portal_search(search_request_for(user, text=text)).notice


@pytest.fixture
def wide_page(portal_cluster, make_user):
    """A page for two districts, indexed in both engines, and a Partner of each district."""
    from search.indexing import rebuild
    from tests.knowledgebase.factories import article

    people = {code: make_user(Role.PARTNER, district=code) for code in ("KEN", "NHN")}
    page = article("Mestfraude in de polder", visibility="districts", districts=("KEN", "NHN"))
    rebuild()
    assert _finds(people["NHN"], page) == ("elasticsearch", True, True)
    return page, people


def _narrow_to_ken(page) -> None:
    from stakeholders.models import District

    page.visible_districts = list(District.objects.filter(code="KEN"))
    page.save()


@pytest.mark.django_db
def test_while_an_update_waits_for_a_retry_the_database_answers(
    portal_cluster, wide_page, django_capture_on_commit_callbacks
):
    from search.indexing import retry_failures
    from search.models import SearchIndexFailure

    page, people = wide_page
    portal_cluster.fail = ("PUT", "_bulk")
    with django_capture_on_commit_callbacks(execute=True):
        _narrow_to_ken(page)
    # The stand-in keeps the old, wider document; the failure waits for a retry.
    stale = portal_cluster.docs("vbg-test")[f"best_practice:{page.pk}"]
    assert len(stale["access_districts"]) == 2
    assert SearchIndexFailure.objects.filter(object_id=str(page.pk), attempts=1).exists()
    waiting = SearchIndexFailure.objects.count()

    assert _finds(people["NHN"], page) == ("database", False, False)
    assert _finds(people["KEN"], page) == ("database", True, True)
    assert _notice(people["KEN"]).startswith("De zoekmachine is even niet bereikbaar")  # a write failed

    portal_cluster.fail = None
    assert retry_failures() == waiting
    assert not SearchIndexFailure.objects.exists()
    assert _finds(people["NHN"], page) == ("elasticsearch", False, False)
    assert _finds(people["KEN"], page) == ("elasticsearch", True, True)


@pytest.mark.django_db
def test_a_search_during_an_update_or_after_its_worker_died_is_answered_by_the_database(
    portal_cluster, wide_page, django_capture_on_commit_callbacks
):
    from search.indexing import index_keys
    from search.models import SearchIndexFailure

    page, people = wide_page
    during = []
    notices_during = []
    portal_cluster.on_bulk = lambda: (
        during.append(_finds(people["NHN"], page)),
        notices_during.append(_notice(people["NHN"])),
    )
    with django_capture_on_commit_callbacks(execute=True):
        _narrow_to_ken(page)
    assert during == [("database", False, False)]
    assert notices_during == [None]  # a write under way is not worth mentioning
    assert not SearchIndexFailure.objects.exists()  # done: Elasticsearch answers again
    assert _finds(people["NHN"], page) == ("elasticsearch", False, False)

    def die():
        raise RuntimeError("the worker stopped")

    portal_cluster.on_bulk = die
    with pytest.raises(RuntimeError):
        index_keys([("best_practice", str(page.pk))])
    # The mark made before the database documents changed stays until a retry.
    assert SearchIndexFailure.objects.filter(object_id=str(page.pk), attempts=0).exists()
    assert _finds(people["NHN"], page)[0] == "database"


@pytest.mark.django_db
def test_choosing_the_engine_costs_one_small_query_and_compounds_one_vocabulary_lookup(portal_cluster, wide_page):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from search.services import portal_search, search_request_for

    page, people = wide_page
    search = search_request_for(people["KEN"], text="mestfraude")
    with CaptureQueriesContext(connection) as queries:
        response = portal_search(search)
    assert response.engine == "elasticsearch" and response.total
    # Is Elasticsearch behind (one small query)? And which heads and tails of the typed compound are words of
    # the vocabulary (search.analysis.Lexicon, issue #21): the same split as the documents' parts.
    choice, vocabulary = queries.captured_queries
    assert "searchindexfailure" in choice["sql"].lower()
    assert "searchterm" in vocabulary["sql"].lower()


@pytest.mark.django_db
def test_verify_compares_the_document_ids_in_elasticsearch_with_the_database(portal_cluster, wide_page):
    from search.indexing import verify

    page, _people = wide_page
    report = verify()
    assert report.elasticsearch == "compared" and report.differences == 0
    assert "POST /_search/scroll" in portal_cluster.paths()

    (live,) = portal_cluster.aliases["vbg-test"]
    docs = portal_cluster.indices[live]["docs"]
    gone = docs.pop(f"best_practice:{page.pk}")
    docs["lesson:424242"] = {**gone, "doc_type": "lesson", "object_id": "424242"}
    docs["oldtype:7"] = {**gone, "doc_type": "oldtype", "object_id": "7"}

    report = verify()
    assert report.types["best_practice"].es_missing == [str(page.pk)]
    assert report.types["lesson"].es_extra == ["424242"]
    assert report.types["oldtype"].es_extra == ["7"]
    assert report.differences == 3
    assert not report.types["best_practice"].stale and not report.types["best_practice"].missing

    assert verify(fix=True).fixed == report.differences
    assert set(portal_cluster.docs("vbg-test")) >= {f"best_practice:{page.pk}"}
    assert not {"lesson:424242", "oldtype:7"} & set(portal_cluster.docs("vbg-test"))
    assert verify().differences == 0

    portal_cluster.fail = ("POST", "_search")
    report = verify()
    assert report.elasticsearch == "unreachable" and report.differences == 0


# --- An unreachable cluster ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_unreachable_cluster_fails_fast_with_search_unavailable(caplog):
    engine = ElasticsearchEngine("http://127.0.0.1:9", timeout=0.5)
    started = time.monotonic()

    with caplog.at_level(logging.WARNING, logger="search.elasticsearch"):
        with pytest.raises(SearchUnavailable):
            engine.search(request("drugslab", PARTNER))
        assert engine.ping() is False
        with pytest.raises(SearchUnavailable):
            engine.count(request("drugslab", PARTNER))
        with pytest.raises(SearchUnavailable):
            engine.autocomplete(prefix="drugs", scope=PARTNER)
        with pytest.raises(SearchUnavailable):
            engine.index([document()])
        with pytest.raises(SearchUnavailable):
            engine.delete([("lesson", "1")])
        with pytest.raises(SearchUnavailable):
            engine.rebuild([document()])
        with pytest.raises(SearchUnavailable):
            engine.rebuild([document()], doc_types=["lesson"])

    assert time.monotonic() - started < 10
    ours = [r for r in caplog.records if r.name == "search.elasticsearch"]
    assert len(ours) == 7 and all(r.levelno == logging.WARNING for r in ours)


@pytest.mark.django_db  # the compounds typed are split with the database's vocabulary
def test_malformed_url_is_unavailable_not_an_exception():
    engine = ElasticsearchEngine("not a url")
    with pytest.raises(SearchUnavailable):
        engine.search(request("drugslab", PARTNER))
    assert engine.ping() is False


# --- Against a real cluster (ELASTICSEARCH_URL) -------------------------------------------------------------

LIVE_DOCUMENTS = [
    document(
        "hennep",
        doc_type="best_practice",
        title="Hennepkwekerij in een schuur opgerold",
        body="In een leegstaande schuur werd een hennepkwekerij met zeshonderd planten gevonden.",
        tags={"theme": (("drugs", "Drugs"),)},
    ),
    document(
        "lab",
        title="Drugslab bij een boerderij",
        body="Een drugslab met vaten chemisch afval achter een boerderij.",
        tags={"theme": (("drugs", "Drugs"),)},
    ),
    document(
        "kempen",
        doc_type="meeting",
        title="Dumpingsoverleg Kempen",
        body="Vertrouwelijk overleg over dumpingen van drugsafval.",
        access=DocumentAccess(PLATFORM, districts=frozenset({1})),
        tags={"district": (("KEM", "Kempen"),)},
    ),
    document(
        "peel",
        doc_type="meeting",
        title="Dumpingsoverleg Peel",
        body="Vertrouwelijk overleg over dumpingen van drugsafval.",
        access=DocumentAccess(PLATFORM, districts=frozenset({2})),
        tags={"district": (("PEE", "Peel"),)},
    ),
]
PEEL_PARTNER = AccessScope(False, frozenset({LOGGED_IN, PLATFORM}), frozenset({2}), frozenset(), TODAY)


class TestLiveCluster:
    pytestmark = [
        pytest.mark.skipif(not os.environ.get("ELASTICSEARCH_URL"), reason="needs ELASTICSEARCH_URL"),
        pytest.mark.django_db,
    ]

    @pytest.fixture
    def live(self):
        from search.models import SynonymGroup

        SynonymGroup.objects.all().delete()  # only this group, not the starting set of the migrations
        SynonymGroup.objects.create(terms="hennepkwekerij, wietplantage, kwekerij")
        engine = ElasticsearchEngine(
            os.environ["ELASTICSEARCH_URL"], index_name=f"vbg-test-{uuid.uuid4().hex[:10]}", timeout=10
        )
        assert engine.ping()
        assert engine.rebuild(LIVE_DOCUMENTS) == len(LIVE_DOCUMENTS)
        yield engine
        client = engine._client
        for index in client.indices.get(index=f"{engine.index_name}-*").body:
            client.indices.delete(index=index)

    @staticmethod
    def search(engine, text, scope=SECRETARIAT):
        return engine.search(SearchRequest(query=analysis.parse_query(text, synonyms={}), scope=scope))

    def test_synonyms_of_the_index(self, live):
        response = self.search(live, "wietplantage")  # the query itself is not expanded: the cluster does it
        assert [h.object_id for h in response.hits] == ["hennep"]
        assert "<mark>" in response.hits[0].snippet_html

    def test_parts_of_compound_words(self, live):
        assert "lab" in [h.object_id for h in self.search(live, "lab").hits]

    def test_district_documents_stay_in_their_district(self, live):
        response = self.search(live, "dumpingsoverleg", scope=PEEL_PARTNER)
        assert [h.object_id for h in response.hits] == ["peel"]
        assert response.total == 1
        assert [(v.key, v.count) for v in response.facets["district"]] == [("PEE", 1)]
        assert [(v.key, v.count) for v in response.facets["type"]] == [("meeting", 1)]
        suggestions = live.autocomplete(prefix="dumpingso", scope=PEEL_PARTNER)
        assert [s.title for s in suggestions] == ["Dumpingsoverleg Peel"]
        # Inside a word, and one typo away (#21).
        assert [s.title for s in live.autocomplete(prefix="soverleg", scope=PEEL_PARTNER)] == ["Dumpingsoverleg Peel"]
        assert [s.title for s in live.autocomplete(prefix="dumpinsoverl", scope=PEEL_PARTNER)] == [
            "Dumpingsoverleg Peel"
        ]
        assert (
            live.count(SearchRequest(query=analysis.parse_query("dumpingsoverleg", synonyms={}), scope=ANONYMOUS)) == 0
        )
        assert self.search(live, "dumpingsoverleg").total == 2

    def test_second_rebuild_swaps_the_alias(self, live):
        client = live._client
        (before,) = client.indices.get_alias(name=live.index_name).body
        assert live.rebuild(LIVE_DOCUMENTS[:1]) == 1
        (after,) = client.indices.get_alias(name=live.index_name).body
        assert after != before
        assert not client.indices.exists(index=before)
        assert self.search(live, "drugslab").total == 0

    def test_index_and_delete(self, live):
        live.index([document("new", title="Mestfraude in de polder", body="Mest werd illegaal uitgereden.")])
        live._client.indices.refresh(index=live.index_name)
        assert [h.object_id for h in self.search(live, "mestfraude").hits] == ["new"]
        assert live.delete([("lesson", "new"), ("lesson", "never-indexed")]) == 1
        live._client.indices.refresh(index=live.index_name)
        assert self.search(live, "mestfraude").total == 0


@pytest.mark.django_db
def test_health_calls_an_update_under_way_healthy_and_a_failed_or_stuck_one_degraded(portal_cluster):
    import datetime

    from django.utils import timezone

    from search.models import SearchIndexFailure
    from vbg_platform.health import check_search

    assert check_search() == (True, "elasticsearch")
    row = SearchIndexFailure.objects.create(doc_type="best_practice", object_id="1", error="", attempts=0)
    assert check_search() == (True, "elasticsearch")  # a write under way: its worker finishes it in a moment
    SearchIndexFailure.objects.filter(pk=row.pk).update(first_failed_at=timezone.now() - datetime.timedelta(minutes=2))
    assert check_search() == (False, "degraded: 1 index updates wait for a retry")  # its worker stopped
    SearchIndexFailure.objects.filter(pk=row.pk).update(first_failed_at=timezone.now(), attempts=1)
    assert check_search() == (False, "degraded: 1 index updates wait for a retry")
