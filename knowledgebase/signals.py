"""Tell the author of a contribution what the secretariat decided, and followers of a theme or district
that a page on it was published.

These receivers take the dispatch_uid of Wagtail's own approval and rejection mails: this app is
ready before wagtail.admin, so Wagtail's connect with the same uid is ignored. Its mails would lead
partners to an admin they cannot open."""

from django.dispatch import receiver
from django.utils.translation import gettext as _
from wagtail.models import WorkflowState
from wagtail.signals import page_published, workflow_approved, workflow_rejected

from notifications.services import notify

from .models import KnowledgePage
from .services import knowledge_page_announce


def _contribution(workflow_state):
    page = getattr(workflow_state.content_object, "specific", None)
    return page if isinstance(page, KnowledgePage) else None


def _latest_comment(workflow_state) -> str:
    task_state = workflow_state.task_states.exclude(comment="").order_by("-finished_at").first()
    return task_state.comment if task_state else ""


@receiver(workflow_rejected, sender=WorkflowState, dispatch_uid="workflow_state_rejected_email_notification")
def tell_author_changes_are_requested(sender, instance, user, **kwargs):
    from django.urls import reverse

    page = _contribution(instance)
    if page is None or instance.requested_by is None:
        return
    notify(
        recipients=[instance.requested_by],
        kind="knowledge.changes_requested",
        title=_("Het secretariaat vraagt een aanpassing van uw bijdrage: %(title)s") % {"title": page.title},
        body=_latest_comment(instance),
        url=reverse("knowledgebase:contribution_edit", args=[page.pk]),
    )


@receiver(workflow_approved, sender=WorkflowState, dispatch_uid="workflow_state_approved_email_notification")
def tell_author_it_is_published(sender, instance, user, **kwargs):
    page = _contribution(instance)
    if page is None or instance.requested_by is None:
        return
    notify(
        recipients=[instance.requested_by],
        kind="knowledge.published",
        title=_("Uw bijdrage is gepubliceerd: %(title)s") % {"title": page.title},
        url=page.url or "",
        subject=page,
    )


@receiver(page_published, dispatch_uid="knowledge_page_tell_followers")
def tell_followers(sender, instance, revision=None, **kwargs):
    page = getattr(instance, "specific", instance)
    if isinstance(page, KnowledgePage):
        knowledge_page_announce(page=page, published_by=getattr(revision, "user", None))
