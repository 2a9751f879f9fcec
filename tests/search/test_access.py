"""The search's access filter agrees with every type's own permission module, for every document and
every role: nothing is found by someone who could not open it (design section 3)."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser

from core.permissions import user_can_view_page
from knowledgebase.models import JointAction, KnowledgePage
from knowledgebase.permissions import user_can_view_joint_actions
from meetings.models import AgendaItem, Decision, MeetingPage, Minutes
from meetings.permissions import action_items_visible_to, user_can_read_minutes, user_can_view_meeting
from search.access import access_scope_for, document_visible
from search.analysis import parse_query
from search.contract import DocumentAccess, SearchRequest
from search.models import SearchDocument
from search.selectors import visible_documents
from stakeholders.models import Contact, Organisation
from stakeholders.permissions import user_can_view_contact, user_can_view_organisation

pytestmark = pytest.mark.django_db


def _predicate(user, doc: SearchDocument) -> bool:
    pk = int(doc.object_id)
    match doc.doc_type:
        case "best_practice" | "lesson" | "material":
            return user_can_view_page(user, KnowledgePage.objects.get(pk=pk))
        case "meeting":
            return user_can_view_meeting(user, MeetingPage.objects.get(pk=pk))
        case "agenda_item":
            return user_can_view_meeting(user, AgendaItem.objects.get(pk=pk).page)
        case "decision":
            return user_can_view_meeting(user, Decision.objects.get(pk=pk).meeting)
        case "minutes":
            return user_can_read_minutes(user, Minutes.objects.get(pk=pk))
        case "action_item":
            return action_items_visible_to(user).filter(pk=pk).exists()
        case "joint_action":
            JointAction.objects.get(pk=pk)
            return user_can_view_joint_actions(user)
        case "organisation":
            return user_can_view_organisation(user, Organisation.objects.get(pk=pk))
        case "contact":
            return user_can_view_contact(user, Contact.objects.get(pk=pk))
    raise AssertionError(f"no predicate for {doc.doc_type}")


def _row_access(doc: SearchDocument) -> DocumentAccess:
    rows = list(doc.access_rows.all())
    return DocumentAccess(
        level=doc.access_level,
        districts=frozenset(r.value for r in rows if r.kind == "district") if doc.needs_district else None,
        groups=frozenset(r.value for r in rows if r.kind == "group") if doc.needs_group else None,
        scope_changes_on=doc.scope_changes_on,
    )


def _check_every_document(people):
    documents = list(SearchDocument.objects.prefetch_related("access_rows"))
    assert {d.doc_type for d in documents} >= {
        "best_practice",
        "meeting",
        "agenda_item",
        "minutes",
        "decision",
        "action_item",
        "joint_action",
        "organisation",
        "contact",
    }
    for name, user in people.items():
        user = user or AnonymousUser()
        scope = access_scope_for(user)
        found = set(visible_documents(scope).values_list("pk", flat=True))
        for doc in documents:
            expected = _predicate(user, doc)
            assert (doc.pk in found) == expected, (
                f"{name} / {doc}: search says {doc.pk in found}, permissions {expected}"
            )
            assert document_visible(scope, _row_access(doc)) == expected, f"{name} / {doc} (rule in Python)"


def test_search_shows_exactly_what_each_role_may_open(portal, people):
    _check_every_document(people)


def test_an_ending_membership_hides_the_organisation_the_day_it_ends_even_before_a_reindex(portal, people):
    ending = portal["organisations"]["ending"]
    doc = SearchDocument.objects.get(doc_type="organisation", object_id=str(ending.pk))
    assert doc.scope_changes_on == datetime.date.today() + datetime.timedelta(days=4)
    assert doc.pk in visible_documents(access_scope_for(people["partner_nhn"])).values_list("pk", flat=True)
    with time_machine.travel(datetime.datetime.now() + datetime.timedelta(days=4), tick=False):
        people["partner_nhn"].__dict__.pop("_scope_cache", None)
        _check_every_document(people)
        assert doc.pk not in visible_documents(access_scope_for(people["partner_nhn"])).values_list("pk", flat=True)


def test_drafts_unpublished_pages_and_referrals_are_not_indexed(portal):
    assert not SearchDocument.objects.filter(doc_type="best_practice", object_id=str(portal["pages"]["draft"].pk))
    assert not SearchDocument.objects.filter(doc_type="meeting", object_id=str(portal["meetings"]["unpublished"].pk))
    assert not SearchDocument.objects.filter(doc_type__icontains="referral")


def test_no_search_can_be_asked_without_an_access_scope():
    with pytest.raises(TypeError):
        SearchRequest(query=parse_query("schuur"))  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        SearchRequest(query=parse_query("schuur"), scope=None)
    with pytest.raises(TypeError):
        visible_documents(None)
