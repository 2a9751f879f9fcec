"""The database engine: SQLite FTS5 on the embedded default, PostgreSQL full text (`dutch`) in production,
each with a trigram index for parts of words and typos (structures in search/db_sql.py).

Every statement starts from `selectors.visible_documents(scope, filters)`, compiled by the ORM into the
`allowed` common table expression; full-text conditions are added on top of it and never replace it."""

import dataclasses
import json
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import contextmanager, nullcontext
from functools import lru_cache

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import DatabaseError, connection, transaction
from django.db.models import Case, F, Q, Value, When
from rapidfuzz.distance import Levenshtein

from .. import analysis, ranking
from ..access import AccessScope, open_to_everyone_signed_in
from ..contract import (
    DOC_TYPE_LABELS,
    DocumentData,
    FacetValue,
    Hit,
    SearchRequest,
    SearchResponse,
    TitleSuggestion,
)
from ..db_sql import POSTGRES_GIN_MERGE
from ..models import SearchDocument, SearchDocumentAccess, SearchTag, SearchTerm
from ..selectors import visible_documents
from ..synonyms import synonym_table

logger = logging.getLogger(__name__)

TITLE_WEIGHT = 4.0
# Documents with every term that make the documents with only some of them no match (see _result): a full
# first page of results.
ENOUGH_COMPLETE = 10
RERANKED = 300  # the best candidates by the database's own score that search.ranking orders
STATISTICS_SECONDS = 60.0
_STATISTICS: dict = {"at": -1e9, "vendor": None, "frequencies": {}, "documents": None}
MAX_CANDIDATE_CHECKS = 5  # nearest vocabulary words checked against the user's documents
MAX_WORD_CHARS = 40
INFIX_MIN_CHARS = 3  # a title suggestion matches inside a word from this many letters ("lab" in "drugslab")
DOC = SearchDocument._meta.db_table
TAG = SearchTag._meta.db_table


# --- Full-text SQL per vendor -----------------------------------------------------------------------------


def _fts_phrase(words: tuple[str, ...]) -> str:
    stems = [analysis.stem(w) for w in words if w not in analysis.STOP_WORDS] or [analysis.stem(w) for w in words]
    return '"' + " ".join(stems) + '"'


def _fts_term(term: analysis.Term) -> str:
    """A term's alternatives (words, phrases) or all of a compound's parts."""
    ways = [_fts_phrase(a) for a in term.alternatives]
    ways += ["(" + " AND ".join(_fts_phrase((part,)) for part in parts) + ")" for parts in term.parts]
    ways += [_fts_phrase(a) for a in term.near]
    return " OR ".join(ways)


def _ts_lexeme(stem: str) -> str:
    """A stem as a tsquery lexeme of the title (A) or text (B); stems are letters and digits only."""
    return "'" + stem.replace("'", "") + "':AB"


def _ts_phrase(words: tuple[str, ...]) -> str:
    stems = ranking.alternative_stems(words)
    return " <-> ".join(_ts_lexeme(s) for s in stems) if len(stems) > 1 else _ts_lexeme(stems[0])


def _ts_term(term: analysis.Term) -> str:
    ways = [f"({_ts_phrase(a)})" for a in term.alternatives]
    ways += ["(" + " & ".join(_ts_lexeme(analysis.stem(p)) for p in parts) + ")" for parts in term.parts]
    ways += [f"({_ts_phrase(a)})" for a in term.near]
    return " | ".join(ways)


def _day_number(column: str) -> str:
    """A date as the number yyyymmdd (NULL stays NULL), the same on both databases: ordering thousands of
    matches newest first then needs no date object per row (parsing them cost SQLite about 10 ms a search)."""
    return f"CAST(REPLACE(CAST({column} AS TEXT), '-', '') AS INTEGER)"


def _minimum(terms: list[str], any_term: bool, minimum: int | None) -> int:
    """How many of the terms a match must have (one or all): `minimum` when given, else by any_term."""
    if minimum is not None:
        return 1 if minimum <= 1 else len(terms)
    return 1 if any_term else len(terms)


def _at_least(terms: list[str], minimum: int, and_: str, or_: str) -> list[str]:
    """The parts (joined by `and_`) of "at least `minimum` of these terms": every term, or any one."""
    if not terms:
        return []
    if minimum >= len(terms):
        return [f"({t})" for t in terms]
    return ["(" + or_.join(f"({t})" for t in terms) + ")"]


