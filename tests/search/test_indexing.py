"""The index follows every write after commit; a failing Elasticsearch never fails a write or a search."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from core.roles import Role
from meetings.models import Minutes, MinutesItem
from search.engines import _elasticsearch_engine
from search.models import SearchDocument, SearchIndexFailure
from tests.knowledgebase.factories import article
from tests.meetings.factories import meeting

pytestmark = pytest.mark.django_db
CLOSED_PORT = "http://127.0.0.1:9"


def _titles(doc_type):
    return set(SearchDocument.objects.filter(doc_type=doc_type).values_list("title", flat=True))


def test_publishing_editing_and_unpublishing_a_page_updates_the_index_after_commit(
    reference_data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = article("Mestkelders als opslagplaats", visibility="public")
        page.save_revision().publish()
    assert "Mestkelders als opslagplaats" in _titles("best_practice")

    with django_capture_on_commit_callbacks(execute=True):
        page.title = "Mestkelders en kelders als opslagplaats"
        page.save_revision().publish()
    assert _titles("best_practice") == {"Mestkelders en kelders als opslagplaats"}

    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert _titles("best_practice") == set()


def test_a_privacy_change_reindexes_who_may_find_the_page(reference_data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        page = article("Loodsen in de polder", visibility="public")
        page.save_revision().publish()
    assert SearchDocument.objects.get(object_id=str(page.pk)).access_level == "public"

    with django_capture_on_commit_callbacks(execute=True):
        page.visibility = "districts"
        page.visible_districts = list(page.visible_districts.model.objects.filter(code="KEN"))
        page.save()
    document = SearchDocument.objects.get(object_id=str(page.pk))
    assert document.access_level == "logged_in" and document.needs_district
    assert list(document.access_rows.values_list("kind", flat=True)) == ["district"]


def test_minutes_enter_the_index_for_members_only_once_published(reference_data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        minutes = Minutes.objects.create(meeting=meeting("KEN"), status=Minutes.Status.CONCEPT)
        MinutesItem.objects.create(minutes=minutes, title="Opening", text="Tekst")
    assert SearchDocument.objects.get(doc_type="minutes").access_level == "closed"
    with django_capture_on_commit_callbacks(execute=True):
        minutes.status = Minutes.Status.PUBLISHED
        minutes.save()
    assert SearchDocument.objects.get(doc_type="minutes").access_level == "logged_in"


def test_a_rolled_back_write_never_reaches_the_index_and_later_writes_still_do(
    reference_data, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        article("Wordt teruggedraaid", visibility="public")
        raise RuntimeError
    with django_capture_on_commit_callbacks(execute=True):
        article("Komt wel in de index", visibility="public").save_revision().publish()
    assert _titles("best_practice") == {"Komt wel in de index"}


@pytest.fixture
def unreachable_elasticsearch():
    _elasticsearch_engine.cache_clear()
    with override_settings(ELASTICSEARCH_URL=CLOSED_PORT):
        yield
    _elasticsearch_engine.cache_clear()


def test_with_elasticsearch_down_writes_succeed_and_are_kept_for_a_retry(
    reference_data, unreachable_elasticsearch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = article("Drugsafval in de sloot", visibility="public")
        page.save_revision().publish()
    assert "Drugsafval in de sloot" in _titles("best_practice")  # the database documents are written
    assert SearchIndexFailure.objects.filter(doc_type="best_practice", object_id=str(page.pk)).exists()


def test_with_elasticsearch_down_the_site_still_searches_and_health_says_degraded(
    client, reference_data, unreachable_elasticsearch
):
    from search.indexing import rebuild

    article("Drugsafval in de sloot", visibility="public")
    written = rebuild()
    assert written["database"] >= 1 and written["elasticsearch"] == -1
    response = client.get("/zoeken/", {"q": "drugsafval"})
    assert response.status_code == 200
    assert response.context["response"].total == 1
    assert "even niet bereikbaar" in response.content.decode()
    assert client.get("/zoeken/titels/", {"q": "drugsaf"}).json()["results"][0]["title"] == "Drugsafval in de sloot"
    health = client.get("/health/").json()
    assert health["checks"]["search"]["ok"] is False
    assert "degraded" in health["checks"]["search"]["detail"]


def test_the_rebuild_command_shows_progress_and_refuses_unknown_types(reference_data, capsys):
    article("Een artikel", visibility="public")
    call_command("search_index", "rebuild", "--type", "best_practice")
    out, err = capsys.readouterr()
    assert "database: 1 documents indexed." in out
    assert "Zoekindex" in err  # the progress bar
    with pytest.raises(CommandError, match="Unknown type"):
        call_command("search_index", "rebuild", "--type", "referral")


def test_the_synonym_list_validates_and_takes_effect_at_once(reference_data):
    from django.core.exceptions import ValidationError

    from search.analysis import parse_query
    from search.models import SynonymGroup

    group = SynonymGroup(terms="mestkelder")
    with pytest.raises(ValidationError, match="minstens twee"):
        group.full_clean()
    SynonymGroup.objects.create(terms="mestkelder, gierkelder")
    alternatives = parse_query("gierkelder").terms[0].alternatives
    assert ("mestkelder",) in alternatives


def test_the_judged_relevance_set_is_sound():
    import json

    from search.contract import DOC_TYPES
    from search.evaluation import JUDGMENTS, load_judgments

    queries = load_judgments()
    slugs = {
        a["slug"] for a in json.loads((JUDGMENTS.parents[2] / "knowledgebase/fixtures/demo_articles.json").read_text())
    }
    assert len(queries) >= 40
    for judged in queries:
        assert judged["relevant"] and any(r["grade"] == 2 for r in judged["relevant"]), judged["query"]
        for rule in judged["relevant"]:
            assert rule["type"] in DOC_TYPES
            assert rule.get("slug") in slugs if "slug" in rule else rule["title_contains"]


# --- Writes that send no signal of their own ---------------------------------------------------------------


def _found(user, text) -> set[tuple[str, str]]:
    from search.services import portal_search, search_request_for

    return {(h.doc_type, h.object_id) for h in portal_search(search_request_for(user, text=text), correct=False).hits}


def test_minutes_text_saved_through_the_service_is_found_under_its_new_words(
    make_user, django_capture_on_commit_callbacks
):
    from meetings.services.minutes import minutes_save, minutes_start

    secretariat = make_user(Role.SECRETARIAT, district=None)
    with django_capture_on_commit_callbacks(execute=True):
        minutes = minutes_start(user=secretariat, meeting=meeting("KEN", starts_in_days=-7))
    item = minutes.items.first()
    key = ("minutes", str(minutes.pk))

    with django_capture_on_commit_callbacks(execute=True):
        minutes_save(user=secretariat, minutes=minutes, texts={item.pk: "Gesprek over zwavelzuurvaten."})
    assert key in _found(secretariat, "zwavelzuurvaten")

    with django_capture_on_commit_callbacks(execute=True):
        minutes_save(user=secretariat, minutes=minutes, texts={item.pk: "Gesprek over mestkelders."})
    assert key in _found(secretariat, "mestkelders")
    assert key not in _found(secretariat, "zwavelzuurvaten")


def test_renaming_an_organisation_reindexes_the_action_items_and_joint_actions_that_name_it(
    make_user, django_capture_on_commit_callbacks
):
    from knowledgebase.models import JointAction
    from meetings.models import ActionItem
    from stakeholders.models import District, Municipality
    from tests.stakeholders.factories import MembershipFactory

    secretariat = make_user(Role.SECRETARIAT, district=None)
    ken = District.objects.get(code="KEN")
    organisation = MembershipFactory(district=ken, organisation__name="Stichting Vuilpolder").organisation
    with django_capture_on_commit_callbacks(execute=True):
        item = ActionItem.objects.create(
            meeting=meeting("KEN"), description="Ruimt de dumpplek op.", owner_organisation=organisation
        )
        action = JointAction.objects.create(
            date=datetime.date(2026, 3, 1),
            municipality=Municipality.objects.get(cbs_code="GM0392"),
            area="Polder Haarlemmerliede",
            premises_visited=4,
        )
        action.organisations.add(organisation)
    keys = {("action_item", str(item.pk)), ("joint_action", str(action.pk))}
    assert keys <= _found(secretariat, "vuilpolder")

    with django_capture_on_commit_callbacks(execute=True):
        organisation.name = "Stichting Schoonpolder"
        organisation.save()
    assert keys <= _found(secretariat, "schoonpolder")
    assert not keys & _found(secretariat, "vuilpolder")


def test_a_slug_change_reindexes_the_urls_below_it(reference_data, django_capture_on_commit_callbacks):
    """The knowledge index: a platform page's own save refreshes its subtree's audience (and index) anyway."""
    with django_capture_on_commit_callbacks(execute=True):
        page = article("Mestkelders als opslagplaats", visibility="public")
        page.save_revision().publish()
    index = page.get_parent().specific

    with django_capture_on_commit_callbacks(execute=True):
        index.slug = "kennisbank-vernieuwd"
        index.save_revision().publish()
    page.refresh_from_db()
    assert "/kennisbank-vernieuwd/" in page.url
    assert SearchDocument.objects.get(doc_type="best_practice", object_id=str(page.pk)).url == page.url


# --- search_index verify ------------------------------------------------------------------------------------


def test_verify_finds_nothing_on_a_consistent_index(portal):
    from search.documents import TYPES
    from search.indexing import verify

    report = verify()

    assert list(report.types) == list(TYPES)
    assert report.differences == 0 and report.elasticsearch == "not configured"
    assert all(found.documents for doc_type, found in report.types.items() if doc_type not in ("lesson", "material"))


def test_verify_finds_missing_extra_and_stale_documents_and_fixes_exactly_those(portal, people):
    import dataclasses

    from knowledgebase.models import JointAction
    from meetings.models import Decision
    from search.documents import TYPES
    from search.engines import database_engine
    from search.indexing import verify
    from search.models import SearchDocumentAccess, SearchTag

    database = database_engine()
    decision = str(Decision.objects.get().pk)
    database.delete([("decision", decision)])  # missing
    ((_pk, agenda_item),) = TYPES["agenda_item"].documents([portal["meetings"]["ken"].agenda_items.first().pk])
    database.index([dataclasses.replace(agenda_item, object_id="999999")])  # extra: no such agenda item
    # Stale: text changed by queryset updates (no signal), and documents altered in the database itself.
    JointAction.objects.update(follow_up="Nazorg door de waterschapspolitie.")
    MinutesItem.objects.filter(minutes=portal["minutes"]).update(text="Gevonden: asbestplaten.")
    ken_only = str(portal["pages"]["ken_only"].pk)
    SearchDocumentAccess.objects.filter(document__object_id=ken_only, document__doc_type="best_practice").delete()
    member = str(portal["organisations"]["member"].pk)
    SearchTag.objects.filter(document__object_id=member, document__doc_type="organisation").delete()
    contact = str(portal["contacts"]["consenting"].pk)
    SearchDocument.objects.filter(doc_type="contact", object_id=contact).update(url="/adresboek/?q=oud")
    joint_action = str(JointAction.objects.get().pk)
    secretariat = people["secretariat"]
    assert not _found(secretariat, "waterschapspolitie")

    report = verify()

    assert {t: (d.missing, d.extra, d.stale) for t, d in report.types.items() if d.count} == {
        "decision": ([decision], [], []),
        "agenda_item": ([], ["999999"], []),
        "joint_action": ([], [], [joint_action]),
        "minutes": ([], [], [str(portal["minutes"].pk)]),
        "best_practice": ([], [], [ken_only]),
        "organisation": ([], [], [member]),
        "contact": ([], [], [contact]),
    }
    before = {(t, o): pk for pk, t, o in SearchDocument.objects.values_list("pk", "doc_type", "object_id")}

    assert verify(fix=True).fixed == 7

    after = {(t, o): pk for pk, t, o in SearchDocument.objects.values_list("pk", "doc_type", "object_id")}
    assert ("agenda_item", "999999") not in after and ("decision", decision) in after
    assert {k: pk for k, pk in after.items() if k not in report.keys()} == {
        k: pk for k, pk in before.items() if k not in report.keys()
    }  # nothing else was indexed again
    assert ("joint_action", joint_action) in _found(secretariat, "waterschapspolitie")
    assert ("minutes", str(portal["minutes"].pk)) in _found(secretariat, "asbestplaten")
    assert verify().differences == 0


def test_verify_removes_a_stored_document_whose_id_names_no_possible_object(portal):
    """An id the type's primary key cannot hold (left by an older id scheme) used to crash the fix."""
    import dataclasses

    from search.documents import TYPES
    from search.engines import database_engine
    from search.indexing import verify

    ((_pk, agenda_item),) = TYPES["agenda_item"].documents([portal["meetings"]["ken"].agenda_items.first().pk])
    database_engine().index([dataclasses.replace(agenda_item, object_id="agenda-7")])

    assert verify().types["agenda_item"].extra == ["agenda-7"]
    assert verify(fix=True).fixed == 1
    assert not SearchDocument.objects.filter(doc_type="agenda_item", object_id="agenda-7").exists()
    assert verify().differences == 0


