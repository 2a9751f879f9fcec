"""Who sees and writes what in the knowledge base and the integrale acties register (design section 3)."""

from django.db.models import CharField, Q
from django.db.models.functions import Cast
from wagtail.models import WorkflowState, get_default_page_content_type

from core.permissions import pages_visible_to, user_can_view_page
from core.roles import Role
from stakeholders.permissions import aov_municipality_ids_for

from .models import JointAction, KnowledgePage


def _is_secretariat(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role(Role.SECRETARIAT))


def knowledge_pages_visible_to(user):
    return pages_visible_to(user, KnowledgePage.objects.all())


def user_can_view_knowledge_page(user, page) -> bool:
    return user_can_view_page(user, page)


# --- Integrale acties: every Partner and AOV reads; an AOV writes for their own municipality ---------


def user_can_view_joint_actions(user) -> bool:
    return user.is_authenticated and (_is_secretariat(user) or user.has_role(Role.PARTNER, Role.AOV))


def joint_actions_visible_to(user):
    return JointAction.objects.all() if user_can_view_joint_actions(user) else JointAction.objects.none()


def municipality_ids_user_can_record_for(user) -> frozenset[int] | None:
    """None means every municipality (the secretariat)."""
    if _is_secretariat(user):
        return None
    return aov_municipality_ids_for(user)


def user_can_record_joint_actions(user) -> bool:
    allowed = municipality_ids_user_can_record_for(user)
    return allowed is None or bool(allowed)


def user_can_edit_joint_action(user, action) -> bool:
    allowed = municipality_ids_user_can_record_for(user)
    return allowed is None or action.municipality_id in allowed


# --- Contributions: partners propose pages, the secretariat reviews them in the Wagtail workflow ------


def user_can_contribute(user) -> bool:
    return user.is_authenticated and (_is_secretariat(user) or user.has_role(Role.PARTNER, Role.AOV))


def contributions_of(user):
    """The author's own pages. Once published they follow the page's audience like every reader's: a page the
    secretariat later restricted to districts the author is not in, or unpublished, leaves their list (its link
    would be a 404 and its current title is no longer theirs to read)."""
    if not user_can_contribute(user):
        return KnowledgePage.objects.none()
    own = KnowledgePage.objects.filter(owner=user)
    never_published = Q(live=False, first_published_at__isnull=True)  # drafts and pages in review: still theirs
    return own.filter(never_published | Q(pk__in=knowledge_pages_visible_to(user).filter(owner=user).values("pk")))


def user_can_edit_contribution(user, page) -> bool:
    """The author, while the page has never been published and is not waiting for review."""
    if not user_can_contribute(user) or page.owner_id != user.pk or page.first_published_at is not None:
        return False
    state = page.current_workflow_state
    return state is None or state.status == WorkflowState.STATUS_NEEDS_CHANGES


def user_can_give_feedback(user, page) -> bool:
    """Votes and update flags: any logged-in reader of the (live) page."""
    return user.is_authenticated and user_can_view_page(user, page)


def user_can_review_contributions(user) -> bool:
    """Reviewing contributions and keeping pages current: the secretariat, in the Wagtail admin."""
    return _is_secretariat(user)


def contributions_in_review_visible_to(user):
    """Pages waiting for the secretariat's review: only the secretariat sees that queue."""
    if not user_can_review_contributions(user):
        return KnowledgePage.objects.none()
    # object_id is text in Wagtail's workflow table: compared as text, so PostgreSQL need not cast a column.
    waiting = WorkflowState.objects.filter(
        status=WorkflowState.STATUS_IN_PROGRESS, base_content_type=get_default_page_content_type()
    ).values("object_id")
    return KnowledgePage.objects.annotate(pk_text=Cast("pk", CharField())).filter(pk_text__in=waiting)
