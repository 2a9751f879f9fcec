"""Reads for the referral screens. Every queryset starts from permissions.py."""

from django.utils.translation import gettext_lazy as _

from core.roles import Role

from .models import VulnerableLocation
from .permissions import referrals_visible_to, with_intake_flag

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
