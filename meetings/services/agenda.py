"""Publishing the agenda, invitations and answers, and who was present."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.services import notify
from stakeholders.models import Affiliation
from stakeholders.permissions import contacts_visible_to

from ..models import Attendance, Invitation, MeetingPage
from ..permissions import user_can_answer_invitation, user_can_manage_meetings


def agenda_publish_check(meeting: MeetingPage) -> None:
    """Why the agenda cannot be sent now, if it cannot (also shown before the confirmation)."""
    if not meeting.live:
        raise ValidationError(_("Publiceer eerst de pagina van het overleg."))
    if meeting.starts_at < timezone.now():
        raise ValidationError(_("Dit overleg ligt in het verleden; de agenda kan niet meer worden verstuurd."))
    if not meeting.agenda_items.exists():
        raise ValidationError(_("Zet eerst agendapunten op de agenda."))


@dataclass(frozen=True)
class AgendaPublished:
    invited: int  # invitation mails with the .ics
    portal_only: int  # members told in the portal only


@transaction.atomic
def agenda_publish(
    *, user, meeting: MeetingPage, confirmed_invites: int, confirmed_portal_only: int
) -> AgendaPublished:
    """Mark the agenda published, tell the members in the portal and e-mail invitations with an .ics to
    the contacts who consented. Publishing again reaches only those not reached before. The numbers the
    secretariat confirmed must still be the numbers: if someone joined or consented in between, nothing
    is sent and the secretariat confirms the new numbers."""
    from ..selectors import agenda_audience  # here: the selectors import the services package

    if not user_can_manage_meetings(user):
        raise PermissionDenied
    meeting = MeetingPage.objects.select_for_update().get(pk=meeting.pk)
    agenda_publish_check(meeting)
    audience = agenda_audience(meeting=meeting)
    if (audience.invite_count, audience.portal_only) != (confirmed_invites, confirmed_portal_only):
        raise ValidationError(
            _("Het aantal uitnodigingen is veranderd sinds u het zag. Er is niets verstuurd; bevestig opnieuw."),
            code="changed",
        )
    district_id = meeting.get_parent().specific.district_id
    if meeting.status == MeetingPage.Status.PLANNED:
        meeting.status = MeetingPage.Status.AGENDA_PUBLISHED
        meeting.save(update_fields=["status"])
    invited = Invitation.objects.bulk_create(
        Invitation(meeting=meeting, contact=contact) for contact in audience.invite
    )
    from ..tasks import send_invitation  # here: the tasks import this module

    for invitation in invited:
        transaction.on_commit(lambda pk=invitation.pk: send_invitation(pk))
    notify(
        recipients=audience.notify,
        kind="meetings.agenda_published",
        title=_("Agenda gepubliceerd: %(title)s") % {"title": meeting.title},
        url=meeting.url or "",
        subject=meeting,
        district_id=district_id,
        email=False,  # the invitation mail with the .ics is the e-mail
    )
    return AgendaPublished(invited=len(invited), portal_only=audience.portal_only)


@transaction.atomic
def invitation_answer(*, user, meeting: MeetingPage, response: str, deputy_name: str = "") -> Invitation:
    invitation = Invitation.objects.filter(meeting=meeting, contact_id=user.contact_id).first()
    if invitation is None or not user_can_answer_invitation(user, invitation):
        raise PermissionDenied
    if response not in (Invitation.Response.ATTENDING, Invitation.Response.DECLINED, Invitation.Response.DEPUTY):
        raise ValidationError(_("Kies of u komt, niet komt of een vervanger stuurt."))
    if meeting.starts_at < timezone.now():
        raise ValidationError(_("Het overleg is al begonnen; u kunt niet meer antwoorden."))
    deputy_name = deputy_name.strip()
    if response == Invitation.Response.DEPUTY and not deputy_name:
        raise ValidationError(_("Vul de naam van uw vervanger in."))
    invitation.response = response
    invitation.deputy_name = deputy_name if response == Invitation.Response.DEPUTY else ""
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["response", "deputy_name", "responded_at"])
    return invitation


@transaction.atomic
def attendance_record(*, user, meeting: MeetingPage, present: Mapping[int, int | None]) -> int:
    """`present` maps contact id → organisation represented (None: none), for those present. Anyone in the
    CRM may be present: invited or a walk-in. Everyone invited or recorded before who is not in it is
    recorded absent. May be recorded from an hour before the start, so also long after the meeting.
    Returns the number present."""
    if not user_can_manage_meetings(user):
        raise PermissionDenied
    if meeting.starts_at > timezone.now() + datetime.timedelta(hours=1):
        raise ValidationError(_("Aanwezigheid noteert u tijdens of na het overleg."))
    contacts = {c.pk: c for c in contacts_visible_to(user).filter(pk__in=list(present), anonymised_at__isnull=True)}
    if set(present) - set(contacts):
        raise ValidationError(_("Een van de aanwezigen staat niet (meer) in het CRM; zoek hem of haar opnieuw op."))
    employers = current_employer_ids(list(present))
    # The organisation recorded before stays allowed: someone may have left it since the meeting.
    for contact_id, organisation_id in meeting.attendance.exclude(organisation=None).values_list(
        "contact_id", "organisation_id"
    ):
        employers.setdefault(contact_id, set()).add(organisation_id)
    for contact_id, organisation_id in present.items():
        if organisation_id is not None and organisation_id not in employers.get(contact_id, set()):
            raise ValidationError(
                _("%(name)s werkt niet bij de gekozen organisatie; kies een organisatie waar hij of zij nu werkt.")
                % {"name": contacts[contact_id]}
            )
    invited = set(meeting.invitations.values_list("contact_id", flat=True))
    recorded = set(meeting.attendance.values_list("contact_id", flat=True))
    for contact_id in invited | recorded | set(present):
        Attendance.objects.update_or_create(
            meeting=meeting,
            contact_id=contact_id,
            defaults={
                "present": contact_id in present,
                "organisation_id": present.get(contact_id),
                "recorded_by": user,
            },
        )
    if meeting.status in (MeetingPage.Status.PLANNED, MeetingPage.Status.AGENDA_PUBLISHED):
        MeetingPage.objects.filter(pk=meeting.pk).update(status=MeetingPage.Status.HELD)
    return len(present)


def current_employer_ids(contact_ids) -> dict[int, set[int]]:
    """The organisations each contact works at now: the ones they can represent at a meeting."""
    employers: dict[int, set[int]] = {}
    for contact_id, organisation_id in (
        Affiliation.objects.current().filter(contact_id__in=contact_ids).values_list("contact_id", "organisation_id")
    ):
        employers.setdefault(contact_id, set()).add(organisation_id)
    return employers


def invitations_remind(*, today: datetime.date | None = None) -> int:
    """Daily: remind who has not answered, two days before the deadline. Each invitation once."""
    today = today or timezone.localdate()
    due = Invitation.objects.filter(
        response=Invitation.Response.PENDING,
        reminded_at__isnull=True,
        meeting__live=True,
        meeting__response_deadline__gte=today,
        meeting__response_deadline__lte=today + datetime.timedelta(days=2),
    ).select_related("meeting", "contact")
    from ..tasks import send_invitation  # here: the tasks import this module

    count = 0
    for invitation in due:
        Invitation.objects.filter(pk=invitation.pk).update(reminded_at=timezone.now())
        send_invitation(invitation.pk, reminder=True)
        count += 1
    return count
