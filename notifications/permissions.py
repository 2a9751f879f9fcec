"""Who may see a notification: its recipient, and only while the recipient may still see its subject.

The subject is checked through the subject's own app's queryset scope (the same one its pages use), when
the notification is made (which also decides who gets it pushed live) and every time it is shown, counted
or mailed: a partner who left a district platform stops seeing that platform's notifications at once."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Exists

from accounts.models import User
from core.permissions import group_ids_of, platform_district_ids, sees_all_district_pages
from core.roles import ROLE_BY_GROUP_NAME, Role
from stakeholders.models import District, Organisation
from stakeholders.permissions import (
    aov_municipality_ids_for,
    district_ids_for,
    organisations_visible_to,
    scope_caches_fill,
)

from .events import EVENTS
from .models import SentMail

# Audiences whose answer one query gives; more (a scope that names the person, for over a hundred people)
# take one query per hundred.
AUDIENCES_PER_QUERY = 100


class SubjectScope(NamedTuple):
    model: type[models.Model]
    visible_to: Callable
    # The scope reads only what `_audience_key` holds (roles, groups, districts, municipality):
    # people with the same audience get the same answer. False where it names the person (a coach's referrals).
    by_audience: bool = True


# Subject model -> its app's `visible_to(user)`, registered by the owning app in its ready() (ARCHITECTURE.md,
# registries): notifications never import a content app. A subject of any other type is shown to nobody.
_registered_scopes: list[SubjectScope] = []


def register_subject_scope(model: type[models.Model], visible_to: Callable, *, by_audience: bool = True) -> None:
    """Let notifications about `model` objects reach, and stay visible to, exactly the users whose
    `visible_to(user)` queryset holds the object. Pass by_audience=False when the scope names the person."""
    _registered_scopes[:] = [scope for scope in _registered_scopes if scope.model is not model]
    _registered_scopes.append(SubjectScope(model, visible_to, by_audience))


def _scopes() -> list[SubjectScope]:
    """The registered scopes, plus the CRM's (stakeholders sits below notifications and cannot register)."""

    def districts_visible_to(user):
        """A platform's announcements are district-only content: Partners and AOVs of the platform (not a
        coach or FG through the organisation they work at) and the secretariat, as for district pages."""
        if sees_all_district_pages(user):
            return District.objects.all()
        return District.objects.filter(pk__in=platform_district_ids(user))

    return [
        *_registered_scopes,
        SubjectScope(Organisation, organisations_visible_to),
        SubjectScope(District, districts_visible_to),
    ]


def _subject_scope(model: type[models.Model] | None) -> SubjectScope | None:
    if model is None:
        return None
    for scope in _scopes():
        if issubclass(model, scope.model):
            return scope
    return None


def _scope_for(model: type[models.Model] | None) -> Callable | None:
    scope = _subject_scope(model)
    return None if scope is None else scope.visible_to


def subject_reference(subject: models.Model | None) -> tuple[ContentType | None, str]:
    if subject is None:
        return None, ""
    if _scope_for(type(subject)) is None:
        raise ValueError(f"{type(subject).__name__} has no visibility scope for notifications")
    return ContentType.objects.get_for_model(subject, for_concrete_model=False), str(subject.pk)


def _holds_role_for(user, kind: str) -> bool:
    """The event is meant for one of the user's current roles (a coach who is no longer a coach stops
    seeing referral notifications)."""
    event = EVENTS.get(kind)
    return event is not None and bool(event.roles & user.roles)


def _prime_roles(users: list) -> None:
    """Everyone's roles and groups in one query instead of one per person (a broadcast reaches hundreds)."""
    todo = [user for user in users if "_roles_cache" not in user.__dict__ and user.pk]
    if not todo:
        return
    groups: dict[int, dict[int, str]] = defaultdict(dict)
    for user_id, group_id, name in User.groups.through.objects.filter(user_id__in=[u.pk for u in todo]).values_list(
        "user_id", "group_id", "group__name"
    ):
        groups[user_id][group_id] = name
    for user in todo:
        mine = groups[user.pk]
        user._roles_cache = frozenset(ROLE_BY_GROUP_NAME[n] for n in mine.values() if n in ROLE_BY_GROUP_NAME)
        user._group_ids_cache = frozenset(mine)


