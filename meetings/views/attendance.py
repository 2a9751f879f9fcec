from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..forms import InvitationAnswerForm
from ..ical import calendar_for
from ..permissions import meetings_visible_to, user_can_manage_meetings
from ..services import agenda as services


def _visible_meeting(request, meeting_id: int):
    return get_object_or_404(meetings_visible_to(request.user).specific(), pk=meeting_id)


@login_required
@require_POST
def agenda_publish(request, meeting_id: int):
    if not user_can_manage_meetings(request.user):
        raise Http404
    meeting = _visible_meeting(request, meeting_id)
    try:
        invited = services.agenda_publish(user=request.user, meeting=meeting)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request, _("De agenda is gepubliceerd. %(n)s nieuwe uitnodiging(en) verstuurd.") % {"n": invited}
        )
    return redirect(meeting.url)


@login_required
@require_POST
def invitation_answer(request, meeting_id: int):
    meeting = _visible_meeting(request, meeting_id)
    form = InvitationAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Kies of u komt, niet komt of een vervanger stuurt."))
        return redirect(meeting.url + "#aanmelden")
    try:
        services.invitation_answer(
            user=request.user,
            meeting=meeting,
            response=form.cleaned_data["response"],
            deputy_name=form.cleaned_data["deputy_name"],
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Dank u, uw antwoord is opgeslagen."))
    return redirect(meeting.url + "#aanmelden")


@login_required
def attendance_record(request, meeting_id: int):
    if not user_can_manage_meetings(request.user):
        raise Http404
    meeting = _visible_meeting(request, meeting_id)
    invitations = list(meeting.invitations.select_related("contact").order_by("contact__last_name"))
    from stakeholders.models import Affiliation

    employers = {}
    for affiliation in (
        Affiliation.objects.current()
        .filter(contact_id__in=[i.contact_id for i in invitations])
        .select_related("organisation")
    ):
        employers.setdefault(affiliation.contact_id, []).append(affiliation.organisation)
    if request.method == "POST":
        present = {}
        for invitation in invitations:
            if request.POST.get(f"present-{invitation.contact_id}"):
                organisation_id = request.POST.get(f"organisation-{invitation.contact_id}") or None
                allowed = {o.pk for o in employers.get(invitation.contact_id, [])}
                present[invitation.contact_id] = (
                    int(organisation_id) if organisation_id and int(organisation_id) in allowed else None
                )
        try:
            count = services.attendance_record(user=request.user, meeting=meeting, present=present)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("Aanwezigheid opgeslagen: %(n)s aanwezig.") % {"n": count})
            return redirect(meeting.url)
    recorded = {a.contact_id: a for a in meeting.attendance.all()}
    rows = [
        {
            "invitation": invitation,
            "employers": employers.get(invitation.contact_id, []),
            "attendance": recorded.get(invitation.contact_id),
        }
        for invitation in invitations
    ]
    return render(request, "meetings/attendance_form.html", {"meeting": meeting, "rows": rows})


@login_required
def meeting_ics(request, meeting_id: int):
    meeting = _visible_meeting(request, meeting_id)
    response = HttpResponse(calendar_for([meeting], name=meeting.title), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slugify(meeting.title) or "overleg"}.ics"'
    return response
