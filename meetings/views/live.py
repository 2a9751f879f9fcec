"""The secretariat's controls during the meeting. Plain POST forms with a redirect back, so they work without
JavaScript; members' open pages follow over the websocket (meetings.consumers)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..permissions import meetings_visible_to, user_can_manage_meetings
from ..services import actions as services


@login_required
@require_POST
def current_item_set(request, meeting_id: int):
    """An empty agenda_item means no item is being discussed (before the start, a break, the end)."""
    if not user_can_manage_meetings(request.user):
        raise Http404
    meeting = get_object_or_404(meetings_visible_to(request.user).specific(), pk=meeting_id)
    raw = request.POST.get("agenda_item", "").strip()
    try:
        if raw and not raw.isdigit():
            raise ValidationError(_("Dit agendapunt hoort niet bij dit overleg."))
        item = services.current_agenda_item_set(
            user=request.user, meeting=meeting, agenda_item_id=int(raw) if raw else None
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(meeting.url)
    if item is None:
        messages.success(request, _("Er is nu geen punt aan de orde."))
        return redirect(meeting.url)
    messages.success(request, _("Nu aan de orde: %(title)s") % {"title": item.title})
    return redirect(f"{meeting.url}#punt-{item.pk}")
