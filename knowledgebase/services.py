"""Writes of the knowledge base: integrale acties, contributions through the Wagtail workflow, feedback."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.models import WorkflowState
from wagtail.rich_text import RichText

from accounts.models import User
from core.roles import GROUP_NAMES, Role
from notifications.events import event_for
from notifications.selectors import already_notified, followers_of
from notifications.services import notify
from stakeholders.models import Theme

from .models import (
    FINDING_FIELDS,
    BestPracticePage,
    ContentFlag,
    HelpfulVote,
    JointAction,
    KnowledgeIndexPage,
    KnowledgePage,
    LessonPage,
    MaterialsIndexPage,
    Visibility,
)
from .permissions import (
    user_can_contribute,
    user_can_edit_contribution,
    user_can_edit_joint_action,
    user_can_give_feedback,
    user_can_record_joint_actions,
)
from .rich_text import editor_html

CONTRIBUTION_MODELS = {"best_practice": BestPracticePage, "lesson": LessonPage}
TAXONOMY_FIELDS = ("themes", "modules", "districts", "municipalities", "partner_types")


def _secretariat_users():
    return User.objects.filter(is_active=True, groups__name="Secretariaat").distinct()


# --- Integrale acties ------------------------------------------------------------------------------


@transaction.atomic
def joint_action_save(*, user, form) -> JointAction:
    """Create or update from a validated JointActionForm. The caller checked the stored record; here the
    (new) municipality is checked too, so nobody records for a municipality that is not theirs."""
    action = form.instance
    if not user_can_record_joint_actions(user) or not user_can_edit_joint_action(user, action):
        raise PermissionDenied
    if not action.pk:
        action.created_by = user
        if user.has_role(Role.AOV):
            action.lead_aov = user
    return form.save()


def _unique_slug(parent, title: str) -> str:
    base = slugify(title)[:70] or "bijdrage"
    taken = set(parent.get_children().filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _lesson_text(action: JointAction) -> str:
    """The lesson's first draft: what the register knows, and the three questions the author answers."""
    done = _("Op %(date)s bezochten we met de partners %(n)s locaties in %(area)s (gemeente %(municipality)s).") % {
        "date": action.date.strftime("%d-%m-%Y"),
        "n": action.premises_visited,
        "area": escape(action.area),
        "municipality": escape(action.municipality.name),
    }
    findings = "".join(
        f"<li>{label}: {getattr(action, field)}</li>" for field, label in FINDING_FIELDS if getattr(action, field)
    )
    questions = [_("Wat ging goed"), _("Wat kon beter"), _("Wat nemen we mee")]
    what_we_did = _("Wat hebben we gedaan")
    return (
        f"<h2>{what_we_did}</h2><p>{done}</p>"
        + (f"<ul>{findings}</ul>" if findings else "")
        + "".join(f"<h2>{question}</h2><p></p>" for question in questions)
    )


@transaction.atomic
def lesson_draft_from_joint_action(*, user, action: JointAction) -> LessonPage:
    """A draft lesson, prefilled from the register and linked to it; the author completes and submits it."""
    if not (user_can_edit_joint_action(user, action) and user_can_contribute(user)):
        raise PermissionDenied
    existing = action.lessons.filter(owner=user, first_published_at__isnull=True).first()
    if existing is not None:
        return existing
    title = _("Lessen uit de integrale actie in %(area)s (%(date)s)") % {
        "area": action.area,
        "date": action.date.strftime("%d-%m-%Y"),
    }
    return contribution_create(
        user=user,
        kind="lesson",
        title=title,
        intro=_("Wat we leerden van de integrale actie in %(area)s, gemeente %(municipality)s.")
        % {"area": action.area, "municipality": action.municipality.name},
        text=_lesson_text(action),
        taxonomy={
            "themes": list(action_themes()),
            "modules": [],
            "districts": [action.district],
            "municipalities": [action.municipality],
            "partner_types": sorted({o.partner_type for o in action.organisations.all()}, key=lambda t: t.pk),
        },
        joint_action=action,
    )


