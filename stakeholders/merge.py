"""Merging duplicate organisations or contacts into one record.

Nothing is hard-deleted: the duplicate stays (an organisation inactive and renamed, a contact anonymised) so
log entries and old references keep pointing somewhere, and the audit log says who merged what and when."""

import copy
import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from accounts.models import User
from accounts.services import sessions_refresh_access

from .models import Affiliation, Contact, Interaction, Organisation
from .permissions import user_can_manage_crm
from .personal_data import anonymise_fields

KEEP = "keep"
DUPLICATE = "duplicate"
MERGED_ACTION = "vbg.crm.merged"

ORGANISATION_FIELDS = (
    "name",
    "partner_type",
    "municipality",
    "kvk_number",
    "website",
    "email",
    "phone",
    "street",
    "postal_code",
    "city",
    "internal_notes",
)
CONTACT_FIELDS = (
    "first_name",
    "last_name",
    "function",
    "email",
    "phone",
    "platform_role",
    "directory_consent",
    "invitation_consent",
)
# A consent travels with the moment it was given.
COMPANION_FIELDS = {"directory_consent": "directory_consent_at", "invitation_consent": "invitation_consent_at"}
MERGED_SUFFIX = " (samengevoegd met #{pk})"


def merge_fields(model) -> tuple[str, ...]:
    return ORGANISATION_FIELDS if model is Organisation else CONTACT_FIELDS


def _value(instance, name: str):
    field = instance._meta.get_field(name)
    return getattr(instance, field.attname)


def _is_empty(value) -> bool:
    return value is None or value == ""


def _display(instance, name: str) -> str:
    field = instance._meta.get_field(name)
    value = getattr(instance, name)
    if isinstance(field, models.BooleanField):
        shown = _("ja") if value else _("nee")
        companion = COMPANION_FIELDS.get(name)
        when = getattr(instance, companion) if companion else None
        return f"{shown} ({when:%d-%m-%Y})" if when else shown
    if field.choices and value:
        return str(getattr(instance, f"get_{name}_display")())
    return "" if value is None else str(value)


def default_field_choices(*, keep, duplicate) -> dict[str, str]:
    """Keep's value, unless it is empty and the duplicate has one. Booleans (consents) are never 'empty':
    a consent is not carried over unless the secretariat chooses so."""
    choices = {}
    for name in merge_fields(type(keep)):
        keep_value, duplicate_value = _value(keep, name), _value(duplicate, name)
        choices[name] = DUPLICATE if _is_empty(keep_value) and not _is_empty(duplicate_value) else KEEP
    return choices


@dataclass(frozen=True)
class FieldComparison:
    name: str
    label: str
    keep: str
    duplicate: str
    choice: str

    @property
    def differs(self) -> bool:
        return self.keep != self.duplicate


def merge_comparison(*, keep, duplicate) -> list[FieldComparison]:
    defaults = default_field_choices(keep=keep, duplicate=duplicate)
    return [
        FieldComparison(
            name=name,
            label=str(keep._meta.get_field(name).verbose_name),
            keep=_display(keep, name),
            duplicate=_display(duplicate, name),
            choice=defaults[name],
        )
        for name in merge_fields(type(keep))
    ]


def merge_related_counts(*, record) -> dict[str, int]:
    """What moves with a merge, for the comparison screen."""
    if isinstance(record, Organisation):
        return {
            "affiliations": record.affiliations.count(),
            "memberships": record.memberships.count(),
            "municipalities": record.municipalities.count(),
            "interactions": record.interactions.count(),
        }
    return {
        "affiliations": record.affiliations.count(),
        "interactions": record.interactions.count(),
        "user_account": int(_user_of(record) is not None),
    }


def _user_of(contact):
    return User.objects.filter(contact=contact).first()


def _require_crm_manager(actor) -> None:
    """Checked here, not only in the view: a merge rewrites two records and whatever points at them."""
    if actor is None or not user_can_manage_crm(actor):
        raise PermissionDenied


def _check_pair(*, keep, duplicate, model) -> None:
    if type(keep) is not type(duplicate):
        raise ValidationError(
            _("Alleen twee organisaties of twee contactpersonen kunnen worden samengevoegd, niet een mengsel.")
        )
    if not isinstance(keep, model):
        raise ValidationError(
            _("Deze records zijn geen %(kind)s en kunnen hier niet worden samengevoegd.")
            % {"kind": model._meta.verbose_name_plural}
        )
    if keep.pk is None or duplicate.pk is None:
        raise ValidationError(_("Kies twee bestaande records."))
    if keep.pk == duplicate.pk:
        raise ValidationError(_("Een record kan niet met zichzelf worden samengevoegd. Kies twee verschillende."))


def _resolve_choices(*, keep, duplicate, field_choices: dict[str, str] | None) -> dict[str, str]:
    choices = default_field_choices(keep=keep, duplicate=duplicate)
    for name, choice in (field_choices or {}).items():
        if name not in choices:
            raise ValidationError(_("Onbekend veld bij het samenvoegen: %(name)s.") % {"name": name})
        if choice not in (KEEP, DUPLICATE):
            raise ValidationError(_("Kies per veld de waarde om te bewaren of die van het dubbele record."))
        choices[name] = choice
    return choices


