"""Module 2 screens: the public list and registration page (no login), and the organisers' screens for the
secretariat and the municipality's AOV. Thin: permissions decide (out of scope is a 404), services write,
selectors read. No screen shows a resident's e-mail address."""

import hashlib
import ipaddress

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.forms import errors_from
from core.net import client_ip
from knowledgebase.permissions import knowledge_pages_visible_to, user_can_edit_contribution
from stakeholders.models import Municipality

from . import selectors, services
from .forms import AttendanceForm, ContactSpeakerForm, EveningForm, GuestSpeakerForm, RegistrationForm
from .models import Speaker
from .permissions import (
    evenings_organised_by,
    organiser_municipality_ids_for,
    user_can_manage_evening,
    user_can_organise,
)

SESSION_DONE = "evening_registered"
ATTEMPTS = 10  # registrations (and refused tries) per client address per quarter of an hour
WINDOW = 15 * 60
PEOPLE_PER_CLIENT = 20  # places one client address takes on one evening in a day: nobody books an evening out
PEOPLE_WINDOW = 24 * 60 * 60


def _require(allowed: bool) -> None:
    if not allowed:
        raise Http404


# --- Public -----------------------------------------------------------------------------------------------------


def public_list(request):
    return render(
        request,
        "evenings/public_list.html",
        {"evenings": selectors.public_upcoming(), "can_organise": user_can_organise(request.user)},
    )


def _client(request) -> str:
    """The client address, an IPv6 address by its /64 (one household or line has the whole block)."""
    address = client_ip(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return address


def _attempts_key(request) -> str:
    return "evening-registration-attempts:" + hashlib.sha256(_client(request).encode()).hexdigest()


def _people_key(request, evening) -> str:
    return f"evening-registration-people:{evening.pk}:" + hashlib.sha256(_client(request).encode()).hexdigest()


def _people_left(request, evening) -> int:
    return PEOPLE_PER_CLIENT - cache.get(_people_key(request, evening), 0)


def _count_people(request, evening, people: int) -> None:
    key = _people_key(request, evening)
    cache.add(key, 0, PEOPLE_WINDOW)
    try:
        cache.incr(key, people)
    except ValueError:
        cache.set(key, people, PEOPLE_WINDOW)


def _too_many(request) -> bool:
    return cache.get(_attempts_key(request), 0) >= ATTEMPTS


def _count_attempt(request) -> None:
    key = _attempts_key(request)
    cache.add(key, 0, WINDOW)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, WINDOW)


def _free(evening) -> int | None:
    return None if evening.capacity is None else max(0, evening.capacity - evening.people_taken)


@never_cache
def public_detail(request, slug: str):
    """The evening and its registration form: the number of people, optionally an e-mail address for one
    reminder. Tries are counted per client address, and a hidden field catches simple bots."""
    evening = selectors.public_evening(slug)
    if evening is None:
        raise Http404
    form = RegistrationForm(request.POST or None)
    problems: list[str] = []
    status = 200
    open_now = services.registration_open(evening)
    if request.method == "POST":
        status = 400
        if _too_many(request):
            problems.append(_("Te veel aanmeldingen vanaf dit adres. Probeer het over een kwartier opnieuw."))
            status = 429
        elif not open_now:
            problems.append(_("Aanmelden voor deze avond kan niet meer."))
        else:
            _count_attempt(request)
            if form.is_valid() and form.cleaned_data["website"]:
                problems.append(_("Uw aanmelding kon niet worden verwerkt. Laat het laatste veld leeg."))
            elif form.is_valid() and form.cleaned_data["people"] > _people_left(request, evening):
                problems.append(
                    _(
                        "Vanaf dit adres zijn vandaag al %(n)s plaatsen voor deze avond aangemeld. Komt u met meer "
                        "mensen, neem dan contact op met de gemeente."
                    )
                    % {"n": PEOPLE_PER_CLIENT - max(0, _people_left(request, evening))}
                )
            elif form.is_valid():
                try:
                    registration = services.registration_create(
                        evening=evening, people=form.cleaned_data["people"], email=form.cleaned_data["email"]
                    )
                except ValidationError as error:
                    errors_from(form, error)
                else:
                    _count_people(request, evening, registration.people)
                    request.session[SESSION_DONE] = {
                        "slug": evening.slug,
                        "people": registration.people,
                        "reminder": bool(registration.email),
                        "asked_reminder": bool(form.cleaned_data["email"]),
                    }
                    return redirect("evenings:public_done", slug=evening.slug)
    return render(
        request,
        "evenings/public_detail.html",
        {
            "evening": evening,
            "speakers": selectors.speakers_of(evening),
            "form": form,
            "problems": problems,
            "open": open_now,
            "free": _free(evening),
            "can_manage": user_can_manage_evening(request.user, evening),
        },
        status=status,
    )