def action_themes():
    return Theme.objects.filter(code="integrale-actie")


# --- Contributions ---------------------------------------------------------------------------------


@transaction.atomic
def contribution_create(
    *, user, kind: str, title: str, intro: str, text: str, taxonomy: dict, joint_action=None
) -> KnowledgePage:
    """A draft page owned by the author, not live, visible to partners once published (the safe default)."""
    if not user_can_contribute(user):
        raise PermissionDenied
    index = KnowledgeIndexPage.objects.get()
    model = CONTRIBUTION_MODELS[kind]
    page = model(
        title=title,
        slug=_unique_slug(index, title),
        intro=intro,
        body=[("paragraph", RichText(editor_html(text)))],
        visibility=Visibility.PARTNERS,
        owner=user,
        live=False,
    )
    if joint_action is not None:
        page.joint_action = joint_action
    for field in TAXONOMY_FIELDS:
        setattr(page, field, taxonomy.get(field, []))
    index.add_child(instance=page)
    page.save_revision(user=user, log_action=True)
    return page


@transaction.atomic
def contribution_update(*, user, page: KnowledgePage, title: str, intro: str, text: str, taxonomy: dict) -> None:
    """Replace the author's text (the first text block) and keep blocks the secretariat may have added."""
    if not user_can_edit_contribution(user, page):
        raise PermissionDenied
    page = page.specific
    page.title, page.intro = title, intro
    text = editor_html(text)
    blocks = [(block.block_type, block.value) for block in page.body]
    for position, (block_type, _value) in enumerate(blocks):
        if block_type == "paragraph":
            blocks[position] = ("paragraph", RichText(text))
            break
    else:
        blocks.insert(0, ("paragraph", RichText(text)))
    page.body = blocks
    for field in TAXONOMY_FIELDS:
        setattr(page, field, taxonomy.get(field, []))
    page.save()
    page.save_revision(user=user, log_action=True)


def contribution_text(page: KnowledgePage) -> str:
    for block in page.specific.body:
        if block.block_type == "paragraph":
            return block.value.source
    return ""


@transaction.atomic
def contribution_submit(*, user, page: KnowledgePage) -> WorkflowState:
    """Into the Wagtail workflow of the knowledge base; after 'changes requested' the same workflow resumes."""
    if not user_can_edit_contribution(user, page):
        raise PermissionDenied
    page = page.specific
    state = page.current_workflow_state
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(user)
        state.refresh_from_db()
    else:
        workflow = page.get_workflow()
        if workflow is None:
            raise PermissionDenied("No workflow for the knowledge base")
        state = workflow.start(page, user)
    notify(
        recipients=_secretariat_users(),
        kind="knowledge.submitted",
        title=_("Nieuwe bijdrage ter beoordeling: %(title)s") % {"title": page.title},
        url=reverse("wagtailadmin_pages:edit", args=[page.pk]),
    )
    return state


# --- Feedback --------------------------------------------------------------------------------------


@transaction.atomic
def helpful_vote_set(*, user, page: KnowledgePage, helpful: bool) -> HelpfulVote:
    if not user_can_give_feedback(user, page):
        raise PermissionDenied
    vote, _created = HelpfulVote.objects.update_or_create(page=page, user=user, defaults={"helpful": helpful})
    return vote


@transaction.atomic
def content_flag_create(*, user, page: KnowledgePage, comment: str) -> ContentFlag:
    if not user_can_give_feedback(user, page):
        raise PermissionDenied
    flag = ContentFlag.objects.create(page=page, reported_by=user, comment=comment)
    notify(
        recipients=_secretariat_users(),
        kind="knowledge.flagged",
        title=_("Pagina moet worden bijgewerkt: %(title)s") % {"title": page.title},
        body=comment,
        url=reverse("wagtailadmin_pages:edit", args=[page.pk]),
        subject=page,
    )
    return flag


