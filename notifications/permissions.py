"""Who may see a notification: its recipient, and only while the recipient may still see its subject.

The subject is checked through the subject's own app's queryset scope (the same one its pages use), both
when the notification is made and every time it is shown, counted, pushed or mailed: a partner who left a
district platform stops seeing that platform's notifications at once."""

from collections import defaultdict
from collections.abc import Callable, Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models


def _scopes() -> list[tuple[type[models.Model], Callable]]:
    """Subject model -> its app's `visible_to(user)`. A subject of any other type is shown to nobody."""
    from core.permissions import platform_district_ids, sees_all_district_pages
    from knowledgebase.models import KnowledgePage
    from knowledgebase.permissions import knowledge_pages_visible_to
    from meetings.models import ActionItem, MeetingPage
    from meetings.permissions import action_items_visible_to, meetings_visible_to
    from referrals.models import Referral
    from referrals.permissions import referrals_visible_to
    from stakeholders.models import District, Organisation
    from stakeholders.permissions import organisations_visible_to

    def districts_visible_to(user):
        """A platform's announcements are district-only content: Partners and AOVs of the platform (not a
        coach or FG through the organisation they work at) and the secretariat, as for district pages."""
        if sees_all_district_pages(user):
            return District.objects.all()
        return District.objects.filter(pk__in=platform_district_ids(user))

    return [
        (MeetingPage, meetings_visible_to),
        (ActionItem, action_items_visible_to),
        (KnowledgePage, knowledge_pages_visible_to),
        (Referral, referrals_visible_to),
        (Organisation, organisations_visible_to),
        (District, districts_visible_to),
    ]


def _scope_for(model: type[models.Model] | None) -> Callable | None:
    if model is None:
        return None
    for subject_model, scope in _scopes():
        if issubclass(model, subject_model):
            return scope
    return None


def subject_reference(subject: models.Model | None) -> tuple[ContentType | None, str]:
    if subject is None:
        return None, ""
    if _scope_for(type(subject)) is None:
        raise ValueError(f"{type(subject).__name__} has no visibility scope for notifications")
    return ContentType.objects.get_for_model(subject, for_concrete_model=False), str(subject.pk)


def _holds_role_for(user, kind: str) -> bool:
    """The event is meant for one of the user's current roles (a coach who is no longer a coach stops
    seeing referral notifications)."""
    from .events import EVENTS

    event = EVENTS.get(kind)
    return event is not None and bool(event.roles & user.roles)


def _prime_roles(users: list) -> None:
    """Everyone's roles in one query instead of one per person (a broadcast reaches hundreds)."""
    from accounts.models import User
    from accounts.roles import ROLE_BY_GROUP_NAME

    todo = [user for user in users if not hasattr(user, "_roles_cache") and user.pk]
    if not todo:
        return
    names: dict[int, set[str]] = defaultdict(set)
    for user_id, name in User.groups.through.objects.filter(user_id__in=[u.pk for u in todo]).values_list(
        "user_id", "group__name"
    ):
        names[user_id].add(name)
    for user in todo:
        user._roles_cache = frozenset(ROLE_BY_GROUP_NAME[n] for n in names[user.pk] if n in ROLE_BY_GROUP_NAME)


def recipients_who_may_see(users: Iterable, subject: models.Model | None, kind: str) -> list:
    """At sending: active users, in a role the event is for, who may see the subject (if there is one)."""
    users = [user for user in users if user.is_active]
    _prime_roles(users)
    users = [user for user in users if _holds_role_for(user, kind)]
    if subject is None:
        return users
    scope = _scope_for(type(subject))
    return [user for user in users if scope(user).filter(pk=subject.pk).exists()]


def visible_notifications(user, notifications: Iterable) -> list:
    """At showing: the user's own notifications whose subject they may still see; one query per subject type."""
    if not user.is_active:
        return []
    notifications = [n for n in notifications if n.recipient_id == user.pk and _holds_role_for(user, n.kind)]
    wanted: dict[int, set[str]] = defaultdict(set)
    for notification in notifications:
        if notification.subject_type_id:
            wanted[notification.subject_type_id].add(notification.subject_id)
    allowed: dict[int, set[str]] = {}
    for type_id, ids in wanted.items():
        scope = _scope_for(ContentType.objects.get_for_id(type_id).model_class())
        if scope is None:
            allowed[type_id] = set()
            continue
        pk_field = scope(user).model._meta.pk
        keys = [pk_field.to_python(pk) for pk in ids]
        allowed[type_id] = {str(pk) for pk in scope(user).filter(pk__in=keys).values_list("pk", flat=True)}
    return [n for n in notifications if not n.subject_type_id or n.subject_id in allowed[n.subject_type_id]]


def user_can_send_announcements(user) -> bool:
    """The secretariat tells a platform (or everyone) something that is not tied to a page."""
    from accounts.roles import Role

    return user.is_authenticated and (user.is_superuser or user.has_role(Role.SECRETARIAT))


def sent_mails_visible_to(user):
    """The mail log, for the secretariat: every mail except those about referrals. Who was told of a
    referral, and when, is more than the counts the secretariat may know of them (design section 3)."""
    from .events import EVENTS
    from .models import SentMail

    if not user.is_authenticated or not user.has_perm("notifications.view_sentmail"):
        return SentMail.objects.none()
    confidential = [event.code for event in EVENTS.values() if event.confidential]
    return SentMail.objects.filter(confidential=False).exclude(notifications__kind__in=confidential)
