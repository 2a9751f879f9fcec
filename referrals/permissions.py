"""Need-to-know access to the referral register (design section 3), the only place that decides it.

| | AOV | Secretariaat | Coach | Coördinator | FG | Beheerder |
| locations not referred | RW own municipality | - | - | R | - | - |
| referral create | own municipality | - | - | yes | - | - |
| status | R own municipality | counts only | R assigned | R | - | - |
| status change | - | - | assigned coach only | - | - | - |
| intake and contact | R those they sent | - | RW assigned | R | by exact owner lookup | - |
| coach notes and steps | - | - | RW assigned | - | by exact owner lookup | - |
| access log | - | - | - | - | R | - |

A superuser without one of these roles sees nothing: is_superuser is deliberately never consulted here."""

from django.db.models import BooleanField, Case, Q, Value, When

from core.roles import Role
from stakeholders.permissions import aov_municipality_ids_for

from .models import Referral, VulnerableLocation


def _has(user, *roles) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.has_role(*roles))


# --- Vulnerable locations ---------------------------------------------------------------------------


def locations_visible_to(user):
    """Locations not (yet) referred: the AOV of their municipality and the coördinator. Referred locations
    are reached through their referral."""
    open_states = [
        VulnerableLocation.State.IDENTIFIED,
        VulnerableLocation.State.VISITED,
        VulnerableLocation.State.NO_ACTION,
    ]
    if _has(user, Role.COACH_COORDINATOR):
        scope = Q()
    elif _has(user, Role.AOV):
        scope = Q(municipality_id__in=aov_municipality_ids_for(user))
    else:
        return VulnerableLocation.objects.none()
    return VulnerableLocation.objects.filter(scope, state__in=open_states)


def user_can_edit_location(user, location) -> bool:
    return _has(user, Role.AOV) and location.municipality_id in aov_municipality_ids_for(user)


def user_can_create_location(user, municipality_id: int) -> bool:
    return _has(user, Role.AOV) and municipality_id in aov_municipality_ids_for(user)


# --- Referrals -----------------------------------------------------------------------------------


def referrals_visible_to(user):
    """Referrals whose status the user may read."""
    if _has(user, Role.COACH_COORDINATOR):
        return Referral.objects.all()
    scope = Q(pk__in=[])
    if _has(user, Role.COACH):
        scope |= Q(coach=user)
    if _has(user, Role.AOV):
        scope |= Q(municipality_id__in=aov_municipality_ids_for(user))
    return Referral.objects.filter(scope)


def user_can_create_referral(user, municipality_id: int) -> bool:
    if _has(user, Role.COACH_COORDINATOR):
        return True
    return _has(user, Role.AOV) and municipality_id in aov_municipality_ids_for(user)


def user_can_view_referral(user, referral) -> bool:
    return referrals_visible_to(user).filter(pk=referral.pk).exists()


def with_intake_flag(referrals, user):
    """Marks each referral with may_see_intake, by the rule of user_can_view_intake, inside the list's own
    query (a list shows the premises kind only where the reader may see the intake)."""
    if _has(user, Role.COACH_COORDINATOR):
        return referrals.annotate(may_see_intake=Value(True, output_field=BooleanField()))
    scope = Q(pk__in=[])
    if _has(user, Role.COACH):
        scope |= Q(coach_id=user.pk)
    if _has(user, Role.AOV):
        scope |= Q(referred_by_id=user.pk, municipality_id__in=aov_municipality_ids_for(user))
    return referrals.annotate(
        may_see_intake=Case(When(scope, then=Value(True)), default=Value(False), output_field=BooleanField())
    )


def user_can_view_intake(user, referral) -> bool:
    """Owner, contact details, address and reason: the assigned coach, the coördinator, and the AOV who sent it."""
    if _has(user, Role.COACH_COORDINATOR):
        return True
    if _has(user, Role.COACH) and referral.coach_id == user.pk:
        return True
    return (
        _has(user, Role.AOV)
        and referral.referred_by_id == user.pk
        and referral.municipality_id in aov_municipality_ids_for(user)
    )


def user_can_work_referral(user, referral) -> bool:
    """Notes, steps, first conversation and status: the assigned coach."""
    return _has(user, Role.COACH) and referral.coach_id == user.pk


def user_can_change_status(user, referral) -> bool:
    """Moving, closing and reopening: the assigned coach only. The coördinator reads the status (design
    section 3) and assigns a coach; closing or reopening is not theirs."""
    return user_can_work_referral(user, referral)


def user_can_read_notes(user, referral) -> bool:
    return user_can_work_referral(user, referral)


def user_can_assign_coach(user) -> bool:
    return _has(user, Role.COACH_COORDINATOR)


def user_can_see_referral_counts(user) -> bool:
    """Figures without people: the secretariat (module 5 progress) and the coördinator."""
    return _has(user, Role.SECRETARIAT, Role.COACH_COORDINATOR)


def user_can_read_access_log(user) -> bool:
    return _has(user, Role.PRIVACY_OFFICER)


def user_can_handle_data_subject_requests(user) -> bool:
    return _has(user, Role.PRIVACY_OFFICER)


def is_coach(user) -> bool:
    return _has(user, Role.COACH)
