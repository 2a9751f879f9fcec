from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .selectors import notifications_for, unread_count
from .services import notification_mark_read


@login_required
def notification_list(request):
    page = Paginator(notifications_for(request.user), 25).get_page(request.GET.get("pagina"))
    return render(request, "notifications/list.html", {"page": page})


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
