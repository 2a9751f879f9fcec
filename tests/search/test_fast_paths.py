"""The database engine's fast paths give the answers of the plain ones: corrections for all words in one
statement (with the access filter inside it), the result page ordered and counted in SQL, and on PostgreSQL
the rank computed per lexeme. No timings here: only that nothing changed, and nothing leaks."""

import pytest
from django.db import connection
from rapidfuzz.distance import Levenshtein

from search.access import access_scope_for, anonymous_scope
from search.analysis import STOP_WORDS, parse_query
from search.contract import SearchRequest
from search.engines.database import MAX_CANDIDATE_CHECKS, DatabaseEngine
from search.models import SearchDocument
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


def _python_page(engine: DatabaseEngine, request: SearchRequest) -> list[tuple[str, str]]:
    """The page as the engine ordered it in Python: every match read, sorted, sliced."""
    where = engine._where(request)
    sql, params = engine.fts.found(request.query, any_term=False, where=where)
    with engine.session(), engine.fts.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    ids = engine._page_ids(request, found)
    keys = dict(SearchDocument.objects.filter(pk__in=ids).values_list("pk", "object_id"))
    kinds = dict(SearchDocument.objects.filter(pk__in=ids).values_list("pk", "doc_type"))
    return [(kinds[pk], keys[pk]) for pk in ids], found


@pytest.mark.parametrize("sort", ["relevance", "date"])
@pytest.mark.parametrize("text", ["platformoverleg", "drugsafval", "schuur", "kennemerland voorjaar"])
def test_the_page_ordered_and_counted_in_sql_is_the_page_ordered_in_python(portal, people, text, sort):
    engine = DatabaseEngine()
    scope = access_scope_for(people["secretariat"])
    for page in (1, 2):
        request = SearchRequest(query=parse_query(text), scope=scope, sort=sort, page=page, page_size=3)
        request = SearchRequest(query=engine.with_parts(request.query), scope=scope, sort=sort, page=page, page_size=3)
        expected, found = _python_page(engine, request)
        result = engine._result(request, any_term=False)
        assert [(h.doc_type, h.object_id) for h in result.hits] == expected
        assert result.total == len(found)
        assert dict(result.types) == {t: sum(1 for r in found if r[1] == t) for t in {r[1] for r in found}}


@postgres_only
@pytest.mark.parametrize(
    "alternatives",
    [
        [("schuur",), ("loods",), ("stal",), ("opstal",)],
        [("drugsafval",), ("drugsdumping",), ("drugsdump",), ("drugsdumpingen",)],
        [("platformoverleg",)],
        [("de",), ("schuur",)],
        [("de",), ("het",)],
        [("schuur",), ("adviseur", "openbare", "veiligheid")],
    ],
)
def test_the_rank_per_lexeme_is_ts_rank_cd_to_the_bit(portal, alternatives):
    from search.indexing import rebuild
    from tests.knowledgebase.factories import article

    # Many positions of several lexemes in title and text (a lexeme keeps at most 256 positions).
    article("Schuur, loods en stal: schuur schuur", intro="schuur loods stal opstal drugsafval " * 300)
    rebuild(["best_practice"])
    fts = DatabaseEngine().fts
    rank_sql, lateral, params = fts.rank(alternatives)
    plain = " | ".join(f"({' <-> '.join(a)})" for a in alternatives)
    with fts.cursor() as cursor:
        cursor.execute(
            f"SELECT id, ts_rank_cd(search_vector, to_tsquery('dutch', %s)), {rank_sql} "
            f"FROM portal_search_searchdocument{lateral}",
            [plain, *params],
        )
        rows = cursor.fetchall()
    assert rows and [row for row in rows if row[1] != row[2]] == []
    meaningful = any(word not in STOP_WORDS for alternative in alternatives for word in alternative)
    assert any(reference > 0 for _id, reference, _fast in rows) == meaningful


@postgres_only
def test_the_vocabulary_index_takes_new_words_directly(portal):
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'search_term_word_trgm'")
        assert "fastupdate=off" in cursor.fetchone()[0]
    DatabaseEngine().fts.merge_pending()  # the indexes' owner may merge the pending lists
