from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors
from ..forms import ActionAddForm, ActionFilterForm, ActionUpdateForm, DecisionAddForm
from ..permissions import (
    action_items_visible_to,
    meetings_visible_to,
    platform_district_ids_for,
    user_can_manage_meetings,
    user_can_update_action_item,
)
from ..services import actions as services

ACTIONS_PAGE_SIZE = 30


@login_required
def action_list(request):
    districts = platform_district_ids_for(request.user)
    if districts is not None and not districts:
        raise Http404
    form = ActionFilterForm(request.GET or None, districts=selectors.action_list_districts(user=request.user))
    filters = form.filters()
    items = Paginator(selectors.action_list(user=request.user, filters=filters), ACTIONS_PAGE_SIZE).get_page(
        request.GET.get("pagina")
    )
    selectors.mark_updatable(items, user=request.user)
    return render(request, "meetings/action_list.html", {"form": form, "items": items, "filters": filters})


@login_required
def action_update(request, pk: int):
    item = get_object_or_404(action_items_visible_to(request.user).with_district().select_related("meeting"), pk=pk)
    if not user_can_update_action_item(request.user, item):
        raise Http404
    form = ActionUpdateForm(request.POST or None, initial={"status": item.status})
    if request.method == "POST" and form.is_valid():
        try:
            services.action_item_update(
                user=request.user, item=item, status=form.cleaned_data["status"], note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            form.add_error("note", error)
        else:
            messages.success(request, _("Het actiepunt is bijgewerkt."))
            return redirect("meetings:action_list")
    return render(
        request,
        "meetings/action_update.html",
        {"item": item, "form": form, "updates": item.updates.select_related("author")},
    )


def _managed_meeting(request, meeting_id: int):

    if not user_can_manage_meetings(request.user):
        raise Http404
    return get_object_or_404(meetings_visible_to(request.user).specific(), pk=meeting_id)


def _anchor(request) -> str:
    """Back to the agenda item the entry was made for, or to the secretariat's panel."""
    item = request.POST.get("agenda_item", "")
    return f"#punt-{item}" if item.isdigit() else "#live-beheer"


@login_required
@require_POST
def decision_add(request, meeting_id: int):
    meeting = _managed_meeting(request, meeting_id)
    form = DecisionAddForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            services.decision_add(
                user=request.user,
                meeting=meeting,
                text=form.cleaned_data["text"],
                agenda_item_id=form.cleaned_data["agenda_item"],
            )
            messages.success(request, _("Het besluit is toegevoegd."))
        except ValidationError as error:
            messages.error(request, error.messages[0])
    else:
        messages.error(request, _("Het besluit is niet opgeslagen: %(errors)s") % {"errors": form.error_text()})
    return redirect(meeting.url + _anchor(request))


@login_required
@require_POST
def action_add(request, meeting_id: int):
    meeting = _managed_meeting(request, meeting_id)
    form = ActionAddForm(request.POST, meeting=meeting)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.action_item_add(
                user=request.user,
                meeting=meeting,
                description=data["description"],
                agenda_item_id=data["agenda_item"],
                owner_organisation=data["owner_organisation"],
                owner_contact=data["owner_contact"],
                due_date=data["due_date"],
            )
            messages.success(request, _("Het actiepunt is toegevoegd."))
        except ValidationError as error:
            messages.error(request, error.messages[0])
    else:
        messages.error(request, _("Het actiepunt is niet opgeslagen: %(errors)s") % {"errors": form.error_text()})
    return redirect(meeting.url + _anchor(request))
