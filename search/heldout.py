"""The held-out judged set (tests/search/heldout/, issue #21 "How it is measured") in the portal's own index,
beside whatever is there (the demo content on the bench), so that its hits compete with real ones for rank.

Each of the 48 documents becomes a search document of its own type, built the way that type's transformer
builds one (knowledgebase/meetings search_documents.py, documents.OrganisationType: the same title and body
shape, type weight, type keywords and substance weight) and written through the database engine's own
`index`, which makes the folded words, the stems and (on PostgreSQL) the tsvector exactly as for any other
document. No page, CRM row or other content object is created.

Held-out documents have object ids starting with `PREFIX` and URLs under /heldout/: `load` is idempotent
(the engine replaces a key it already holds) and `remove` takes every one of them out again, with the
vocabulary words only they brought in. Only the database documents are written, never Elasticsearch.

Access: every held-out document is CLOSED, the level of documents only the secretariat may find. The
evaluation's scope (search.evaluation: the secretariat's, seeing everything) finds them, and the access
level does not enter the ranking; partners and the public can never see them, so held-out documents left in
a database (a bench database reused by the page timings, which search as a partner) cannot reach a real
user's results or a timing."""

import datetime
import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from stakeholders.models import District, Module, Municipality, PartnerType, Theme

from .access import CLOSED
from .contract import DocumentAccess, DocumentData
from .documents import TYPE_KEYWORDS, TYPE_WEIGHTS, plain, substance_weight
from .engines import database_engine
from .engines.database import MAX_WORD_CHARS
from .models import SearchDocument, SearchTerm

HELDOUT_DIR = Path(settings.BASE_DIR) / "tests" / "search" / "heldout"
DOCUMENTS = HELDOUT_DIR / "documents.json"
QUERIES = HELDOUT_DIR / "queries.json"
PREFIX = "heldout-"
CATEGORIES = ("keyword", "question", "synonym", "misspelling", "compound", "phrase")
KNOWLEDGE_TYPES = ("best_practice", "lesson", "material")


def object_id(key: str) -> str:
    return f"{PREFIX}{key}"


def load_documents(path: Path = DOCUMENTS) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["documents"]


def load_queries(path: Path = QUERIES) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["queries"]


def judgments(queries: list[dict] | None = None, documents: list[dict] | None = None) -> list[dict]:
    """The held-out queries in the form search.evaluation reads: each judged key becomes a rule naming the
    document's type and held-out object id (matched exactly, not by title)."""
    queries = load_queries() if queries is None else queries
    types = {d["key"]: d["type"] for d in (load_documents() if documents is None else documents)}
    return [
        {
            "query": q["query"],
            "category": q["category"],
            "relevant": [
                {"type": types[r["key"]], "object_id": object_id(r["key"]), "grade": r["grade"]} for r in q["relevant"]
            ],
        }
        for q in queries
    ]


@dataclass
class _Reference:
    """Codes of the reference data -> their rows, read once per load (codes not found keep the code)."""

    districts: dict
    municipalities: dict
    themes: dict
    partner_types: dict
    module: tuple

    @classmethod
    def read(cls) -> "_Reference":
        module = Module.objects.filter(number=4).first()  # as documents.platform_module_tag
        return cls(
            districts={d.code: d for d in District.objects.all()},
            municipalities={m.cbs_code: m for m in Municipality.objects.select_related("district")},
            themes={t.code: t.name for t in Theme.objects.all()},
            partner_types={p.code: p.name for p in PartnerType.objects.all()},
            module=((str(module.number), f"{module.number}. {module.name}"),) if module else (),
        )

    def district_tags(self, codes) -> tuple[tuple[str, str], ...]:
        return tuple((code, self.districts[code].name if code in self.districts else code) for code in codes if code)

    def municipality_name(self, cbs_code: str) -> str:
        found = self.municipalities.get(cbs_code)
        return found.name if found else cbs_code


