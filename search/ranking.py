"""Ranking done once in Python for both databases (issue #21): BM25 over the stems the index holds, the
title counting four times, with coverage first. A document that matches every term ranks above one that
matches some of them; among those, the more terms matched, the higher (the score is multiplied by the
square of the share matched). SQLite and PostgreSQL only find the candidates; this orders them, so both
rank the same documents the same way."""

import math
from dataclasses import dataclass

from . import analysis

K1 = 1.2
B = 0.75
TITLE_WEIGHT = 4
SYNONYM_FACTOR = 0.8  # the word the user typed ranks above its synonyms
PARTS_FACTOR = 0.9  # "sanering van de bodem" for "bodemsanering": a little below the compound itself
NEAR_FACTOR = 0.6  # a near spelling of a word no document has as typed


def alternative_stems(words: tuple[str, ...]) -> tuple[str, ...]:
    """The stems an alternative is indexed as: stop words left out (unless that leaves nothing)."""
    kept = [w for w in words if w not in analysis.STOP_WORDS] or list(words)
    return tuple(analysis.stem(w) for w in kept)


@dataclass(frozen=True)
class Matcher:
    """One way to match a term: stems in a row (a word or a phrase) or stems anywhere (a compound's parts)."""

    stems: tuple[str, ...]
    adjacent: bool
    factor: float
    as_typed: bool = True  # False for near spellings: they rank, but the word as typed is still missing


def term_matchers(query: analysis.ParsedQuery) -> list[list[Matcher]]:
    """Per term (and per quoted phrase, which is required), its ways to match."""
    matchers = []
    for term in query.terms:
        ways = [
            Matcher(alternative_stems(a), True, 1.0 if position == 0 else SYNONYM_FACTOR)
            for position, a in enumerate(term.alternatives)
        ]
        ways += [Matcher(alternative_stems(p), False, PARTS_FACTOR) for p in term.parts]
        ways += [Matcher(alternative_stems(a), True, NEAR_FACTOR, as_typed=False) for a in term.near]
        matchers.append(ways)
    matchers += [[Matcher(alternative_stems(p), True, 1.0)] for p in query.phrases]
    return matchers


def query_stems(query: analysis.ParsedQuery) -> set[str]:
    return {s for ways in term_matchers(query) for way in ways for s in way.stems}


def _in_a_row(sequence: list[str], stems: tuple[str, ...]) -> bool:
    size = len(stems)
    first = stems[0]
    return any(sequence[i : i + size] == list(stems) for i, stem in enumerate(sequence) if stem == first)


@dataclass(frozen=True)
class Ranked:
    id: int
    complete: bool  # every term matched
    score: float


def rank(
    query: analysis.ParsedQuery,
    candidates: list[tuple[int, str, str, float, int]],
    document_frequency: dict[str, int],
    documents: int,
) -> list[Ranked]:
    """Candidates (id, title stems, body stems, weight, tie), best first: complete matches first, then by
    BM25 × share of terms matched² × the document's weight; ties by `tie` (the engine's newest first)."""
    matchers = term_matchers(query)
    if not matchers or not candidates:
        return [Ranked(c[0], False, 0.0) for c in candidates]
    parsed = [(pk, title.split(), body.split(), weight, tie) for pk, title, body, weight, tie in candidates]
    average = sum(TITLE_WEIGHT * len(t) + len(b) for _pk, t, b, _w, _tie in parsed) / len(parsed) or 1.0
    documents = max(documents, 1)
    stems = {s for ways in matchers for way in ways for s in way.stems}
    idf = {}
    for stem in stems:
        found = document_frequency.get(stem, 0)
        idf[stem] = math.log(1 + (documents - found + 0.5) / (found + 0.5))

    ranked, ties = [], {}
    for pk, title_stems, body_stems, weight, tie in parsed:
        ties[pk] = tie
        # Only the query's stems are counted (list.count runs in C; a Counter of every stem cost twice as much).
        tf = {s: TITLE_WEIGHT * title_stems.count(s) + body_stems.count(s) for s in stems}
        norm = K1 * (1 - B + B * (TITLE_WEIGHT * len(title_stems) + len(body_stems)) / average)
        bm25 = {s: idf[s] * n * (K1 + 1) / (n + norm) if n else 0.0 for s, n in tf.items()}

        total, matched, typed = 0.0, 0, 0
        for ways in matchers:
            best, best_typed = 0.0, False
            for way in ways:
                if not all(tf[s] for s in way.stems):
                    continue
                if way.adjacent and len(way.stems) > 1:
                    if not (_in_a_row(title_stems, way.stems) or _in_a_row(body_stems, way.stems)):
                        continue
                score = way.factor * sum(bm25[s] for s in way.stems) / len(way.stems)
                best_typed = best_typed or way.as_typed
                best = max(best, score)
            if best > 0:
                matched += 1
                typed += best_typed
                total += best
        share = matched / len(matchers)
        ranked.append(Ranked(pk, typed == len(matchers), total * share * share * weight))
    ranked.sort(key=lambda r: (not r.complete, -round(r.score, 9), ties[r.id], r.id))
    return ranked