@transaction.atomic
def content_flags_resolve(*, user, page: KnowledgePage) -> int:
    if not (user.is_superuser or user.has_role(Role.SECRETARIAT)):
        raise PermissionDenied
    return ContentFlag.objects.filter(page=page, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=user
    )


@transaction.atomic
def page_mark_reviewed(*, user, page: KnowledgePage) -> None:
    """The secretariat checked the page: the next review is due in a year; open flags are resolved."""
    if not (user.is_superuser or user.has_role(Role.SECRETARIAT)):
        raise PermissionDenied
    today = datetime.date.today()
    KnowledgePage.objects.filter(pk=page.pk).update(
        last_reviewed_at=today, review_by=today + datetime.timedelta(days=365)
    )
    content_flags_resolve(user=user, page=page)


# --- The fixed pages and the review workflow (seed_reference_data; idempotent) ---------------------

KNOWLEDGE_INDEX_INTRO = (
    "Best practices en lessons learned van de districtsplatforms: wat werkt in het buitengebied, en wat "
    "leerden we van de integrale acties? Partners zien na het inloggen meer."
)
MATERIALS_INTRO = (
    "Folders, flyers, de communicatietoolkit, het protocol drugsdumping en de persinstructie, om te "
    "gebruiken in uw eigen gemeente of organisatie."
)
WORKFLOW_NAME = "Kennisbank: beoordeling door het secretariaat"


@transaction.atomic
def knowledge_pages_ensure(home) -> None:
    if not KnowledgeIndexPage.objects.exists():
        home.add_child(instance=KnowledgeIndexPage(title="Kennisbank", slug="kennisbank", intro=KNOWLEDGE_INDEX_INTRO))
    if not MaterialsIndexPage.objects.exists():
        home.add_child(instance=MaterialsIndexPage(title="Materialen", slug="materialen", intro=MATERIALS_INTRO))


@transaction.atomic
def knowledge_workflow_ensure() -> None:
    """One approval step by the secretariat for every page under the knowledge base and the materials."""
    from django.contrib.auth.models import Group
    from wagtail.models import GroupApprovalTask, Workflow, WorkflowPage, WorkflowTask

    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    task = GroupApprovalTask.objects.filter(name="Beoordeling secretariaat").first()
    if task is None:
        task = GroupApprovalTask.objects.create(name="Beoordeling secretariaat")
    task.groups.set([Group.objects.get(name=GROUP_NAMES[Role.SECRETARIAT])])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    for index in [*KnowledgeIndexPage.objects.all(), *MaterialsIndexPage.objects.all()]:
        WorkflowPage.objects.update_or_create(page=index, defaults={"workflow": workflow})


# --- Followers ---------------------------------------------------------------------------------------


def knowledge_page_announce(*, page, published_by=None) -> int:
    """Tell those who follow one of the page's themes or districts, once per page and person; `notify`
    leaves out whoever may not see the page (a district-only page reaches only that district)."""
    event = event_for("knowledge.new_page")
    theme_ids = list(page.themes.values_list("pk", flat=True))
    district_ids = set(page.districts.values_list("pk", flat=True)) | set(
        page.visible_districts.values_list("pk", flat=True)
    )
    done = already_notified(kind=event.code, subject=page)
    followers = followers_of(event, district_ids=district_ids, theme_ids=theme_ids).exclude(pk__in=done)
    if published_by is not None:
        followers = followers.exclude(pk=published_by.pk)
    themes = ", ".join(page.themes.values_list("name", flat=True))
    title = (
        _("Nieuw in de kennisbank (%(themes)s): %(title)s") % {"themes": themes, "title": page.title}
        if themes
        else _("Nieuw in de kennisbank: %(title)s") % {"title": page.title}
    )
    notified = notify(
        recipients=followers,
        kind=event.code,
        title=title,
        url=page.url or "",
        subject=page,
        district_id=min(district_ids) if len(district_ids) == 1 else None,
        theme_ids=theme_ids,
    )
    return len(notified)
