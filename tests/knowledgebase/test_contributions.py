"""A partner proposes a page; the secretariat asks for a change in the Wagtail workflow, then publishes."""

import importlib

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.core import mail
from wagtail.models import WorkflowState
from wagtail.rich_text import RichText

from core.roles import Role
from knowledgebase import services
from knowledgebase.models import BestPracticePage, KnowledgePage
from notifications.models import Notification
from stakeholders.models import District

pytestmark = pytest.mark.django_db

FORM = {
    "kind": "best_practice",
    "title": "Buurtapp in de polder",
    "intro": "Een buurtapp met agrariërs leverde meldingen op.",
    "text": "## Aanpak\n\nWe startten een app.\n\n- Met de wijkagent\n- Met LTO",
}


@pytest.fixture
def partner(make_user):
    return make_user(Role.PARTNER, district="KEN")


@pytest.fixture
def secretary(make_user):
    return make_user(Role.SECRETARIAT, district=None)


def _submit(client, partner, **extra):
    client.force_login(partner)
    response = client.post("/bijdragen/nieuw/", {**FORM, "submit": "1", **extra})
    assert response.status_code == 302, response.content.decode()[:2000]
    return KnowledgePage.objects.get(title=extra.get("title", FORM["title"]))


def _task_state(page):
    return WorkflowState.objects.get(base_content_type__model="page", object_id=str(page.pk)).current_task_state


def test_a_submission_becomes_a_draft_in_review_and_the_secretariat_hears_of_it(client, partner, secretary):
    page = _submit(client, partner)
    assert not page.live and page.owner == partner
    assert page.specific.visibility == "partners"
    assert page.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert Notification.objects.filter(recipient=secretary, kind="knowledge.submitted").exists()
    soup = BeautifulSoup(page.get_latest_revision_as_object().body[0].value.source, "html.parser")
    assert soup.h2.get_text() == "Aanpak" and [li.get_text() for li in soup.select("ul > li")] == [
        "Met de wijkagent",
        "Met LTO",
    ]


