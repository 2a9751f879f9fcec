"""Reads: a person's notifications, filtered by what they may still see, and their preferences."""

import logging

from accounts.models import User

from .events import EVENTS, Event
from .models import LOUDNESS, Delivery, Notification, Preference
from .permissions import visible_notifications

logger = logging.getLogger(__name__)

# The list shows the newest this many; older ones are removed after a year (tasks.purge_old_notifications).
LIST_WINDOW = 500


def notifications_for(user):
    """A person's own notifications, newest first, subject visibility not yet checked."""
    return Notification.objects.filter(recipient=user)


def visible_notifications_for(user, *, unread_only: bool = False) -> list[Notification]:
    queryset = notifications_for(user)
    if unread_only:
        queryset = queryset.unread()
    return visible_notifications(user, queryset[:LIST_WINDOW])


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    unread = notifications_for(user).unread().only("pk", "recipient_id", "kind", "subject_type_id", "subject_id")
    return len(visible_notifications(user, unread[:LIST_WINDOW]))


def _loudest(deliveries) -> str:
    return max(deliveries, key=LOUDNESS.__getitem__)


def deliveries_for(users, event: Event, *, district_id=None, theme_ids=()) -> dict[int, str]:
    """Each user's delivery for one event: their choice for this district or theme (the loudest when
    several match), else their general choice for the event, else their roles' default."""
    users = list(users)
    theme_ids = set(theme_ids)
    chosen: dict[int, dict] = {user.pk: {"scoped": [], "general": None} for user in users}
    for pref in Preference.objects.filter(user__in=[u.pk for u in users], event=event.code):
        entry = chosen[pref.user_id]
        if pref.district_id is None and pref.theme_id is None:
            entry["general"] = pref.delivery
        elif (pref.district_id and pref.district_id == district_id) or (pref.theme_id in theme_ids):
            entry["scoped"].append(pref.delivery)
    result = {}
    for user in users:
        entry = chosen[user.pk]
        if entry["scoped"]:
            delivery = _loudest(entry["scoped"])
        elif entry["general"] is not None:
            delivery = entry["general"]
        else:
            delivery = event.default_for(user.roles)
        if event.mandatory and delivery == Delivery.OFF:
            delivery = Delivery.PORTAL
        result[user.pk] = delivery
    return result


def followers_of(event: Event, *, district_ids=(), theme_ids=()):
    """Users who asked to hear of this event for one of these districts or themes, or for all of it."""
    from django.db.models import Q

    wanted = Q(district_id__in=list(district_ids)) | Q(theme_id__in=list(theme_ids))
    wanted |= Q(district__isnull=True, theme__isnull=True)
    asked = Preference.objects.filter(wanted, event=event.code).exclude(delivery=Delivery.OFF)
    return User.objects.filter(is_active=True, pk__in=asked.values("user_id"))


def preferences_of(user) -> dict[tuple[str, int | None, int | None], str]:
    return {(p.event, p.district_id, p.theme_id): p.delivery for p in Preference.objects.filter(user=user)}


def events_of(user) -> list[Event]:
    roles = user.roles or frozenset()
    return [event for event in EVENTS.values() if event.roles & roles]


def already_notified(*, kind: str, subject) -> set[int]:
    """Users who already have this kind of notification about this subject (reminders go once)."""
    from django.contrib.contenttypes.models import ContentType

    subject_type = ContentType.objects.get_for_model(subject, for_concrete_model=False)
    return set(
        Notification.objects.filter(kind=kind, subject_type=subject_type, subject_id=str(subject.pk)).values_list(
            "recipient_id", flat=True
        )
    )


def followed_scopes(user, event_code: str) -> tuple[set[int], set[int]]:
    """The themes and districts this person follows for an event (scoped preferences not switched off):
    the start page's 'new in the themes you follow'."""
    themes, districts = set(), set()
    rows = (
        Preference.objects.filter(user_id=user.pk, event=event_code)
        .exclude(delivery=Delivery.OFF)
        .values_list("theme_id", "district_id")
    )
    for theme_id, district_id in rows:
        if theme_id:
            themes.add(theme_id)
        if district_id:
            districts.add(district_id)
    return themes, districts
