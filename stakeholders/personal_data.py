"""Data-subject requests for CRM contacts (AVG): export, anonymisation and the retention review.

Anonymising removes what identifies the person but keeps the rows (affiliations, interactions, log entries),
so counts and history stay true. The audit log records who did it and why, never the personal data itself."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.log_actions import registry as log_registry

from accounts.models import User
from accounts.services import user_anonymise

from .models import Affiliation, Contact, Interaction
from .permissions import user_can_manage_crm

ANONYMISED_NAME = "Geanonimiseerd"
ANONYMISED_SUMMARY = "[geanonimiseerd]"
ANONYMISED_ACTION = "vbg.crm.anonymised"
EXPORTED_ACTION = "vbg.crm.personal_data_exported"


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _user_of(contact):
    return User.objects.filter(contact=contact).prefetch_related("groups").first()


def contact_personal_data(*, contact: Contact) -> dict:
    """Everything the platform holds about one contact, ready for json.dumps. Only rows that point at this
    contact are read, so nothing about other people ends up in the file."""
    affiliations = Affiliation.objects.filter(contact=contact).select_related("organisation").order_by("start_date")
    interactions = Interaction.objects.filter(contact=contact).select_related("organisation").order_by("date", "pk")
    user = _user_of(contact)
    user_data = None
    if user is not None:
        user_data = {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "roles": sorted(str(role) for role in user.roles),
            "is_active": user.is_active,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
        }
    log_entries = log_registry.get_logs_for_instance(contact).order_by("timestamp", "pk")
    return {
        "export": {"generated_at": _iso(timezone.now()), "contact_id": contact.pk},
        "contact": {
            "id": contact.pk,
            "first_name": contact.first_name,
            "last_name": contact.last_name,
            "function": contact.function,
            "email": contact.email,
            "phone": contact.phone,
            "platform_role": contact.platform_role,
            "anonymised_at": _iso(contact.anonymised_at),
            "created_at": _iso(contact.created_at),
            "updated_at": _iso(contact.updated_at),
        },
        "consents": {
            "directory": {"given": contact.directory_consent, "given_at": _iso(contact.directory_consent_at)},
            "invitations": {"given": contact.invitation_consent, "given_at": _iso(contact.invitation_consent_at)},
        },
        "affiliations": [
            {
                "organisation_id": affiliation.organisation_id,
                "organisation": affiliation.organisation.name,
                "start_date": _iso(affiliation.start_date),
                "end_date": _iso(affiliation.end_date),
                "is_representative": affiliation.is_representative,
            }
            for affiliation in affiliations
        ],
        "interactions": [
            {
                "date": _iso(interaction.date),
                "kind": interaction.kind,
                "organisation": interaction.organisation.name if interaction.organisation else None,
                "summary": interaction.summary,
                "created_at": _iso(interaction.created_at),
            }
            for interaction in interactions
        ],
        "user_account": user_data,
        "audit_log": [
            {"timestamp": _iso(entry.timestamp), "action": entry.action, "data": entry.data} for entry in log_entries
        ],
    }


def _require_crm_manager(actor) -> None:
    """Services check for themselves: a view or command that forgets must not leak or erase data."""
    if actor is None or not user_can_manage_crm(actor):
        raise PermissionDenied


def contact_personal_data_exported(*, actor, contact: Contact) -> dict:
    """The export, with a log entry saying who took it (a data-subject request is itself accountable)."""
    _require_crm_manager(actor)
    data = contact_personal_data(contact=contact)
    log(instance=contact, action=EXPORTED_ACTION, user=actor)
    return data


def anonymise_fields(*, contact: Contact, last_name: str | None = None) -> Contact:
    """Blank what identifies the person on the contact row itself; related rows are the caller's business.

    Earlier log entries carry the name as their label; they are relabelled too."""
    contact.first_name = ANONYMISED_NAME
    contact.last_name = last_name or f"#{contact.pk}"
    contact.function = ""
    contact.email = ""
    contact.phone = ""
    contact.platform_role = ""
    contact.directory_consent = False
    contact.directory_consent_at = None
    contact.invitation_consent = False
    contact.invitation_consent_at = None
    contact.anonymised_at = timezone.now()
    contact.save()
    log_registry.get_logs_for_instance(contact).update(label=str(contact))
    return contact


def _end_affiliations(*, contact: Contact, today: datetime.date) -> tuple[int, int]:
    """Running ones end today; future ones never happened, so they are deleted rather than given a fake period."""
    mine = Affiliation.objects.filter(contact=contact)
    _total, per_model = mine.filter(start_date__gt=today).delete()
    deleted = per_model.get(Affiliation._meta.label, 0)
    ended = mine.filter(Q(end_date__isnull=True) | Q(end_date__gt=today)).update(end_date=today)
    return ended, deleted


@transaction.atomic
def contact_anonymise(*, actor, contact: Contact, reason: str) -> Contact:
    _require_crm_manager(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Geef een reden op voor het anonimiseren."))
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.anonymised_at is not None:
        raise ValidationError(_("Deze contactpersoon is al geanonimiseerd."))
    ended, deleted = _end_affiliations(contact=contact, today=datetime.date.today())
    # An interaction that also concerns an organisation is the organisation's history: its summary stays.
    scrubbed = Interaction.objects.filter(contact=contact, organisation__isnull=True).update(summary=ANONYMISED_SUMMARY)
    anonymise_fields(contact=contact)
    user = _user_of(contact)
    if user is not None:
        user_anonymise(user=user)  # also ends the sessions, through the accounts signals
    log(
        instance=contact,
        action=ANONYMISED_ACTION,
        user=actor,
        data={
            "reason": reason,
            "affiliations_ended": ended,
            "future_affiliations_deleted": deleted,
            "interactions_scrubbed": scrubbed,
            "user_account_deactivated": user is not None,
        },
    )
    return contact


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def inactive_contacts(*, today: datetime.date | None = None):
    """Not anonymised contacts whose last activity (own update, the user's last login, the latest interaction)
    is longer ago than the retention period. One query, whatever the number of contacts."""
    today = today or timezone.localdate()
    cutoff = _years_before(today, settings.RETENTION["inactive_contact_years"])
    updated = TruncDate("updated_at")
    # Greatest is NULL on SQLite as soon as one argument is NULL: every argument gets a fallback.
    return (
        Contact.objects.filter(anonymised_at__isnull=True)
        .annotate(
            last_login_on=TruncDate("user__last_login"),
            last_interaction_on=Max("interactions__date"),
        )
        .annotate(
            last_activity=Greatest(
                updated,
                Coalesce("last_login_on", updated),
                Coalesce("last_interaction_on", updated),
            )
        )
        .filter(last_activity__lt=cutoff)
        .select_related("user")
        .order_by("last_activity", "pk")
    )