class SqliteFullText:
    """FTS5 over stems made in Python; bm25 ranks (lower is better). The whole query is one MATCH, and only
    the matching rows are checked against the access filter (CROSS JOIN keeps that join order)."""

    term_table = SearchTerm._meta.db_table

    def cursor(self):
        return connection.cursor()

    def session(self):
        return nullcontext()

    def merge_pending(self) -> None:
        """FTS5 merges its own segments."""

    def expression(self, query: analysis.ParsedQuery, *, any_term: bool, minimum: int | None = None) -> str:
        terms = [_fts_term(term) for term in query.terms]
        parts = _at_least(terms, _minimum(terms, any_term, minimum), " AND ", " OR ")
        parts += [_fts_phrase(phrase) for phrase in query.phrases]
        expression = " AND ".join(parts)
        if query.excluded:
            expression = f"({expression}) NOT ({' OR '.join(_fts_phrase((w,)) for w in query.excluded)})"
        return expression

    @staticmethod
    def score_order(expression: str) -> str:
        return f"ROUND({expression}, 6)"

    def document_frequencies(self, stems: list[str]) -> dict[str, int]:
        with connection.cursor() as cursor:
            found = {}
            for stem in stems:
                cursor.execute("SELECT COUNT(*) FROM search_fts WHERE search_fts MATCH %s", [f'"{stem}"'])
                found[stem] = cursor.fetchone()[0]
            return found

    def found(
        self, query: analysis.ParsedQuery, *, any_term: bool, where: tuple[str, list], minimum: int | None = None
    ) -> tuple[str, list]:
        """(id, doc_type, date, year, weight, text score) of the matching rows that pass `where`: the
        full-text match drives, each match is looked up by id (CROSS JOIN keeps that order) and filtered."""
        where_sql, where_params = where
        sql = (
            f"SELECT {DOC}.id AS id, {DOC}.doc_type AS doc_type, {_day_number(DOC + '.date')} AS day, "
            f"{DOC}.year AS year, {DOC}.weight AS weight, "
            f"-bm25(search_fts, {TITLE_WEIGHT}, 1.0) AS score "
            f"FROM search_fts CROSS JOIN {DOC} ON {DOC}.id = search_fts.rowid "
            f"WHERE search_fts MATCH %s AND ({where_sql})"
        )
        return sql, [self.expression(query, any_term=any_term, minimum=minimum), *where_params]

    def found_ids(self, found: list[tuple], query, *, any_term: bool, where) -> tuple[str, list]:
        """The found ids as a subquery: one JSON parameter (no limit on the number of SQL variables)."""
        return "SELECT value FROM json_each(%s)", [json.dumps([row[0] for row in found])]

    def vocabulary_candidates(self, word: str) -> tuple[str, list]:
        grams = {word[i : i + 3] for i in range(len(word) - 2)}
        expression = " OR ".join(f'"{g}"' for g in sorted(grams))
        return (
            f"SELECT t.word, t.documents FROM {self.term_table} t WHERE t.id IN "
            "(SELECT rowid FROM search_term_parts WHERE search_term_parts MATCH %s) LIMIT 400",
            [expression],
        )


