"""The database engine: SQLite FTS5 on the embedded default, PostgreSQL full text (`dutch`) in production,
each with a trigram index for parts of words and typos (structures in search/db_sql.py).

Every statement starts from `selectors.visible_documents(scope, filters)`, compiled by the ORM into the
`allowed` common table expression; full-text conditions are added on top of it and never replace it."""

import dataclasses
import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import contextmanager

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection, transaction
from rapidfuzz.distance import Levenshtein

from .. import analysis
from ..access import AccessScope
from ..contract import (
    DOC_TYPE_LABELS,
    DocumentData,
    FacetValue,
    Hit,
    SearchRequest,
    SearchResponse,
    TitleSuggestion,
)
from ..models import SearchDocument, SearchDocumentAccess, SearchTag, SearchTerm
from ..selectors import visible_documents
from ..synonyms import synonym_table

logger = logging.getLogger(__name__)

TITLE_WEIGHT = 4.0
MAX_CANDIDATE_CHECKS = 5  # nearest vocabulary words checked against the user's documents
MAX_PARTS = 25  # longer words taken as alternatives of a typed word (the most frequent first)
MAX_WORD_CHARS = 40
DOC = SearchDocument._meta.db_table
TAG = SearchTag._meta.db_table


# --- Full-text SQL per vendor -----------------------------------------------------------------------------


def _fts_phrase(words: tuple[str, ...]) -> str:
    stems = [analysis.stem(w) for w in words if w not in analysis.STOP_WORDS] or [analysis.stem(w) for w in words]
    return '"' + " ".join(stems) + '"'


def _ts_phrase(words: tuple[str, ...]) -> str:
    return " <-> ".join(words) if len(words) > 1 else words[0]


class SqliteFullText:
    """FTS5 over stems made in Python; bm25 ranks (lower is better). The whole query is one MATCH, and only
    the matching rows are checked against the access filter (CROSS JOIN keeps that join order)."""

    term_table = SearchTerm._meta.db_table

    def cursor(self):
        return connection.cursor()

    def expression(self, query: analysis.ParsedQuery, *, any_term: bool) -> str:
        terms = [" OR ".join(_fts_phrase(a) for a in term.alternatives) for term in query.terms]
        parts = [f"({' OR '.join(f'({t})' for t in terms)})"] if any_term and terms else [f"({t})" for t in terms]
        parts += [_fts_phrase(phrase) for phrase in query.phrases]
        expression = " AND ".join(parts)
        if query.excluded:
            expression = f"({expression}) NOT ({' OR '.join(_fts_phrase((w,)) for w in query.excluded)})"
        return expression

    def found(self, query: analysis.ParsedQuery, *, any_term: bool, where: tuple[str, list]) -> tuple[str, list]:
        """(id, doc_type, date, year, weight, text score) of the matching rows that pass `where`: the
        full-text match drives, each match is looked up by id (CROSS JOIN keeps that order) and filtered."""
        where_sql, where_params = where
        sql = (
            f"SELECT {DOC}.id, {DOC}.doc_type, {DOC}.date, {DOC}.year, {DOC}.weight, "
            f"-bm25(search_fts, {TITLE_WEIGHT}, 1.0) FROM search_fts CROSS JOIN {DOC} ON {DOC}.id = search_fts.rowid "
            f"WHERE search_fts MATCH %s AND ({where_sql})"
        )
        return sql, [self.expression(query, any_term=any_term), *where_params]

    def found_ids(self, found: list[tuple], query, *, any_term: bool, where) -> tuple[str, list]:
        """The found ids as a subquery: one JSON parameter (no limit on the number of SQL variables)."""
        return "SELECT value FROM json_each(%s)", [json.dumps([row[0] for row in found])]

    def words_containing(self, part: str, limit: int) -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT word FROM {self.term_table} WHERE id IN "
                "(SELECT rowid FROM search_term_parts WHERE search_term_parts MATCH %s) "
                "ORDER BY documents DESC, word LIMIT %s",
                [f'"{part}"', limit],
            )
            return [row[0] for row in cursor.fetchall()]

    def vocabulary_candidates(self, word: str) -> tuple[str, list]:
        grams = {word[i : i + 3] for i in range(len(word) - 2)}
        expression = " OR ".join(f'"{g}"' for g in sorted(grams))
        return (
            f"SELECT t.word, t.documents FROM {self.term_table} t WHERE t.id IN "
            "(SELECT rowid FROM search_term_parts WHERE search_term_parts MATCH %s) LIMIT 400",
            [expression],
        )


