"""Invitation mails with an .ics attachment, and the daily reminder."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from .ical import calendar_for
from .models import Invitation
from .services.agenda import invitations_remind
from .services.reminders import action_item_reminders_send, meeting_reminders_send


@db_task(retries=5, retry_delay=60)
def send_invitation(invitation_id: int, reminder: bool = False) -> None:
    invitation = Invitation.objects.select_related("meeting", "contact").get(pk=invitation_id)
    meeting, contact = invitation.meeting, invitation.contact
    if not contact.email or not contact.invitation_consent:
        return
    base_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    with translation.override("nl"):
        context = {
            "meeting": meeting,
            "contact": contact,
            "reminder": reminder,
            "meeting_url": f"{base_url}{meeting.url}",
        }
        subject = render_to_string("meetings/email/invitation_subject.txt", context).strip()
        message = EmailMultiAlternatives(
            subject=" ".join(subject.split()),
            body=render_to_string("meetings/email/invitation.txt", context),
            to=[contact.email],
        )
    message.attach("uitnodiging.ics", calendar_for([meeting], name=meeting.title, base_url=base_url), "text/calendar")
    message.send()


@db_periodic_task(crontab(hour="8", minute="5"))
def remind_unanswered_invitations() -> None:
    invitations_remind()


@db_periodic_task(crontab(hour="6", minute="30"))
def send_reminders() -> None:
    """The meeting the day after tomorrow; action items due soon or past their date."""
    meeting_reminders_send()
    action_item_reminders_send()
