"""Issue #21, "How it is measured": the held-out judged set is scored in the portal's own index (search.heldout,
search.bench.heldout_relevance). These tests check the frozen files, loading and removing the held-out documents,
who can find them, and the per-category arithmetic on a hand-made example."""

import datetime
import hashlib
import math

import pytest
from django.utils import timezone

from core.roles import Role
from search import heldout
from search.access import CLOSED, LEVELS, AccessScope, access_scope_for, anonymous_scope
from search.analysis import parse_query
from search.contract import DocumentAccess, DocumentData, Hit, SearchRequest
from search.engines import database_engine
from search.evaluation import QueryResult, by_category, grades, ndcg, reciprocal_rank
from search.models import SearchDocument, SearchTerm
from search.services import portal_search

# ma-07's title word: no demo or fixture text has it.
DISTINCTIVE = "veiligheidskrant"


def _evaluation_scope() -> AccessScope:
    """The scope search.evaluation searches with (the secretariat's, seeing everything)."""
    return AccessScope(True, frozenset(LEVELS), frozenset(), frozenset(), timezone.localdate())


def _found(scope: AccessScope, text: str) -> list[str]:
    request = SearchRequest(query=parse_query(text), scope=scope, page_size=10)
    return [hit.object_id for hit in portal_search(request, correct=False).hits]


def test_the_frozen_files_match_their_checksums():
    lines = (heldout.HELDOUT_DIR / "FROZEN.sha256").read_text().split("\n")
    expected = dict(reversed(line.split()) for line in lines if line.strip())
    assert set(expected) == {"documents.json", "queries.json"}
    for name, digest in expected.items():
        assert hashlib.sha256((heldout.HELDOUT_DIR / name).read_bytes()).hexdigest() == digest, name


def test_the_set_is_whole_and_every_judgment_names_a_document():
    documents = heldout.load_documents()
    judgments = heldout.judgments()
    assert len(documents) == 48 and len(judgments) == 88
    assert {j["category"] for j in judgments} == set(heldout.CATEGORIES)
    object_ids = {heldout.object_id(d["key"]) for d in documents}
    for judged in judgments:
        assert any(rule["grade"] == 2 for rule in judged["relevant"]), judged["query"]
        assert {rule["object_id"] for rule in judged["relevant"]} <= object_ids, judged["query"]


@pytest.mark.django_db
def test_loading_is_idempotent_and_removal_leaves_the_index_as_it_was(reference_data):
    engine = database_engine()
    # A real document that shares one word with the held-out set: it and its word stay after the removal.
    engine.index(
        [
            DocumentData(
                doc_type="material",
                object_id="1",
                title="Veiligheidskrant voor de polder",
                body="Een krant voor bewoners.",
                url="/kennisbank/krant/",
                date=datetime.date(2026, 1, 5),
                access=DocumentAccess("public"),
            )
        ]
    )
    before = set(SearchTerm.objects.values_list("word", flat=True))

    assert heldout.load() == 48
    loaded = set(heldout.heldout_rows().values_list("doc_type", "object_id"))
    vocabulary = set(SearchTerm.objects.values_list("word", flat=True))
    assert heldout.load() == 48
    assert set(heldout.heldout_rows().values_list("doc_type", "object_id")) == loaded
    assert heldout.heldout_rows().count() == 48
    assert set(SearchTerm.objects.values_list("word", flat=True)) == vocabulary
    assert "drugsdumping" in vocabulary - before  # the held-out texts brought words of their own
    assert {doc_type for doc_type, _ in loaded} == {
        "best_practice", "lesson", "material", "joint_action", "minutes", "organisation",
    }  # fmt: skip
    assert SearchDocument.objects.filter(access_level=CLOSED).count() == 48

    assert heldout.remove() == 48
    assert not heldout.heldout_rows().exists()
    assert list(SearchDocument.objects.values_list("object_id", flat=True)) == ["1"]
    assert set(SearchTerm.objects.values_list("word", flat=True)) == before
    assert heldout.remove() == 0
    assert _found(_evaluation_scope(), DISTINCTIVE) == ["1"]