@never_cache
def public_done(request, slug: str):
    evening = selectors.public_evening(slug)
    done = request.session.get(SESSION_DONE)
    if evening is None or not done or done.get("slug") != slug:
        raise Http404
    return render(request, "evenings/public_done.html", {"evening": evening, "done": done})


# --- Organisers -------------------------------------------------------------------------------------------------


def _organised(request, pk: int):
    evening = selectors.organised_evening(request.user, pk)
    if evening is None:
        raise Http404
    return evening


def _municipalities_for(user):
    allowed = organiser_municipality_ids_for(user)
    municipalities = Municipality.objects.current().select_related("district").order_by("name")
    return municipalities if allowed is None else municipalities.filter(pk__in=allowed)


@login_required
def organise_list(request):
    _require(user_can_organise(request.user))
    return render(
        request,
        "evenings/organise_list.html",
        {
            "upcoming": selectors.organised_upcoming(request.user),
            "past": selectors.organised_past(request.user)[:30],
        },
    )


@login_required
def evening_edit(request, pk: int | None = None):
    _require(user_can_organise(request.user))
    evening = _organised(request, pk) if pk else None
    municipalities = _municipalities_for(request.user)
    if evening is not None:
        municipalities = municipalities | Municipality.objects.filter(pk=evening.municipality_id)
    form = EveningForm(request.POST or None, instance=evening, municipalities=municipalities)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.evening_save(user=request.user, evening=evening, **form.cleaned_data)
        except ValidationError as error:
            errors_from(form, error)
        else:
            messages.success(request, _("De informatieavond is opgeslagen."))
            cleared = getattr(saved, "addresses_cleared", 0)
            if cleared:
                messages.info(
                    request,
                    ngettext(
                        "De avond staat niet meer op de openbare pagina. Het e-mailadres voor de herinnering van "
                        "%(n)s aanmelding is gewist.",
                        "De avond staat niet meer op de openbare pagina. De e-mailadressen voor de herinnering van "
                        "%(n)s aanmeldingen zijn gewist.",
                        cleared,
                    )
                    % {"n": cleared},
                )
            return redirect("evenings:organise_detail", pk=saved.pk)
    return render(
        request,
        "evenings/evening_form.html",
        {"form": form, "evening": evening},
        status=400 if request.method == "POST" else 200,
    )


def _speaker_forms(request, evening, *, contact_form=None, guest_form=None):
    candidates = selectors.speaker_candidates(request.user, evening.municipality)
    labels = selectors.contact_labels(request.user, candidates)
    return (
        contact_form or ContactSpeakerForm(labels=labels, prefix="crm"),
        guest_form or GuestSpeakerForm(prefix="gast"),
        labels,
    )


