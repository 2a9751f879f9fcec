"""Module 3 screens. Thin: permissions decide (out of scope is a 404), services write, selectors read."""

import csv
import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exports import neutralise_formula
from stakeholders.models import Municipality

from . import selectors, services
from .forms import ColleagueRegistrationForm, CompletionForm, EnrolmentForm, RegistrationForm, SessionForm
from .models import Registration
from .models.elearning import MAX_PER_MUNICIPALITY
from .permissions import (
    colleagues_registrable_by,
    enrolments_visible_to,
    registration_organisations_for,
    registration_organisations_of_colleague,
    registrations_visible_to,
    user_can_cancel_registration,
    user_can_enrol_for,
    user_can_manage_sessions,
    user_can_register,
    user_can_view_elearning,
    user_can_view_sessions,
)


def _require(allowed: bool) -> None:
    if not allowed:
        raise Http404


def _session(request, pk: int):
    session = selectors.session_with_counts(request.user, pk)
    if session is None:
        raise Http404
    return session


def _messages_of(error: ValidationError) -> list[str]:
    return error.messages


@login_required
def session_list(request):
    _require(user_can_view_sessions(request.user))
    manage = user_can_manage_sessions(request.user)
    return render(
        request,
        "trainings/session_list.html",
        {
            "sessions": selectors.sessions_for(request.user),
            "past_sessions": selectors.sessions_for(request.user, past=True)[:20] if manage else [],
            "own_registrations": selectors.own_registrations(request.user),
            "can_manage": manage,
            "can_register": user_can_register(request.user),
            "can_elearning": user_can_view_elearning(request.user),
        },
    )


@login_required
def session_detail(request, pk: int):
    _require(user_can_view_sessions(request.user))
    session = _session(request, pk)
    own = selectors.own_registration(request.user, session)
    manage = user_can_manage_sessions(request.user)
    context = {
        "session": session,
        "own": own,
        "position": selectors.waiting_position(own) if own and own.status == Registration.Status.WAITING else None,
        "can_manage": manage,
        "can_register": user_can_register(request.user),
        "can_register_colleagues": colleagues_registrable_by(request.user).exists(),
        "made_for_colleagues": selectors.registrations_made_for_colleagues(request.user, session),
        "places_left": max(0, session.capacity - session.confirmed_count),
        "upcoming": session.starts_at > timezone.now(),
    }
    if manage:
        context["participants"] = selectors.participants(request.user, session)
        context["organisation_counts"] = selectors.organisation_counts(session)
    return render(request, "trainings/session_detail.html", context)


@login_required
def session_edit(request, pk: int | None = None):
    _require(user_can_manage_sessions(request.user))
    session = _session(request, pk) if pk else None
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.session_save(user=request.user, session=session, **form.cleaned_data)
        except ValidationError as error:
            for message in _messages_of(error):
                form.add_error(None, message)
        else:
            messages.success(request, _("De sessie is opgeslagen."))
            return redirect("trainings:session", pk=saved.pk)
    return render(request, "trainings/session_form.html", {"form": form, "session": session})


@login_required
def register(request, pk: int):
    _require(user_can_view_sessions(request.user))
    session = _session(request, pk)
    _require(user_can_register(request.user))
    organisations = registration_organisations_for(request.user)
    form = RegistrationForm(request.POST or None, organisations=organisations)
    problems = []
    upcoming = session.starts_at > timezone.now()
    if not upcoming:
        problems.append(_("Deze sessie is al begonnen of geweest; aanmelden kan niet meer."))
    elif not organisations.exists():
        problems.append(
            _("U bent in het portaal niet gekoppeld aan een organisatie. Vraag het secretariaat u aan te melden.")
        )
    elif request.method == "POST" and form.is_valid():
        try:
            registration = services.registration_create(
                user=request.user, session=session, organisation=form.cleaned_data["organisation"]
            )
        except ValidationError as error:
            problems.extend(_messages_of(error))
        else:
            if registration.status == Registration.Status.CONFIRMED:
                messages.success(request, _("U bent aangemeld voor %(title)s.") % {"title": session.title})
            else:
                messages.warning(
                    request,
                    _(
                        "De sessie is vol. U staat op de wachtlijst (plaats %(n)s) en krijgt bericht zodra er een "
                        "plaats vrijkomt."
                    )
                    % {"n": selectors.waiting_position(registration)},
                )
            return redirect("trainings:session", pk=session.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "trainings/register.html",
        {
            "session": session,
            "form": form,
            "problems": problems,
            "upcoming": upcoming,
            "organisations": organisations,
            "places_left": max(0, session.capacity - session.confirmed_count),
        },
        status=status,
    )


