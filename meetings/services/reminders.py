"""Daily reminders through `notify`: the meeting the day after tomorrow, action items due within three days,
and action items past their date. Each reminder goes once per person and subject."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from notifications.selectors import already_notified
from notifications.services import notify
from stakeholders.models import Affiliation
from stakeholders.selectors import platform_users

from ..models import ActionItem, Invitation, MeetingPage

REMINDER_DAYS_AHEAD = 2
DUE_SOON_DAYS = 3


def action_item_owner_users(item: ActionItem):
    """The owner's account, or, when an organisation owns it, its people on the platform the item's meeting is
    under now (`notify` then keeps only those who may still see the item)."""
    members = platform_users(item.district_id)
    if item.owner_contact_id:
        return members.filter(contact_id=item.owner_contact_id)
    if item.owner_organisation_id:
        working = Affiliation.objects.current().filter(organisation_id=item.owner_organisation_id)
        return members.filter(contact_id__in=working.values("contact_id"))
    return User.objects.none()


def _notify_once(*, recipients, kind: str, subject, **kwargs) -> int:
    done = already_notified(kind=kind, subject=subject)
    fresh = [user for user in recipients if user.pk not in done]
    return len(notify(recipients=fresh, kind=kind, subject=subject, **kwargs)) if fresh else 0


@transaction.atomic
def meeting_reminders_send(*, now=None) -> int:
    now = now or timezone.now()
    start = timezone.localtime(now).date() + datetime.timedelta(days=REMINDER_DAYS_AHEAD)
    count = 0
    # Locked until this run commits: a second run at the same time waits, then finds everyone reminded.
    meetings = MeetingPage.objects.live().filter(starts_at__date=start).select_for_update(of=("self",))
    for meeting in meetings:
        district_id = meeting.get_parent().specific.district_id
        declined = meeting.invitations.filter(response=Invitation.Response.DECLINED).values("contact_id")
        recipients = platform_users(district_id).exclude(contact_id__in=declined).exclude(groups__name="Secretariaat")
        when = date_format(timezone.localtime(meeting.starts_at), "l j F H:i")
        count += _notify_once(
            recipients=recipients,
            kind="meetings.reminder",
            subject=meeting,
            title=_("Herinnering: %(title)s op %(when)s") % {"title": meeting.title, "when": when},
            url=meeting.url or "",
            district_id=district_id,
        )
    return count


@transaction.atomic
def action_item_reminders_send(*, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    count = 0
    items = (
        ActionItem.objects.open()
        .filter(due_date__isnull=False, meeting__live=True)
        .with_district()
        .select_related("meeting")
        .select_for_update(of=("self",))  # as for meetings: two runs at once remind once
    )
    due_soon = items.filter(due_date__gte=today, due_date__lte=today + datetime.timedelta(days=DUE_SOON_DAYS))
    for kind, title, batch in (
        ("actions.due_soon", _("Actiepunt klaar op %(date)s: %(text)s"), due_soon),
        ("actions.overdue", _("Actiepunt over de datum (%(date)s): %(text)s"), items.filter(due_date__lt=today)),
    ):
        for item in batch:
            count += _notify_once(
                recipients=action_item_owner_users(item),
                kind=kind,
                subject=item,
                title=title % {"date": date_format(item.due_date, "j F"), "text": item.description[:120]},
                url=_action_item_url(item),
                district_id=item.district_id,
            )
    return count


def _action_item_url(item: ActionItem) -> str:
    from django.urls import reverse

    return reverse("meetings:action_update", args=[item.pk])
