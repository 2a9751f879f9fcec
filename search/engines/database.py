"""The database engine: SQLite FTS5 on the embedded default, PostgreSQL full text (`dutch`) in production,
each with a trigram index for parts of words and typos (structures in search/db_sql.py).

Every statement starts from `selectors.visible_documents(scope, filters)`, compiled by the ORM into the
`allowed` common table expression; full-text conditions are added on top of it and never replace it."""

import logging
from collections import Counter
from collections.abc import Callable, Iterable

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
    """FTS5 over stems made in Python; bm25 ranks (lower is better); trigram table for parts."""

    join = ""

    def term_condition(self, term: analysis.Term) -> tuple[str, list]:
        expression = " OR ".join(_fts_phrase(alternative) for alternative in term.alternatives)
        sql = "a.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)"
        params = [expression]
        if term.allows_parts:
            sql = f"({sql} OR a.id IN (SELECT rowid FROM search_parts WHERE search_parts MATCH %s))"
            params.append(f'"{term.text}"')
        return sql, params

    def phrase_condition(self, phrase: tuple[str, ...]) -> tuple[str, list]:
        return "a.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)", [_fts_phrase(phrase)]

    def excluded_condition(self, word: str) -> tuple[str, list]:
        return "a.id NOT IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)", [_fts_phrase((word,))]

    def ranked_from(self, query: analysis.ParsedQuery) -> tuple[str, list, str]:
        """A join that yields the rank, and the ORDER BY expression (best first)."""
        alternatives = [a for t in query.terms for a in t.alternatives] + list(query.phrases)
        expression = " OR ".join(_fts_phrase(a) for a in alternatives)
        join = (
            f"LEFT JOIN (SELECT rowid AS id, bm25(search_fts, {TITLE_WEIGHT}, 1.0) AS r FROM search_fts "
            "WHERE search_fts MATCH %s) w ON w.id = a.id"
        )
        return join, [expression], "COALESCE(w.r, 0.0) * a.weight ASC"

    def vocabulary_candidates(self, word: str) -> tuple[str, list]:
        grams = {word[i : i + 3] for i in range(len(word) - 2)}
        expression = " OR ".join(f'"{g}"' for g in sorted(grams))
        return (
            f"SELECT t.word, t.documents FROM {SearchTerm._meta.db_table} t WHERE t.id IN "
            "(SELECT rowid FROM search_term_parts WHERE search_term_parts MATCH %s) LIMIT 400",
            [expression],
        )


