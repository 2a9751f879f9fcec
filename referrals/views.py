"""The referral screens. Every view logs its access (allowed or denied) outside the business transaction,
answers 404 when out of scope, and is never cached. No content in titles or URLs (UUIDs only)."""

import csv
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.exports import neutralise_formula
from core.roles import Role
from stakeholders.permissions import aov_municipality_ids_for

from . import figures, selectors, services
from .access_log import Action, Result, access_log_verify, access_log_write
from .forms import AssignForm, LocationForm, NoteForm, OwnerLookupForm, ReferralForm, StatusForm
from .models import AccessLogEntry, FigureSnapshot, Referral
from .permissions import (
    locations_visible_to,
    referrals_visible_to,
    user_can_assign_coach,
    user_can_change_status,
    user_can_create_referral,
    user_can_edit_location,
    user_can_handle_data_subject_requests,
    user_can_read_access_log,
    user_can_read_notes,
    user_can_see_referral_counts,
    user_can_view_intake,
    user_can_work_referral,
)

LIST_PAGE_SIZE = 50
LOG_PAGE_SIZE = 100


def _log(request, object_type, object_id, action, result):
    access_log_write(request=request, object_type=object_type, object_id=object_id, action=action, result=result)


def _deny(request, object_type, object_id="", action=Action.VIEW):
    _log(request, object_type, object_id, action, Result.DENIED)
    raise Http404


def _referral_or_404(request, pk, *, action=Action.VIEW) -> Referral:
    referral = (
        referrals_visible_to(request.user).select_related("municipality", "location", "coach").filter(pk=pk).first()
    )
    if referral is None:
        _deny(request, "referral", pk, action)
    return referral


@never_cache
@login_required
def referral_list(request):
    # Lists show no personal data, so nothing encrypted is loaded (or decrypted) for them.
    referrals = selectors.referral_rows(request.user)
    locations = (
        locations_visible_to(request.user)
        .select_related("municipality")
        .only("pk", "premises_kind", "state", "created_at", "municipality__name")
        .order_by("-created_at")
    )
    if not request.user.has_role(Role.AOV, Role.COACH, Role.COACH_COORDINATOR):
        _deny(request, "referral_list", action=Action.LIST)
    _log(request, "referral_list", "", Action.LIST, Result.ALLOWED)
    return render(
        request,
        "referrals/list.html",
        {
            "referrals": Paginator(referrals, LIST_PAGE_SIZE).get_page(request.GET.get("pagina")),
            "locations": Paginator(locations, LIST_PAGE_SIZE).get_page(request.GET.get("locaties")),
            "can_register": bool(aov_municipality_ids_for(request.user)),
        },
    )


@never_cache
@login_required
def location_create(request):
    municipality_ids = aov_municipality_ids_for(request.user)
    if not municipality_ids:
        _deny(request, "location", action=Action.CREATE)
    form = LocationForm(request.POST or None, municipality_ids=municipality_ids)
    if request.method == "POST" and form.is_valid():
        try:
            location = services.location_create(user=request.user, **form.cleaned_data)
        except PermissionDenied:
            _deny(request, "location", action=Action.CREATE)
        except ValidationError as error:
            _log(request, "location", "", Action.CREATE, Result.REFUSED)
            form.add_error(None, error)
        else:
            _log(request, "location", location.pk, Action.CREATE, Result.ALLOWED)
            messages.success(request, _("De locatie is vastgelegd."))
            return redirect("referrals:location", pk=location.pk)
    elif request.method == "POST":
        _log(request, "location", "", Action.CREATE, Result.REFUSED)
    return render(request, "referrals/location_form.html", {"form": form})


@never_cache
@login_required
def location_detail(request, pk):
    location = locations_visible_to(request.user).select_related("municipality").filter(pk=pk).first()
    if location is None:
        _deny(request, "location", pk)
    form = ReferralForm(request.POST or None)
    if request.method == "POST":
        if not user_can_create_referral(request.user, location.municipality_id):
            _deny(request, "referral", pk, Action.CREATE)
        if form.is_valid():
            try:
                referral = services.referral_create(user=request.user, location=location, **form.cleaned_data)
            except ValidationError as error:
                _log(request, "referral", "", Action.CREATE, Result.REFUSED)
                form.add_error(None, error)
            else:
                _log(request, "referral", referral.pk, Action.CREATE, Result.ALLOWED)
                messages.success(request, _("De eigenaar is doorverwezen. De coördinator wijst een coach toe."))
                return redirect("referrals:detail", pk=referral.pk)
        else:
            _log(request, "referral", "", Action.CREATE, Result.REFUSED)
    else:
        _log(request, "location", pk, Action.VIEW, Result.ALLOWED)
    return render(
        request,
        "referrals/location_detail.html",
        {
            "location": location,
            "signals": selectors.signal_labels(location.signals),
            "form": form,
            "can_refer": user_can_create_referral(request.user, location.municipality_id),
            "can_edit": user_can_edit_location(request.user, location),
        },
    )