class PostgresFullText:
    """tsvector of the Python stems (`simple` configuration: title A, text B) and of the folded words (C,
    for "bedoelde u"), GIN index; the whole query is one tsquery; pg_trgm on the vocabulary for typos."""

    term_table = SearchTerm._meta.db_table
    # pg_trgm's default, set explicitly so a server setting cannot change which words are suggested.
    SIMILARITY_THRESHOLD = 0.3

    def tsquery(self, query: analysis.ParsedQuery, *, any_term: bool, minimum: int | None = None) -> str:
        """The same query as SQLite's MATCH, over the same Python stems (title A, text B)."""
        terms = [_ts_term(term) for term in query.terms]
        parts = _at_least(terms, _minimum(terms, any_term, minimum), " & ", " | ")
        parts += [_ts_phrase(phrase) for phrase in query.phrases]
        parts += [f"!{_ts_lexeme(analysis.stem(word))}" for word in query.excluded]
        return " & ".join(f"({part})" for part in parts)

    def found(
        self, query: analysis.ParsedQuery, *, any_term: bool, where: tuple[str, list], minimum: int | None = None
    ) -> tuple[str, list]:
        """One scan: the GIN index finds the matches, the access filter and a first rank (ts_rank, which only
        chooses the candidates search.ranking orders) are computed on them."""
        where_sql, where_params = where
        sql = (
            f"SELECT id, doc_type, {_day_number('date')} AS day, year, weight, ts_rank(search_vector, q) AS score "
            f"FROM {DOC}, "
            f"CAST(%s AS tsquery) q WHERE search_vector @@ q AND ({where_sql})"
        )
        return sql, [self.tsquery(query, any_term=any_term, minimum=minimum), *where_params]

    def found_ids(self, found: list[tuple], query, *, any_term: bool, where) -> tuple[str, list]:
        return "SELECT unnest(%s::bigint[])", [[row[0] for row in found]]

    @staticmethod
    def score_order(expression: str) -> str:
        """ts_rank is a real: rounded as numeric, as Python rounds the same product."""
        return f"ROUND(CAST({expression} AS numeric), 6)"

    def document_frequencies(self, stems: list[str]) -> dict[str, int]:
        if not stems:
            return {}
        with self.cursor() as cursor:
            cursor.execute(
                "SELECT s, (SELECT COUNT(*) FROM "
                f"{DOC} WHERE search_vector @@ CAST(quote_literal(s) || ':AB' AS tsquery)) FROM unnest(%s::text[]) s",
                [list(stems)],
            )
            return dict(cursor.fetchall())

    def session(self):
        return _postgres_session(self.SIMILARITY_THRESHOLD)

    @contextmanager
    def cursor(self):
        """A cursor inside a search session (see `_postgres_session`)."""
        with self.session(), connection.cursor() as cursor:
            yield cursor

    def merge_pending(self) -> None:
        """Move the new entries of the GIN indexes from their pending lists into the indexes (see db_sql):
        after a write, not at the next search. Needs the indexes' owner; without that, autovacuum does it."""
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(POSTGRES_GIN_MERGE)
        except DatabaseError as exc:
            logger.warning("Could not merge the search indexes' pending entries: %s", exc)

    def correction_candidates(
        self, limits: dict[str, int], where: tuple[str, list]
    ) -> tuple[dict[str, list[tuple[str, int]]], set[str]]:
        """For every typed word at once, in one statement: its nearest vocabulary words (trigram index, only
        lengths an edit distance of `limit` can reach), and which of these words and the typed words
        themselves occur in a document the access filter `where` lets through. Returns the candidates
        (word, documents) per typed word and the set of words found in visible documents."""
        where_sql, where_params = where
        typed = list(limits)
        sql = (
            "SELECT t.word, c.word, c.documents, EXISTS (SELECT 1 FROM "
            f"{DOC} WHERE search_vector @@ CAST(quote_literal(c.word) || ':C' AS tsquery) AND ({where_sql})) "
            "FROM unnest(%s::text[], %s::int[]) AS t(word, edits) CROSS JOIN LATERAL ("
            f"(SELECT word, documents FROM {self.term_table} WHERE word %% t.word "
            "AND length(word) BETWEEN length(t.word) - t.edits AND length(t.word) + t.edits "
            "ORDER BY similarity(word, t.word) DESC LIMIT 50) "
            "UNION ALL SELECT t.word, 0) c"
        )
        candidates: dict[str, list[tuple[str, int]]] = {word: [] for word in typed}
        visible: set[str] = set()
        with self.cursor() as cursor:
            cursor.execute(sql, [*where_params, typed, [limits[w] for w in typed]])
            for word, candidate, documents, found in cursor.fetchall():
                candidates[word].append((candidate, documents))
                if found:
                    visible.add(candidate)
        return candidates, visible


def _postgres_session(similarity_threshold: float):
    """One transaction for a search's statements, with the planner settings they need, set once.

    random_page_cost 1.1 prices random reads as on SSD or in memory (the usual advice for such servers; the
    default 4 assumes spinning disks). With the default the planner reads all 20,000 documents instead of
    the GIN index's matches: 21 ms against 12 ms per search at BENCH_SCALE=10. SET LOCAL keeps the settings
    to this transaction. Nested sessions (a search inside portal_search's session) reuse the outer one."""
    if getattr(connection, "_portal_search_session", False):
        return nullcontext()
    return _new_postgres_session(similarity_threshold)


@contextmanager
def _new_postgres_session(similarity_threshold: float):
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('random_page_cost', '1.1', true), "
                "set_config('pg_trgm.similarity_threshold', %s, true)",
                [str(similarity_threshold)],
            )
        connection._portal_search_session = True
        try:
            yield
        finally:
            connection._portal_search_session = False


def _analysed(doc: DocumentData) -> tuple[DocumentData, list[str], list[str]]:
    """A document with its folded title words and body words (the body, then the type's keywords)."""
    return doc, analysis.words(doc.title), analysis.words(doc.body) + analysis.words(doc.keywords)


def statistics_changed() -> None:
    """The documents changed: the ranking statistics (document frequencies, count) are read again."""
    _STATISTICS["at"] = -1e9


def full_text_for_vendor():
    return PostgresFullText() if connection.vendor == "postgresql" else SqliteFullText()


