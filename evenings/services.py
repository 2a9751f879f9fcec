"""Writes of module 2. A registration counts the places under a lock on the evening's row, so two residents
registering for the last places at the same moment are taken one after the other and a full evening is never
passed. Messages are plain Dutch; a refused write stores nothing."""

import datetime
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.utils import absolute_url
from knowledgebase.services import contribution_create
from stakeholders.models import Module, Theme

from .models import MAX_PEOPLE_PER_REGISTRATION, Evening, Registration, Speaker
from .permissions import user_can_manage_evening, user_can_organise_for
from .selectors import speaker_candidates

logger = logging.getLogger(__name__)

# The reminder job runs in the morning and the afternoon of the day before (tasks.py); someone who registers
# after the last run gets no reminder, so their address is not kept.
REMINDER_LAST_RUN = datetime.time(15, 10)
LESSON_THEMES = ("signalen", "melden")
PROGRAMME_MODULE = 2


def evening_start(evening: Evening) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(evening.date, evening.starts_at))


def registration_open(evening: Evening, *, now: datetime.datetime | None = None) -> bool:
    return evening.published and evening_start(evening) > (now or timezone.now())


def reminder_possible(evening: Evening, *, now: datetime.datetime | None = None) -> bool:
    """Whether a reminder job still runs before the evening's day for a registration made now."""
    local = timezone.localtime(now or timezone.now())
    day_before = evening.date - datetime.timedelta(days=1)
    return local.date() < day_before or (local.date() == day_before and local.time() < REMINDER_LAST_RUN)


def people_registered(evening: Evening) -> int:
    """Everyone registered, also after the registrations themselves were deleted."""
    live = evening.registrations.aggregate(n=Sum("people"))["n"] or 0
    return evening.people_registered_kept + live


def _when(evening: Evening) -> str:
    return f"{date_format(evening.date, 'l j F Y')}, {evening.starts_at:%H:%M}"


# --- Evenings ---------------------------------------------------------------------------------------------------


MAX_CAPACITY = 5000  # a village hall, not a stadium; also keeps the number inside the column
MAX_COUNT = 100_000


def evening_validate(*, date, starts_at, capacity, evening: Evening | None = None, **_fields) -> None:
    errors = {}
    today = timezone.localdate()
    if date and evening is None and date < today:
        errors["date"] = _("Kies een datum vandaag of later voor een nieuwe avond.")
    elif date and evening is not None and date < today and date != evening.date and evening.date >= today:
        # Moving a coming evening into the past would rewrite module 2's figures of a year gone by.
        errors["date"] = _("Een avond die nog komt, kunt u niet naar een datum in het verleden verplaatsen.")
    if capacity is not None and capacity < 1:
        errors["capacity"] = _("Vul 1 of meer plaatsen in, of laat het veld leeg als er geen maximum is.")
    elif capacity is not None and capacity > MAX_CAPACITY:
        errors["capacity"] = _("Vul hoogstens %(max)s plaatsen in, of laat het veld leeg als er geen maximum is.") % {
            "max": MAX_CAPACITY
        }
    if evening is not None and capacity:
        taken = evening.registrations.aggregate(n=Sum("people"))["n"] or 0
        if capacity < taken:
            errors["capacity"] = _(
                "Er zijn al %(n)s mensen aangemeld. Kies minstens %(n)s plaatsen of laat het veld leeg."
            ) % {"n": taken}
    if errors:
        raise ValidationError(errors)


def _unique_slug(municipality, date) -> str:
    base = f"{slugify(municipality.name)}-{date:%Y-%m-%d}"
    slug, n = base, 2
    while Evening.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def evening_save(*, user, evening: Evening | None = None, municipality, title: str, date, starts_at, place: str,
                 address: str, capacity: int | None = None, programme: str = "",
                 published: bool = False) -> Evening:  # fmt: skip
    if not user_can_organise_for(user, municipality):
        raise PermissionDenied
    if evening is not None:
        evening = Evening.objects.select_for_update().get(pk=evening.pk)
        if not user_can_manage_evening(user, evening):
            raise PermissionDenied
    evening_validate(date=date, starts_at=starts_at, capacity=capacity, evening=evening)
    was_published = evening is not None and evening.published
    if evening is None:
        evening = Evening(created_by=user, slug=_unique_slug(municipality, date))
    evening.municipality, evening.title, evening.date, evening.starts_at = municipality, title, date, starts_at
    evening.place, evening.address, evening.capacity = place, address, capacity
    evening.programme, evening.published = programme, published
    evening.save()
    if was_published and not published:
        # No reminder goes out for an evening taken off the public page, so its addresses have no purpose left:
        # they go now, not the night after its date.
        evening.addresses_cleared = evening.registrations.exclude(email="").update(email="")
    return evening


# --- Speakers ---------------------------------------------------------------------------------------------------