def _apply_choices(*, keep, duplicate, choices: dict[str, str]) -> list[str]:
    """Copy the chosen values of the duplicate onto keep; returns the names that actually changed."""
    taken = []
    for name, choice in choices.items():
        if choice != DUPLICATE or _value(keep, name) == _value(duplicate, name):
            continue
        attname = keep._meta.get_field(name).attname
        setattr(keep, attname, _value(duplicate, name))
        if companion := COMPANION_FIELDS.get(name):
            setattr(keep, companion, getattr(duplicate, companion))
        taken.append(name)
    if taken:
        excluded = [f.name for f in keep._meta.fields if f.name not in taken]
        keep.full_clean(exclude=excluded)
    return taken


def _locked(model, pk):
    try:
        return model.objects.select_for_update().get(pk=pk)
    except model.DoesNotExist:
        raise ValidationError(_("Dit record bestaat niet (meer)."))


def _is_current(start: datetime.date, end: datetime.date | None, today: datetime.date) -> bool:
    return start <= today and (end is None or end >= today)


def _fold_period(*, into, other, start: str, end: str) -> None:
    """Two current rows for the same thing become one: the earliest start, the latest (or open) end."""
    setattr(into, start, min(getattr(into, start), getattr(other, start)))
    ends = (getattr(into, end), getattr(other, end))
    setattr(into, end, None if None in ends else max(ends))


def _move_affiliations(*, rows, keep_current: dict, key: str, parent: str, keep, today) -> dict[str, Any]:
    moved, folded = 0, []
    for row in rows:
        match = keep_current.get(getattr(row, key)) if _is_current(row.start_date, row.end_date, today) else None
        if match is not None:
            _fold_period(into=match, other=row, start="start_date", end="end_date")
            match.is_representative = match.is_representative or row.is_representative
            match.save(update_fields=["start_date", "end_date", "is_representative"])
            folded.append(
                {
                    key: getattr(row, key),
                    "start_date": row.start_date.isoformat(),
                    "end_date": row.end_date.isoformat() if row.end_date else None,
                    "is_representative": row.is_representative,
                }
            )
            row.delete()
        else:
            setattr(row, parent, keep)
            row.save(update_fields=[parent])
            moved += 1
            if _is_current(row.start_date, row.end_date, today):
                keep_current[getattr(row, key)] = row
    return {"moved": moved, "folded": folded}


def _merge_log(*, actor, keep, duplicate, taken: list[str], moved: dict, extra: dict | None = None) -> None:
    group = uuid.uuid4()
    common = {"fields": taken, "moved": moved, **(extra or {})}
    log(
        instance=keep,
        action=MERGED_ACTION,
        user=actor,
        uuid=group,
        data={"role": KEEP, "other_id": duplicate.pk, **common},
    )
    log(
        instance=duplicate,
        action=MERGED_ACTION,
        user=actor,
        uuid=group,
        data={"role": DUPLICATE, "other_id": keep.pk, **common},
    )


def _refresh_access_on_commit(user_ids) -> None:
    for user_id in set(user_ids):
        transaction.on_commit(lambda user_id=user_id: sessions_refresh_access(user_id=user_id))


