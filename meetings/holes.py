"""A meeting page's personal part (see core.audience_cache): the viewer's own invitation and answer form."""

from django.template.loader import render_to_string
from django.utils import timezone

from core.audience_cache import register_hole

from .models import Invitation


@register_hole("meeting_invitation")
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
    context = {"meeting": invitation.meeting, "invitation": invitation, "is_upcoming": True}
    return render_to_string("meetings/_invitation.html", context, request=request)