@transaction.atomic
def speaker_add(*, user, evening: Evening, kind: str, contact=None, name: str = "", description: str = "") -> Speaker:
    """A contact from the CRM (the form offers only those the organiser may choose) or a guest by name."""
    if not user_can_manage_evening(user, evening):
        raise PermissionDenied
    if kind not in Speaker.Kind.values:
        raise ValidationError({"kind": _("Kies een rol uit de lijst.")})
    if contact is None and not name.strip():
        raise ValidationError({"name": _("Vul de naam van de gastspreker in.")})
    if contact is not None and not speaker_candidates(user, evening.municipality).filter(pk=contact.pk).exists():
        # The form offers only these; any other caller is held to the same rule (the name goes on a public page).
        raise ValidationError({"contact": _("Kies een contactpersoon uit de lijst.")})
    position = (evening.speakers.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    return Speaker.objects.create(
        evening=evening, kind=kind, contact=contact, name="" if contact else name.strip(),
        description=description.strip(), position=position,
    )  # fmt: skip


@transaction.atomic
def speaker_remove(*, user, speaker: Speaker) -> None:
    if not user_can_manage_evening(user, speaker.evening):
        raise PermissionDenied
    speaker.delete()


# --- Registrations (public) -------------------------------------------------------------------------------------


def full_message(evening: Evening, free: int) -> str:
    if free <= 0:
        return _("Deze avond is vol. Aanmelden kan niet meer.")
    return ngettext(
        "Er is nog %(n)s plaats vrij. Meld u aan met %(n)s persoon.",
        "Er zijn nog %(n)s plaatsen vrij. Meld u aan met %(n)s personen of minder.",
        free,
    ) % {"n": free}


@transaction.atomic
def registration_create(*, evening: Evening, people: int, email: str = "",
                        now: datetime.datetime | None = None) -> Registration:  # fmt: skip
    """A resident's registration. The evening's row is locked while the places are counted."""
    now = now or timezone.now()
    evening = Evening.objects.select_for_update().get(pk=evening.pk)
    if not registration_open(evening, now=now):
        raise ValidationError(_("Aanmelden voor deze avond kan niet meer."))
    if people is None or not 1 <= people <= MAX_PEOPLE_PER_REGISTRATION:
        raise ValidationError(
            {"people": _("Vul een aantal personen van 1 tot en met %(max)s in.") % {"max": MAX_PEOPLE_PER_REGISTRATION}}
        )
    if evening.capacity is not None:
        taken = evening.registrations.aggregate(n=Sum("people"))["n"] or 0
        free = evening.capacity - taken
        if people > free:
            raise ValidationError(full_message(evening, free))
    keep_email = email.strip().lower() if email and reminder_possible(evening, now=now) else ""
    return Registration.objects.create(evening=evening, people=people, email=keep_email)


# --- After the evening ------------------------------------------------------------------------------------------


@transaction.atomic
def attendance_save(*, user, evening: Evening, attendance: int, materials_handed_out: int | None = None) -> Evening:
    if not user_can_manage_evening(user, evening):
        raise PermissionDenied
    evening = Evening.objects.select_for_update().get(pk=evening.pk)
    errors = {}
    if evening_start(evening) > timezone.now():
        raise ValidationError(_("De opkomst kunt u invullen zodra de avond begonnen is."))
    if attendance is None or not 0 <= attendance <= MAX_COUNT:
        errors["attendance"] = _("Vul een aantal van 0 tot en met %(max)s in.") % {"max": MAX_COUNT}
    if materials_handed_out is not None and not 0 <= materials_handed_out <= MAX_COUNT:
        errors["materials_handed_out"] = _("Vul een aantal van 0 tot en met %(max)s in, of laat het veld leeg.") % {
            "max": MAX_COUNT
        }
    if errors:
        raise ValidationError(errors)
    evening.attendance, evening.materials_handed_out = attendance, materials_handed_out
    evening.attendance_entered_at, evening.attendance_entered_by = timezone.now(), user
    evening.save(update_fields=["attendance", "materials_handed_out", "attendance_entered_at",
                                "attendance_entered_by", "updated_at"])  # fmt: skip
    return evening


@transaction.atomic
def reminders_send(*, now: datetime.datetime | None = None) -> int:
    """One e-mail per registration with an address, for the evenings of tomorrow. The address is emptied once
    the mail is sent (`reminded_at` makes it once); a failed send is logged without the address and tried at
    the next run of the day."""
    now = now or timezone.now()
    tomorrow = timezone.localtime(now).date() + datetime.timedelta(days=1)
    due = (
        Registration.objects.select_for_update(of=("self",))
        .filter(evening__date=tomorrow, evening__published=True, reminded_at__isnull=True)
        .exclude(email="")
        .select_related("evening", "evening__municipality")
    )
    sent = 0
    for registration in due:
        evening = registration.evening
        with translation.override("nl"):
            context = {
                "evening": evening,
                "when": _when(evening),
                "people": registration.people,
                "link": absolute_url(reverse("evenings:public_detail", args=[evening.slug])),
            }
            subject = _("Herinnering: informatieavond in %(municipality)s, morgen om %(time)s") % {
                "municipality": evening.municipality.name,
                "time": evening.starts_at.strftime("%H:%M"),
            }
            body = render_to_string("evenings/email/reminder.txt", context)
        message = EmailMessage(subject=subject, body=body, to=[registration.email],
                               headers={"Auto-Submitted": "auto-generated"})  # fmt: skip
        try:
            message.send()
        except Exception:  # noqa: BLE001 - one failed address must not stop the others
            logger.warning("Reminder of evening %s, registration %s: sending failed", evening.pk, registration.pk)
            continue
        Registration.objects.filter(pk=registration.pk).update(reminded_at=now, email="")
        sent += 1
    return sent


def purge_candidates(*, today: datetime.date | None = None):
    """Evenings whose day is over and that still hold registrations."""
    today = today or timezone.localdate()
    return Evening.objects.filter(date__lt=today, registrations__isnull=False).distinct()


@transaction.atomic
def registrations_purge(*, today: datetime.date | None = None, dry_run: bool = False) -> dict[str, int]:
    """Delete the registrations of past evenings; each evening keeps how many registrations and people there
    were. Returns the evenings and registrations concerned (nothing changes with dry_run)."""
    # Locked by id: PostgreSQL refuses FOR UPDATE together with the candidates' DISTINCT.
    ids = list(purge_candidates(today=today).values_list("pk", flat=True))
    evenings = list(Evening.objects.filter(pk__in=ids).select_for_update().order_by("pk"))
    result = {"evenings": len(evenings), "registrations": 0}
    for evening in evenings:
        totals = evening.registrations.aggregate(n=Sum("people"))
        count = evening.registrations.count()
        result["registrations"] += count
        if dry_run:
            continue
        evening.registrations_kept += count
        evening.people_registered_kept += totals["n"] or 0
        evening.registrations_purged_at = timezone.now()
        evening.save(update_fields=["registrations_kept", "people_registered_kept", "registrations_purged_at"])
        evening.registrations.all().delete()
    return result


# --- A lesson learned -------------------------------------------------------------------------------------------


def _lesson_text(evening: Evening) -> str:
    facts = _("Op %(date)s hielden we een informatieavond voor bewoners in %(place)s (gemeente %(municipality)s).") % {
        "date": date_format(evening.date, "j F Y"),
        "place": escape(evening.place),
        "municipality": escape(evening.municipality.name),
    }
    figures = [_("Aangemeld: %(n)s personen") % {"n": people_registered(evening)}]
    if evening.attendance is not None:
        figures.append(_("Aanwezig: %(n)s personen") % {"n": evening.attendance})
    speakers = [escape(f"{s.get_kind_display()}{': ' + s.display_name if s.display_name else ''}")
                for s in evening.speakers.select_related("contact")]  # fmt: skip
    if speakers:
        figures.append(_("Sprekers: %(names)s") % {"names": ", ".join(speakers)})
    questions = [_("Wat ging goed"), _("Wat kon beter"), _("Wat nemen we mee")]
    return (
        f"<h2>{_('Wat hebben we gedaan')}</h2><p>{facts}</p>"
        + "<ul>" + "".join(f"<li>{line}</li>" for line in figures) + "</ul>"
        + "".join(f"<h2>{question}</h2><p></p>" for question in questions)
    )  # fmt: skip


@transaction.atomic
def lesson_draft_from_evening(*, user, evening: Evening):
    """A draft lesson in the knowledge base, prefilled from the evening and linked to it (as from an integrale
    actie); the organiser completes and submits it. An unpublished draft of the same person is reused."""
    if not user_can_manage_evening(user, evening):
        raise PermissionDenied
    existing = evening.lessons.filter(owner=user, first_published_at__isnull=True).first()
    if existing is not None:
        return existing
    municipality = evening.municipality
    page = contribution_create(
        user=user,
        kind="lesson",
        title=_("Lessen uit de informatieavond in %(municipality)s (%(date)s)")
        % {"municipality": municipality.name, "date": evening.date.strftime("%d-%m-%Y")},
        intro=_("Wat we leerden van de informatieavond voor bewoners in %(municipality)s.")
        % {"municipality": municipality.name},
        text=_lesson_text(evening),
        taxonomy={
            "themes": list(Theme.objects.filter(code__in=LESSON_THEMES)),
            "modules": list(Module.objects.filter(number=PROGRAMME_MODULE)),
            "districts": [municipality.district],
            "municipalities": [municipality],
            "partner_types": [],
        },
    )
    evening.lessons.add(page)
    return page