def test_changes_requested_then_resubmitted_then_published(client, partner, secretary):
    page = _submit(client, partner)
    task_state = _task_state(page)
    task_state.task.specific.on_action(task_state, secretary, "reject", comment="Noem ook de resultaten.")
    page.refresh_from_db()
    assert page.current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    told = Notification.objects.get(recipient=partner, kind="knowledge.changes_requested")
    assert told.body == "Noem ook de resultaten." and told.url == f"/bijdragen/{page.pk}/"
    assert not any(partner.email in m.to and "/beheer/" in m.body for m in mail.outbox)

    edit = client.get(f"/bijdragen/{page.pk}/")
    assert "Noem ook de resultaten." in edit.content.decode()
    response = client.post(
        f"/bijdragen/{page.pk}/", {**FORM, "text": FORM["text"] + "\n\nDrie meldingen in een jaar.", "submit": "1"}
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS

    task_state = _task_state(page)
    task_state.task.specific.on_action(task_state, secretary, "approve")
    page = BestPracticePage.objects.get(pk=page.pk)
    assert page.live and "Drie meldingen" in page.body[0].value.source
    assert Notification.objects.filter(recipient=partner, kind="knowledge.published").exists()
    # Published for partners only: anonymous visitors are sent to login.
    client.logout()
    assert client.get(page.url).status_code == 302


def test_while_in_review_the_author_cannot_edit(client, partner):
    page = _submit(client, partner)
    assert client.get(f"/bijdragen/{page.pk}/").status_code == 404
    assert client.post(f"/bijdragen/{page.pk}/", {**FORM, "save": "1"}).status_code == 404


def test_another_user_cannot_see_or_edit_a_contribution(client, partner, make_user):
    client.force_login(partner)
    client.post("/bijdragen/nieuw/", {**FORM, "save": "1"})
    page = KnowledgePage.objects.get(title=FORM["title"])
    client.force_login(make_user(Role.PARTNER, district="KEN"))
    assert client.get(f"/bijdragen/{page.pk}/").status_code == 404
    assert FORM["title"] not in client.get("/bijdragen/").content.decode()


def test_roles_without_contribution_rights_get_404(client, make_user, login_with_mfa):
    login_with_mfa(client, make_user(Role.COACH, district=None))
    assert client.get("/bijdragen/nieuw/").status_code == 404


def test_hostile_text_is_cleaned(client, partner):
    page = _submit(
        client,
        partner,
        title="Gevaarlijk",
        text='<p onclick="steal()">Hallo <a href="javascript:alert(1)">klik</a><script>alert(2)</script>'
        '<img src=x onerror=alert(3)><a href="https://www.politie.nl/">politie</a></p>',
    )
    source = page.get_latest_revision_as_object().body[0].value.source
    for bad in ("onclick", "javascript:", "<script", "onerror", "<img"):
        assert bad not in source
    assert 'href="https://www.politie.nl/"' in source


def test_an_empty_text_after_cleaning_is_refused_and_nothing_is_stored(client, partner):
    client.force_login(partner)
    response = client.post("/bijdragen/nieuw/", {**FORM, "text": "<script>x()</script>", "submit": "1"})
    assert response.status_code == 200 and "na het opschonen bleef er niets over" in response.content.decode()
    assert not KnowledgePage.objects.filter(title=FORM["title"]).exists()


def test_a_saved_draft_keeps_blocks_the_secretariat_added(partner, reference_data):
    page = services.contribution_create(
        user=partner, kind="best_practice", title="Test", intro="Kort", text="<p>Eerst</p>", taxonomy={}
    )
    page = page.specific
    page.body = [*[(b.block_type, b.value) for b in page.body], ("callout", {"kind": "tip", "text": "Bel eerst."})]
    page.save()
    services.contribution_update(user=partner, page=page, title="Test", intro="Kort", text="<p>Daarna</p>", taxonomy={})
    page = BestPracticePage.objects.get(pk=page.pk)
    assert [b.block_type for b in page.body] == ["paragraph", "callout"]
    assert "Daarna" in page.body[0].value.source


# --- What the page editor can open (#19.11) ---------------------------------------------------------

LINE_BREAKS = "Eerste regel\ntweede regel\n\nWat we deden:\n- Met de wijkagent\n- Met LTO\nDaarna evalueerden we."


def test_a_contribution_with_line_breaks_opens_in_the_page_editor(client, partner, secretary, login_with_mfa):
    """A single line break stored as nh3 writes it (`<br>`) made Wagtail's editor fail with a 500."""
    page = _submit(client, partner, text=LINE_BREAKS)
    client.logout()
    login_with_mfa(client, secretary)
    response = client.get(f"/beheer/pages/{page.pk}/edit/")
    assert response.status_code == 200
    soup = BeautifulSoup(page.get_latest_revision_as_object().body[0].value.source, "html.parser")
    paragraphs = soup.find_all("p")
    assert paragraphs[0].get_text("|") == "Eerste regel|tweede regel" and paragraphs[0].br is not None
    # The "- " lines under a line of introduction are a list, not lines of a paragraph.
    assert paragraphs[1].get_text() == "Wat we deden:"
    assert [li.get_text() for li in soup.select("ul > li")] == ["Met de wijkagent", "Met LTO"]
    assert paragraphs[2].get_text() == "Daarna evalueerden we."


def test_the_partner_gets_back_the_text_as_typed(client, partner):
    client.force_login(partner)
    client.post("/bijdragen/nieuw/", {**FORM, "text": LINE_BREAKS, "save": "1"})
    page = KnowledgePage.objects.get(title=FORM["title"])
    form = client.get(f"/bijdragen/{page.pk}/").context["form"]
    assert form.initial["text"] == (
        "Eerste regel\ntweede regel\n\nWat we deden:\n\n- Met de wijkagent\n- Met LTO\n\nDaarna evalueerden we."
    )


def test_a_stored_page_with_line_breaks_opens_after_the_migration(client, partner, secretary, login_with_mfa):
    """Pages stored before the fix hold `<br>` in the page row and in their revisions."""
    page = services.contribution_create(
        user=partner, kind="best_practice", title="Oud", intro="Kort", text="<p>Eerst</p>", taxonomy={}
    ).specific
    page.body = [("paragraph", RichText("<p>Eerste regel<br>tweede regel</p><li>los punt</li>"))]
    page.save()
    page.save_revision(user=partner)
    migration = importlib.import_module("knowledgebase.migrations.0003_paragraph_line_breaks")
    migration.rewrite_bodies(apps, None)
    login_with_mfa(client, secretary)
    assert client.get(f"/beheer/pages/{page.pk}/edit/").status_code == 200
    page = BestPracticePage.objects.get(pk=page.pk)
    for stored in (page, page.get_latest_revision_as_object()):
        source = stored.body[0].value.source
        assert source == "<p>Eerste regel<br/>tweede regel</p><ul><li>los punt</li></ul>"


def test_a_published_contribution_restricted_later_leaves_the_authors_lists(client, partner, secretary):
    """The secretariat published it, then made it NHN-only; the author works in KEN. Their list and start page
    no longer show it (the link would be a 404), while their other contributions stay."""
    page = _submit(client, partner)
    task_state = _task_state(page)
    task_state.task.specific.on_action(task_state, secretary, "approve")
    other = _submit(client, partner, title="Schuurcontrole met de brandweer")
    assert "Buurtapp in de polder" in client.get("/bijdragen/").content.decode()
    restricted = BestPracticePage.objects.get(pk=page.pk)
    restricted.visibility = "districts"
    restricted.visible_districts.set([District.objects.get(code="NHN")])
    restricted.save_revision().publish()
    assert client.get(restricted.url).status_code == 404
    mine = client.get("/bijdragen/").content.decode()
    home = client.get("/").content.decode()
    for text in (mine, home):
        assert "Buurtapp in de polder" not in text
        assert other.title in text
    # Unpublished as well (Wagtail keeps first_published_at): it does not come back as a draft.
    restricted.unpublish()
    assert "Buurtapp in de polder" not in client.get("/bijdragen/").content.decode()
    assert "Buurtapp in de polder" not in client.get("/").content.decode()
