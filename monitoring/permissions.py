"""Who reads and edits programme progress (design section 3: Partners read, an AOV edits their own
municipality, the secretariat edits everything; referral roles and the Beheerder see nothing)."""

from core.roles import Role
from stakeholders.permissions import aov_municipality_ids_for


def _is_secretariat(user) -> bool:
    # The role decides, never is_superuser: a Beheerder may be a superuser and has no part in the figures
    # (design section 3), which hold suppressed referral counts.
    return user.is_authenticated and user.has_role(Role.SECRETARIAT)


def user_can_view_progress(user) -> bool:
    return user.is_authenticated and (_is_secretariat(user) or user.has_role(Role.PARTNER, Role.AOV))


def municipality_ids_user_can_edit(user) -> frozenset[int] | None:
    """None means every municipality (the secretariat)."""
    if _is_secretariat(user):
        return None
    return aov_municipality_ids_for(user)


def user_can_edit_municipality(user, municipality) -> bool:
    if not user_can_view_progress(user):
        return False
    allowed = municipality_ids_user_can_edit(user)
    return allowed is None or municipality.pk in allowed


def user_can_edit_all_figures(user) -> bool:
    """Imports of every municipality's police figures and the Stuurgroep report are the secretariat's."""
    return _is_secretariat(user)


def referral_count_municipality_ids(user) -> frozenset[int] | None:
    """Module 5 counts: the secretariat sees them for every municipality (None), an AOV for their own
    municipality only (they already see its referrals' status); Partners see none (design section 3)."""
    # Like referrals/permissions.py: the role decides, never is_superuser (a Beheerder may be a superuser).
    if user.is_authenticated and user.has_role(Role.SECRETARIAT):
        return None
    if user.is_authenticated and user.has_role(Role.AOV):
        return aov_municipality_ids_for(user)
    return frozenset()