def _detail(request, evening, *, status=200, **forms):
    contact_form, guest_form, labels = _speaker_forms(request, evening, **forms)
    linked = evening.lessons.values("pk")
    lessons = list(knowledge_pages_visible_to(request.user).filter(pk__in=linked, live=True).specific())
    lessons += list(evening.lessons.filter(owner=request.user, live=False))
    return render(
        request,
        "evenings/organise_detail.html",
        {
            "evening": evening,
            "speakers": selectors.speakers_of(evening),
            "contact_form": contact_form,
            "guest_form": guest_form,
            "has_candidates": bool(labels),
            "people_total": evening.people_registered_kept + evening.people_taken,
            "registrations_total": evening.registrations_kept + evening.registration_count,
            "free": _free(evening),
            "begun": services.evening_start(evening) <= timezone.now(),
            "lessons": lessons,
        },
        status=status,
    )


@login_required
def organise_detail(request, pk: int):
    _require(user_can_organise(request.user))
    return _detail(request, _organised(request, pk))


@login_required
@require_POST
def speaker_add_contact(request, pk: int):
    _require(user_can_organise(request.user))
    evening = _organised(request, pk)
    labels = selectors.contact_labels(request.user, selectors.speaker_candidates(request.user, evening.municipality))
    form = ContactSpeakerForm(request.POST, labels=labels, prefix="crm")
    if form.is_valid():
        contact = selectors.contact_by_id(form.cleaned_data["contact"])
        try:
            services.speaker_add(user=request.user, evening=evening, kind=form.cleaned_data["kind"], contact=contact)
        except ValidationError as error:
            errors_from(form, error)
        else:
            messages.success(request, _("De spreker is toegevoegd."))
            return redirect("evenings:organise_detail", pk=evening.pk)
    return _detail(request, evening, status=400, contact_form=form)


@login_required
@require_POST
def speaker_add_guest(request, pk: int):
    _require(user_can_organise(request.user))
    evening = _organised(request, pk)
    form = GuestSpeakerForm(request.POST, prefix="gast")
    if form.is_valid():
        try:
            services.speaker_add(user=request.user, evening=evening, kind=Speaker.Kind.GUEST, **form.cleaned_data)
        except ValidationError as error:
            errors_from(form, error)
        else:
            messages.success(request, _("De gastspreker is toegevoegd."))
            return redirect("evenings:organise_detail", pk=evening.pk)
    return _detail(request, evening, status=400, guest_form=form)


@login_required
@require_POST
def speaker_remove(request, pk: int):
    _require(user_can_organise(request.user))
    speaker = get_object_or_404(
        Speaker.objects.filter(evening__in=evenings_organised_by(request.user)).select_related("evening"), pk=pk
    )
    services.speaker_remove(user=request.user, speaker=speaker)
    messages.success(request, _("De spreker is verwijderd."))
    return redirect("evenings:organise_detail", pk=speaker.evening_id)


@login_required
def attendance(request, pk: int):
    _require(user_can_organise(request.user))
    evening = _organised(request, pk)
    initial = {"attendance": evening.attendance, "materials_handed_out": evening.materials_handed_out}
    form = AttendanceForm(request.POST or None, initial=initial)
    begun = services.evening_start(evening) <= timezone.now()
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_save(user=request.user, evening=evening, **form.cleaned_data)
        except ValidationError as error:
            errors_from(form, error)
        else:
            messages.success(request, _("De opkomst is opgeslagen."))
            return redirect("evenings:organise_detail", pk=evening.pk)
    return render(
        request,
        "evenings/attendance.html",
        {"evening": evening, "form": form, "begun": begun,
         "people_total": evening.people_registered_kept + evening.people_taken},
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip


@login_required
@require_POST
def lesson_start(request, pk: int):
    _require(user_can_organise(request.user))
    evening = _organised(request, pk)
    page = services.lesson_draft_from_evening(user=request.user, evening=evening)
    if not user_can_edit_contribution(request.user, page):
        messages.info(request, _("Uw les over deze avond ligt al bij het secretariaat ter beoordeling."))
        return redirect("knowledgebase:contributions")
    messages.success(
        request, _("Er staat een concept-les klaar. Vul aan wat goed ging en wat beter kon, en dien hem in.")
    )
    return redirect("knowledgebase:contribution_edit", page_id=page.pk)