def _parse_date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def build(raw: dict, reference: _Reference) -> DocumentData:
    """One held-out document as its type's transformer would build it from the same content."""
    doc_type = raw["type"]
    key = raw["key"]
    tags: dict[str, tuple[tuple[str, str], ...]] = {}
    weight = 1.0
    date = None
    if doc_type in KNOWLEDGE_TYPES:
        # KnowledgeType: the intro, then the text of the body (each paragraph as rich text, through `plain`).
        title = raw["title"]
        body = " ".join(filter(None, [raw.get("intro", ""), *(plain(p) for p in raw.get("body", []))]))
        weight = substance_weight(body)
        tags = {
            "theme": tuple((code, reference.themes.get(code, code)) for code in raw.get("themes", [])),
            "district": reference.district_tags(raw.get("districts", [])),
        }
    elif doc_type == "joint_action":
        # JointActionType: the set gives its findings as text where the register counts them per kind, and
        # names partner types where the register links organisations (their names come from the reference data).
        municipality = reference.municipalities.get(raw["municipality"])
        title = f"Integrale actie {raw['area']}, {reference.municipality_name(raw['municipality'])}"
        body = " ".join(
            [
                f"{raw['premises_visited']} locaties bezocht.",
                raw.get("findings", ""),
                ", ".join(reference.partner_types.get(code, code) for code in raw.get("organisations", [])),
                raw.get("follow_up", ""),
            ]
        )
        date = _parse_date(raw.get("date"))
        tags = {
            "district": reference.district_tags([municipality.district.code] if municipality else []),
            "municipality": ((raw["municipality"], reference.municipality_name(raw["municipality"])),),
            "module": reference.module,
        }
    elif doc_type == "minutes":
        # MinutesType: "Notulen <meeting>", each item as "<title>. <text>".
        title = f"Notulen {raw['meeting_title']}"
        body = " ".join(f"{item['title']}. {plain(item['text'])}" for item in raw.get("items", []))
        date = _parse_date(raw.get("date"))
        tags = {"district": reference.district_tags([raw.get("district")]), "module": reference.module}
    elif doc_type == "organisation":
        # OrganisationType: the name, then partner type and municipality. The set adds a description of what
        # the organisation does, which the CRM has no public field for; it is indexed too (it is what was judged).
        municipality = raw.get("municipality") or ""
        title = raw["name"]
        body = " ".join(
            filter(
                None,
                [
                    reference.partner_types.get(raw.get("partner_type", ""), raw.get("partner_type", "")),
                    reference.municipality_name(municipality) if municipality else "",
                    raw.get("description", ""),
                ],
            )
        )
        if municipality:
            tags = {"municipality": ((municipality, reference.municipality_name(municipality)),)}
    else:
        raise ValueError(f"held-out document {key} has an unknown type {doc_type!r}")
    return DocumentData(
        doc_type=doc_type,
        object_id=object_id(key),
        title=title,
        body=body,
        url=f"/heldout/{key}/",
        date=date,
        access=DocumentAccess(CLOSED),
        tags={facet: pairs for facet, pairs in tags.items() if pairs},
        # As DocType.documents finishes every document: the type's weight and keywords.
        keywords=TYPE_KEYWORDS.get(doc_type, ""),
        weight=weight * TYPE_WEIGHTS.get(doc_type, 1.0),
    )


def build_all(documents: list[dict] | None = None) -> list[DocumentData]:
    reference = _Reference.read()
    return [build(raw, reference) for raw in (load_documents() if documents is None else documents)]


def heldout_rows():
    return SearchDocument.objects.filter(object_id__startswith=PREFIX)


def load(documents: list[dict] | None = None) -> int:
    """Write the held-out documents into the database index (again: the engine replaces what it holds)."""
    return database_engine().index(build_all(documents))


def remove() -> int:
    """Take every held-out document out of the database index, and the vocabulary words no other document
    has (they would otherwise linger as "bedoelde u" candidates). Returns the number of documents removed."""
    rows = heldout_rows()
    keys = list(rows.values_list("doc_type", "object_id"))
    if not keys:
        return 0
    brought = {
        w for text in rows.values_list("text_folded", flat=True) for w in text.split() if 3 <= len(w) <= MAX_WORD_CHARS
    }
    with transaction.atomic():
        removed = database_engine().delete(keys)
        still_used: set[str] = set()
        for text in SearchDocument.objects.values_list("text_folded", flat=True).iterator(chunk_size=2000):
            still_used.update(brought.intersection(text.split()))
        unused = sorted(brought - still_used)
        for start in range(0, len(unused), 500):
            SearchTerm.objects.filter(word__in=unused[start : start + 500]).delete()
    return removed