def test_the_verify_command_prints_counts_per_type_and_fails_on_differences(portal, capsys):
    from knowledgebase.models import JointAction

    call_command("search_index", "verify")
    out = capsys.readouterr().out
    assert "The index agrees with the data." in out and "elasticsearch: not configured" in out

    JointAction.objects.update(follow_up="Nazorg door de waterschapspolitie.")
    with pytest.raises(CommandError, match="1 differences") as failed:
        call_command("search_index", "verify")
    assert failed.value.returncode == 1
    rows = {line.split()[0]: line.split()[1:] for line in capsys.readouterr().out.splitlines()[1:-1]}
    assert rows["joint_action"] == ["1", "0", "0", "1", "0", "0"]
    assert rows["contact"][1:] == ["0"] * 5

    call_command("search_index", "verify", "--fix")
    assert "1 differences; 1 objects indexed again." in capsys.readouterr().out
    call_command("search_index", "verify", "--type", "joint_action")
    out = capsys.readouterr().out
    assert "The index agrees with the data." in out and "contact" not in out


def test_the_nightly_verify_fixes_and_warns_only_when_it_had_to(portal, caplog):
    import logging

    from knowledgebase.models import JointAction
    from search.indexing import verify
    from search.tasks import verify_search_index

    with caplog.at_level(logging.WARNING, logger="search.tasks"):
        verify_search_index.call_local()
        assert not [r for r in caplog.records if r.name == "search.tasks"]

        JointAction.objects.update(follow_up="Nazorg door de waterschapspolitie.")
        verify_search_index.call_local()
    (warning,) = [r.getMessage() for r in caplog.records if r.name == "search.tasks"]
    assert "fixed 1 objects" in warning and "'joint_action': {'missing': 0, 'extra': 0, 'stale': 1" in warning
    assert verify().differences == 0
