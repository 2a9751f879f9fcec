"""Decisions and action items, also during the live meeting, and the owner's progress updates."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from core.sanitize import clean_plain_text
from notifications.services import notify

from ..models import ActionItem, ActionItemUpdate, AgendaItem, Decision, MeetingPage
from ..permissions import user_can_manage_meetings, user_can_update_action_item
from ..realtime import meeting_event_broadcast
from .reminders import action_item_owner_users


def _agenda_item_of(meeting: MeetingPage, agenda_item_id) -> AgendaItem | None:
    if not agenda_item_id:
        return None
    item = meeting.agenda_items.filter(pk=agenda_item_id).first()
    if item is None:
        raise ValidationError(_("Dit agendapunt hoort niet bij dit overleg."))
    return item


@transaction.atomic
def current_agenda_item_set(*, user, meeting: MeetingPage, agenda_item_id) -> AgendaItem | None:
    if not user_can_manage_meetings(user):
        raise PermissionDenied
    item = _agenda_item_of(meeting, agenda_item_id)
    MeetingPage.objects.filter(pk=meeting.pk).update(current_agenda_item=item)
    meeting_event_broadcast(
        meeting.pk, {"kind": "current_item", "item_id": item.pk if item else None, "title": item.title if item else ""}
    )
    return item


@transaction.atomic
def decision_add(*, user, meeting: MeetingPage, text: str, agenda_item_id=None) -> Decision:
    if not user_can_manage_meetings(user):
        raise PermissionDenied
    text = clean_plain_text(text)
    if not text:
        raise ValidationError(_("Schrijf het besluit op."))
    decision = Decision.objects.create(
        meeting=meeting, agenda_item=_agenda_item_of(meeting, agenda_item_id), text=text, created_by=user
    )
    meeting_event_broadcast(
        meeting.pk,
        {"kind": "decision", "id": decision.pk, "text": decision.text, "agenda_item_id": decision.agenda_item_id},
    )
    return decision


@transaction.atomic
def action_item_add(
    *,
    user,
    meeting: MeetingPage,
    description: str,
    agenda_item_id=None,
    owner_organisation=None,
    owner_contact=None,
    due_date=None,
) -> ActionItem:
    if not user_can_manage_meetings(user):
        raise PermissionDenied
    description = clean_plain_text(description)
    if not description:
        raise ValidationError(_("Beschrijf het actiepunt."))
    if owner_organisation is None and owner_contact is None:
        raise ValidationError(_("Kies wie het actiepunt oppakt: een organisatie of een persoon."))
    item = ActionItem.objects.create(
        meeting=meeting,
        agenda_item=_agenda_item_of(meeting, agenda_item_id),
        description=description,
        owner_organisation=owner_organisation,
        owner_contact=owner_contact,
        due_date=due_date,
        created_by=user,
    )
    meeting_event_broadcast(
        meeting.pk,
        {
            "kind": "action_item",
            "id": item.pk,
            "description": item.description,
            "owner": str(owner_contact or owner_organisation),
            "due_date": due_date.isoformat() if due_date else "",
            "agenda_item_id": item.agenda_item_id,
        },
    )
    _tell_owner(item, assigned_by=user)
    return item


def _tell_owner(item: ActionItem, *, assigned_by) -> None:
    owners = action_item_owner_users(item).exclude(pk=assigned_by.pk)
    notify(
        recipients=owners,
        kind="actions.assigned",
        title=_("Nieuw actiepunt voor u: %(text)s") % {"text": item.description[:120]},
        url=reverse("meetings:action_update", args=[item.pk]),
        subject=item,
        district_id=item.district_id,
    )


@transaction.atomic
def action_item_update(*, user, item: ActionItem, status: str, note: str = "") -> ActionItemUpdate:
    if not user_can_update_action_item(user, item):
        raise PermissionDenied
    if status not in ActionItem.Status.values:
        raise ValidationError(_("Kies een geldige status."))
    note = clean_plain_text(note)
    if status != item.status and status in (ActionItem.Status.DONE, ActionItem.Status.CANCELLED) and not note:
        raise ValidationError(_("Schrijf kort wat er is gedaan of waarom het vervalt."))
    item.status = status
    item.save(update_fields=["status", "updated_at"])
    return ActionItemUpdate.objects.create(action_item=item, author=user, status=status, note=note)