class PostgresFullText:
    """tsvector with the `dutch` configuration (GIN index) ranked by ts_rank_cd; the whole query is one
    tsquery; pg_trgm on the vocabulary for parts of words and typos."""

    term_table = SearchTerm._meta.db_table

    def tsquery(self, query: analysis.ParsedQuery, *, any_term: bool) -> str:
        terms = [" | ".join(f"({_ts_phrase(a)})" for a in term.alternatives) for term in query.terms]
        parts = [" | ".join(f"({t})" for t in terms)] if any_term and terms else terms
        parts += [_ts_phrase(phrase) for phrase in query.phrases]
        parts += [f"!{word}" for word in query.excluded]
        return " & ".join(f"({part})" for part in parts)

    def found(self, query: analysis.ParsedQuery, *, any_term: bool, where: tuple[str, list]) -> tuple[str, list]:
        """One scan: the GIN index finds the matches, the access filter and the rank are computed on them.
        The rank looks at every alternative, so a partial match (second try) still ranks."""
        where_sql, where_params = where
        alternatives = [a for t in query.terms for a in t.alternatives] + list(query.phrases)
        rank_query = " | ".join(f"({_ts_phrase(a)})" for a in alternatives) or "''"
        sql = (
            f"SELECT id, doc_type, date, year, weight, ts_rank_cd(search_vector, to_tsquery('dutch', %s)) "
            f"FROM {DOC} WHERE search_vector @@ to_tsquery('dutch', %s) AND ({where_sql})"
        )
        return sql, [rank_query, self.tsquery(query, any_term=any_term), *where_params]

    def found_with_tags(self, query, *, any_term: bool, where: tuple[str, list]) -> tuple[str, list]:
        """The matches and their tag counts in one statement: the match and the access filter run once, in a
        materialised CTE, instead of once for the hits and again for the facets. Rows with kind 0 are
        matches (id, doc_type, date, year, weight, score); kind 1 are tag counts (facet, key, label, count)."""
        found_sql, params = self.found(query, any_term=any_term, where=where)
        sql = (
            f"WITH m (id, doc_type, date, year, weight, score) AS MATERIALIZED ({found_sql}) "
            "SELECT 0, id, doc_type, date, year, weight::float8, score::float8, NULL::text, NULL::text FROM m "
            "UNION ALL "
            "SELECT 1, NULL, t.facet, NULL, NULL, COUNT(*)::float8, NULL, t.key, MAX(t.label) "
            f"FROM {TAG} t WHERE t.document_id = ANY(ARRAY(SELECT id FROM m)) GROUP BY t.facet, t.key"
        )
        return sql, params

    @contextmanager
    def cursor(self):
        """A cursor whose planner prices random reads as on SSD or in memory (random_page_cost 1.1, the
        usual advice for such servers; the default 4 assumes spinning disks). With the default the planner
        reads all 20,000 documents instead of the GIN index's matches: 21 ms against 12 ms per search at
        BENCH_SCALE=10. SET LOCAL keeps the setting to this transaction."""
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL random_page_cost = 1.1")
            yield cursor

    def words_containing(self, part: str, limit: int) -> list[str]:
        with self.cursor() as cursor:
            cursor.execute(
                f"SELECT word FROM {self.term_table} WHERE word LIKE %s ORDER BY documents DESC, word LIMIT %s",
                [f"%{part}%", limit],
            )
            return [row[0] for row in cursor.fetchall()]

    def vocabulary_candidates(self, word: str) -> tuple[str, list]:
        return (
            f"SELECT word, documents FROM {self.term_table} WHERE word %% %s "
            "ORDER BY similarity(word, %s) DESC LIMIT 50",
            [word, word],
        )


def full_text_for_vendor():
    return PostgresFullText() if connection.vendor == "postgresql" else SqliteFullText()


# --- The engine -------------------------------------------------------------------------------------------