# --- The engine -------------------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _compiled_where(vendor: str, scope: AccessScope, filters: tuple[tuple[str, str], ...]) -> tuple[str, tuple]:
    """`visible_documents(scope, filters)` compiled to SQL. A pure function of its arguments (the scope
    holds the day), so it is compiled once per scope and filters, not for every statement (about 3 ms
    of Python each time)."""
    queryset = visible_documents(scope, dict(filters))
    compiler = queryset.query.get_compiler(connection=connection)
    try:
        sql, params = compiler.compile(queryset.query.where)
    except EmptyResultSet:  # e.g. a year that is no year
        return "1 = 0", ()
    except FullResultSet:  # the secretariat without filters
        return "1 = 1", ()
    return sql, tuple(params)


@dataclasses.dataclass
class _Result:
    """What a search found: the hits of the requested page, how many matches in all, and facet counts."""

    total: int = 0
    hits: list[Hit] = dataclasses.field(default_factory=list)
    types: Counter = dataclasses.field(default_factory=Counter)
    years: Counter = dataclasses.field(default_factory=Counter)
    tags: dict[str, list[FacetValue]] = dataclasses.field(default_factory=dict)
    partial: bool = False  # no document has every term


def _open_document(doc: DocumentData) -> bool:
    access = doc.access
    return open_to_everyone_signed_in(
        access.level, districts=access.districts, groups=access.groups, scope_changes_on=access.scope_changes_on
    )


def _open(level: str, needs_district: bool, needs_group: bool, scope_changes_on) -> bool:
    """`_open_document` for a stored row."""
    return open_to_everyone_signed_in(
        level,
        districts=() if needs_district else None,
        groups=() if needs_group else None,
        scope_changes_on=scope_changes_on,
    )


def public_words() -> set[str]:
    """The words compounds are split with besides the shipped list: those of documents everyone may read
    (SearchTerm.public says why never the others)."""
    return set(SearchTerm.objects.filter(public=True).values_list("word", flat=True))


def _mark_public(words: set[str]) -> None:
    ordered = sorted(words)
    for start in range(0, len(ordered), 500):
        SearchTerm.objects.filter(word__in=ordered[start : start + 500], public=False).update(public=True)


