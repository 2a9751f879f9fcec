"""Writes of module 3, each in one transaction that locks what it counts: two people registering for the last
place, or two AOVs enrolling their municipality's tenth participant at the same moment, are taken one after
the other, so a cap is never passed. Messages are plain Dutch; a refused write stores nothing."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from notifications.services import notify
from stakeholders.models import Municipality

from .models import ELearningEnrolment, Registration, TrainingSession
from .models.elearning import MAX_PER_MUNICIPALITY
from .permissions import (
    colleagues_registrable_by,
    registration_organisations_for,
    registration_organisations_of_colleague,
    user_can_cancel_registration,
    user_can_enrol_for,
    user_can_manage_sessions,
    user_can_register,
)

Status = Registration.Status
REMINDER_DAYS_AHEAD = 2


def _when(session) -> str:
    return date_format(timezone.localtime(session.starts_at), "l j F Y H:i")


# --- Sessions ---------------------------------------------------------------------------------------------------


def session_validate(*, starts_at, ends_at, capacity, max_per_organisation, session=None, **_fields) -> None:
    errors = {}
    if starts_at and ends_at and ends_at <= starts_at:
        errors["ends_at"] = _("De sessie moet eindigen na het begin.")
    if session is None and starts_at and starts_at <= timezone.now():
        errors["starts_at"] = _("Kies een moment in de toekomst voor een nieuwe sessie.")
    if capacity is None or capacity < 1:
        errors["capacity"] = _("Een sessie heeft minstens 1 plaats.")
    if max_per_organisation is None or max_per_organisation < 1:
        errors["max_per_organisation"] = _("Vul 1 of meer in.")
    elif capacity and max_per_organisation > capacity:
        errors["max_per_organisation"] = _("Dit kan niet meer zijn dan het aantal plaatsen (%(n)s).") % {"n": capacity}
    if session is not None and capacity:
        confirmed = session.registrations.filter(status=Status.CONFIRMED).count()
        if capacity < confirmed:
            errors["capacity"] = _(
                "Er zijn al %(n)s mensen aangemeld. Meld eerst iemand af of kies minstens %(n)s plaatsen."
            ) % {"n": confirmed}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def session_save(*, user, session: TrainingSession | None = None, title: str, starts_at, ends_at, place: str,
                 capacity: int, max_per_organisation: int, programme: str = "") -> TrainingSession:  # fmt: skip
    if not user_can_manage_sessions(user):
        raise PermissionDenied
    if session is not None:
        session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    session_validate(
        starts_at=starts_at, ends_at=ends_at, capacity=capacity, max_per_organisation=max_per_organisation,
        session=session,
    )  # fmt: skip
    created = session is None
    session = session or TrainingSession(created_by=user)
    session.title, session.starts_at, session.ends_at, session.place = title, starts_at, ends_at, place
    session.capacity, session.max_per_organisation, session.programme = capacity, max_per_organisation, programme
    session.save()
    if not created:
        _move_up(session)  # more places: the waiting list moves up at once
    return session


# --- Registrations ----------------------------------------------------------------------------------------------


def _locked(session: TrainingSession) -> TrainingSession:
    """The session row, locked until commit: every count below is made by one request at a time."""
    return TrainingSession.objects.select_for_update().get(pk=session.pk)


@transaction.atomic
def registration_create(*, user, session: TrainingSession, organisation, participant=None) -> Registration:
    """A place when there is one, else the waiting list; refused past the organisation's cap. `participant` is a
    colleague an AOV registers (design section 3); they are told in the portal and by mail."""
    if not user_can_register(user):
        raise PermissionDenied
    participant = participant or user
    for_colleague = participant.pk != user.pk
    if for_colleague:
        if not colleagues_registrable_by(user).filter(pk=participant.pk).exists():
            raise ValidationError(
                _(
                    "U kunt alleen collega's aanmelden die nu bij uw gemeente werken en een account in het portaal "
                    "hebben."
                )
            )
        allowed = registration_organisations_of_colleague(user, participant)
    else:
        allowed = registration_organisations_for(user)
    if not allowed.filter(pk=organisation.pk).exists():
        if for_colleague:
            raise ValidationError(_("Deze collega werkt nu niet bij die organisatie van uw gemeente."))
        raise ValidationError(_("U kunt zich alleen aanmelden namens een organisatie waar u nu werkt."))
    session = _locked(session)
    if session.starts_at <= timezone.now():
        raise ValidationError(_("Deze sessie is al begonnen of geweest; aanmelden kan niet meer."))
    active = session.registrations.exclude(status=Status.CANCELLED)
    if active.filter(user=participant).exists():
        if for_colleague:
            raise ValidationError(
                _("%(name)s is al aangemeld voor deze sessie.") % {"name": participant.get_full_name() or participant}
            )
        raise ValidationError(_("U bent al aangemeld voor deze sessie."))
    same_organisation = active.filter(organisation=organisation).count()
    if same_organisation >= session.max_per_organisation:
        raise ValidationError(
            ngettext(
                "Van %(organisation)s is al %(n)s persoon aangemeld voor deze sessie; meer kan niet, zodat de "
                "groep gemengd blijft. Kies een andere sessie.",
                "Van %(organisation)s zijn al %(n)s mensen aangemeld voor deze sessie; meer kan niet, zodat de "
                "groep gemengd blijft. Kies een andere sessie.",
                same_organisation,
            )
            % {"organisation": organisation.name, "n": same_organisation}
        )
    confirmed = active.filter(status=Status.CONFIRMED).count()
    status = Status.CONFIRMED if confirmed < session.capacity else Status.WAITING
    registration = Registration.objects.create(
        session=session,
        user=participant,
        organisation=organisation,
        status=status,
        registered_by=user if for_colleague else None,
    )
    if for_colleague:
        notify(
            recipients=[participant],
            kind="trainings.registered_by_colleague",
            subject=session,
            title=_("%(name)s heeft u aangemeld voor %(title)s op %(when)s")
            % {"name": user.get_full_name() or user, "title": session.title, "when": _when(session)},
            body=(
                _("U hebt een plaats. Kunt u niet, meld u dan af op de pagina van de sessie.")
                if status == Status.CONFIRMED
                else _("De sessie is vol: u staat op de wachtlijst en krijgt bericht zodra er een plaats vrijkomt.")
            ),
            url=reverse("trainings:session", args=[session.pk]),
        )
    return registration


def _move_up(session: TrainingSession) -> list[Registration]:
    """Fill free places from the waiting list, first come first served, and tell each person (the caller holds
    the session's lock)."""
    confirmed = session.registrations.filter(status=Status.CONFIRMED).count()
    free = session.capacity - confirmed
    if free <= 0 or session.starts_at <= timezone.now():
        return []
    moved = list(session.registrations.filter(status=Status.WAITING).order_by("created_at", "pk")[:free])
    now = timezone.now()
    for registration in moved:
        registration.status, registration.moved_up_at = Status.CONFIRMED, now
        registration.save(update_fields=["status", "moved_up_at"])
    if moved:
        notify(
            recipients=[registration.user for registration in moved],
            kind="trainings.moved_up",
            subject=session,
            title=_("U hebt een plaats: %(title)s op %(when)s") % {"title": session.title, "when": _when(session)},
            body=_("Er kwam een plaats vrij. U staat niet meer op de wachtlijst maar bent aangemeld."),
            url=reverse("trainings:session", args=[session.pk]),
        )
    return moved


@transaction.atomic
def registration_cancel(*, user, registration: Registration) -> list[Registration]:
    """Cancel, and give the freed place to the first person waiting. Returns who moved up."""
    if not user_can_cancel_registration(user, registration):
        raise PermissionDenied
    session = _locked(registration.session)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Status.CANCELLED:
        raise ValidationError(_("Deze aanmelding was al afgemeld."))
    if session.starts_at <= timezone.now():
        raise ValidationError(_("Deze sessie is al begonnen of geweest; afmelden kan niet meer."))
    registration.status, registration.cancelled_at = Status.CANCELLED, timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    return _move_up(session)


@transaction.atomic
def attendance_save(*, user, session: TrainingSession, present_ids: set[int]) -> int:
    """Tick who came, after the session began: every confirmed registration is marked present or absent."""
    if not user_can_manage_sessions(user):
        raise PermissionDenied
    session = _locked(session)
    if session.starts_at > timezone.now():
        raise ValidationError(_("De presentie kunt u bijhouden zodra de sessie begonnen is."))
    confirmed = session.registrations.filter(status=Status.CONFIRMED)
    unknown = set(present_ids) - set(confirmed.values_list("pk", flat=True))
    if unknown:
        raise ValidationError(_("Alleen wie aangemeld was, kan als aanwezig worden aangevinkt."))
    confirmed.filter(pk__in=present_ids).update(attended=True)
    confirmed.exclude(pk__in=present_ids).update(attended=False)
    return len(present_ids)


@transaction.atomic
def reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Remind everyone with a place of a session the day after tomorrow. `reminded_at` makes it once: the rows
    are locked, so a second run at the same time waits and then finds them done."""
    now = now or timezone.now()
    day = timezone.localtime(now).date() + datetime.timedelta(days=REMINDER_DAYS_AHEAD)
    due = (
        Registration.objects.select_for_update()
        .filter(status=Status.CONFIRMED, reminded_at__isnull=True, session__starts_at__date=day)
        .select_related("session", "user")
    )
    by_session: dict[int, list[Registration]] = {}
    for registration in due:
        by_session.setdefault(registration.session_id, []).append(registration)
    count = 0
    for registrations in by_session.values():
        session = registrations[0].session
        sent = notify(
            recipients=[r.user for r in registrations],
            kind="trainings.reminder",
            subject=session,
            title=_("Herinnering: %(title)s op %(when)s in %(place)s")
            % {"title": session.title, "when": _when(session), "place": session.place},
            url=reverse("trainings:session", args=[session.pk]),
        )
        count += len(sent)
        Registration.objects.filter(pk__in=[r.pk for r in registrations]).update(reminded_at=now)
    return count


# --- E-learning -------------------------------------------------------------------------------------------------


def _cap_message(municipality) -> str:
    return _("Gemeente %(name)s heeft al %(max)s deelnemers voor de e-learning Drugsview; meer kan niet.") % {
        "name": municipality.name,
        "max": MAX_PER_MUNICIPALITY,
    }


@transaction.atomic
def enrolment_create(*, user, municipality, name: str, email: str, job_title: str = "") -> ELearningEnrolment:
    if not user_can_enrol_for(user, municipality):
        raise PermissionDenied
    # The municipality's row is the lock: a second request for the same municipality waits here until this one
    # has committed, and then counts this enrolment too.
    municipality = Municipality.objects.select_for_update().get(pk=municipality.pk)
    if municipality.valid_until and municipality.valid_until < timezone.localdate():
        raise ValidationError(
            _("%(name)s bestaat niet meer; schrijf in bij de nieuwe gemeente.") % {"name": municipality.name}
        )
    enrolled = ELearningEnrolment.objects.filter(municipality=municipality)
    if enrolled.filter(email__iexact=email).exists():
        raise ValidationError(
            {"email": _("Iemand met dit e-mailadres is al ingeschreven voor %(name)s.") % {"name": municipality.name}}
        )
    if enrolled.count() >= MAX_PER_MUNICIPALITY:
        raise ValidationError(_cap_message(municipality))
    return ELearningEnrolment.objects.create(
        municipality=municipality,
        name=name,
        email=email.lower(),
        job_title=job_title,
        enrolled_on=timezone.localdate(),
        enrolled_by=user,
    )


def enrolment_validate(*, enrolment, completed_on, certificate_on) -> None:
    today = timezone.localdate()
    errors = {}
    for field, day in (("completed_on", completed_on), ("certificate_on", certificate_on)):
        if day and day > today:
            errors[field] = _("Deze datum ligt in de toekomst.")
        elif day and day < enrolment.enrolled_on:
            errors[field] = _("Deze datum ligt voor de inschrijving (%(day)s).") % {
                "day": date_format(enrolment.enrolled_on, "j F Y")
            }
    if certificate_on and not completed_on and "certificate_on" not in errors:
        errors["completed_on"] = _("Vul ook in wanneer de e-learning is afgerond.")
    elif certificate_on and completed_on and certificate_on < completed_on and "certificate_on" not in errors:
        errors["certificate_on"] = _("Het certificaat komt na het afronden van de e-learning.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def enrolment_complete(*, user, enrolment: ELearningEnrolment, completed_on, certificate_on,
                       certificate_file=None) -> ELearningEnrolment:  # fmt: skip
    """Record completion and the certificate (its date; optionally the PDF, already checked by its bytes)."""
    if not user_can_enrol_for(user, enrolment.municipality):
        raise PermissionDenied
    enrolment = ELearningEnrolment.objects.select_for_update().get(pk=enrolment.pk)
    enrolment_validate(enrolment=enrolment, completed_on=completed_on, certificate_on=certificate_on)
    if certificate_file and not certificate_on:
        raise ValidationError({"certificate_on": _("Vul de datum van het certificaat in.")})
    enrolment.completed_on, enrolment.certificate_on = completed_on, certificate_on
    if certificate_file:
        replaced = enrolment.certificate_file.name if enrolment.certificate_file else ""
        storage = enrolment.certificate_file.storage
        enrolment.certificate_file = certificate_file
        if replaced:
            # A replaced certificate names a person: removed once the new one is stored, never before.
            transaction.on_commit(lambda: storage.delete(replaced))
    enrolment.save()
    return enrolment


@transaction.atomic
def enrolment_delete(*, user, enrolment: ELearningEnrolment) -> None:
    """A mistaken enrolment; one with a certificate stays (the programme paid for it)."""
    if not user_can_enrol_for(user, enrolment.municipality):
        raise PermissionDenied
    if enrolment.certificate_on:
        raise ValidationError(_("Een deelnemer met een certificaat blijft staan: het programma heeft ervoor betaald."))
    if enrolment.certificate_file:
        enrolment.certificate_file.delete(save=False)
    enrolment.delete()
