"""Demo data for module 3: a session in Amsterdam whose demo partner's organisation has one of its two places
taken (the next colleague would be refused), a second session, and e-learning enrolments with Haarlem (the
demo AOV's municipality) near its maximum. Idempotent: nothing is added when sessions exist."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import role_assign_by_system
from core.roles import Role
from stakeholders.models import Affiliation, Contact, Municipality

from .models import ELearningEnrolment, Registration, TrainingSession

DEMO_PARTNER = "partner@demo.veiligbuitengebied.nl"
DEMO_AOV_MUNICIPALITY = "GM0392"  # Haarlem, as the demo AOV (stakeholders.demo)
PROGRAMME = (
    "13.00 Ontvangst\n13.15 Presentatie: drugs in het buitengebied, signalen herkennen\n"
    "14.00 VR-experience: een drugslab binnenlopen\n14.45 Drugsopstelling: wat zie en ruik je?\n"
    "15.30 Afsluiting: veilig handelen en melden"
)


def _at(days: int, hour: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _participant(contact: Contact) -> User:
    """A demo colleague who can be registered (no password: this person never logs in)."""
    user = User.objects.filter(contact=contact).first()
    if user is None:
        user = User(email=f"deelnemer{contact.pk}@demo.veiligbuitengebied.nl", first_name=contact.first_name,
                    last_name=contact.last_name, contact=contact)  # fmt: skip
        user.set_unusable_password()
        user.save()
        role_assign_by_system(user=user, role=Role.PARTNER, reason="demo data")
    return user


@transaction.atomic
def trainings_demo_load(*, seed: int = 2021) -> dict[str, int]:
    if TrainingSession.objects.exists():
        return {}
    rng = random.Random(seed)
    amsterdam = TrainingSession.objects.create(
        title="Voorlichting professionals, Amsterdam",
        starts_at=_at(20, 13),
        ends_at=_at(20, 15) + datetime.timedelta(minutes=30),
        place="Amsterdam, trainingslocatie politie (VR-experience en drugsopstelling)",
        capacity=12,
        max_per_organisation=2,
        programme=PROGRAMME,
    )
    later = TrainingSession.objects.create(
        title="Voorlichting professionals, Amsterdam (voorjaar)",
        starts_at=_at(55, 9),
        ends_at=_at(55, 11) + datetime.timedelta(minutes=30),
        place="Amsterdam, trainingslocatie politie",
        capacity=16,
        max_per_organisation=2,
        programme=PROGRAMME,
    )
    registrations = 0
    partner = User.objects.filter(email=DEMO_PARTNER).select_related("contact").first()
    taken: set[int] = set()
    if partner and partner.contact_id:
        own = Affiliation.objects.current().filter(contact_id=partner.contact_id).first()
        colleague = (
            Affiliation.objects.current()
            .filter(organisation_id=own.organisation_id)
            .exclude(contact_id=partner.contact_id)
            .select_related("contact")
            .first()
            if own
            else None
        )
        if colleague is not None:
            Registration.objects.create(
                session=amsterdam, user=_participant(colleague.contact), organisation_id=own.organisation_id,
                status=Registration.Status.CONFIRMED,
            )  # fmt: skip
            registrations += 1
            taken.add(own.organisation_id)
    others = list(
        Affiliation.objects.current()
        .filter(organisation__is_active=True, contact__user__isnull=True)
        .exclude(organisation_id__in=taken)
        .select_related("contact")
        .order_by("pk")[:200]
    )
    rng.shuffle(others)
    per_org: dict[int, int] = {}
    for session, wanted in ((amsterdam, 9), (later, 5)):
        count = 0
        for affiliation in others:
            if count >= wanted:
                break
            key = (session.pk, affiliation.organisation_id)
            if per_org.get(key, 0) >= session.max_per_organisation:
                continue
            user = _participant(affiliation.contact)
            if Registration.objects.filter(session=session, user=user).exists():
                continue
            Registration.objects.create(
                session=session, user=user, organisation_id=affiliation.organisation_id,
                status=Registration.Status.CONFIRMED,
            )  # fmt: skip
            per_org[key] = per_org.get(key, 0) + 1
            count += 1
            registrations += 1

    enrolments = []
    today = timezone.localdate()
    start = max(today - datetime.timedelta(days=40), datetime.date(today.year, 1, 1))
    current = Municipality.objects.filter(valid_until__isnull=True).order_by("cbs_code")
    for municipality, count in [
        (m, 8 if m.cbs_code == DEMO_AOV_MUNICIPALITY else rng.choice([0, 0, 2, 3, 5])) for m in current
    ]:
        for n in range(count):
            done = n < count // 2
            enrolled = start + datetime.timedelta(days=rng.randint(0, max(0, (today - start).days)))
            enrolments.append(
                ELearningEnrolment(
                    municipality=municipality,
                    name=f"Deelnemer {n + 1} {municipality.name}",
                    email=f"drugsview{n + 1}@{municipality.cbs_code.lower()}.demo.veiligbuitengebied.nl",
                    job_title=rng.choice(["Boa", "Toezichthouder", "AOV", "Handhaver", "Beleidsmedewerker"]),
                    enrolled_on=enrolled,
                    completed_on=enrolled if done else None,
                    certificate_on=enrolled if done else None,
                )
            )
    ELearningEnrolment.objects.bulk_create(enrolments)
    return {"sessies": 2, "aanmeldingen": registrations, "e-learningdeelnemers": len(enrolments)}
