"""Writes of the referral register. Each checks permission itself and raises PermissionDenied (the view
logs it and answers 404); invalid input raises ValidationError with a Dutch message and changes nothing.
Notifications say only that something happened, with a link: never content (design section 3)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from core.roles import GROUP_NAMES, Role
from notifications.services import notify

from .crypto import lookup_hash
from .models import Referral, ReferralNote, ReferralStatusChange, VulnerableLocation
from .permissions import (
    user_can_assign_coach,
    user_can_change_status,
    user_can_create_location,
    user_can_create_referral,
    user_can_edit_location,
    user_can_handle_data_subject_requests,
    user_can_work_referral,
)
from .selectors import signal_labels

MAX_TEXT = 5000
Status = Referral.Status


def _referral_url(referral) -> str:
    try:
        return reverse("referrals:detail", args=[referral.pk])
    except NoReverseMatch:  # the screens arrive with the next part of the register
        return ""


def _text(value: str, *, label: str, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(_("Vul %(label)s in.") % {"label": label})
    if len(value) > MAX_TEXT:
        raise ValidationError(
            _("%(label)s is te lang: %(n)s tekens, het maximum is %(max)s.")
            % {"label": label, "n": len(value), "max": MAX_TEXT}
        )
    return value


def _users_with_role(role):
    return User.objects.filter(is_active=True, groups__name=GROUP_NAMES[role]).distinct()


@transaction.atomic
def location_create(
    *,
    user,
    municipality,
    premises_kind: str,
    signals: list[str],
    source: str,
    address: str,
    owner_name: str,
    owner_contact: str = "",
) -> VulnerableLocation:
    if not user_can_create_location(user, municipality.pk):
        raise PermissionDenied
    unknown = set(signals) - set(VulnerableLocation.Signal.values)
    if unknown or not signals:
        raise ValidationError(_("Kies een of meer signalen uit de lijst."))
    location = VulnerableLocation(
        municipality=municipality,
        premises_kind=premises_kind,
        signals=sorted(set(signals)),
        source=source,
        address=_text(address, label=_("het adres")),
        owner_name=_text(owner_name, label=_("de naam van de eigenaar")),
        owner_contact=_text(owner_contact, label=_("de contactgegevens"), required=False),
        created_by=user,
    )
    location.full_clean(exclude=["address", "owner_name", "owner_contact"])
    location.save()
    return location


@transaction.atomic
def location_state_set(*, user, location: VulnerableLocation, state: str) -> None:
    """A referred location keeps its state: its referral decides it, and the published figures rely on every
    referral being one referred location (the register's counts are monitoring's referred counts added up)."""
    if not user_can_edit_location(user, location):
        raise PermissionDenied
    if state not in (
        VulnerableLocation.State.IDENTIFIED,
        VulnerableLocation.State.VISITED,
        VulnerableLocation.State.NO_ACTION,
    ):
        raise ValidationError(_("Deze stand zet u niet met de hand; een doorverwijzing doet dat."))
    stored = VulnerableLocation.objects.select_for_update().get(pk=location.pk)  # not a caller's stale copy
    if stored.state == VulnerableLocation.State.REFERRED or stored.referrals.exists():
        raise ValidationError(_("Deze locatie is doorverwezen; haar stand volgt de doorverwijzing."))
    VulnerableLocation.objects.filter(pk=location.pk).update(state=state, updated_at=timezone.now())


@transaction.atomic
def referral_create(
    *, user, location: VulnerableLocation, reason: str, owner_consent: bool, legal_basis: str
) -> Referral:
    if not user_can_create_referral(user, location.municipality_id):
        raise PermissionDenied
    if location.state == VulnerableLocation.State.REFERRED:
        raise ValidationError(_("Deze locatie is al doorverwezen."))
    if legal_basis not in Referral.LegalBasis.values:
        raise ValidationError(_("Kies de grondslag."))
    if legal_basis == Referral.LegalBasis.CONSENT and not owner_consent:
        raise ValidationError(_("Zonder instemming van de eigenaar kan de grondslag geen toestemming zijn."))
    referral = Referral.objects.create(
        location=location,
        municipality_id=location.municipality_id,
        referred_by=user,
        reason=_text(reason, label=_("de reden")),
        owner_consent=owner_consent,
        legal_basis=legal_basis,
    )
    ReferralStatusChange.objects.create(referral=referral, actor=user, to_status=Status.REGISTERED)
    VulnerableLocation.objects.filter(pk=location.pk).update(state=VulnerableLocation.State.REFERRED)
    notify(
        recipients=_users_with_role(Role.COACH_COORDINATOR),
        kind="referrals.new",
        title=_("Er is een nieuwe doorverwijzing"),
        url=_referral_url(referral),
        subject=referral,
    )
    return referral


@transaction.atomic
def coach_assign(*, user, referral: Referral, coach) -> Referral:
    if not user_can_assign_coach(user):
        raise PermissionDenied
    if coach is None or not coach.is_active or not coach.has_role(Role.COACH):
        raise ValidationError(_("Kies een coach."))
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.is_closed:
        raise ValidationError(_("Deze doorverwijzing is afgesloten; heropen haar eerst."))
    previous = referral.status
    referral.coach = coach
    referral.status = Status.ASSIGNED
    referral.save(update_fields=["coach", "status", "updated_at"])
    ReferralStatusChange.objects.create(referral=referral, actor=user, from_status=previous, to_status=Status.ASSIGNED)
    _tell_referrer(referral, actor=user)
    notify(
        recipients=[coach],
        kind="referrals.assigned",
        title=_("Er is een doorverwijzing aan u toegewezen"),
        url=_referral_url(referral),
        subject=referral,
    )
    return referral


def status_targets(referral: Referral) -> list[str]:
    """The statuses the assigned coach may move this referral to now, in workflow order: the form offers
    these and status_change accepts only these. 'Toegewezen' only reopens a closed referral; handing an open
    one to another coach is the coördinator's coach_assign."""
    allowed = Referral.TRANSITIONS.get(referral.status, set())
    return [
        status for status in Status.values if status in allowed and (status != Status.ASSIGNED or referral.is_closed)
    ]


