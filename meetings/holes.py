"""A meeting page's personal parts (see core.audience_cache): the viewer's own invitation and answer form, and
the minutes section (the chair reads draft minutes before the members do)."""

import datetime

from django.template.loader import render_to_string
from django.utils import timezone

from core.audience import PUBLIC
from core.audience_cache import register_hole

from .models import Invitation, MeetingPage
from .selectors_minutes import minutes_context


@register_hole("meeting_invitation", kept=True)
def meeting_invitation(request, meeting_id: int) -> str:
    """Shown only on a meeting the page itself already let this person see (the hole sits in that page),
    and only before it starts."""
    user = request.user
    if not (user.is_authenticated and user.contact_id):
        return ""
    invitation = (
        Invitation.objects.filter(
            meeting_id=meeting_id, contact_id=user.contact_id, meeting__starts_at__gte=timezone.now()
        )
        .select_related("meeting")
        .first()
    )
    if invitation is None:
        return ""
    context = {"meeting": invitation.meeting, "invitation": invitation}
    return render_to_string("meetings/_invitation.html", context, request=request)


@register_hole("meeting_minutes", kept=True)
def meeting_minutes(request, meeting_id: int, chair_id: int, starts_at: int) -> str:
    """Who may read the minutes depends on the person (the chair's early access), not only on the audience.
    The meeting's chair and start come with the hole (any change to the page stores a new rendering)."""
    meeting = MeetingPage(
        pk=meeting_id,
        live=True,
        chair_id=chair_id or None,
        starts_at=datetime.datetime.fromtimestamp(starts_at, tz=datetime.UTC),
    )
    # The hole sits only in a meeting page this reader's audience was allowed to see (the serving hook checked
    # it for this rendering): the page check inside the minutes rules need not be made again.
    meeting.__dict__["_audience"] = PUBLIC
    context = {"page": meeting, **minutes_context(meeting=meeting, user=request.user)}
    return render_to_string("meetings/_minutes_section.html", context, request=request)
