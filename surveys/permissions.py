"""Survey campaigns and results (design section 3): an AOV for their own municipality, the secretariat for
all; nobody else. Respondents need no account: the one-time code is their only key."""

from core.roles import Role
from stakeholders.permissions import aov_municipality_ids_for

from .models import Campaign


def _is_secretariat(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role(Role.SECRETARIAT))


def user_can_use_surveys(user) -> bool:
    return _is_secretariat(user) or (
        user.is_authenticated and user.has_role(Role.AOV) and bool(aov_municipality_ids_for(user))
    )


def campaigns_visible_to(user):
    if _is_secretariat(user):
        return Campaign.objects.all()
    if not user_can_use_surveys(user):
        return Campaign.objects.none()
    return Campaign.objects.filter(municipality_id__in=aov_municipality_ids_for(user))


def user_can_manage_municipality(user, municipality) -> bool:
    return _is_secretariat(user) or (user_can_use_surveys(user) and municipality.pk in aov_municipality_ids_for(user))


def user_can_manage_campaign(user, campaign) -> bool:
    return user_can_manage_municipality(user, campaign.municipality)


def user_can_read_open_answers(user) -> bool:
    """Open answers may hold something personal a respondent wrote: the secretariat reads and marks them."""
    return _is_secretariat(user)