@pytest.mark.django_db
def test_the_secretariat_finds_a_held_out_document_and_nobody_else_does(make_user):
    heldout.load()
    expected = heldout.object_id("ma-07")  # "Sjabloon veiligheidskrant buitengebied"
    assert _found(_evaluation_scope(), DISTINCTIVE) == [expected]
    secretariat = make_user(Role.SECRETARIAT, district=None)
    assert _found(access_scope_for(secretariat), DISTINCTIVE) == [expected]
    for user in [make_user(Role.PARTNER, district="NHN"), make_user(Role.AOV, district="KEN")]:
        assert _found(access_scope_for(user), DISTINCTIVE) == []
    assert _found(anonymous_scope(), DISTINCTIVE) == []


@pytest.mark.django_db
def test_documents_are_built_as_their_types_are(reference_data):
    built = {d.object_id: d for d in heldout.build_all()}
    minutes = built[heldout.object_id("mi-01")]
    assert minutes.title.startswith("Notulen Stakeholdersplatform")
    assert minutes.body.startswith("Opening en mededelingen. De voorzitter")
    assert minutes.keywords == "notulen verslag" and minutes.weight == pytest.approx(0.8)
    action = built[heldout.object_id("ja-01")]
    assert action.title == "Integrale actie polders ten oosten van het Amstelmeer, Hollands Kroon"
    assert "Liander (netbeheerder)" in action.body and action.date == datetime.date(2025, 10, 14)
    article = built[heldout.object_id("bp-01")]
    assert article.body.startswith("Agrarische ondernemers in Hollands Kroon")
    assert 1.0 < article.weight <= 2.0 and article.keywords.startswith("best practice")
    assert all(d.url == f"/heldout/{d.object_id.removeprefix(heldout.PREFIX)}/" for d in built.values())


def _hit(doc_type: str, object_id: str, title: str = "Titel") -> Hit:
    return Hit(doc_type=doc_type, object_id=object_id, title=title, url=f"/x/{object_id}/", snippet_html="", date=None)


def test_per_category_figures_on_a_hand_made_example():
    rule_x = {"type": "lesson", "object_id": "heldout-le-01", "grade": 2}
    rule_y = {"type": "material", "object_id": "heldout-ma-01", "grade": 1}
    x, y = _hit("lesson", "heldout-le-01"), _hit("material", "heldout-ma-01")
    # Neither the same id under another type nor a title naming the key is the judged document.
    decoys = [_hit("best_practice", "heldout-le-01"), _hit("lesson", "17", title="heldout-le-01")]

    first = grades([*decoys[:1], x], [rule_x])  # found at rank 2
    second = grades([x, y, x], [rule_x, rule_y])  # both at the top; x a second time counts nothing
    third = grades(decoys, [rule_x])  # not found
    assert (first, second, third) == ([0, 2], [2, 1, 0], [0, 0])

    results = [
        QueryResult("a", reciprocal_rank(first), ndcg(first, [rule_x]), [], category="keyword"),
        QueryResult("b", reciprocal_rank(second), ndcg(second, [rule_x, rule_y]), [], category="keyword"),
        QueryResult("c", reciprocal_rank(third), ndcg(third, [rule_x]), [], category="phrase"),
    ]
    figures = by_category(results)
    assert list(figures) == ["keyword", "phrase"]
    # a: RR 1/2, nDCG (2^2-1)/log2(3) / (2^2-1) = 1/log2(3); b: RR 1, nDCG 1; c: 0 and 0.
    assert figures["keyword"]["queries"] == 2
    assert figures["keyword"]["mrr"] == pytest.approx((0.5 + 1.0) / 2)
    assert figures["keyword"]["ndcg_10"] == pytest.approx((1 / math.log2(3) + 1.0) / 2)
    assert figures["phrase"] == {"mrr": 0.0, "ndcg_10": 0.0, "queries": 1}


@pytest.mark.django_db
def test_the_bench_figure_scores_every_query_and_leaves_no_held_out_document(reference_data):
    from search.bench import heldout_relevance

    result = heldout_relevance("search_relevance_heldout_test")
    assert result["queries"] == 88 and result["heldout_documents"] == 48
    assert list(result["categories"]) == list(heldout.CATEGORIES)
    assert sum(c["queries"] for c in result["categories"].values()) == 88
    assert 0 < result["mrr"] <= 1 and 0 < result["ndcg_10"] <= 1
    assert result["documents"] == 48  # only the held-out documents were in this index
    assert not heldout.heldout_rows().exists()