@never_cache
@login_required
def referral_detail(request, pk):
    referral = _referral_or_404(request, pk)
    _log(request, "referral", pk, Action.VIEW, Result.ALLOWED)
    return _detail_page(request, referral)


def _detail_page(request, referral, *, bound=None):
    """The referral page; `bound` is a form that came back with errors, shown with everything typed."""
    user = request.user
    can_work = user_can_work_referral(user, referral)
    can_assign = user_can_assign_coach(user)
    forms = {
        "assign_form": AssignForm() if can_assign else None,
        "status_form": StatusForm(referral=referral) if user_can_change_status(user, referral) else None,
        "note_form": NoteForm() if can_work else None,
    }
    if bound is not None:
        forms[f"{bound.prefix}_form"] = bound
    return render(
        request,
        "referrals/detail.html",
        {
            "referral": referral,
            "show_intake": user_can_view_intake(user, referral),
            "notes": referral.notes.all() if user_can_read_notes(user, referral) else None,
            "status_changes": referral.status_changes.all() if can_work or can_assign else None,
            "can_work": can_work,
            "can_assign": can_assign,
            **forms,
        },
    )


def _add_service_error(form, error: ValidationError) -> None:
    """A service's error keyed by field goes beside that field; anything else above the form."""
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error)


def _post_action(request, pk, *, action, allowed, make_form, call):
    """Checks the right before reading the form, so a refused form is never shown to someone without it."""
    referral = _referral_or_404(request, pk, action=action)
    if not allowed(request.user, referral):
        _deny(request, "referral", pk, action)
    form = make_form(referral)
    if form.is_valid():
        try:
            call(referral, form.cleaned_data)
        except PermissionDenied:
            _deny(request, "referral", pk, action)
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            _log(request, "referral", pk, action, Result.ALLOWED)
            messages.success(request, _("Opgeslagen."))
            return redirect("referrals:detail", pk=pk)
    _log(request, "referral", pk, action, Result.REFUSED)
    return _detail_page(request, referral, bound=form)


@never_cache
@login_required
@require_POST
def referral_assign(request, pk):
    return _post_action(
        request,
        pk,
        action=Action.CHANGE,
        allowed=lambda user, referral: user_can_assign_coach(user),
        make_form=lambda referral: AssignForm(request.POST),
        call=lambda referral, data: services.coach_assign(user=request.user, referral=referral, coach=data["coach"]),
    )


@never_cache
@login_required
@require_POST
def referral_status(request, pk):
    return _post_action(
        request,
        pk,
        action=Action.STATUS,
        allowed=user_can_change_status,
        make_form=lambda referral: StatusForm(request.POST, referral=referral),
        call=lambda referral, data: services.status_change(user=request.user, referral=referral, **data),
    )


@never_cache
@login_required
@require_POST
def referral_note(request, pk):
    return _post_action(
        request,
        pk,
        action=Action.CHANGE,
        allowed=user_can_work_referral,
        make_form=lambda referral: NoteForm(request.POST),
        call=lambda referral, data: services.note_add(user=request.user, referral=referral, **data),
    )


@never_cache
@login_required
def referral_figures(request):
    if not user_can_see_referral_counts(request.user):
        _deny(request, "figures")
    if request.method == "POST":
        try:
            snapshot = figures.snapshot_publish(user=request.user, label=request.POST.get("label", ""))
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            _log(request, "figures", snapshot.pk, Action.EXPORT, Result.ALLOWED)
            messages.success(request, _("De cijfers zijn vastgelegd als '%(label)s'.") % {"label": snapshot.label})
        return redirect("referrals:figures")
    _log(request, "figures", "", Action.VIEW, Result.ALLOWED)
    year = int(request.GET["jaar"]) if request.GET.get("jaar", "").isdigit() else timezone.localdate().year
    return render(
        request,
        "referrals/figures.html",
        {
            "tables": figures.figure_tables(),
            "paid": figures.paid_first_conversations(year=year),
            "year": year,
            "snapshots": FigureSnapshot.objects.all()[:20],
        },
    )


