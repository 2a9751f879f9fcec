"""The registration bench (`make bench`, scenario training_register): a session of its own, so the demo's
sessions and their waiting lists are never touched by the timed registrations."""

import datetime

from django.utils import timezone

from .models import Registration, TrainingSession
from .permissions import registration_organisations_for

BENCH_TITLE = "Benchmark: voorlichting professionals"


def bench_session() -> TrainingSession:
    session = TrainingSession.objects.filter(title=BENCH_TITLE, starts_at__gt=timezone.now()).first()
    if session is None:
        starts = timezone.now() + datetime.timedelta(days=30)
        session = TrainingSession.objects.create(
            title=BENCH_TITLE, starts_at=starts, ends_at=starts + datetime.timedelta(hours=2, minutes=30),
            place="Amsterdam", capacity=20, max_per_organisation=2,
        )  # fmt: skip
    return session


def organisation_for(user) -> int:
    return registration_organisations_for(user).values_list("pk", flat=True).first()


def registration_undo(*, session: TrainingSession, user) -> None:
    """Back to the start for the next timed round (one query)."""
    Registration.objects.filter(session=session, user=user).delete()
