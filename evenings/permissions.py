"""Who sees and does what in module 2 (design section 3, "information evenings (module 2): registrations of
residents").

Anyone, without logging in, reads the published evenings and registers for an upcoming one. The secretariat
organises every evening; the AOV organises the evenings of their own municipality (including unpublished ones,
the registration counts, attendance and a lesson learned). Nobody sees a resident's e-mail address: no view,
export or screen shows it."""

from django.db.models import Q, QuerySet

from core.roles import Role
from stakeholders.permissions import aov_municipality_ids_for

from .models import Evening

ORGANISER_ROLES = frozenset({Role.AOV, Role.SECRETARIAT})


def _is_secretariat(user) -> bool:
    # The role decides, never is_superuser: a Beheerder may be a superuser and organises nothing.
    return user.is_authenticated and user.has_role(Role.SECRETARIAT)


def organiser_municipality_ids_for(user) -> frozenset[int] | None:
    """None: every municipality (the secretariat); else the AOV's own (empty for everyone else)."""
    if _is_secretariat(user):
        return None
    if user.is_authenticated and user.has_role(Role.AOV):
        return aov_municipality_ids_for(user)
    return frozenset()


def user_can_organise(user) -> bool:
    """Opens the organisers' screens at all."""
    allowed = organiser_municipality_ids_for(user)
    return allowed is None or bool(allowed)


def user_can_organise_for(user, municipality) -> bool:
    allowed = organiser_municipality_ids_for(user)
    return allowed is None or municipality.pk in allowed


def public_evenings() -> QuerySet:
    """What anyone may read: published evenings."""
    return Evening.objects.filter(published=True)


def evenings_organised_by(user) -> QuerySet:
    """The evenings a person organises, published or not."""
    allowed = organiser_municipality_ids_for(user)
    if allowed is None:
        return Evening.objects.all()
    return Evening.objects.filter(municipality_id__in=allowed)


def evenings_visible_to(user) -> QuerySet:
    """Published evenings for everyone, and the unpublished ones of what the person organises (notification
    subjects, the start page)."""
    allowed = organiser_municipality_ids_for(user)
    if allowed is None:
        return Evening.objects.all()
    return Evening.objects.filter(Q(published=True) | Q(municipality_id__in=allowed))


def user_can_manage_evening(user, evening) -> bool:
    return user_can_organise_for(user, evening.municipality)
