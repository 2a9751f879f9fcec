"""Reads of module 2: the public list, the organisers' lists, the speakers one may choose from the CRM, and
module 2's figures for monitoring. Counts are annotations, so a list is a fixed number of queries."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from stakeholders.models import Affiliation, Contact, Membership
from stakeholders.permissions import contacts_visible_to, organisations_visible_to

from .models import Evening, Speaker
from .permissions import evenings_organised_by, public_evenings

POLICE_TYPE = "politie"
ATTENDANCE_LOOKBACK = datetime.timedelta(days=365)


def with_counts(evenings: QuerySet) -> QuerySet:
    """people_taken: the people of the registrations still held (what the places count); people_total: also
    those whose registrations were deleted after the evening."""
    return evenings.annotate(
        people_taken=Coalesce(Sum("registrations__people"), 0),
        registration_count=Count("registrations"),
    )


def public_upcoming() -> QuerySet:
    today = timezone.localdate()
    return (
        with_counts(public_evenings().filter(date__gte=today))
        .select_related("municipality")
        .order_by("date", "starts_at", "pk")
    )


def public_evening(slug: str) -> Evening | None:
    return with_counts(public_evenings().filter(slug=slug)).select_related("municipality").first()


def organised_upcoming(user) -> QuerySet:
    return (
        with_counts(evenings_organised_by(user).filter(date__gte=timezone.localdate()))
        .select_related("municipality")
        .order_by("date", "starts_at", "pk")
    )


def organised_past(user) -> QuerySet:
    return (
        with_counts(evenings_organised_by(user).filter(date__lt=timezone.localdate()))
        .select_related("municipality")
        .order_by("-date", "-starts_at", "-pk")
    )


def attendance_to_enter(user) -> QuerySet:
    """Past evenings (today's once begun is left for tomorrow) whose attendance is still empty."""
    return (
        evenings_organised_by(user)
        .filter(date__lt=timezone.localdate(), attendance__isnull=True)
        .select_related("municipality")
        .order_by("-date", "pk")
    )


def start_page_evenings(user) -> tuple[list[Evening], list[Evening]]:
    """(to prepare, attendance to enter) for the start page, in one query: upcoming evenings, and those of the
    past year whose attendance is still empty."""
    today = timezone.localdate()
    rows = list(
        with_counts(
            evenings_organised_by(user).filter(
                Q(date__gte=today) | Q(date__lt=today, date__gte=today - ATTENDANCE_LOOKBACK, attendance__isnull=True)
            )
        )
        .select_related("municipality")
        .order_by("date", "starts_at", "pk")
    )
    upcoming = [e for e in rows if e.date >= today]
    to_enter = sorted((e for e in rows if e.date < today), key=lambda e: (e.date, e.pk), reverse=True)
    return upcoming, to_enter


def organised_evening(user, pk: int) -> Evening | None:
    return with_counts(evenings_organised_by(user).filter(pk=pk)).select_related("municipality").first()


def speakers_of(evening: Evening) -> list[Speaker]:
    return list(evening.speakers.select_related("contact"))


def speaker_candidates(user, municipality) -> QuerySet:
    """Contacts the organiser may see in the CRM who work now for the municipality itself, for an organisation
    working in it, or for the police on its district's platform (the wijkagent)."""
    today = timezone.localdate()
    police_on_platform = Membership.objects.current(today).filter(
        district_id=municipality.district_id, organisation__partner_type__code=POLICE_TYPE
    )
    working = Affiliation.objects.current(today).filter(
        Q(organisation__municipality=municipality)
        | Q(organisation__municipalities=municipality)
        | Q(organisation_id__in=police_on_platform.values("organisation_id")),
        organisation__is_active=True,
    )
    return (
        contacts_visible_to(user)
        .filter(anonymised_at__isnull=True)
        .filter(Exists(working.filter(contact_id=OuterRef("pk"))))
        .order_by("last_name", "first_name", "pk")
    )


def contact_labels(user, contacts) -> dict[int, str]:
    """'Name, function (organisation)' per contact, for the speaker choice (one query for the organisations). Only
    an organisation the organiser may see in the directory names a contact: another workplace of the same
    person is not theirs to learn."""
    contacts = list(contacts)
    organisations: dict[int, str] = {}
    for contact_id, name in (
        Affiliation.objects.current()
        .filter(
            contact_id__in=[c.pk for c in contacts],
            organisation__is_active=True,
            organisation__in=organisations_visible_to(user),
        )
        .order_by("organisation__name")
        .values_list("contact_id", "organisation__name")
    ):
        organisations.setdefault(contact_id, name)
    labels = {}
    for contact in contacts:
        parts = [str(contact)]
        if contact.function:
            parts.append(contact.function)
        label = ", ".join(parts)
        if contact.pk in organisations:
            label += f" ({organisations[contact.pk]})"
        labels[contact.pk] = label
    return labels


def contact_ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def contact_by_id(pk: int):
    return Contact.objects.filter(pk=pk).first()


# --- Module 2 figures for monitoring ----------------------------------------------------------------------------


@dataclass
class Module2:
    evenings: int = 0
    attendance: int = 0
    materials_handed_out: int = 0


def first_record_year() -> int | None:
    """The first year the portal holds an evening that counts (published, or held with attendance entered, as in
    module2_counts): from then on module 2's figures come from the records, before it from the figures entered
    by hand. A draft never held moves nothing."""
    first = (
        Evening.objects.filter(Q(published=True) | Q(attendance__isnull=False))
        .order_by("date")
        .values_list("date", flat=True)
        .first()
    )
    return first.year if first else None


def module2_counts(*, year: int, today=None) -> dict[int, Module2]:
    """Municipality id (as recorded; the caller maps mergers) -> evenings held in the year (their day has
    come), the attendance entered and the materials handed out."""
    today = today or timezone.localdate()
    result: dict[int, Module2] = defaultdict(Module2)
    for row in (
        Evening.objects.filter(date__year=year, date__lte=today)
        .filter(Q(published=True) | Q(attendance__isnull=False))  # a draft never held is no evening
        .values("municipality_id")
        .annotate(
            n=Count("pk"),
            people=Coalesce(Sum("attendance"), 0),
            materials=Coalesce(Sum("materials_handed_out"), 0),
        )
        .order_by()
    ):
        figures = result[row["municipality_id"]]
        figures.evenings += row["n"]
        figures.attendance += row["people"]
        figures.materials_handed_out += row["materials"]
    return dict(result)
