"""The database engine's fast paths give the answers of the plain ones: corrections for all words in one
statement (with the access filter inside it), and result pages that are slices of one order. No timings
here: only that nothing changed, and nothing leaks."""

import pytest
from django.db import connection
from rapidfuzz.distance import Levenshtein

from search.access import access_scope_for, anonymous_scope
from search.analysis import parse_query
from search.contract import SearchRequest
from search.engines.database import MAX_CANDIDATE_CHECKS, DatabaseEngine
from search.synonyms import synonym_table

from .conftest import SECRET_WORD

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full text")


def _reference_corrections(engine: DatabaseEngine, text: str, scope) -> dict[str, str]:
    """The corrections as they were made before: per word, the 50 most similar vocabulary words, scored by
    edit distance, and one full-text query per candidate until one is found in a visible document."""
    query = parse_query(text)
    synonym_words = {w for key in synonym_table() for w in key}
    corrections = {}
    for word in [t.text for t in query.terms if len(t.alternatives[0]) == 1 and len(t.text) >= 4]:
        if word.isdigit() or word in synonym_words:
            continue
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT word, documents FROM portal_search_searchterm WHERE similarity(word, %s) >= 0.3 "
                    "ORDER BY similarity(word, %s) DESC LIMIT 50",
                    [word, word],
                )
            else:
                cursor.execute(*engine.fts.vocabulary_candidates(word))
            candidates = [*cursor.fetchall(), (word, 0), *((w, 0) for w in synonym_words)]
        limit = 1 if len(word) <= 5 else 2
        scored = sorted({(Levenshtein.distance(word, c, score_cutoff=limit), -n, c) for c, n in candidates})
        for distance, _n, candidate in scored[:MAX_CANDIDATE_CHECKS]:
            if distance > limit:
                break
            if candidate in synonym_words or engine._word_found(candidate, scope):
                if candidate != word:
                    corrections[word] = candidate
                break
    return corrections


@pytest.fixture
def typo_portal(portal):
    from search.indexing import rebuild
    from tests.knowledgebase.factories import article

    article("Erfbezoek bij een bakker in de polder", visibility="public")
    article("Notitie over Backer en de mestkelder", visibility="districts", districts=("NHN",))
    article("Voorlichting aan eigenaren van schuren", visibility="partners")
    rebuild(["best_practice"])
    return portal


MISSPELT = [
    SECRET_WORD[:-2] + "n",
    "backer",
    "bakkr polder",
    "wietplantge schuur",
    "drugsdumpng",
    "voorlichtng eigenaars schuuren",
    f"{SECRET_WORD[:-2]}n bakkr",
    "mestkeldr",
    "hennepkwekrij loodz",
]


@pytest.mark.parametrize("who", ["anonymous", "partner_ken", "partner_nhn", "coach", "secretariat"])
def test_corrections_in_one_statement_are_those_of_one_query_per_candidate(typo_portal, people, who):
    engine = DatabaseEngine()
    user = people[who]
    scope = anonymous_scope() if user is None else access_scope_for(user)
    for text in MISSPELT:
        assert engine.corrections(parse_query(text), scope) == _reference_corrections(engine, text, scope), text


@pytest.mark.parametrize("who", ["anonymous", "partner_nhn", "coach", "admin", "privacy_officer"])
def test_a_private_word_is_never_a_correction_even_beside_other_words(typo_portal, people, who):
    engine = DatabaseEngine()
    user = people[who]
    scope = anonymous_scope() if user is None else access_scope_for(user)
    typo = SECRET_WORD[:-2] + "n"
    corrections = engine.corrections(parse_query(f"{typo} bakkr wietplantge"), scope)
    assert SECRET_WORD not in corrections.values()
    assert corrections.get("bakkr") == "bakker" and corrections.get("wietplantge") == "wietplantage"


def test_the_district_member_gets_the_private_word_beside_the_others(typo_portal, people):
    scope = access_scope_for(people["partner_ken"])
    typo = SECRET_WORD[:-2] + "n"
    corrections = DatabaseEngine().corrections(parse_query(f"{typo} bakkr"), scope)
    assert corrections == {typo: SECRET_WORD, "bakkr": "bakker"}


def test_a_correction_that_still_misses_a_word_is_not_offered(client, typo_portal):
    # "wietplantage qqqxyzzy" finds only some of its words: neither shown nor offered.
    result = client.get("/zoeken/", {"q": "wietplantge qqqxyzzy"}).context["response"]
    assert result.total == 0 and result.suggestion is None and not result.showing_suggestion
    literal = client.get("/zoeken/", {"q": "wietplantge qqqxyzzy", "letterlijk": "1"}).context["response"]
    assert literal.total == 0 and literal.suggestion is None


@pytest.mark.parametrize("sort", ["relevance", "date"])
@pytest.mark.parametrize("text", ["platformoverleg", "drugsafval", "schuur", "kennemerland voorjaar"])
def test_pages_are_slices_of_one_order_and_count_every_match(portal, people, text, sort):
    """search.ranking orders every match once (issue #21): page two continues page one, and the total and
    type counts are those of every match (here, with fewer than a page of documents holding every word, every
    document with at least one of the words)."""
    engine = DatabaseEngine()
    scope = access_scope_for(people["secretariat"])

    def page(number, size):
        query = engine.with_compounds(parse_query(text))
        return engine._result(SearchRequest(query=query, scope=scope, sort=sort, page=number, page_size=size))

    whole = page(1, 6)
    assert [h.object_id for h in page(1, 3).hits + page(2, 3).hits] == [h.object_id for h in whole.hits]
    sql, params = engine.fts.found(
        engine.with_compounds(parse_query(text)),
        any_term=True,
        where=engine._where(SearchRequest(query=parse_query(text), scope=scope)),
    )
    with engine.session(), engine.fts.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    assert whole.total == len(found)
    assert dict(whole.types) == {t: sum(1 for r in found if r[1] == t) for t in {r[1] for r in found}}


@postgres_only
def test_the_vocabulary_index_takes_new_words_directly(portal):
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'search_term_word_trgm'")
        assert "fastupdate=off" in cursor.fetchone()[0]
    DatabaseEngine().fts.merge_pending()  # the indexes' owner may merge the pending lists
