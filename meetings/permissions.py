"""Meetings, minutes, comments, documents and action items: the district's members and the secretariat
only (design section 3). Pages follow core.permissions; the Django models here follow the same scope."""

from core.permissions import pages_visible_to, user_can_view_page
from core.roles import Role
from stakeholders.models import Affiliation
from stakeholders.permissions import district_ids_for

from .models import ActionItem, MeetingPage, Minutes


def _is_secretariat(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role(Role.SECRETARIAT))


def platform_district_ids_for(user) -> frozenset[int] | None:
    """None means every district (the secretariat); Partners and AOVs get their organisations' platforms."""
    if _is_secretariat(user):
        return None
    if not user.is_authenticated or not user.has_role(Role.PARTNER, Role.AOV):
        return frozenset()
    return district_ids_for(user)


def meetings_visible_to(user):
    return pages_visible_to(user, MeetingPage.objects.all())


def user_can_view_meeting(user, meeting) -> bool:
    return user_can_view_page(user, meeting)


def user_can_manage_meetings(user) -> bool:
    return _is_secretariat(user)


def action_items_visible_to(user):
    """Exactly the items of meetings the user may see: moving a meeting to another platform, narrowing its
    audience or unpublishing it takes its action items along, for the secretariat too."""
    return ActionItem.objects.filter(meeting__in=meetings_visible_to(user))


def user_can_update_action_item(user, item) -> bool:
    """The secretariat, the owner, or a colleague at the owning organisation, within their platforms."""
    if _is_secretariat(user):
        return True
    if not action_items_visible_to(user).filter(pk=item.pk).exists() or user.contact_id is None:
        return False
    if item.owner_contact_id == user.contact_id:
        return True

    return (
        item.owner_organisation_id is not None
        and Affiliation.objects.current()
        .filter(contact_id=user.contact_id, organisation_id=item.owner_organisation_id)
        .exists()
    )


def user_can_answer_invitation(user, invitation) -> bool:
    return (
        user.is_authenticated
        and user.contact_id == invitation.contact_id
        and user_can_view_meeting(user, invitation.meeting)
    )


def user_can_review_minutes_as_chair(user, minutes) -> bool:
    return (
        user.is_authenticated
        and minutes.status == Minutes.Status.CHAIR_REVIEW
        and user.contact_id is not None
        and minutes.meeting.chair_id == user.contact_id
        and user_can_view_meeting(user, minutes.meeting)
    )


def user_can_read_minutes(user, minutes) -> bool:
    """Members see minutes once published as concept; the secretariat and the chair see them earlier."""
    if not user_can_view_meeting(user, minutes.meeting):
        return False
    if _is_secretariat(user) or minutes.status in (Minutes.Status.PUBLISHED, Minutes.Status.ADOPTED):
        return True
    return user.contact_id is not None and minutes.meeting.chair_id == user.contact_id


def user_can_comment_on_minutes(user, minutes, *, now=None) -> bool:
    """Those present at the meeting, while the comment period of the concept-notulen runs."""
    from django.utils import timezone

    now = now or timezone.now()
    if minutes.status != Minutes.Status.PUBLISHED or minutes.comments_until is None or now > minutes.comments_until:
        return False
    if not user_can_view_meeting(user, minutes.meeting) or user.contact_id is None:
        return False
    return minutes.meeting.attendance.filter(contact_id=user.contact_id, present=True).exists()
