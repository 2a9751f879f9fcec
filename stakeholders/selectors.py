"""Reads for the directory (every queryset starts from permissions.py; counts use the same sets) and the
reference data's calendar: which municipality counts for another on a given day."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q, Value
from django.db.models.functions import Concat
from django.utils import timezone

from core.roles import GROUP_NAMES, Role

from .models import Affiliation, Contact, District, Membership, Municipality, Organisation, PartnerType
from .permissions import contacts_visible_to, district_ids_for, organisations_visible_to, user_can_see_internal_notes


@dataclass(frozen=True)
class DirectoryFilters:
    q: str = ""
    partner_type: str = ""
    district: str = ""
    municipality: str = ""


def _current_affiliations(user):
    """Current employers shown next to a contact: only organisations the user may see."""
    return Prefetch(
        "affiliations",
        queryset=Affiliation.objects.current()
        .filter(organisation__in=organisations_visible_to(user).values("pk"))
        .select_related("organisation"),
        to_attr="current_affiliations",
    )


def _current_memberships():
    return Prefetch(
        "memberships",
        queryset=Membership.objects.current().select_related("district"),
        to_attr="current_memberships",
    )


def directory_organisations(*, user, filters: DirectoryFilters):
    organisations = organisations_visible_to(user)
    if filters.partner_type:
        organisations = organisations.filter(partner_type__code=filters.partner_type)
    if filters.district:
        organisations = organisations.filter(
            pk__in=Membership.objects.current().filter(district__code=filters.district).values("organisation_id")
        )
    if filters.municipality:
        organisations = organisations.filter(
            Q(municipality__cbs_code=filters.municipality) | Q(municipalities__cbs_code=filters.municipality)
        ).distinct()
    if filters.q:
        organisations = organisations.filter(name__icontains=filters.q)
    return organisations.select_related("partner_type").prefetch_related(_current_memberships()).order_by("name")


def directory_contacts(*, user, filters: DirectoryFilters):
    """Consenting contacts, matched on any part of their name, function, e-mail or organisation."""
    contacts = contacts_visible_to(user)
    if filters.partner_type or filters.district or filters.municipality:
        organisations = directory_organisations(
            user=user,
            filters=DirectoryFilters(
                partner_type=filters.partner_type, district=filters.district, municipality=filters.municipality
            ),
        )
        contacts = contacts.filter(
            pk__in=Affiliation.objects.current()
            .filter(organisation__in=organisations.values("pk"))
            .values("contact_id")
        )
    if filters.q:
        in_named_organisations = (
            Affiliation.objects.current()
            .filter(organisation__in=organisations_visible_to(user).filter(name__icontains=filters.q))
            .values("contact_id")
        )
        contacts = contacts.annotate(full_name=Concat("first_name", Value(" "), "last_name")).filter(
            Q(full_name__icontains=filters.q)
            | Q(function__icontains=filters.q)
            | Q(email__icontains=filters.q)
            | Q(pk__in=in_named_organisations)
        )
    return contacts.prefetch_related(_current_affiliations(user)).order_by("last_name", "first_name")


def directory_type_counts(*, user, filters: DirectoryFilters) -> list[dict]:
    """Organisations per partner type under the other filters: the numbers next to the type filter."""
    without_type = DirectoryFilters(q=filters.q, district=filters.district, municipality=filters.municipality)
    rows = (
        directory_organisations(user=user, filters=without_type)
        .order_by()
        .values("partner_type__code", "partner_type__name")
        .annotate(count=Count("pk", distinct=True))
        .order_by("partner_type__name")
    )
    return [{"code": r["partner_type__code"], "name": r["partner_type__name"], "count": r["count"]} for r in rows]


def directory_filter_choices(*, user) -> dict:
    """Districts and municipalities a user may filter on: those of their own platforms."""
    districts = District.objects.all()
    if not user_can_see_internal_notes(user):
        districts = districts.filter(pk__in=district_ids_for(user))
    return {
        "partner_types": PartnerType.objects.all(),
        "districts": districts,
        "municipalities": Municipality.objects.current().filter(district__in=districts).order_by("name"),
    }


def organisation_profile(*, user, organisation_id: int) -> Organisation | None:
    return (
        organisations_visible_to(user)
        .select_related("partner_type", "municipality")
        .prefetch_related(_current_memberships(), "municipalities")
        .filter(pk=organisation_id)
        .first()
    )


def organisation_people(*, user, organisation: Organisation):
    working_here = Affiliation.objects.current().filter(organisation=organisation).values("contact_id")
    return (
        contacts_visible_to(user)
        .filter(pk__in=working_here)
        .prefetch_related(_current_affiliations(user))
        .order_by("last_name", "first_name")
    )


def visible_contact(*, user, contact_id: int) -> Contact | None:
    return contacts_visible_to(user).prefetch_related(_current_affiliations(user)).filter(pk=contact_id).first()


# --- Municipalities over time (mergers) ---------------------------------------------------------------------


def view_day(year: int) -> datetime.date:
    """The last day of a year, or today for the current one: who existed then."""
    today = timezone.localdate()
    return today if year >= today.year else datetime.date(year, 12, 31)


def existed_on(municipality: Municipality, day: datetime.date) -> bool:
    return (municipality.valid_from is None or municipality.valid_from <= day) and (
        municipality.valid_until is None or municipality.valid_until >= day
    )


def counts_for(municipalities: Iterable[Municipality], day: datetime.date) -> dict[int, int]:
    """Municipality id -> the id of the municipality it counts for on `day`: itself, or the successor it merged
    into. Monitoring's figures per year and the referral register's figures both count this way, so their
    rows can be read against each other. `municipalities` must hold every successor (all of them, usually)."""
    by_id = {m.pk: m for m in municipalities}
    mapping = {}
    for municipality in by_id.values():
        current = municipality
        seen = set()
        while not existed_on(current, day) and current.succeeded_by_id and current.pk not in seen:
            seen.add(current.pk)
            current = by_id[current.succeeded_by_id]
        if existed_on(current, day):
            mapping[municipality.pk] = current.pk
    return mapping


# Who is on a district platform: the CRM's memberships and affiliations decide (meetings and notifications ask).
def platform_contacts(district_id: int):
    """Contacts working now at an organisation that is a member of the platform now."""
    organisations = Membership.objects.current().filter(district_id=district_id, organisation__is_active=True)
    working = Affiliation.objects.current().filter(organisation_id__in=organisations.values("organisation_id"))
    return Contact.objects.filter(pk__in=working.values("contact_id"), anonymised_at__isnull=True)


def platform_users(district_id: int):
    """Portal users who are members of the platform now (Partners and AOVs) or the secretariat."""
    User = get_user_model()  # noqa: N806 - the model class, named as Django names it
    members = User.objects.filter(
        is_active=True,
        contact__in=platform_contacts(district_id),
        groups__name__in=[GROUP_NAMES[Role.PARTNER], GROUP_NAMES[Role.AOV]],
    )
    secretariat = User.objects.filter(is_active=True, groups__name=GROUP_NAMES[Role.SECRETARIAT])
    return (members | secretariat).distinct()
