"""iCal feeds: one per district platform (for a logged-in reader) and a personal one behind a secret token
for calendar apps, which carry no session. Both hold only what `meetings_visible_to` returns for the
holder, asked again on every fetch: an ended membership or a deactivated account empties the feed."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.permissions import pages_visible_to

from ..ical import calendar_for
from ..models import CalendarToken, DistrictPlatformPage
from ..permissions import meetings_visible_to, platform_district_ids_for

PAST_WINDOW = datetime.timedelta(days=365)


def _feed_meetings(user, platform=None):
    meetings = meetings_visible_to(user).filter(starts_at__gte=timezone.now() - PAST_WINDOW)
    if platform is not None:
        meetings = meetings.child_of(platform)
    return meetings.order_by("starts_at")


def _ics_response(meetings, *, name: str, filename: str, disposition: str = "inline") -> HttpResponse:
    response = HttpResponse(calendar_for(meetings, name=name), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _has_platforms(user) -> bool:
    districts = platform_district_ids_for(user)
    return districts is None or bool(districts)


@login_required
@require_safe
def district_feed(request, code: str):
    platform = get_object_or_404(
        pages_visible_to(request.user, DistrictPlatformPage.objects.all()).select_related("district"),
        district__code__iexact=code,
    )
    return _ics_response(
        _feed_meetings(request.user, platform),
        name=platform.title,
        filename=f"agenda-{platform.district.code.lower()}.ics",
        disposition="attachment",  # a download from the subscription page; it does not update itself
    )


@require_safe
def personal_feed(request, token: str):
    """No session here: the token stands for the user. Unknown token or inactive user: 404."""
    holder = CalendarToken.objects.select_related("user").filter(token=token).first()
    if holder is None or not holder.user.is_active:
        raise Http404
    return _ics_response(_feed_meetings(holder.user), name=_("Mijn platformoverleggen"), filename="mijn-overleggen.ics")


@login_required
@require_http_methods(["GET", "POST"])
def subscription(request):
    """'Mijn agenda-abonnement': the personal feed address, and a new one when the old one leaked."""
    if not _has_platforms(request.user):
        raise Http404
    token, _created = CalendarToken.objects.get_or_create(user=request.user)
    if request.method == "POST":
        token.rotate()
        messages.success(request, _("U hebt een nieuw adres. Het oude adres werkt niet meer."))
        return redirect("meetings:calendar_subscription")
    feed_url = request.build_absolute_uri(reverse("meetings:calendar_personal_feed", args=[token.token]))
    platforms = pages_visible_to(request.user, DistrictPlatformPage.objects.all()).select_related("district")
    response = render(
        request,
        "meetings/calendar_subscription.html",
        {
            "feed_url": feed_url,
            "webcal_url": "webcal://" + feed_url.split("://", 1)[-1],
            "platforms": platforms.order_by("title"),
        },
    )
    add_never_cache_headers(response)  # the page shows a secret
    response["Referrer-Policy"] = "no-referrer"
    return response
