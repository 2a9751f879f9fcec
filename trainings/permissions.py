"""Who sees and does what in module 3 (design section 3, "training sessions and e-learning enrolments").

Every logged-in role reads the sessions; Partners and AOVs register themselves, and an AOV also registers staff
of their own municipality who have a portal account; the secretariat manages sessions, waiting lists and
attendance and is the only one to see every registration (an AOV sees the ones they made for colleagues).
E-learning enrolments hold names and e-mail addresses: the municipality's own AOV and the secretariat see and
keep them, nobody else."""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from core.roles import GROUP_NAMES, Role
from stakeholders.models import Affiliation, Organisation
from stakeholders.permissions import aov_municipality_ids_for, contacts_visible_to

from .models import ELearningEnrolment, Registration, TrainingSession

REGISTRANT_ROLES = frozenset({Role.PARTNER, Role.AOV})


def _is_secretariat(user) -> bool:
    # The role decides, never is_superuser: a Beheerder may be a superuser and only reads sessions.
    return user.is_authenticated and user.has_role(Role.SECRETARIAT)


def user_can_view_sessions(user) -> bool:
    return user.is_authenticated and bool(user.roles)


def sessions_visible_to(user) -> QuerySet:
    if not user_can_view_sessions(user):
        return TrainingSession.objects.none()
    return TrainingSession.objects.all()


def user_can_view_session(user, session) -> bool:
    return sessions_visible_to(user).filter(pk=session.pk).exists()


def user_can_manage_sessions(user) -> bool:
    """Create and change sessions, see participant lists and waiting lists, tick attendance."""
    return _is_secretariat(user)


def user_can_register(user) -> bool:
    return user.is_authenticated and user.has_role(*REGISTRANT_ROLES)


def registration_organisations_for(user) -> QuerySet:
    """The organisations a person may register on behalf of: where they work now (the cap counts per one)."""
    if not user_can_register(user) or user.contact_id is None:
        return Organisation.objects.none()
    working = Affiliation.objects.current().filter(contact_id=user.contact_id).values("organisation_id")
    return Organisation.objects.filter(pk__in=working, is_active=True).order_by("name")


def municipal_organisations_for(user) -> QuerySet:
    """The active organisations of the AOV's own municipality (the gemeente itself): its staff are who an AOV may
    register besides themselves."""
    if not user_can_register(user) or not user.has_role(Role.AOV):
        return Organisation.objects.none()
    return Organisation.objects.filter(municipality_id__in=aov_municipality_ids_for(user), is_active=True)


def colleagues_registrable_by(user) -> QuerySet:
    """Design section 3, "register self and own municipality's staff": active accounts with a registrant role
    that work now at the AOV's municipality and that the AOV may see in the directory (consenting, not
    anonymised: the picker shows their names). Anyone else is registered by the secretariat or registers
    themselves."""
    organisations = municipal_organisations_for(user)
    working = Affiliation.objects.current().filter(organisation__in=organisations).values("contact_id")
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            contact_id__in=working,
            contact__in=contacts_visible_to(user),
            groups__name__in=[GROUP_NAMES[role] for role in REGISTRANT_ROLES],
        )
        .exclude(pk=user.pk)
        .distinct()
        .order_by("first_name", "last_name", "email")
    )


def registration_organisations_of_colleague(user, colleague) -> QuerySet:
    """The municipal organisations a colleague is registered on behalf of: theirs, within the AOV's municipality."""
    if colleague.contact_id is None:
        return Organisation.objects.none()
    working = Affiliation.objects.current().filter(contact_id=colleague.contact_id).values("organisation_id")
    return municipal_organisations_for(user).filter(pk__in=working).order_by("name")


def _made_for_colleagues(user) -> Q:
    """Registrations this AOV made for staff of the municipality while both still work there: the AOV leaving,
    or the colleague leaving, ends the view."""
    municipalities = aov_municipality_ids_for(user)
    still_working = Affiliation.objects.current().filter(
        organisation__municipality_id__in=municipalities, organisation__is_active=True
    )
    return Q(
        registered_by_id=user.pk,
        organisation__municipality_id__in=municipalities,
        user__contact_id__in=still_working.values("contact_id"),
    )


def registrations_visible_to(user) -> QuerySet:
    """The secretariat sees everyone's; anyone else their own, and an AOV those they made for colleagues."""
    if not user.is_authenticated:
        return Registration.objects.none()
    if _is_secretariat(user):
        return Registration.objects.all()
    if user.has_role(Role.AOV):
        return Registration.objects.filter(Q(user_id=user.pk) | _made_for_colleagues(user))
    return Registration.objects.filter(user_id=user.pk)


def user_can_cancel_registration(user, registration) -> bool:
    if _is_secretariat(user):
        return True
    if not user_can_register(user):
        return False
    if registration.user_id == user.pk:
        return True
    return (
        registration.registered_by_id == user.pk and registrations_visible_to(user).filter(pk=registration.pk).exists()
    )


# --- E-learning -------------------------------------------------------------------------------------------------


def elearning_municipality_ids_for(user) -> frozenset[int] | None:
    """None: every municipality (the secretariat); else the AOV's own municipality (empty for everyone else)."""
    if _is_secretariat(user):
        return None
    if user.is_authenticated and user.has_role(Role.AOV):
        return aov_municipality_ids_for(user)
    return frozenset()


def user_can_view_elearning(user) -> bool:
    allowed = elearning_municipality_ids_for(user)
    return allowed is None or bool(allowed)


def user_can_enrol_for(user, municipality) -> bool:
    allowed = elearning_municipality_ids_for(user)
    return allowed is None or municipality.pk in allowed


def enrolments_visible_to(user) -> QuerySet:
    allowed = elearning_municipality_ids_for(user)
    if allowed is None:
        return ELearningEnrolment.objects.all()
    return ELearningEnrolment.objects.filter(municipality_id__in=allowed)


def user_can_edit_enrolment(user, enrolment) -> bool:
    return user_can_enrol_for(user, enrolment.municipality)