class PostgresFullText:
    """tsvector with the `dutch` configuration (GIN) ranked by ts_rank_cd; pg_trgm for parts and typos."""

    join = f"JOIN {DOC} d ON d.id = a.id"

    def term_condition(self, term: analysis.Term) -> tuple[str, list]:
        tsquery = " | ".join(f"({_ts_phrase(alternative)})" for alternative in term.alternatives)
        sql = "d.search_vector @@ to_tsquery('dutch', %s)"
        params = [tsquery]
        if term.allows_parts:
            sql = f"({sql} OR d.text_folded LIKE %s)"
            params.append(f"%{term.text}%")
        return sql, params

    def phrase_condition(self, phrase: tuple[str, ...]) -> tuple[str, list]:
        return "d.search_vector @@ to_tsquery('dutch', %s)", [_ts_phrase(phrase)]

    def excluded_condition(self, word: str) -> tuple[str, list]:
        return "NOT (d.search_vector @@ to_tsquery('dutch', %s))", [word]

    def ranked_from(self, query: analysis.ParsedQuery) -> tuple[str, list, str]:
        alternatives = [a for t in query.terms for a in t.alternatives] + list(query.phrases)
        tsquery = " | ".join(f"({_ts_phrase(a)})" for a in alternatives)
        return "", [], ("ts_rank_cd(d.search_vector, to_tsquery('dutch', %s)) * a.weight DESC", [tsquery])

    def vocabulary_candidates(self, word: str) -> tuple[str, list]:
        return (
            f"SELECT word, documents FROM {SearchTerm._meta.db_table} WHERE word %% %s "
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

    def _allowed(self, scope: AccessScope, filters: dict) -> tuple[str, list]:
        queryset = visible_documents(scope, filters).values("id", "doc_type", "date", "year", "weight")
        sql, params = queryset.query.sql_with_params()
        return f"WITH allowed(id, doc_type, date, year, weight) AS ({sql})", list(params)

    def _conditions(self, query: analysis.ParsedQuery, *, any_term: bool) -> tuple[str, list]:
        term_parts = [self.fts.term_condition(term) for term in query.terms]
        parts: list[tuple[str, list]] = []
        if term_parts:
            joiner = " OR " if any_term else " AND "
            parts.append(
                ("(" + joiner.join(sql for sql, _ in term_parts) + ")", [p for _, ps in term_parts for p in ps])
            )
        parts += [self.fts.phrase_condition(phrase) for phrase in query.phrases]
        parts += [self.fts.excluded_condition(word) for word in query.excluded]
        if not parts:
            return "1 = 0", []
        return " AND ".join(sql for sql, _ in parts), [p for _, ps in parts for p in ps]

    def _facets(self, request: SearchRequest, conditions: tuple[str, list]) -> tuple[int, dict]:
        allowed_sql, allowed_params = self._allowed(request.scope, request.filters)
        where, where_params = conditions
        sql = f"""{allowed_sql},
            matched AS (SELECT a.id, a.doc_type, a.year FROM allowed a {self.fts.join} WHERE {where})
            SELECT 'type', doc_type, '', COUNT(*) FROM matched GROUP BY doc_type
            UNION ALL SELECT 'year', CAST(year AS TEXT), '', COUNT(*) FROM matched WHERE year IS NOT NULL GROUP BY year
            UNION ALL SELECT t.facet, t.key, MAX(t.label), COUNT(*) FROM {TAG} t JOIN matched m ON m.id = t.document_id
                GROUP BY t.facet, t.key"""
        with connection.cursor() as cursor:
            cursor.execute(sql, allowed_params + where_params)
            rows = cursor.fetchall()
        facets: dict[str, list[FacetValue]] = {}
        total = 0
        for facet, key, label, count in rows:
            if facet == "type":
                total += count
                label = str(DOC_TYPE_LABELS.get(key, key))
            facets.setdefault(facet, []).append(FacetValue(key=str(key), label=label or str(key), count=count))
        for facet, values in facets.items():
            if facet == "year":
                values.sort(key=lambda v: v.key, reverse=True)
            else:
                values.sort(key=lambda v: (-v.count, v.label))
        return total, facets

    def _hit_ids(self, request: SearchRequest, conditions: tuple[str, list]) -> list[int]:
        allowed_sql, allowed_params = self._allowed(request.scope, request.filters)
        where, where_params = conditions
        rank_join, rank_params, order = self.fts.ranked_from(request.query)
        order_params: list = []
        if isinstance(order, tuple):
            order, order_params = order
        if request.sort == "date":
            order, order_params = "CASE WHEN a.date IS NULL THEN 1 ELSE 0 END, a.date DESC", []
        sql = f"""{allowed_sql} SELECT a.id FROM allowed a {self.fts.join} {rank_join} WHERE {where}
            ORDER BY {order}, a.date DESC, a.id LIMIT %s OFFSET %s"""
        params = allowed_params + rank_params + where_params + order_params + [request.page_size, request.offset]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [row[0] for row in cursor.fetchall()]

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
        conditions = self._conditions(request.query, any_term=False)
        total, facets = self._facets(request, conditions)
        if total == 0 and len(request.query.terms) > 1:
            # Nothing has every word: show what has some of them, best first.
            conditions = self._conditions(request.query, any_term=True)
            total, facets = self._facets(request, conditions)
        ids = self._hit_ids(request, conditions) if total else []
        return SearchResponse(hits=self._hits(ids, request.query), total=total, facets=facets, engine=self.name)

    def count(self, request: SearchRequest) -> int:
        allowed_sql, allowed_params = self._allowed(request.scope, request.filters)
        where, where_params = self._conditions(request.query, any_term=False)
        sql = f"{allowed_sql} SELECT COUNT(*) FROM allowed a {self.fts.join} WHERE {where}"
        with connection.cursor() as cursor:
            cursor.execute(sql, allowed_params + where_params)
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

    def corrections(self, query: analysis.ParsedQuery) -> dict[str, str]:
        """Unknown words and the nearest known word (edit distance 1, or 2 for longer words)."""
        words = [t.text for t in query.terms if len(t.alternatives[0]) == 1 and len(t.text) >= 4]
        words = [w for w in words if not w.isdigit()]
        if not words:
            return {}
        # Synonyms count as known words too: "wietplantge" should become "wietplantage" even when only
        # the synonym list has that word and the documents say "hennepkwekerij".
        synonym_words = {w for key in synonym_table() for w in key}
        known = set(SearchTerm.objects.filter(word__in=words).values_list("word", flat=True)) | synonym_words
        corrections = {}
        for word in words:
            if word in known:
                continue
            sql, params = self.fts.vocabulary_candidates(word)
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                candidates = cursor.fetchall()
            candidates += [(w, 0) for w in synonym_words]
            limit = 1 if len(word) <= 5 else 2
            scored = [
                (Levenshtein.distance(word, candidate, score_cutoff=limit), -documents, candidate)
                for candidate, documents in candidates
            ]
            scored = [s for s in scored if s[0] <= limit]
            if scored:
                corrections[word] = min(scored)[2]
        return corrections

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
                deleted += (
                    SearchDocument.objects.filter(doc_type=doc_type, object_id__in=chunk)
                    .delete()[1]
                    .get(SearchDocument._meta.label, 0)
                )
        return deleted

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
