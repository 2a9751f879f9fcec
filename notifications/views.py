from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from stakeholders.models import District, Theme
from stakeholders.permissions import districts_for

from .events import CATEGORIES, EVENTS
from .forms import AnnouncementForm, PreferencesForm
from .mail import unsubscribe_read
from .permissions import user_can_send_announcements
from .selectors import events_of, preferences_of, unread_count, visible_notifications_for
from .services import announcement_send, category_unsubscribe, notification_mark_read, preferences_save


@login_required
@never_cache
def notification_list(request):
    page = Paginator(visible_notifications_for(request.user), 25).get_page(request.GET.get("pagina"))
    return render(
        request,
        "notifications/list.html",
        {"page": page, "can_announce": user_can_send_announcements(request.user)},
    )


@login_required
def announcement(request):
    if not user_can_send_announcements(request.user):
        raise Http404
    form = AnnouncementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = announcement_send(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("De mededeling is verstuurd aan %(count)s personen.") % {"count": count})
            return redirect("notifications:list")
    return render(request, "notifications/announcement.html", {"form": form})


@login_required
@never_cache
def unread(request):
    """Polling fallback for the bell when the websocket cannot connect."""
    return JsonResponse({"unread": unread_count(request.user)})


@login_required
@require_POST
def mark_read(request, pk: int | None = None):
    notification_mark_read(user=request.user, notification_id=pk)
    return redirect("notifications:list")


def _preferences_form(request, data=None) -> PreferencesForm:
    user = request.user
    events = events_of(user)
    follow = EVENTS["knowledge.new_page"]
    follow_event = follow if follow in events else None
    sees_all = user.is_superuser or user.has_role("secretariat")
    return PreferencesForm(
        data,
        events=events,
        preferences=preferences_of(user),
        user_roles=user.roles,
        follow_event=follow_event,
        themes=Theme.objects.all(),
        districts=District.objects.all() if sees_all else districts_for(user),
    )


@login_required
@never_cache
def preferences(request):
    form = _preferences_form(request, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            preferences_save(user=request.user, choices=form.choices())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Uw meldingsvoorkeuren zijn opgeslagen."))
            return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "event_fields": form.bound(form.event_fields),
            "theme_fields": form.bound(form.theme_fields),
            "district_fields": form.bound(form.district_fields),
        },
    )


@csrf_exempt  # the signed token is the authorisation; mail clients post the one-click form without a session
@require_http_methods(["GET", "POST"])
@never_cache
def unsubscribe(request, token: str):
    """GET shows what will happen (link checkers in mail servers must not unsubscribe anyone); POST does it,
    also as RFC 8058 one-click from the mail client."""
    found = unsubscribe_read(token)
    user = get_user_model().objects.filter(pk=found[0], is_active=True).first() if found else None
    if user is None:
        raise Http404
    category = found[1]
    if request.method == "POST":
        category_unsubscribe(user=user, category=category)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse(status=200)
        return render(request, "notifications/unsubscribed.html", {"category": CATEGORIES[category]})
    return render(request, "notifications/unsubscribe.html", {"category": CATEGORIES[category]})