class DatabaseEngine:
    name = "database"

    def __init__(self):
        self.fts = full_text_for_vendor()

    # Reading -----------------------------------------------------------------------------------------

    def lexicon_for(self, words: Iterable[str]) -> analysis.Lexicon:
        """The lexicon compounds are split with, narrowed to what these words could be split into: the
        vocabulary words among their possible heads and tails (one lookup)."""
        candidates = sorted({c for word in words for c in analysis.Lexicon.candidates(word)})
        known: set[str] = set()
        for start in range(0, len(candidates), 500):
            chunk = candidates[start : start + 500]
            known.update(SearchTerm.objects.filter(word__in=chunk, public=True).values_list("word", flat=True))
        return analysis.Lexicon(known)

    def with_compounds(self, query: analysis.ParsedQuery) -> analysis.ParsedQuery:
        """A compound the user typed also matches its parts anywhere in a text ("bodemsanering" finds
        "sanering van de bodem"), split at real boundaries with the index's own vocabulary, as the index
        split the compounds of the documents (search.analysis.Lexicon)."""
        splittable = [term.text for term in query.terms if term.allows_parts]
        if not splittable:
            return query
        lexicon = self.lexicon_for(splittable)
        terms = []
        for term in query.terms:
            parts = lexicon.split(term.text) if term.allows_parts else ()
            if parts:
                term = dataclasses.replace(term, parts=(*term.parts, parts))
            terms.append(term)
        return dataclasses.replace(query, terms=tuple(terms))

    def _where(self, request: SearchRequest) -> tuple[str, list]:
        """The WHERE clause of `visible_documents` (the access filter and the facet filters), compiled by
        the ORM, to be applied to the matching rows only."""
        sql, params = _compiled_where(connection.vendor, request.scope, tuple(sorted(request.filters.items())))
        return sql, list(params)

    def _result(self, request: SearchRequest) -> "_Result":
        """The requested page of hits, the number of matches this user may see and their facet counts.

        When at least ENOUGH_COMPLETE documents hold every term (stop and question words are no terms),
        those are the matches (a minimum-should-match of all terms). Otherwise every document with at least
        one of the terms is a match, and search.ranking puts those with every term first. Asking for every
        term first keeps a query of common words cheap: thousands of documents hold one of them."""
        if request.query.is_empty:
            return _Result()
        where = self._where(request)
        terms = len(request.query.terms)
        # Every term, then any one. (Trying all terms but one in between was faster for questions of common
        # words, but lost the page that has just one of the question's words: the held-out questions' MRR fell
        # from 0.761 to 0.725.)
        minimums = [terms] if terms <= 1 else [terms, 1]
        for minimum in minimums:
            found, tags = self._found(request, minimum=minimum, where=where)
            if len(found) >= ENOUGH_COMPLETE:
                break
        if not found:
            return _Result()
        ordered, complete = self._ordered(request, found)
        page = ordered[request.offset : request.offset + request.page_size]
        return _Result(
            total=len(found),
            hits=self._hits(page, request.query),
            types=Counter(row[1] for row in found),
            years=Counter(row[3] for row in found if row[3] is not None),
            tags=tags,
            partial=len(request.query.terms) > 1 and not complete,
        )

    def _ordered(self, request: SearchRequest, found: list[tuple]) -> tuple[list[int], bool]:
        """The ids best first (or newest first), and whether any document has every term. The database's own
        score only picks the RERANKED best candidates; search.ranking orders them, the same on both databases."""

        def by_date(row):
            return (row[2] is None, -(row[2] or 0), row[0])

        by_score = found  # _found orders them so
        candidates = by_score[:RERANKED]
        stems = {
            pk: (title, body)
            for pk, title, body in SearchDocument.objects.filter(pk__in=[row[0] for row in candidates]).values_list(
                "pk", "title_stems", "body_stems"
            )
        }
        ranked = ranking.rank(
            request.query,
            [(row[0], *stems.get(row[0], ("", "")), row[4], by_date(row)) for row in candidates],
            self.document_frequencies(sorted(ranking.query_stems(request.query))),
            self.document_count(),
        )
        complete = {r.id for r in ranked if r.complete}
        if request.sort == "date":
            rows = sorted(found, key=lambda row: (row[0] not in complete, *by_date(row)))
            return [row[0] for row in rows], bool(complete)
        return [r.id for r in ranked] + [row[0] for row in by_score[RERANKED:]], bool(complete)

    def document_frequencies(self, stems: list[str]) -> dict[str, int]:
        """How many documents hold each stem (kept a minute: ranking statistics need not be exact)."""
        now = time.monotonic()
        if now - _STATISTICS["at"] > STATISTICS_SECONDS or _STATISTICS["vendor"] != connection.vendor:
            _STATISTICS.update(at=now, vendor=connection.vendor, frequencies={}, documents=None)
        frequencies = _STATISTICS["frequencies"]
        missing = [s for s in stems if s not in frequencies]
        if missing:
            frequencies.update(self.fts.document_frequencies(missing))
        return {s: frequencies.get(s, 0) for s in stems}

    def document_count(self) -> int:
        self.document_frequencies([])
        if _STATISTICS["documents"] is None:
            _STATISTICS["documents"] = SearchDocument.objects.count()
        return _STATISTICS["documents"]

    def _found(self, request: SearchRequest, *, minimum: int, where) -> tuple[list[tuple], dict]:
        """(id, doc_type, date, year, weight, score) of every document this user may see with at least
        `minimum` of the terms (and every phrase), and their tag facets."""
        sql, params = self.fts.found(request.query, any_term=False, minimum=minimum, where=where)
        with connection.cursor() as cursor:
            # Best by the database's score × the document's weight, then newest: sorting thousands of rows
            # is the database's work, not Python's.
            cursor.execute(
                f"SELECT * FROM ({sql}) found ORDER BY {self.fts.score_order('found.score * found.weight')} DESC, "
                "found.day IS NULL, found.day DESC, found.id",
                params,
            )
            found = cursor.fetchall()
            if not found:
                return found, {}
            ids_sql, ids_params = self.fts.found_ids(found, request.query, any_term=minimum == 1, where=where)
            cursor.execute(
                f"SELECT facet, key, MAX(label), COUNT(*) FROM {TAG} WHERE document_id IN ({ids_sql}) "
                "GROUP BY facet, key",
                ids_params,
            )
            tags: dict[str, list[FacetValue]] = {}
            for facet, key, label, count in cursor.fetchall():
                tags.setdefault(facet, []).append(FacetValue(key=key, label=label or key, count=count))
        return found, tags

    def _facets(self, result: "_Result") -> dict[str, list[FacetValue]]:
        facets = {
            "type": [FacetValue(key=k, label=str(DOC_TYPE_LABELS.get(k, k)), count=n) for k, n in result.types.items()],
            "year": [FacetValue(key=str(k), label=str(k), count=n) for k, n in result.years.items()],
            **result.tags,
        }
        for facet, values in facets.items():
            if facet == "year":
                values.sort(key=lambda v: v.key, reverse=True)
            else:
                values.sort(key=lambda v: (-v.count, v.label))
        return {facet: values for facet, values in facets.items() if values}

    def _hits(self, ids: list[int], query: analysis.ParsedQuery) -> list[Hit]:
        documents = SearchDocument.objects.only("doc_type", "object_id", "title", "body", "url", "date").in_bulk(ids)
        return [
            Hit(
                doc_type=doc.doc_type,
                object_id=doc.object_id,
                title=doc.title,
                url=doc.url,
                snippet_html=analysis.snippet(doc.body, query),
                date=doc.date,
            )
            for doc in (documents[pk] for pk in ids if pk in documents)
        ]

    def session(self):
        """Run several reads as one (on PostgreSQL: one transaction with the planner settings set once)."""
        return self.fts.session()

    def search(self, request: SearchRequest) -> SearchResponse:
        with self.session():
            request = dataclasses.replace(request, query=self.with_compounds(request.query))
            result = self._result(request)
        return SearchResponse(
            hits=result.hits,
            total=result.total,
            facets=self._facets(result),
            engine=self.name,
            partial=result.partial,
        )

    def count(self, request: SearchRequest) -> int:
        with self.session():
            request = dataclasses.replace(request, query=self.with_compounds(request.query))
            if request.query.is_empty:
                return 0
            sql, params = self.fts.found(request.query, any_term=False, where=self._where(request))
            with self.fts.cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) FROM ({sql}) found", params)
                return cursor.fetchone()[0]

    def autocomplete(self, *, prefix: str, scope: AccessScope, limit: int = 8) -> list[TitleSuggestion]:
        """Titles that hold every typed word, the last one as a beginning. When none does, the typed words
        with their typos corrected (to words this reader's documents hold, as "bedoelde u" corrects) are
        tried once more, so "henepkwekerij" still suggests "Hennepkwekerij in een schuur"."""
        typed = analysis.words(prefix)[:6]
        if not typed or len("".join(typed)) < 2:
            return []
        suggestions = self._titles_holding(typed, scope, limit)
        if suggestions:
            return suggestions
        query = analysis.parse_query(" ".join(typed), synonyms={})
        corrections = self.corrections(query, scope, synonyms={})
        corrected = [corrections.get(word, word) for word in typed]
        return self._titles_holding(corrected, scope, limit) if corrected != typed else []

    def _titles_holding(self, typed: list[str], scope: AccessScope, limit: int) -> list[TitleSuggestion]:
        """Closest first: a title that starts with the last word, then one with a word that starts with it,
        then (from three letters on) one that holds it inside a word ("lab" in "Drugslab"); within each, the
        heavier document (its type's weight) and the newer one first."""
        last = typed[-1]
        queryset = visible_documents(scope)
        for word in typed[:-1]:
            queryset = queryset.filter(title_folded__contains=word)
        word_start = Q(title_folded__startswith=last) | Q(title_folded__contains=f" {last}")
        queryset = queryset.filter(Q(title_folded__contains=last) if len(last) >= INFIX_MIN_CHARS else word_start)
        closeness = Case(
            When(title_folded__startswith=last, then=Value(0)),
            When(title_folded__contains=f" {last}", then=Value(1)),
            default=Value(2),
        )
        rows = (
            queryset.annotate(closeness=closeness)
            .order_by("closeness", "-weight", F("date").desc(nulls_last=True), "id")
            .values_list("title", "url", "doc_type")[: limit * 3]
        )
        seen, suggestions = set(), []
        for title, url, doc_type in rows:
            if title not in seen:
                seen.add(title)
                suggestions.append(TitleSuggestion(title=title, url=url, doc_type=doc_type))
        return suggestions[:limit]

    def _word_found(self, word: str, scope: AccessScope) -> bool:
        """Does this word (its stem) occur in a document the scope may see?"""
        query = analysis.ParsedQuery(raw=word, terms=(analysis.Term(text=word, alternatives=((word,),)),))
        request = SearchRequest(query=query, scope=scope)
        if connection.vendor == "postgresql":
            # As correction_candidates checks in one statement: the word as written (weight C).
            where_sql, where_params = self._where(request)
            sql = (
                f"SELECT id FROM {DOC} WHERE search_vector @@ CAST(quote_literal(%s) || ':C' AS tsquery) "
                f"AND ({where_sql})"
            )
            params = [word, *where_params]
        else:
            sql, params = self.fts.found(query, any_term=False, where=self._where(request))
        with self.fts.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM ({sql}) found LIMIT 1", params)
            return cursor.fetchone() is not None

    def _candidates(
        self, limits: dict[str, int], scope: AccessScope
    ) -> tuple[dict[str, list[tuple[str, int]]], Callable[[str], bool]]:
        """Vocabulary words near each typed word, and a test: does a word occur in a document the scope may
        see? On PostgreSQL one statement answers both for every word (the access filter inside it); SQLite
        asks the vocabulary per word and checks a candidate only when it is reached."""
        if hasattr(self.fts, "correction_candidates"):
            where = self._where(SearchRequest(query=analysis.ParsedQuery(raw=""), scope=scope))
            candidates, visible = self.fts.correction_candidates(limits, where)
            return candidates, visible.__contains__
        candidates = {}
        with self.fts.cursor() as cursor:
            for word in limits:
                sql, params = self.fts.vocabulary_candidates(word)
                cursor.execute(sql, params)
                candidates[word] = [*cursor.fetchall(), (word, 0)]
        return candidates, lambda candidate: self._word_found(candidate, scope)

    def corrections(
        self, query: analysis.ParsedQuery, scope: AccessScope, *, synonyms: dict | None = None
    ) -> dict[str, str]:
        """The nearest word (edit distance 1, or 2 for longer words) that occurs in a document this user may
        see. The vocabulary is shared by everyone, so every candidate, the typed word itself included, is
        checked against the user's documents: a word only hidden documents contain is neither offered nor
        treated as known (either would tell that it exists)."""
        words = [t.text for t in query.terms if len(t.alternatives[0]) == 1 and len(t.text) >= 4]
        words = [w for w in words if not w.isdigit()]
        if not words:
            return {}
        # The synonym list is the secretariat's, not anyone's content: its words count as known to all.
        synonym_words = {w for key in (synonym_table() if synonyms is None else synonyms) for w in key}
        limits = {word: 1 if len(word) <= 5 else 2 for word in dict.fromkeys(words) if word not in synonym_words}
        if not limits:
            return {}
        with self.session():
            candidates, visible = self._candidates(limits, scope)
            corrections = {}
            for word, limit in limits.items():
                scored = sorted(
                    {
                        (Levenshtein.distance(word, candidate, score_cutoff=limit), -documents, candidate)
                        for candidate, documents in [*candidates[word], *((w, 0) for w in synonym_words)]
                    }
                )
                for distance, _documents, candidate in scored[:MAX_CANDIDATE_CHECKS]:
                    if distance > limit:
                        break
                    if candidate in synonym_words or visible(candidate):
                        if candidate != word:
                            corrections[word] = candidate
                        break
        return corrections

    def vocabulary_refresh(self) -> int:
        """Rebuild the vocabulary from the documents there are now, so words of removed documents (an
        anonymised contact's name) do not linger. Returns the number of words."""
        vocabulary: Counter = Counter()
        public: set[str] = set()
        rows = SearchDocument.objects.values_list(
            "text_folded", "access_level", "needs_district", "needs_group", "scope_changes_on"
        )
        for text, level, needs_district, needs_group, changes_on in rows.iterator(chunk_size=2000):
            words = {w for w in text.split() if 3 <= len(w) <= MAX_WORD_CHARS}
            vocabulary.update(words)
            if _open(level, needs_district, needs_group, changes_on):
                public |= words
        with transaction.atomic():
            self._vocabulary_merge(vocabulary, public=public, replace=True)
        return len(vocabulary)

    # Writing -----------------------------------------------------------------------------------------

    def index(self, documents: Iterable[DocumentData]) -> int:
        documents = list(documents)
        if not documents:
            return 0
        analysed = [_analysed(doc) for doc in documents]
        new_public_words = {w for doc, title, body in analysed if _open_document(doc) for w in title + body}
        with transaction.atomic():
            self._delete_keys([d.key for d in documents])
            lexicon = analysis.Lexicon(public_words() | new_public_words)
            self._insert(analysed, lexicon=lexicon)
            self.fts.merge_pending()
        statistics_changed()
        return len(documents)

    def delete(self, keys: Iterable[tuple[str, str]]) -> int:
        with transaction.atomic():
            deleted = self._delete_keys(list(keys))
        statistics_changed()
        return deleted

    def _delete_keys(self, keys: list[tuple[str, str]]) -> int:
        deleted = 0
        by_type: dict[str, list[str]] = {}
        for doc_type, object_id in keys:
            by_type.setdefault(doc_type, []).append(object_id)
        for doc_type, object_ids in by_type.items():
            for start in range(0, len(object_ids), 500):
                chunk = object_ids[start : start + 500]
                if doc_type == "contact":
                    self._forget_words(chunk)
                deleted += (
                    SearchDocument.objects.filter(doc_type=doc_type, object_id__in=chunk)
                    .delete()[1]
                    .get(SearchDocument._meta.label, 0)
                )
        return deleted

    def _forget_words(self, contact_ids: list[str]) -> None:
        """A person's name must not outlive their document (anonymisation, erasure): drop the words of these
        contact documents from the vocabulary unless another document still has them."""
        documents = SearchDocument.objects.filter(doc_type="contact", object_id__in=contact_ids)
        words = {w for text in documents.values_list("text_folded", flat=True) for w in text.split()}
        if not words:
            return
        ids = set(documents.values_list("pk", flat=True))
        with connection.cursor() as cursor:
            for word in words:
                query = analysis.ParsedQuery(raw=word, terms=(analysis.Term(text=word, alternatives=((word,),)),))
                sql, params = self.fts.found(query, any_term=False, where=("1 = 1", []))
                cursor.execute(f"SELECT id FROM ({sql}) found LIMIT %s", [*params, len(ids) + 1])
                if not {row[0] for row in cursor.fetchall()} - ids:
                    SearchTerm.objects.filter(word=word).delete()

    def _insert(self, analysed: list[tuple], *, lexicon: analysis.Lexicon, add_vocabulary: bool = True) -> None:
        """Write documents (with their folded title and body words, see `_analysed`); their stems, and the
        stems of the parts of their compounds split with `lexicon`, are what both databases index."""
        rows = []
        documents = [doc for doc, _title, _body in analysed]
        for doc, title_words, body_words in analysed:
            rows.append(
                SearchDocument(
                    doc_type=doc.doc_type,
                    object_id=doc.object_id,
                    title=doc.title[:1000],
                    body=doc.body,
                    url=doc.url,
                    date=doc.date,
                    year=doc.year,
                    weight=doc.weight,
                    access_level=doc.access.level,
                    needs_district=doc.access.districts is not None,
                    needs_group=doc.access.groups is not None,
                    scope_changes_on=doc.access.scope_changes_on,
                    title_folded=" ".join(title_words),
                    text_folded=" ".join(title_words + body_words),
                    title_stems=" ".join(analysis.stems_of(title_words, lexicon)),
                    body_stems=" ".join(analysis.stems_of(body_words, lexicon)),
                )
            )
        created = SearchDocument.objects.bulk_create(rows, batch_size=500)
        access_rows, tags = [], []
        for row, doc in zip(created, documents, strict=True):
            for district_id in doc.access.districts or ():
                access_rows.append(SearchDocumentAccess(document=row, kind="district", value=district_id))
            for group_id in doc.access.groups or ():
                access_rows.append(SearchDocumentAccess(document=row, kind="group", value=group_id))
            for facet, pairs in doc.tags.items():
                tags.extend(
                    SearchTag(document=row, facet=facet, key=key[:64], label=label[:200]) for key, label in pairs
                )
        SearchDocumentAccess.objects.bulk_create(access_rows, batch_size=1000)
        SearchTag.objects.bulk_create(tags, batch_size=1000)
        if add_vocabulary:
            new_words = {w for row in rows for w in row.text_folded.split() if 3 <= len(w) <= MAX_WORD_CHARS}
            public = {
                w
                for row in rows
                if _open(row.access_level, row.needs_district, row.needs_group, row.scope_changes_on)
                for w in row.text_folded.split()
                if 3 <= len(w) <= MAX_WORD_CHARS
            }
            SearchTerm.objects.bulk_create(
                (SearchTerm(word=w, documents=1, public=w in public) for w in new_words),
                batch_size=1000,
                ignore_conflicts=True,
            )
            _mark_public(public)

    def rebuild(
        self,
        documents: Iterable[DocumentData],
        *,
        doc_types: Iterable[str] | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Replace the documents (of the given types) in one transaction: searches meanwhile see the old set."""
        written = 0
        vocabulary: Counter = Counter()
        public: set[str] = set()
        # Every document is read first: the words of those everyone may read split the compounds of all.
        analysed = [_analysed(doc) for doc in documents]
        for doc, title_words, body_words in analysed:
            words = {w for w in title_words + body_words if 3 <= len(w) <= MAX_WORD_CHARS}
            vocabulary.update(words)
            if _open_document(doc):
                public |= words
        with transaction.atomic():
            existing = SearchDocument.objects.all()
            if doc_types is not None:
                existing = existing.filter(doc_type__in=list(doc_types))
            existing.delete()
            known = set(public)
            if doc_types is not None:
                known |= public_words()
            lexicon = analysis.Lexicon(known)
            for start in range(0, len(analysed), 500):
                batch = analysed[start : start + 500]
                self._insert(batch, lexicon=lexicon, add_vocabulary=False)
                written += len(batch)
                if progress:
                    progress(len(batch))
            self._vocabulary_merge(vocabulary, public=public, replace=doc_types is None)
            self.fts.merge_pending()
        statistics_changed()
        return written

    def _vocabulary_merge(self, vocabulary: Counter, *, public: set[str], replace: bool) -> None:
        terms = (SearchTerm(word=w, documents=n, public=w in public) for w, n in vocabulary.items())
        if replace:
            SearchTerm.objects.all().delete()
            SearchTerm.objects.bulk_create(terms, batch_size=2000)
        else:
            SearchTerm.objects.bulk_create(terms, batch_size=2000, ignore_conflicts=True)
            _mark_public(public)

    def ping(self) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
