"""Reads for the referral screens. Every queryset starts from permissions.py."""

from django.utils.translation import gettext_lazy as _

from core.roles import Role

from .models import Referral, VulnerableLocation
from .permissions import referrals_visible_to, user_can_assign_coach, with_intake_flag

# The object types the views write to the access log, by their names on the privacy officer's screen.
OBJECT_TYPE_LABELS = {
    "referral": _("doorverwijzing"),
    "referral_list": _("lijst doorverwijzingen"),
    "location": _("kwetsbare locatie"),
    "figures": _("cijfers"),
    "access_log": _("toegangslog"),
    "owner_request": _("verzoek betrokkene"),
}


def signal_labels(codes) -> list[str]:
    """The signals' names in the active language; an unknown stored code is shown as it is, never dropped."""
    names = dict(VulnerableLocation.Signal.choices)
    return [str(names.get(code, code)) for code in codes]


def referral_rows(user):
    """The referral list: status, municipality, when, whether a coach is assigned, a short reference, and the
    premises kind only where the reader may see the intake (the AOV who sent it, the coach, the coördinator).
    Nothing encrypted is loaded, so nothing is decrypted."""
    return (
        with_intake_flag(referrals_visible_to(user), user)
        .select_related("municipality", "location")
        .only("pk", "status", "created_at", "coach_id", "municipality__name", "location__premises_kind")
        .order_by("-created_at")
    )


def object_type_label(stored: str) -> str:
    return str(OBJECT_TYPE_LABELS.get(stored, stored))


def role_labels(stored: str) -> str:
    """The access log stores role codes (they are part of the hashed entry); the screen shows their names."""
    names = dict(Role.choices)
    return ", ".join(str(names.get(code, code)) for code in stored.split(",") if code)


# --- The start page ("Mijn overzicht"): status only, nothing encrypted is loaded --------------------------------

START_LIMIT = 10
_STATUS_ONLY = ("pk", "status", "created_at", "updated_at", "coach_id", "referred_by_id", "municipality_id")


def referrals_sent_by(user, *, limit: int = START_LIMIT):
    """The AOV's own referrals (those they sent, in their municipality): the status, nothing else."""
    return list(
        referrals_visible_to(user)
        .filter(referred_by_id=user.pk)
        .only(*_STATUS_ONLY)
        .order_by("-created_at", "pk")[:limit]
    )


def referrals_needing_next_step(user, *, limit: int = START_LIMIT):
    """Assigned referrals that are not closed, the least recently moved first: the coach's own, or for the
    coördinator every assigned one (they see the status of all)."""
    referrals = referrals_visible_to(user).filter(coach__isnull=False).exclude(status=Referral.Status.CLOSED)
    if not user_can_assign_coach(user):
        referrals = referrals.filter(coach_id=user.pk)
    return list(referrals.only(*_STATUS_ONLY).order_by("updated_at", "pk")[:limit])


def referrals_unassigned(user, *, limit: int = START_LIMIT):
    """Waiting for a coach: the coördinator's queue, oldest first."""
    if not user_can_assign_coach(user):
        return []
    return list(
        referrals_visible_to(user)
        .filter(coach__isnull=True)
        .exclude(status=Referral.Status.CLOSED)
        .only(*_STATUS_ONLY)
        .order_by("created_at", "pk")[:limit]
    )