@transaction.atomic
def organisation_merge(*, actor, keep: Organisation, duplicate: Organisation, field_choices: dict[str, str]):
    """Move everything of `duplicate` onto `keep`; the duplicate is ended and renamed, never deleted."""
    _require_crm_manager(actor)
    _check_pair(keep=keep, duplicate=duplicate, model=Organisation)
    keep, duplicate = _locked(Organisation, keep.pk), _locked(Organisation, duplicate.pk)
    for record in (keep, duplicate):
        if not record.is_active and "(samengevoegd met #" in record.name:
            raise ValidationError(_("%(name)s is al samengevoegd met een andere organisatie.") % {"name": record.name})
    choices = _resolve_choices(keep=keep, duplicate=duplicate, field_choices=field_choices)
    previous = {name: _value(keep, name) for name, choice in choices.items() if choice == DUPLICATE}
    original = copy.copy(duplicate)

    # The duplicate gives up its KvK number first: it is unique, and keep may take it over.
    suffix = MERGED_SUFFIX.format(pk=keep.pk)
    max_length = Organisation._meta.get_field("name").max_length
    duplicate.name = original.name[: max_length - len(suffix)] + suffix
    duplicate.is_active = False
    duplicate.kvk_number = ""
    duplicate.save(update_fields=["name", "is_active", "kvk_number", "updated_at"])
    taken = _apply_choices(keep=keep, duplicate=original, choices=choices)
    keep.save()

    today = datetime.date.today()
    keep_memberships = {m.district_id: m for m in keep.memberships.current(today)}
    moved_memberships, folded_memberships = 0, []
    for membership in duplicate.memberships.all():
        match = (
            keep_memberships.get(membership.district_id)
            if _is_current(membership.since, membership.until, today)
            else None
        )
        if match is not None:
            _fold_period(into=match, other=membership, start="since", end="until")
            match.save(update_fields=["since", "until"])
            folded_memberships.append(
                {
                    "district_id": membership.district_id,
                    "since": membership.since.isoformat(),
                    "until": membership.until.isoformat() if membership.until else None,
                    "role": membership.role,
                }
            )
            membership.delete()
        else:
            membership.organisation = keep
            membership.save(update_fields=["organisation"])
            moved_memberships += 1
            if _is_current(membership.since, membership.until, today):
                keep_memberships[membership.district_id] = membership

    affected_users = list(
        Affiliation.objects.filter(organisation=duplicate, contact__user__isnull=False).values_list(
            "contact__user__id", flat=True
        )
    )
    affiliations = _move_affiliations(
        rows=list(duplicate.affiliations.all()),
        keep_current={a.contact_id: a for a in keep.affiliations.current(today)},
        key="contact_id",
        parent="organisation",
        keep=keep,
        today=today,
    )
    municipality_ids = list(duplicate.municipalities.values_list("pk", flat=True))
    keep.municipalities.add(*municipality_ids)
    duplicate.municipalities.clear()
    interactions = Interaction.objects.filter(organisation=duplicate).update(organisation=keep)

    moved = {
        "memberships": moved_memberships,
        "memberships_folded": len(folded_memberships),
        "affiliations": affiliations["moved"],
        "affiliations_folded": len(affiliations["folded"]),
        "municipalities": len(municipality_ids),
        "interactions": interactions,
    }
    _merge_log(
        actor=actor,
        keep=keep,
        duplicate=duplicate,
        taken=taken,
        moved=moved,
        extra={
            "previous_values": {name: previous[name] for name in taken},
            "duplicate_name": original.name,
            "duplicate_kvk_number": original.kvk_number,
            "folded_memberships": folded_memberships,
            "folded_affiliations": affiliations["folded"],
        },
    )
    _refresh_access_on_commit(affected_users)
    return keep


@transaction.atomic
def contact_merge(*, actor, keep: Contact, duplicate: Contact, field_choices: dict[str, str]):
    """Move affiliations, interactions and a user account of `duplicate` onto `keep`; the duplicate is
    anonymised (not deleted) so its log entries keep a subject."""
    _require_crm_manager(actor)
    _check_pair(keep=keep, duplicate=duplicate, model=Contact)
    keep, duplicate = _locked(Contact, keep.pk), _locked(Contact, duplicate.pk)
    for record in (keep, duplicate):
        if record.anonymised_at is not None:
            raise ValidationError(
                _("Contactpersoon #%(pk)s is geanonimiseerd of al samengevoegd en kan niet worden samengevoegd.")
                % {"pk": record.pk}
            )
    keep_user = User.objects.filter(contact=keep).first()
    duplicate_user = User.objects.filter(contact=duplicate).first()
    if keep_user and duplicate_user:
        raise ValidationError(
            _(
                "Beide contactpersonen hebben een gebruikersaccount. Laat de beheerder eerst één account "
                "ontkoppelen of deactiveren; daarna kunt u samenvoegen."
            )
        )
    choices = _resolve_choices(keep=keep, duplicate=duplicate, field_choices=field_choices)
    taken = _apply_choices(keep=keep, duplicate=duplicate, choices=choices)
    keep.save()

    today = datetime.date.today()
    affiliations = _move_affiliations(
        rows=list(duplicate.affiliations.all()),
        keep_current={a.organisation_id: a for a in keep.affiliations.current(today)},
        key="organisation_id",
        parent="contact",
        keep=keep,
        today=today,
    )
    interactions = Interaction.objects.filter(contact=duplicate).update(contact=keep)
    if duplicate_user is not None:
        duplicate_user.contact = keep
        duplicate_user.save(update_fields=["contact"])
    _refresh_access_on_commit([user.pk for user in (keep_user, duplicate_user) if user is not None])

    anonymise_fields(contact=duplicate, last_name=f"#{duplicate.pk}" + MERGED_SUFFIX.format(pk=keep.pk))
    moved = {
        "affiliations": affiliations["moved"],
        "affiliations_folded": len(affiliations["folded"]),
        "interactions": interactions,
        "user_account": int(duplicate_user is not None),
    }
    _merge_log(
        actor=actor,
        keep=keep,
        duplicate=duplicate,
        taken=taken,
        moved=moved,
        extra={"folded_affiliations": affiliations["folded"]},
    )
    return keep


def record_merge(*, actor, keep, duplicate, field_choices: dict[str, str]):
    """One entry point for both kinds; refuses mixed pairs before anything is touched."""
    _require_crm_manager(actor)
    if type(keep) is not type(duplicate) or not isinstance(keep, Organisation | Contact):
        _check_pair(keep=keep, duplicate=duplicate, model=Organisation)
    merge = organisation_merge if isinstance(keep, Organisation) else contact_merge
    return merge(actor=actor, keep=keep, duplicate=duplicate, field_choices=field_choices)
