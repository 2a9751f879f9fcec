"""Relevance you can measure: MRR and nDCG@10 of the portal search over the judged query set in
tests/search/relevance_judgments.json (written before the engine was tuned, never changed to fit it), or over
the held-out set of tests/search/heldout/ (search.heldout), per category too.

Queries run through the whole pipeline (parsing, synonyms, corrections) with the secretariat's scope, so
every judged document is visible; each judged item counts once, at the rank where it first appears."""

import json
import math
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .access import LEVELS, AccessScope
from .analysis import parse_query
from .contract import Hit, SearchRequest
from .services import portal_search

JUDGMENTS = Path(settings.BASE_DIR) / "tests" / "search" / "relevance_judgments.json"
CUTOFF = 10


def load_judgments(path: Path = JUDGMENTS) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["queries"]


def _matches(hit: Hit, rule: dict) -> bool:
    if hit.doc_type != rule["type"]:
        return False
    if "object_id" in rule:  # the held-out set (search.heldout) names its own documents exactly
        return hit.object_id == rule["object_id"]
    if "slug" in rule:
        return hit.url.rstrip("/").rsplit("/", 1)[-1] == rule["slug"]
    return rule["title_contains"].lower() in hit.title.lower()


def grades(hits: list[Hit], rules: list[dict]) -> list[int]:
    """The grade of each hit; a judged item counts once (many meetings share one decision text)."""
    used: set[int] = set()
    result = []
    for hit in hits:
        grade = 0
        for number, rule in enumerate(rules):
            if number not in used and _matches(hit, rule):
                used.add(number)
                grade = rule["grade"]
                break
        result.append(grade)
    return result


def reciprocal_rank(found: list[int]) -> float:
    return next((1 / rank for rank, grade in enumerate(found, start=1) if grade > 0), 0.0)


def ndcg(found: list[int], rules: list[dict], cutoff: int = CUTOFF) -> float:
    def dcg(values):
        return sum((2**g - 1) / math.log2(rank + 1) for rank, g in enumerate(values[:cutoff], start=1))

    ideal = dcg(sorted((rule["grade"] for rule in rules), reverse=True))
    return dcg(found) / ideal if ideal else 0.0


@dataclass(frozen=True)
class QueryResult:
    query: str
    reciprocal_rank: float
    ndcg: float
    top: list[str]
    category: str | None = None


def evaluate(judgments: list[dict] | None = None) -> tuple[float, float, list[QueryResult]]:
    judgments = judgments if judgments is not None else load_judgments()
    scope = AccessScope(True, frozenset(LEVELS), frozenset(), frozenset(), timezone.localdate())
    results = []
    for judged in judgments:
        request = SearchRequest(query=parse_query(judged["query"]), scope=scope, page_size=CUTOFF)
        hits = portal_search(request).hits
        found = grades(hits, judged["relevant"])
        results.append(
            QueryResult(
                query=judged["query"],
                reciprocal_rank=reciprocal_rank(found),
                ndcg=ndcg(found, judged["relevant"]),
                top=[f"{h.doc_type}:{h.title[:50]}" for h in hits[:3]],
                category=judged.get("category"),
            )
        )
    mrr = sum(r.reciprocal_rank for r in results) / len(results)
    mean_ndcg = sum(r.ndcg for r in results) / len(results)
    return mrr, mean_ndcg, results


def by_category(results: list[QueryResult]) -> dict[str, dict]:
    """MRR and mean nDCG@10 of each category's queries (in the order categories first appear)."""
    grouped: dict[str, list[QueryResult]] = {}
    for result in results:
        if result.category is not None:
            grouped.setdefault(result.category, []).append(result)
    return {
        category: {
            "mrr": sum(r.reciprocal_rank for r in found) / len(found),
            "ndcg_10": sum(r.ndcg for r in found) / len(found),
            "queries": len(found),
        }
        for category, found in grouped.items()
    }
