"""Bench support for search (`make bench`): enough documents, a realistic query mix, relevance and
rebuild speed. Filler documents are stubs like the demo's generated pages (object ids start with
"bench-"); they add volume and noise, never the curated answers the relevance set expects."""

import datetime
import itertools
import random
import time

from django.db import connection

from stakeholders.models import District

from . import heldout, indexing
from .contract import DocumentAccess, DocumentData
from .engines import database_engine, elasticsearch_engine
from .evaluation import by_category, evaluate
from .models import SearchDocument

MINIMUM_DOCUMENTS = 20_000
FILLER_PREFIX = "bench-"
QUERY_MIX = [
    {"q": "drugsafval"},
    {"q": "schuur"},
    {"q": "wietplantage schuur"},
    {"q": "voorlichting eigenaren schuren"},
    {"q": "drugsafval", "type": "lesson"},
    {"q": "hennepkwekerij", "district": "KEN"},
    {"q": "integrale actie", "year": "2025"},
    {"q": "wietplantge"},
    {"q": "drugsdumpng"},
    {"q": "lab"},
    {"q": "agrarische coach"},
    {"q": "platformoverleg kennemerland", "sort": "date"},
]
_TOPICS = [
    ("Hennepkwekerij", "hennep"),
    ("Drugsafval", "drugsafval"),
    ("Leegstaande loods", "leegstand"),
    ("Erfbezoek", "melden"),
    ("Voorlichting", "voorlichting"),
    ("Signalen van de netbeheerder", "hennep"),
    ("Verhuur van opstallen", "leegstand"),
    ("Vakantiepark", "recreatie"),
]
_SENTENCES = [
    "De partners stemden vooraf af wie welke rol had.",
    "Bewoners werden na afloop per brief geïnformeerd.",
    "De gemeente nam de regie en hield het overzicht.",
    "Er waren geen bijzonderheden op de meeste erven.",
    "Het platform besprak de uitkomsten in het kwartaaloverleg.",
    "Een vast aanspreekpunt maakte het verschil voor melders.",
    "De politie en het omgevingsdienst werkten samen in de polder.",
    "Eigenaren kregen informatie over de risico's van verhuur.",
    "Terugkoppeling aan de melder vergrootte het vertrouwen.",
    "De opruimkosten werden gedeeld tussen de betrokken partijen.",
    "De buitendienst kreeg een korte instructie over signalen.",
    "Na de actie volgde een evaluatie met alle deelnemers.",
]
_TYPES = ["lesson", "best_practice", "joint_action", "agenda_item", "action_item", "decision", "contact"]


def _filler(number: int, rng: random.Random, districts: list[tuple[int, str, str]]) -> DocumentData:
    topic, theme = rng.choice(_TOPICS)
    district_id, code, name = rng.choice(districts)
    level = rng.choice(["public", "logged_in", "logged_in", "platform"])
    district_only = level != "public" and rng.random() < 0.5
    access = DocumentAccess(level, districts=frozenset({district_id}) if district_only else None)
    year = rng.randint(2016, 2026)
    return DocumentData(
        doc_type=rng.choice(_TYPES),
        object_id=f"{FILLER_PREFIX}{number}",
        title=f"{topic} in {name} ({number})",
        body=" ".join(rng.sample(_SENTENCES, rng.randint(2, 5))),
        url=f"/bench/{number}/",
        date=datetime.date(year, rng.randint(1, 12), rng.randint(1, 28)),
        access=access,
        tags={"theme": ((theme, theme.capitalize()),), "district": ((code, name),)},
    )


def ensure_documents(minimum: int = MINIMUM_DOCUMENTS) -> int:
    """Top the index up with filler until it holds `minimum` documents; returns how many it holds."""
    present = SearchDocument.objects.count()
    missing = minimum - present
    if missing > 0:
        districts = list(District.objects.values_list("pk", "code", "name"))
        rng = random.Random(2021)
        start = SearchDocument.objects.filter(object_id__startswith=FILLER_PREFIX).count()
        engine = database_engine()
        numbers = range(start, start + missing)
        for chunk_start in range(0, missing, 1000):
            engine.index(_filler(n, rng, districts) for n in numbers[chunk_start : chunk_start + 1000])
    return SearchDocument.objects.count()


def query_cycle():
    return itertools.cycle(QUERY_MIX)


def relevance(name: str) -> dict:
    mrr, ndcg, results = evaluate()
    return {
        "name": name,
        "mrr": round(mrr, 3),
        "ndcg_10": round(ndcg, 3),
        "queries": len(results),
        "documents": SearchDocument.objects.count(),
        "database": connection.vendor,
    }


def heldout_relevance(name: str) -> dict:
    """The held-out set (issue #21): its documents loaded beside what the index holds, scored, and taken
    out again whatever happens, so no other figure ever sees them."""
    if elasticsearch_engine() is not None:
        return {"name": name, "skipped": "Elasticsearch answers searches; held-out documents are database-only"}
    heldout.load()
    try:
        documents = SearchDocument.objects.count()
        mrr, ndcg, results = evaluate(heldout.judgments())
    finally:
        heldout.remove()
    categories = by_category(results)
    order = sorted(categories, key=lambda c: (heldout.CATEGORIES.index(c) if c in heldout.CATEGORIES else 99, c))
    return {
        "name": name,
        "mrr": round(mrr, 3),
        "ndcg_10": round(ndcg, 3),
        "categories": {
            category: {key: round(value, 3) for key, value in categories[category].items()} for category in order
        },
        "queries": len(results),
        "documents": documents,
        "heldout_documents": len(heldout.load_documents()),
        "database": connection.vendor,
    }


def rebuild_speed(name: str) -> dict:
    started = time.perf_counter()
    written = indexing.rebuild()["database"]
    seconds = time.perf_counter() - started
    ensure_documents()
    return {
        "name": name,
        "documents": written,
        "seconds": round(seconds, 2),
        "docs_per_s": round(written / seconds, 1),
        "database": connection.vendor,
    }
