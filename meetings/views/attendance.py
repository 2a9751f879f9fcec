from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from stakeholders.permissions import contacts_visible_to

from .. import selectors
from ..forms import InvitationAnswerForm
from ..ical import calendar_for
from ..models import Invitation
from ..permissions import meetings_visible_to, user_can_manage_meetings
from ..services import agenda as services


def _visible_meeting(request, meeting_id: int):
    return get_object_or_404(meetings_visible_to(request.user).specific(), pk=meeting_id)


def _count(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
def agenda_publish(request, meeting_id: int):
    """A confirmation that names who will get what, then the sending. A POST without the numbers the
    secretariat saw (or with numbers that changed since) sends nothing and shows the confirmation."""
    if not user_can_manage_meetings(request.user):
        raise Http404
    meeting = _visible_meeting(request, meeting_id)
    try:
        services.agenda_publish_check(meeting)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(meeting.url)
    error, status = "", 200
    if request.method == "POST":
        invites, portal_only = _count(request.POST.get("uitnodigingen")), _count(request.POST.get("meldingen"))
        if invites is None or portal_only is None:
            error, status = _("Bevestig eerst hoeveel mensen u uitnodigt; er is niets verstuurd."), 400
        else:
            try:
                published = services.agenda_publish(
                    user=request.user, meeting=meeting, confirmed_invites=invites, confirmed_portal_only=portal_only
                )
            except ValidationError as exc:
                error, status = exc.messages[0], 400
            else:
                messages.success(request, _published_message(published))
                return redirect(meeting.url)
    audience = selectors.agenda_audience(meeting=meeting)
    return render(
        request,
        "meetings/agenda_publish_confirm.html",
        {
            "meeting": meeting,
            "audience": audience,
            "error": error,
            "first_time": meeting.status == meeting.Status.PLANNED,
            "anything_to_send": bool(audience.invite_count or audience.portal_only)
            or meeting.status == meeting.Status.PLANNED,
        },
        status=status,
    )


def _published_message(published: services.AgendaPublished) -> str:
    return " ".join(
        [
            _("De agenda is gepubliceerd."),
            ngettext(
                "%(n)s uitnodiging per e-mail verstuurd.",
                "%(n)s uitnodigingen per e-mail verstuurd.",
                published.invited,
            )
            % {"n": published.invited},
            ngettext(
                "%(n)s lid kreeg alleen een melding op het portaal.",
                "%(n)s leden kregen alleen een melding op het portaal.",
                published.portal_only,
            )
            % {"n": published.portal_only},
        ]
    )


@login_required
@require_POST
def invitation_answer(request, meeting_id: int):
    meeting = _visible_meeting(request, meeting_id)
    form = InvitationAnswerForm(request.POST)
    if not form.is_valid():
        return _invitation_refused(request, meeting, _("Kies of u komt, niet komt of een vervanger stuurt."))
    try:
        invitation = services.invitation_answer(
            user=request.user,
            meeting=meeting,
            response=form.cleaned_data["response"],
            deputy_name=form.cleaned_data["deputy_name"],
        )
    except ValidationError as error:
        return _invitation_refused(request, meeting, error.messages[0])
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        # Answered on the start page: back there, with a message that says which meeting and what was chosen.
        messages.success(request, _ANSWERED[invitation.response] % {"meeting": meeting.title})
        return redirect(back)
    messages.success(request, _("Dank u, uw antwoord is opgeslagen."))
    return redirect(meeting.url + "#aanmelden")


_ANSWERED = {
    Invitation.Response.ATTENDING: gettext_lazy("Dank u, uw antwoord is opgeslagen: u komt naar %(meeting)s."),
    Invitation.Response.DECLINED: gettext_lazy("Dank u, uw antwoord is opgeslagen: u komt niet naar %(meeting)s."),
    Invitation.Response.DEPUTY: gettext_lazy(
        "Dank u, uw antwoord is opgeslagen: u stuurt een vervanger naar %(meeting)s."
    ),
}


def _invitation_refused(request, meeting, error: str):
    """The answer form again with the error and what was chosen and typed: a redirect to the meeting page would
    show the stored answer and lose the choice (issue #19)."""
    invitation = Invitation.objects.filter(meeting=meeting, contact_id=request.user.contact_id).first()
    if invitation is None:
        raise Http404
    refused = {
        "error": error,
        "response": request.POST.get("response", ""),
        "deputy_name": request.POST.get("deputy_name", "")[:200],
    }
    context = {"meeting": meeting, "invitation": invitation, "refused": refused}
    return render(request, "meetings/invitation_answer.html", context, status=400)


def _posted_ids(values) -> set[int]:
    return {int(value) for value in values if value.isdigit()}


def _posted_organisation(value: str) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return -1  # not an organisation: the service refuses it in Dutch


def _keep_posted_choices(rows, post, *, added_now: int | None) -> None:
    """What the secretariat ticked and chose stays on screen after searching, adding or an error."""
    for row in rows:
        row.present = bool(post.get(f"present-{row.contact.pk}")) or row.contact.pk == added_now
        if f"organisation-{row.contact.pk}" in post:
            row.organisation_id = _posted_organisation(post[f"organisation-{row.contact.pk}"])


@login_required
def attendance_record(request, meeting_id: int):
    """Tick who was there, invited or not: anyone in the CRM can be added as a walk-in (search as you type,
    or the search button without JavaScript). Searching and adding keep every tick; only "Opslaan" stores."""
    if not user_can_manage_meetings(request.user):
        raise Http404
    meeting = _visible_meeting(request, meeting_id)
    query = (request.POST.get("zoek") or request.GET.get("zoek") or "").strip()
    if request.GET.get("fragment"):
        return _walk_in_results(request, meeting, query)
    post = request.POST if request.method == "POST" else None
    added = _posted_ids(post.getlist("inloop")) if post else set()
    added_now = next(iter(_posted_ids([post.get("toevoegen", "")])), None) if post else None
    error, status = "", 200
    if post and "toevoegen" in post:
        contact = contacts_visible_to(request.user).filter(pk=added_now or 0, anonymised_at__isnull=True).first()
        if contact is None:
            added_now, error, status = None, _("Deze persoon staat niet (meer) in het CRM; zoek opnieuw."), 400
        else:
            added.add(contact.pk)
            query = ""
            messages.info(
                request, _("%(name)s staat op de lijst als aanwezig. Vergeet niet op te slaan.") % {"name": contact}
            )
    rows = selectors.attendance_rows(meeting=meeting, added_ids=added)
    if post:
        _keep_posted_choices(rows, post, added_now=added_now)
    if post and "toevoegen" not in post and post.get("actie") != "zoeken":
        present = {row.contact.pk: row.organisation_id for row in rows if row.present}
        try:
            count = services.attendance_record(user=request.user, meeting=meeting, present=present)
        except ValidationError as exc:
            error, status = exc.messages[0], 400
        else:
            messages.success(request, _("Aanwezigheid opgeslagen: %(n)s aanwezig.") % {"n": count})
            return redirect(meeting.url)
    candidates, more = selectors.walk_in_candidates(
        user=request.user, query=query, exclude_ids=[row.contact.pk for row in rows]
    )
    return render(
        request,
        "meetings/attendance_form.html",
        {
            "meeting": meeting,
            "rows": rows,
            "error": error,
            "query": query,
            "candidates": candidates,
            "more": more,
            "min_query": selectors.WALK_IN_MIN_QUERY,
            "searched": bool(query),
        },
        status=status,
    )


def _walk_in_results(request, meeting, query: str):
    """The results part only, for search as you type."""
    listed = _posted_ids(request.GET.getlist("op_lijst"))
    candidates, more = selectors.walk_in_candidates(user=request.user, query=query, exclude_ids=listed)
    context = {
        "meeting": meeting,
        "query": query,
        "candidates": candidates,
        "more": more,
        "min_query": selectors.WALK_IN_MIN_QUERY,
        "searched": bool(query),
    }
    return render(request, "meetings/_walk_in_results.html", context)


@login_required
def meeting_ics(request, meeting_id: int):
    meeting = _visible_meeting(request, meeting_id)
    response = HttpResponse(calendar_for([meeting], name=meeting.title), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slugify(meeting.title) or "overleg"}.ics"'
    return response