class DatabaseEngine:
    name = "database"

    def __init__(self):
        self.fts = full_text_for_vendor()

    # Reading -----------------------------------------------------------------------------------------

    def with_parts(self, query: analysis.ParsedQuery) -> analysis.ParsedQuery:
        """Words of the index that contain a typed word become alternatives of it: "lab" also looks for
        "drugslab". Taken from the vocabulary (trigram index), so matching stays one full-text query."""
        terms = []
        for term in query.terms:
            if term.allows_parts:
                longer = [w for w in self.fts.words_containing(term.text, MAX_PARTS) if w != term.text]
                term = dataclasses.replace(term, alternatives=(*term.alternatives, *((w,) for w in longer)))
            terms.append(term)
        return dataclasses.replace(query, terms=tuple(terms))

    def _where(self, request: SearchRequest) -> tuple[str, list]:
        """The WHERE clause of `visible_documents` (the access filter and the facet filters), compiled by
        the ORM, to be applied to the matching rows only."""
        queryset = visible_documents(request.scope, request.filters)
        compiler = queryset.query.get_compiler(connection=connection)
        try:
            return compiler.compile(queryset.query.where)
        except EmptyResultSet:  # e.g. a year that is no year
            return "1 = 0", []
        except FullResultSet:  # the secretariat without filters
            return "1 = 1", []

    def _found(self, request: SearchRequest, *, any_term: bool) -> tuple[list[tuple], dict]:
        """(id, doc_type, date, year, weight, score) of every match this user may see, and their tag facets."""
        if request.query.is_empty:
            return [], {}
        where = self._where(request)
        if hasattr(self.fts, "found_with_tags"):
            return self._found_with_tags(request, any_term=any_term, where=where)
        sql, params = self.fts.found(request.query, any_term=any_term, where=where)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found = cursor.fetchall()
            if not found:
                return found, {}
            ids_sql, ids_params = self.fts.found_ids(found, request.query, any_term=any_term, where=where)
            cursor.execute(
                f"SELECT facet, key, MAX(label), COUNT(*) FROM {TAG} WHERE document_id IN ({ids_sql}) "
                "GROUP BY facet, key",
                ids_params,
            )
            tags: dict[str, list[FacetValue]] = {}
            for facet, key, label, count in cursor.fetchall():
                tags.setdefault(facet, []).append(FacetValue(key=key, label=label or key, count=count))
        return found, tags

    def _found_with_tags(self, request: SearchRequest, *, any_term: bool, where) -> tuple[list[tuple], dict]:
        sql, params = self.fts.found_with_tags(request.query, any_term=any_term, where=where)
        with self.fts.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        found = [row[1:7] for row in rows if row[0] == 0]
        tags: dict[str, list[FacetValue]] = {}
        for _kind, _id, facet, _date, _year, count, _score, key, label in (row for row in rows if row[0] == 1):
            tags.setdefault(facet, []).append(FacetValue(key=key, label=label or key, count=int(count)))
        return found, tags

    def _facets(self, found: list[tuple], tags: dict) -> dict[str, list[FacetValue]]:
        types = Counter(row[1] for row in found)
        years = Counter(row[3] for row in found if row[3] is not None)
        facets = {
            "type": [FacetValue(key=k, label=str(DOC_TYPE_LABELS.get(k, k)), count=n) for k, n in types.items()],
            "year": [FacetValue(key=str(k), label=str(k), count=n) for k, n in years.items()],
            **tags,
        }
        for facet, values in facets.items():
            if facet == "year":
                values.sort(key=lambda v: v.key, reverse=True)
            else:
                values.sort(key=lambda v: (-v.count, v.label))
        return {facet: values for facet, values in facets.items() if values}

    def _page_ids(self, request: SearchRequest, found: list[tuple]) -> list[int]:
        """Best first (text score × document weight) or newest first; then the requested page."""

        def by_date(row):
            return (row[2] is None, -(row[2].toordinal() if row[2] else 0), row[0])

        if request.sort == "date":
            ordered = sorted(found, key=by_date)
        else:
            ordered = sorted(found, key=lambda row: (-row[5] * row[4], *by_date(row)))
        return [row[0] for row in ordered[request.offset : request.offset + request.page_size]]

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

    def search(self, request: SearchRequest) -> SearchResponse:
        request = dataclasses.replace(request, query=self.with_parts(request.query))
        found, tags = self._found(request, any_term=False)
        partial = not found and len(request.query.terms) > 1
        if partial:
            # Nothing has every word: show what has some of them, best first.
            found, tags = self._found(request, any_term=True)
        ids = self._page_ids(request, found)
        return SearchResponse(
            hits=self._hits(ids, request.query),
            total=len(found),
            facets=self._facets(found, tags),
            engine=self.name,
            partial=partial and bool(found),
        )

    def count(self, request: SearchRequest) -> int:
        request = dataclasses.replace(request, query=self.with_parts(request.query))
        if request.query.is_empty:
            return 0
        sql, params = self.fts.found(request.query, any_term=False, where=self._where(request))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({sql}) found", params)
            return cursor.fetchone()[0]

    def autocomplete(self, *, prefix: str, scope: AccessScope, limit: int = 8) -> list[TitleSuggestion]:
        typed = analysis.words(prefix)[:6]
        if not typed or len("".join(typed)) < 2:
            return []
        queryset = visible_documents(scope)
        for word in typed[:-1]:
            queryset = queryset.filter(title_folded__contains=word)
        last = typed[-1]
        queryset = queryset.filter(title_folded__startswith=last) | queryset.filter(title_folded__contains=f" {last}")
        rows = queryset.order_by("-date", "id").values_list("title", "url", "doc_type")[: limit * 3]
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
        sql, params = self.fts.found(query, any_term=False, where=self._where(request))
        with self.fts.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM ({sql}) found LIMIT 1", params)
            return cursor.fetchone() is not None

    def corrections(self, query: analysis.ParsedQuery, scope: AccessScope) -> dict[str, str]:
        """The nearest word (edit distance 1, or 2 for longer words) that occurs in a document this user may
        see. The vocabulary is shared by everyone, so every candidate, the typed word itself included, is
        checked against the user's documents: a word only hidden documents contain is neither offered nor
        treated as known (either would tell that it exists)."""
        words = [t.text for t in query.terms if len(t.alternatives[0]) == 1 and len(t.text) >= 4]
        words = [w for w in words if not w.isdigit()]
        if not words:
            return {}
        # The synonym list is the secretariat's, not anyone's content: its words count as known to all.
        synonym_words = {w for key in synonym_table() for w in key}
        corrections = {}
        for word in words:
            if word in synonym_words:
                continue
            sql, params = self.fts.vocabulary_candidates(word)
            with self.fts.cursor() as cursor:
                cursor.execute(sql, params)
                candidates = [*cursor.fetchall(), (word, 0), *((w, 0) for w in synonym_words)]
            limit = 1 if len(word) <= 5 else 2
            scored = sorted(
                {
                    (Levenshtein.distance(word, candidate, score_cutoff=limit), -documents, candidate)
                    for candidate, documents in candidates
                }
            )
            for distance, _documents, candidate in scored[:MAX_CANDIDATE_CHECKS]:
                if distance > limit:
                    break
                if candidate in synonym_words or self._word_found(candidate, scope):
                    if candidate != word:
                        corrections[word] = candidate
                    break
        return corrections

    def vocabulary_refresh(self) -> int:
        """Rebuild the vocabulary from the documents there are now, so words of removed documents (an
        anonymised contact's name) do not linger. Returns the number of words."""
        vocabulary: Counter = Counter()
        for text in SearchDocument.objects.values_list("text_folded", flat=True).iterator(chunk_size=2000):
            vocabulary.update({w for w in text.split() if 3 <= len(w) <= MAX_WORD_CHARS})
        with transaction.atomic():
            self._vocabulary_merge(vocabulary, replace=True)
        return len(vocabulary)

    # Writing -----------------------------------------------------------------------------------------

    def index(self, documents: Iterable[DocumentData]) -> int:
        documents = list(documents)
        if not documents:
            return 0
        with transaction.atomic():
            self._delete_keys([d.key for d in documents])
            self._insert(documents)
        return len(documents)

    def delete(self, keys: Iterable[tuple[str, str]]) -> int:
        with transaction.atomic():
            return self._delete_keys(list(keys))

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

    def _insert(self, documents: list[DocumentData], vocabulary: Counter | None = None) -> None:
        rows = []
        for doc in documents:
            title_words = analysis.words(doc.title)
            body_words = analysis.words(doc.body) + analysis.words(doc.keywords)
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
                    title_stems=" ".join(analysis.stem(w) for w in title_words if w not in analysis.STOP_WORDS),
                    body_stems=" ".join(analysis.stem(w) for w in body_words if w not in analysis.STOP_WORDS),
                )
            )
            if vocabulary is not None:
                vocabulary.update({w for w in title_words + body_words if 3 <= len(w) <= MAX_WORD_CHARS})
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
        if vocabulary is None:
            new_words = {w for row in rows for w in row.text_folded.split() if 3 <= len(w) <= MAX_WORD_CHARS}
            SearchTerm.objects.bulk_create(
                (SearchTerm(word=w, documents=1) for w in new_words), batch_size=1000, ignore_conflicts=True
            )

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
        with transaction.atomic():
            existing = SearchDocument.objects.all()
            if doc_types is not None:
                existing = existing.filter(doc_type__in=list(doc_types))
            existing.delete()
            batch: list[DocumentData] = []
            for doc in documents:
                batch.append(doc)
                if len(batch) >= 500:
                    self._insert(batch, vocabulary)
                    written += len(batch)
                    if progress:
                        progress(len(batch))
                    batch = []
            if batch:
                self._insert(batch, vocabulary)
                written += len(batch)
                if progress:
                    progress(len(batch))
            self._vocabulary_merge(vocabulary, replace=doc_types is None)
        return written

    def _vocabulary_merge(self, vocabulary: Counter, *, replace: bool) -> None:
        if replace:
            SearchTerm.objects.all().delete()
            SearchTerm.objects.bulk_create(
                (SearchTerm(word=w, documents=n) for w, n in vocabulary.items()), batch_size=2000
            )
        else:
            SearchTerm.objects.bulk_create(
                (SearchTerm(word=w, documents=n) for w, n in vocabulary.items()), batch_size=2000, ignore_conflicts=True
            )

    def ping(self) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