def recipients_who_may_see(users: Iterable, subject: models.Model | None, kind: str) -> list:
    """At sending: active users, in a role the event is for, who may see the subject (if there is one).

    Decided on the users as the database has them now, not on the caller's instances (whose roles or
    districts may have been read before a change), and in a fixed number of queries whatever their number.
    Their open bells forward what is pushed to them without asking again: this is the check."""
    wanted = list(dict.fromkeys(user.pk for user in users if user.pk))
    order = {pk: index for index, pk in enumerate(wanted)}
    fresh = sorted(User.objects.filter(pk__in=wanted, is_active=True), key=lambda user: order[user.pk])
    _prime_roles(fresh)
    fresh = [user for user in fresh if _holds_role_for(user, kind)]
    if subject is None:
        return fresh
    allowed = users_who_may_see(fresh, subject)
    return [user for user in fresh if user.pk in allowed]


def _audience_key(user) -> tuple:
    """Everything the subject scopes read of a person (design section 3): two people with the same key get the
    same answer from a scope with by_audience=True. Read from the permission modules' own functions, which
    cache on the user (filled in bulk by scope_caches_fill)."""
    return (
        user.is_superuser,
        user.is_staff,
        frozenset(group_ids_of(user)),  # the roles too: a role is a group
        district_ids_for(user),
        frozenset(aov_municipality_ids_for(user)),
    )


def users_who_may_see(users: Iterable, subject: models.Model) -> set[int]:
    """Ids of the users whose `visible_to(user)` scope holds the subject, as `scope(user).filter(pk=...)`
    answers one by one, in one query for all of them (plus three to load roles, groups, districts and
    municipalities in bulk). The scope is built once per audience (people whose access comes from the same
    superuser and staff flags, groups, districts and municipalities: `_audience_key`), or once per person for a
    scope that names the person, and every audience's answer is one EXISTS in the same SELECT. Pass users as
    loaded now: roles or districts already cached on an instance are used as they are."""
    users = [user for user in users if user.is_active]
    scope = _subject_scope(type(subject))
    if scope is None or not users:
        return set()
    _prime_roles(users)
    scope_caches_fill(users)
    audiences: dict[object, list] = defaultdict(list)
    for user in users:
        key = _audience_key(user) if scope.by_audience else f"person:{user.pk}"
        audiences[key].append(user)
    members = list(audiences.values())
    allowed: set[int] = set()
    for start in range(0, len(members), AUDIENCES_PER_QUERY):
        chunk = members[start : start + AUDIENCES_PER_QUERY]
        checks = {
            f"audience_{index}": Exists(scope.visible_to(people[0]).filter(pk=subject.pk))
            for index, people in enumerate(chunk)
        }
        answers = scope.model._base_manager.filter(pk=subject.pk).annotate(**checks).values_list(*checks).first()
        for people, answer in zip(chunk, answers or (), strict=False):
            if answer:
                allowed.update(user.pk for user in people)
    return allowed


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
    return user.is_authenticated and (user.is_superuser or user.has_role(Role.SECRETARIAT))


def sent_mails_visible_to(user):
    """The mail log, for the secretariat: every mail except those about referrals. Who was told of a
    referral, and when, is more than the counts the secretariat may know of them (design section 3)."""
    if not user.is_authenticated or not user.has_perm("notifications.view_sentmail"):
        return SentMail.objects.none()
    confidential = [event.code for event in EVENTS.values() if event.confidential]
    return SentMail.objects.filter(confidential=False).exclude(notifications__kind__in=confidential)