@transaction.atomic
def status_change(
    *,
    user,
    referral: Referral,
    to_status: str,
    text: str = "",
    follow_up: str = "",
    outcome: str = "",
    first_conversation_on: datetime.date | None = None,
    first_conversation_paid: bool = True,
) -> Referral:
    """Only the assigned coach moves their referral along, closes and reopens it: the coördinator reads the
    status (design section 3). Closing needs an outcome and a text, reopening a text; the first conversation
    is dated and, as the programme intends, paid by NHSV unless the coach records otherwise. All problems are
    raised at once, keyed by field, so the form shows each beside its field."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if not user_can_change_status(user, referral):
        raise PermissionDenied
    if to_status not in status_targets(referral):
        raise ValidationError(
            {
                "to_status": _("Van '%(from)s' kan een doorverwijzing niet naar '%(to)s'.")
                % {
                    "from": Status(referral.status).label,
                    "to": Status(to_status).label if to_status in Status.values else to_status,
                }
            }
        )
    errors: dict[str, str] = {}
    try:
        text = _text(text, label=_("een toelichting"), required=to_status == Status.CLOSED or referral.is_closed)
    except ValidationError as error:
        errors["text"] = error.messages[0]
    previous = referral.status
    if to_status == Status.FIRST_CONVERSATION:
        if first_conversation_on is None:
            errors["first_conversation_on"] = _("Vul de datum van het eerste gesprek in.")
        elif first_conversation_on > timezone.localdate():
            errors["first_conversation_on"] = _(
                "De datum van het eerste gesprek ligt in de toekomst; vul de dag in waarop het gesprek was."
            )
        referral.first_conversation_on = first_conversation_on
        referral.first_conversation_paid = bool(first_conversation_paid)
    if to_status == Status.FOLLOW_UP:
        if follow_up not in Referral.FollowUp.values:
            errors["follow_up"] = _("Kies het vervolg: wijkteam, hulpverlening of anders.")
        referral.follow_up = follow_up
    if to_status == Status.CLOSED:
        if outcome not in Referral.Outcome.values:
            errors["outcome"] = _("Kies de uitkomst.")
        referral.outcome, referral.closed_at = outcome, timezone.now()
    if errors:
        raise ValidationError(errors)
    if previous == Status.CLOSED:  # reopened
        referral.outcome, referral.closed_at = "", None
    referral.status = to_status
    referral.save()
    ReferralStatusChange.objects.create(
        referral=referral, actor=user, from_status=previous, to_status=to_status, text=text
    )
    _tell_referrer(referral, actor=user)
    return referral


def _tell_referrer(referral: Referral, *, actor) -> None:
    """The AOV who referred follows the status; the notification names no status, person or place."""
    if referral.referred_by_id is None or referral.referred_by_id == actor.pk:
        return
    notify(
        recipients=[referral.referred_by],
        kind="referrals.status_changed",
        title=_("De status van een doorverwijzing is gewijzigd"),
        url=_referral_url(referral),
        subject=referral,
    )


@transaction.atomic
def note_add(*, user, referral: Referral, text: str, kind: str = ReferralNote.Kind.NOTE) -> ReferralNote:
    referral = Referral.objects.get(pk=referral.pk)  # decide on the stored coach, not a caller's copy
    if not user_can_work_referral(user, referral):
        raise PermissionDenied
    if kind not in ReferralNote.Kind.values:
        raise ValidationError(_("Kies notitie of stap."))
    return ReferralNote.objects.create(
        referral=referral, author=user, kind=kind, text=_text(text, label=_("de notitie"))
    )


# --- Rights of the owner and retention (the privacy officer; a periodic job) ---------------------------

LOOKUP_FIELDS = {"owner_name": "owner_name_hash", "owner_contact": "owner_contact_hash", "address": "address_hash"}


def owner_locations(*, user, field: str, value: str):
    """Exact match only, through the keyed hash: no browsing of the register."""
    if not user_can_handle_data_subject_requests(user):
        raise PermissionDenied
    if field not in LOOKUP_FIELDS or not value.strip():
        raise ValidationError(_("Kies waarop u zoekt en vul een waarde in."))
    return VulnerableLocation.objects.filter(**{LOOKUP_FIELDS[field]: lookup_hash(value)})


EXPORT_LANGUAGE = "nl"


def owner_export(*, user, locations) -> dict:
    """Everything the register holds about these locations and their referrals (an inzageverzoek), in one
    language: Dutch names and Dutch labels for every stored code, whatever language the screen is in, and the
    export says so."""
    if not user_can_handle_data_subject_requests(user):
        raise PermissionDenied

    def status(code: str) -> str:
        return str(Status(code).label) if code in Status.values else code

    export = []
    with translation.override(EXPORT_LANGUAGE):
        for location in locations:
            export.append(
                {
                    "locatie": {
                        "adres": location.address,
                        "eigenaar": location.owner_name,
                        "contact": location.owner_contact,
                        "gemeente": location.municipality.name,
                        "soort_pand": location.get_premises_kind_display(),
                        "signalen": signal_labels(location.signals),
                        "bron": location.get_source_display(),
                        "stand": location.get_state_display(),
                        "vastgelegd_op": location.created_at.isoformat(),
                    },
                    "doorverwijzingen": [
                        {
                            "reden": referral.reason,
                            "instemming": referral.owner_consent,
                            "grondslag": referral.get_legal_basis_display(),
                            "status": referral.get_status_display(),
                            "vervolg": referral.get_follow_up_display() if referral.follow_up else "",
                            "uitkomst": referral.get_outcome_display() if referral.outcome else "",
                            "eerste_gesprek_op": referral.first_conversation_on.isoformat()
                            if referral.first_conversation_on
                            else None,
                            "eerste_gesprek_betaald_door_nhsv": referral.first_conversation_paid,
                            "notities": [
                                {"soort": n.get_kind_display(), "tekst": n.text, "op": n.created_at.isoformat()}
                                for n in referral.notes.all()
                            ],
                            "statusverloop": [
                                {
                                    "van": status(c.from_status) if c.from_status else "",
                                    "naar": status(c.to_status),
                                    "toelichting": c.text,
                                    "op": c.at.isoformat(),
                                }
                                for c in referral.status_changes.all()
                            ],
                        }
                        for referral in location.referrals.all()
                    ],
                }
            )
        explanation = _("Alle namen en waarden staan in het Nederlands; tijdstippen in ISO 8601 met tijdzone.")
    return {
        "taal": EXPORT_LANGUAGE,
        "toelichting": explanation,
        "locaties": export,
    }


@transaction.atomic
def owner_erase(*, user, locations) -> int:
    if not user_can_handle_data_subject_requests(user):
        raise PermissionDenied
    ids = [location.pk for location in locations]
    Referral.objects.filter(location_id__in=ids).delete()
    deleted, _detail = VulnerableLocation.objects.filter(pk__in=ids).delete()
    return len(ids)


def referrals_expired(*, now=None):
    from django.conf import settings

    now = now or timezone.now()
    years = settings.RETENTION["referral_years_after_close"]
    cutoff = (
        now.replace(year=now.year - years)
        if not (now.month == 2 and now.day == 29)
        else now - datetime.timedelta(days=365 * years)
    )
    return Referral.objects.filter(status=Status.CLOSED, closed_at__lt=cutoff)


@transaction.atomic
def referral_purge(*, referral: Referral) -> None:
    """Remove one expired referral, and its location when nothing else refers to it."""
    location_id = referral.location_id
    referral.delete()
    if not Referral.objects.filter(location_id=location_id).exists():
        VulnerableLocation.objects.filter(pk=location_id).delete()
