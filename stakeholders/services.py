"""Writes for reference data and the CRM core."""

import csv
import datetime
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from .models import Contact, District, Module, Municipality, Organisation, PartnerType, Theme
from .permissions import user_can_edit_organisation
from .signals import organisation_profile_changed

REFERENCE_DIR = Path(__file__).resolve().parent / "fixtures" / "reference"


def _rows(name: str, directory: Path) -> list[dict[str, str]]:
    with (directory / name).open(encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def _date(value: str) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


@transaction.atomic
def reference_data_seed(*, directory: Path = REFERENCE_DIR) -> dict[str, int]:
    """Load districts, municipalities (with mergers), modules, partner types and themes.

    Idempotent: rows are matched on their code and updated in place, never duplicated."""
    for row in _rows("districts.csv", directory):
        District.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "safety_region_code": row["safety_region_code"]}
        )
    districts = {d.code: d for d in District.objects.all()}
    municipality_rows = _rows("municipalities.csv", directory)
    for row in municipality_rows:
        Municipality.objects.update_or_create(
            cbs_code=row["cbs_code"],
            defaults={
                "name": row["name"],
                "district": districts[row["district"]],
                "valid_from": _date(row["valid_from"]),
                "valid_until": _date(row["valid_until"]),
            },
        )
    by_code = {m.cbs_code: m for m in Municipality.objects.all()}
    for row in municipality_rows:  # successors exist only after the first pass
        municipality = by_code[row["cbs_code"]]
        successor = by_code.get(row["succeeded_by"]) if row["succeeded_by"] else None
        if municipality.succeeded_by_id != (successor.pk if successor else None):
            municipality.succeeded_by = successor
            municipality.save(update_fields=["succeeded_by"])
    for row in _rows("modules.csv", directory):
        Module.objects.update_or_create(
            number=int(row["number"]), defaults={"name": row["name"], "goal": row["goal"], "duration": row["duration"]}
        )
    for row in _rows("partner_types.csv", directory):
        PartnerType.objects.update_or_create(code=row["code"], defaults={"name": row["name"], "kind": row["kind"]})
    for row in _rows("themes.csv", directory):
        Theme.objects.update_or_create(code=row["code"], defaults={"name": row["name"]})
    return {
        "districts": District.objects.count(),
        "municipalities": Municipality.objects.count(),
        "modules": Module.objects.count(),
        "partner_types": PartnerType.objects.count(),
        "themes": Theme.objects.count(),
    }


def _changed_fields(form) -> list[str]:
    return [name for name in form.changed_data if name in form.fields]


@transaction.atomic
def contact_update_own(*, user, form) -> Contact:
    """Save a person's own contact data; consent dates follow the consent switches."""
    contact = form.instance
    if user.contact_id != contact.pk:
        raise PermissionDenied
    changed = _changed_fields(form)
    contact = form.save(commit=False)
    now = timezone.now()
    for consent in ("directory_consent", "invitation_consent"):
        if consent in changed:
            setattr(contact, f"{consent}_at", now if getattr(contact, consent) else None)
    contact.save()
    if changed:
        log(instance=contact, action="wagtail.edit", user=user, data={"fields": changed, "via": "self-service"})
    return contact


@transaction.atomic
def organisation_update_profile(*, user, form) -> Organisation:
    """A representative keeps their organisation's profile; the secretariat hears what changed."""
    if not user_can_edit_organisation(user, form.instance):
        raise PermissionDenied
    changed = _changed_fields(form)
    organisation = form.save()
    if changed:
        log(instance=organisation, action="wagtail.edit", user=user, data={"fields": changed, "via": "profile"})
        organisation_profile_changed.send(
            sender=Organisation,
            organisation=organisation,
            user=user,
            fields=[str(form.fields[name].label) for name in changed],
        )
    return organisation