@login_required
def register_colleague(request, pk: int):
    """An AOV registers a colleague of their municipality (design section 3); the colleague is told."""
    _require(user_can_view_sessions(request.user))
    session = _session(request, pk)
    _require(user_can_register(request.user) and colleagues_registrable_by(request.user).exists())
    form = ColleagueRegistrationForm(
        request.POST or None, colleagues=selectors.colleagues_to_offer(request.user, session)
    )
    problems = []
    upcoming = session.starts_at > timezone.now()
    if not upcoming:
        problems.append(_("Deze sessie is al begonnen of geweest; aanmelden kan niet meer."))
    elif request.method == "POST" and form.is_valid():
        colleague = form.cleaned_data["colleague"]
        try:
            registration = services.registration_create(
                user=request.user,
                session=session,
                organisation=registration_organisations_of_colleague(request.user, colleague).first(),
                participant=colleague,
            )
        except ValidationError as error:
            problems.extend(_messages_of(error))
        else:
            name = colleague.get_full_name() or colleague.email
            if registration.status == Registration.Status.CONFIRMED:
                messages.success(request, _("%(name)s is aangemeld en krijgt daarvan bericht.") % {"name": name})
            else:
                messages.warning(
                    request,
                    _("De sessie is vol. %(name)s staat op de wachtlijst (plaats %(n)s) en krijgt daarvan bericht.")
                    % {"name": name, "n": selectors.waiting_position(registration)},
                )
            return redirect("trainings:session", pk=session.pk)
    return render(
        request,
        "trainings/register_colleague.html",
        {
            "session": session,
            "form": form,
            "problems": problems,
            "upcoming": upcoming,
            "places_left": max(0, session.capacity - session.confirmed_count),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def registration_cancel(request, pk: int):
    registration = get_object_or_404(registrations_visible_to(request.user).select_related("session"), pk=pk)
    _require(user_can_cancel_registration(request.user, registration))
    try:
        moved = services.registration_cancel(user=request.user, registration=registration)
    except ValidationError as error:
        for message in _messages_of(error):
            messages.error(request, message)
    else:
        if registration.user_id == request.user.pk:
            messages.success(request, _("U bent afgemeld."))
        else:
            messages.success(request, _("De aanmelding is afgemeld."))
        if moved and user_can_manage_sessions(request.user):
            messages.info(
                request,
                _("Van de wachtlijst is doorgeschoven: %(names)s.") % {"names": ", ".join(str(r.user) for r in moved)},
            )
    return redirect("trainings:session", pk=registration.session_id)


@login_required
def participants_csv(request, pk: int):
    """The participant list for the secretariat (name tags, the attendance sheet); formulas are neutralised."""
    _require(user_can_manage_sessions(request.user))
    session = _session(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="deelnemers-sessie-{session.pk}.csv"'
    response["Cache-Control"] = "private, no-store"
    response.write("\ufeff")  # Excel reads the accents right with a byte order mark
    writer = csv.writer(response, delimiter=";")
    writer.writerow([_("Naam"), _("E-mailadres"), _("Organisatie"), _("Status"), _("Aangemeld op"), _("Aanwezig")])
    for registration in selectors.participants(request.user, session):
        present = {None: "", True: _("ja"), False: _("nee")}[registration.attended]
        row = [
            registration.user.get_full_name() or registration.user.email,
            registration.user.email,
            registration.organisation.name,
            registration.get_status_display(),
            timezone.localtime(registration.created_at).strftime("%d-%m-%Y %H:%M"),
            present,
        ]
        writer.writerow([neutralise_formula(str(value)) for value in row])
    return response


@login_required
def attendance(request, pk: int):
    _require(user_can_manage_sessions(request.user))
    session = _session(request, pk)
    confirmed = list(selectors.participants(request.user, session).filter(status=Registration.Status.CONFIRMED))
    problems = []
    if request.method == "POST":
        raw = request.POST.getlist("present")
        try:
            present = {int(value) for value in raw}
        except ValueError:
            problems.append(_("De presentielijst is niet goed doorgekomen. Vink opnieuw aan wie er was."))
        else:
            try:
                services.attendance_save(user=request.user, session=session, present_ids=present)
            except ValidationError as error:
                problems.extend(_messages_of(error))
            else:
                messages.success(request, _("De presentie is opgeslagen."))
                return redirect("trainings:session", pk=session.pk)
    return render(
        request,
        "trainings/attendance.html",
        {"session": session, "confirmed": confirmed, "problems": problems},
        status=400 if problems else 200,
    )


# --- E-learning -------------------------------------------------------------------------------------------------


@login_required
def elearning_overview(request):
    _require(user_can_view_elearning(request.user))
    rows = selectors.elearning_overview(request.user)
    if len(rows) == 1 and not user_can_manage_sessions(request.user):
        return redirect("trainings:elearning_municipality", cbs_code=rows[0].municipality.cbs_code)
    return render(request, "trainings/elearning_overview.html", {"rows": rows, "maximum": MAX_PER_MUNICIPALITY})


@login_required
def elearning_municipality(request, cbs_code: str):
    _require(user_can_view_elearning(request.user))
    municipality = get_object_or_404(Municipality, cbs_code=cbs_code)
    _require(user_can_enrol_for(request.user, municipality))
    form = EnrolmentForm(request.POST or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_create(user=request.user, municipality=municipality, **form.cleaned_data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, field_messages in error.message_dict.items():
                    for message in field_messages:
                        form.add_error(field, message)
            else:
                problems.extend(_messages_of(error))
        else:
            messages.success(
                request,
                _("%(name)s is ingeschreven voor de e-learning Drugsview.") % {"name": form.cleaned_data["name"]},
            )
            return redirect("trainings:elearning_municipality", cbs_code=municipality.cbs_code)
    enrolments = list(selectors.enrolments_of(request.user, municipality))
    return render(
        request,
        "trainings/elearning_municipality.html",
        {
            "municipality": municipality,
            "enrolments": enrolments,
            "form": form,
            "problems": problems,
            "maximum": MAX_PER_MUNICIPALITY,
            "places_left": max(0, MAX_PER_MUNICIPALITY - len(enrolments)),
            "show_overview": user_can_manage_sessions(request.user),
        },
        status=400 if request.method == "POST" else 200,
    )


def _enrolment(request, pk: int):
    enrolment = get_object_or_404(enrolments_visible_to(request.user).select_related("municipality"), pk=pk)
    _require(user_can_enrol_for(request.user, enrolment.municipality))
    return enrolment


@login_required
def enrolment_edit(request, pk: int):
    _require(user_can_view_elearning(request.user))
    enrolment = _enrolment(request, pk)
    form = CompletionForm(request.POST or None, request.FILES or None, instance=enrolment)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("certificate_file")
        try:
            services.enrolment_complete(
                user=request.user,
                enrolment=enrolment,
                completed_on=form.cleaned_data.get("completed_on"),
                certificate_on=form.cleaned_data.get("certificate_on"),
                certificate_file=upload if upload and upload != enrolment.certificate_file else None,
            )
        except ValidationError as error:
            for field, field_messages in error.message_dict.items():
                for message in field_messages:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("Opgeslagen bij %(name)s.") % {"name": enrolment.name})
            return redirect("trainings:elearning_municipality", cbs_code=enrolment.municipality.cbs_code)
    return render(
        request,
        "trainings/enrolment_form.html",
        {"enrolment": enrolment, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def enrolment_delete(request, pk: int):
    _require(user_can_view_elearning(request.user))
    enrolment = _enrolment(request, pk)
    cbs_code = enrolment.municipality.cbs_code
    try:
        services.enrolment_delete(user=request.user, enrolment=enrolment)
    except ValidationError as error:
        for message in _messages_of(error):
            messages.error(request, message)
    else:
        messages.success(request, _("%(name)s is uitgeschreven.") % {"name": enrolment.name})
    return redirect("trainings:elearning_municipality", cbs_code=cbs_code)


@login_required
def certificate_download(request, pk: int):
    """The certificate PDF, only to those who keep this municipality's enrolments; never by its media URL."""
    _require(user_can_view_elearning(request.user))
    enrolment = _enrolment(request, pk)
    if not enrolment.certificate_file:
        raise Http404
    try:
        handle = enrolment.certificate_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, content_type="application/pdf", as_attachment=True,
        filename=f"certificaat-drugsview-{os.path.splitext(os.path.basename(enrolment.certificate_file.name))[0]}.pdf",
    )  # fmt: skip
    response["Cache-Control"] = "private, no-store"
    return response
