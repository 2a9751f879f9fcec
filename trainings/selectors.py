"""Reads of module 3: the session lists and places left, and the figures monitoring shows for module 3.

Each list is a fixed number of queries whatever the number of sessions (counts are annotations)."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone

from stakeholders.models import Municipality

from .models import ELearningEnrolment, Registration, TrainingSession
from .models.elearning import MAX_PER_MUNICIPALITY
from .permissions import (
    colleagues_registrable_by,
    elearning_municipality_ids_for,
    enrolments_visible_to,
    registrations_visible_to,
    sessions_visible_to,
)

Status = Registration.Status


def _with_counts(sessions: QuerySet) -> QuerySet:
    return sessions.annotate(
        confirmed_count=Count("registrations", filter=Q(registrations__status=Status.CONFIRMED)),
        waiting_count=Count("registrations", filter=Q(registrations__status=Status.WAITING)),
    )


def sessions_for(user, *, past: bool = False) -> QuerySet:
    """Upcoming (or past, latest first) sessions the user may see, with their counts and whether the user has
    a place or waits."""
    now = timezone.now()
    sessions = _with_counts(sessions_visible_to(user))
    sessions = (
        sessions.filter(starts_at__lt=now).order_by("-starts_at") if past else sessions.filter(starts_at__gte=now)
    )
    mine = Registration.objects.filter(session=OuterRef("pk"), user_id=user.pk)
    return sessions.annotate(
        i_am_confirmed=Exists(mine.filter(status=Status.CONFIRMED)),
        i_am_waiting=Exists(mine.filter(status=Status.WAITING)),
    )


def session_with_counts(user, pk: int) -> TrainingSession | None:
    return _with_counts(sessions_visible_to(user)).filter(pk=pk).first()


def own_registration(user, session) -> Registration | None:
    return (
        registrations_visible_to(user)
        .filter(session=session, user_id=user.pk)
        .exclude(status=Status.CANCELLED)
        .select_related("organisation")
        .first()
    )


def waiting_position(registration: Registration) -> int:
    """1 for the first in line."""
    ahead = registration.session.registrations.filter(status=Status.WAITING).filter(
        Q(created_at__lt=registration.created_at) | Q(created_at=registration.created_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1


def own_registrations(user) -> QuerySet:
    return (
        registrations_visible_to(user)
        .filter(user_id=user.pk, session__starts_at__gte=timezone.now())
        .exclude(status=Status.CANCELLED)
        .select_related("session", "organisation")
        .order_by("session__starts_at")
    )


def colleagues_to_offer(user, session) -> QuerySet:
    """The colleagues an AOV may register who are not on this session's list yet (a choice that can only fail
    is not offered)."""
    registered = session.registrations.exclude(status=Status.CANCELLED).values("user_id")
    return colleagues_registrable_by(user).exclude(pk__in=registered)


def registrations_made_for_colleagues(user, session) -> QuerySet:
    """What an AOV registered for colleagues on this session (not cancelled), to see and to cancel."""
    return (
        registrations_visible_to(user)
        .filter(session=session, registered_by_id=user.pk)
        .exclude(user_id=user.pk)
        .exclude(status=Status.CANCELLED)
        .select_related("user", "organisation")
        .order_by("created_at", "pk")
    )


def participants(user, session) -> QuerySet:
    """Everyone registered (places, waiting list, cancellations) for the secretariat; the view checks the role."""
    return (
        registrations_visible_to(user)
        .filter(session=session)
        .select_related("user", "user__contact", "organisation")
        .order_by("created_at", "pk")
    )


def organisation_counts(session) -> dict[int, int]:
    """Per organisation, how many people hold a place or wait (what the cap counts)."""
    rows = (
        session.registrations.exclude(status=Status.CANCELLED)
        .values("organisation_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["organisation_id"]: row["n"] for row in rows}


# --- E-learning -------------------------------------------------------------------------------------------------


@dataclass
class MunicipalityEnrolments:
    municipality: Municipality
    enrolled: int
    completed: int
    certificates: int

    @property
    def places_left(self) -> int:
        return max(0, MAX_PER_MUNICIPALITY - self.enrolled)


def elearning_overview(user) -> list[MunicipalityEnrolments]:
    """Per municipality the user may keep: enrolled, completed, certificates (of the maximum)."""
    counts = {
        row["municipality_id"]: row
        for row in enrolments_visible_to(user)
        .values("municipality_id")
        .annotate(
            n=Count("pk"),
            done=Count("pk", filter=Q(completed_on__isnull=False)),
            certs=Count("pk", filter=Q(certificate_on__isnull=False)),
        )
        .order_by()
    }
    municipalities = Municipality.objects.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=timezone.localdate()))
    allowed = elearning_municipality_ids_for(user)
    if allowed is not None:
        municipalities = municipalities.filter(pk__in=allowed)
    result = []
    for municipality in municipalities.select_related("district").order_by("district__name", "name"):
        row = counts.get(municipality.pk, {})
        result.append(MunicipalityEnrolments(municipality, row.get("n", 0), row.get("done", 0), row.get("certs", 0)))
    return result


def enrolments_of(user, municipality) -> QuerySet:
    return enrolments_visible_to(user).filter(municipality=municipality).order_by("name", "pk")


# --- Module 3 figures for monitoring ----------------------------------------------------------------------------


@dataclass
class Module3:
    elearning_participants: int = 0
    certificates: int = 0
    certificates_to_date: int = 0
    training_attendance: int = 0


def first_record_year() -> int | None:
    """The first year the portal holds module 3 records: from then on the figures come from them, before it
    from the hand-entered figures."""
    years = [
        TrainingSession.objects.order_by("starts_at").values_list("starts_at", flat=True).first(),
        ELearningEnrolment.objects.order_by("enrolled_on").values_list("enrolled_on", flat=True).first(),
    ]
    years = [timezone.localtime(y).year if hasattr(y, "hour") else y.year for y in years if y]
    return min(years) if years else None


def module3_counts(*, year: int) -> dict[int, Module3]:
    """Municipality id (as recorded, the caller maps mergers) -> the year's module 3 figures from the records.

    Training attendance counts people ticked present, for the municipality of the organisation they came for
    (a police officer's attendance belongs to no municipality)."""
    result: dict[int, Module3] = defaultdict(Module3)
    for row in (
        ELearningEnrolment.objects.filter(Q(enrolled_on__year__lte=year) | Q(certificate_on__year__lte=year))
        .values("municipality_id")
        .annotate(
            enrolled=Count("pk", filter=Q(enrolled_on__year=year)),
            issued=Count("pk", filter=Q(certificate_on__year=year)),
            to_date=Count("pk", filter=Q(certificate_on__year__lte=year)),
        )
        .order_by()
    ):
        figures = result[row["municipality_id"]]
        figures.elearning_participants += row["enrolled"]
        figures.certificates += row["issued"]
        figures.certificates_to_date += row["to_date"]
    attended = (
        Registration.objects.filter(attended=True, organisation__municipality__isnull=False)
        .annotate(year=ExtractYear("session__starts_at"))
        .filter(year=year)
        .values("organisation__municipality_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in attended:
        result[row["organisation__municipality_id"]].training_attendance += row["n"]
    return dict(result)