@never_cache
@login_required
def access_log(request):
    if not user_can_read_access_log(request.user):
        _deny(request, "access_log")
    entries = AccessLogEntry.objects.order_by("-pk")
    for name in ("object_id", "action", "result"):
        if request.GET.get(name):
            entries = entries.filter(**{name: request.GET[name]})
    if request.GET.get("actor_id", "").isdigit():
        entries = entries.filter(actor_id=int(request.GET["actor_id"]))
    if request.GET.get("export") == "csv":
        _log(request, "access_log", "", Action.EXPORT, Result.ALLOWED)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="toegangslog.csv"'
        writer = csv.writer(response)
        writer.writerow(
            ["id", "tijdstip", "gebruiker", "rol", "soort", "object", "handeling", "resultaat", "ip", "hash"]
        )
        for e in entries.iterator():
            writer.writerow(
                [
                    neutralise_formula(str(v))
                    for v in (
                        e.pk,
                        e.at.isoformat(),
                        e.actor_id or "",
                        e.role,
                        e.object_type,
                        e.object_id,
                        e.action,
                        e.result,
                        e.ip_address or "",
                        e.hash,
                    )
                ]
            )
        return response
    _log(request, "access_log", "", Action.VIEW, Result.ALLOWED)

    page = Paginator(entries, LOG_PAGE_SIZE).get_page(request.GET.get("pagina"))
    for entry in page.object_list:
        entry.role_label = selectors.role_labels(entry.role)
        entry.object_type_label = selectors.object_type_label(entry.object_type)
    return render(
        request,
        "referrals/access_log.html",
        {
            "entries": page,
            "broken_at": access_log_verify(),
            "actions": Action.choices,
            "results": Result.choices,
        },
    )


@never_cache
@login_required
def owner_request(request):
    """The privacy officer's data-subject requests: find by exact value, then export or erase."""
    if not user_can_handle_data_subject_requests(request.user):
        _deny(request, "owner_request")
    form = OwnerLookupForm(request.POST or None)
    found = erase_error = looked_up = None
    if request.method == "POST" and form.is_valid():
        locations = list(
            services.owner_locations(
                user=request.user, field=form.cleaned_data["field"], value=form.cleaned_data["value"]
            )
        )
        if request.POST.get("do") == "export":
            for location in locations:
                _log(request, "location", location.pk, Action.EXPORT, Result.ALLOWED)
            response = HttpResponse(
                json.dumps(services.owner_export(user=request.user, locations=locations), ensure_ascii=False, indent=2),
                content_type="application/json; charset=utf-8",
            )
            response["Content-Disposition"] = 'attachment; filename="inzageverzoek.json"'
            return response
        if request.POST.get("do") == "erase":
            if request.POST.get("confirm") != "1":
                _log(request, "owner_request", "", Action.ERASE, Result.REFUSED)
                erase_error = _("Er is niets gewist. Vink eerst aan dat u weet dat wissen niet ongedaan kan worden.")
            elif not _same_lookup(request.POST.get("looked_up", ""), locations):
                # The value was changed after the count was shown, or other records match it now: what would be
                # erased is not what the privacy officer saw counted.
                _log(request, "owner_request", "", Action.ERASE, Result.REFUSED)
                erase_error = _(
                    "Er is niets gewist: de zoekwaarde of de gevonden locaties zijn veranderd sinds het zoeken. "
                    "Controleer het aantal hieronder en wis dan opnieuw."
                )
            else:
                ids = [location.pk for location in locations]
                services.owner_erase(user=request.user, locations=locations)
                for location_id in ids:
                    _log(request, "location", location_id, Action.ERASE, Result.ALLOWED)
                messages.success(request, _("Gewist: %(n)s locatie(s) met hun doorverwijzingen.") % {"n": len(ids)})
                return redirect("referrals:owner_request")
        else:
            _log(request, "owner_request", "", Action.VIEW, Result.ALLOWED)
        found = len(locations)
        looked_up = _lookup_token(locations)
    return render(
        request,
        "referrals/owner_request.html",
        {"form": form, "found": found, "erase_error": erase_error, "looked_up": looked_up},
    )


_LOOKUP_SALT = "referrals.owner_request.erase"


def _lookup_token(locations) -> str:
    """Names exactly the locations whose count the page shows (signed, ids only: no personal data), so
    "Wissen" erases those and nothing typed or registered since."""
    return signing.dumps(sorted(str(location.pk) for location in locations), salt=_LOOKUP_SALT, compress=True)


def _same_lookup(token: str, locations) -> bool:
    try:
        shown = signing.loads(token, salt=_LOOKUP_SALT, max_age=15 * 60)
    except signing.BadSignature:
        return False
    return shown == sorted(str(location.pk) for location in locations)
