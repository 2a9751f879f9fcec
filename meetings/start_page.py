"""The meetings app's lists on the start page ("Mijn overzicht") and the secretariat's admin dashboard.

Every list is read through selectors.py, which starts from permissions.py; registered in apps.ready()."""

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.home import StartAction, StartItem, StartSection, register_start_section
from core.roles import Role

from . import selectors
from .models import Invitation
from .permissions import user_can_manage_meetings


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "l j F Y, H:i")


def _day(day) -> str:
    return formats.date_format(day, "j F Y")


def _is_member(user) -> bool:
    return user.is_authenticated and user.has_role(Role.PARTNER, Role.AOV)


def _answer_actions(meeting) -> tuple[StartAction, ...]:
    """Coming or not, answered on the start page itself (the same endpoint and checks as the meeting page);
    sending a deputy needs a name, so that stays on the meeting page behind the item's link."""
    url = reverse("meetings:invitation_answer", args=[meeting.pk])
    return (
        StartAction(label=_("Ja, ik kom"), url=url, fields=(("response", Invitation.Response.ATTENDING),)),
        StartAction(
            label=_("Nee, ik kom niet"),
            url=url,
            fields=(("response", Invitation.Response.DECLINED),),
            style="secondary",
        ),
    )


def invitation_items(request) -> list[StartItem]:
    """Open invitations with their answer buttons. The meetings app takes an answer until the meeting starts
    (services.agenda.invitation_answer), also after the "aanmelden vóór" date: such an invitation says in words
    that the date has passed and can still be answered."""
    today = timezone.localdate()
    items = []
    for invitation in selectors.open_invitations(user=request.user):
        meeting = invitation.meeting
        detail = _when(meeting.starts_at)
        late = meeting.response_deadline is not None and meeting.response_deadline < today
        if late:
            detail += " · " + _("Reactietermijn verlopen op %(day)s; u kunt nog antwoorden tot het overleg begint") % {
                "day": _day(meeting.response_deadline)
            }
        elif meeting.response_deadline:
            detail += " · " + _("graag antwoord vóór %(day)s") % {"day": _day(meeting.response_deadline)}
        items.append(
            StartItem(
                title=meeting.title,
                url=f"{meeting.get_url(request)}#aanmelden",
                detail=detail,
                urgent=late,
                actions=_answer_actions(meeting),
            )
        )
    return items


def next_meeting_items(request) -> list[StartItem]:
    return [
        StartItem(
            title=meeting.title,
            url=meeting.get_url(request),
            detail=_when(meeting.starts_at) + (f" · {meeting.location}" if meeting.location else ""),
        )
        for meeting in selectors.next_meetings(user=request.user)
    ]


def own_action_items(request) -> list[StartItem]:
    today = timezone.localdate()
    items = []
    for item in selectors.own_open_actions(user=request.user):
        overdue = item.due_date is not None and item.due_date < today
        if overdue:
            detail = _("Te laat: was klaar op %(day)s") % {"day": _day(item.due_date)}
        elif item.due_date:
            detail = _("Klaar op %(day)s") % {"day": _day(item.due_date)}
        else:
            detail = _("Zonder datum")
        if item.district_name:
            detail += f" · {item.district_name}"
        items.append(
            StartItem(
                title=str(item), url=reverse("meetings:action_update", args=[item.pk]), detail=detail, urgent=overdue
            )
        )
    return items


WORK_LABELS = {
    "agenda": gettext_lazy("Agenda nog niet gepubliceerd"),
    "comments": gettext_lazy("Concept-notulen: reageren kan tot %(day)s"),
    "adopt": gettext_lazy("Notulen vaststellen: de reactietermijn is voorbij"),
}


def meetings_to_prepare_items(request) -> list[StartItem]:
    items = []
    for meeting, work in selectors.meetings_to_prepare(user=request.user):
        if work == "agenda":
            url = meeting.get_url(request)
            detail = f"{WORK_LABELS[work]} · {_when(meeting.starts_at)}"
        else:
            url = reverse("meetings:minutes", args=[meeting.pk])
            detail = str(WORK_LABELS[work])
            if work == "comments":
                detail = detail % {"day": _when(meeting.comments_until)}
        items.append(StartItem(title=meeting.title, url=url, detail=detail, urgent=work == "adopt"))
    return items


def overdue_per_district_items(request) -> list[StartItem]:
    base = reverse("meetings:action_list")
    return [
        StartItem(
            title=row["district"].name,
            url=f"{base}?district={row['district'].code}&status=open&te_laat=on",
            detail=_("%(count)s actiepunten te laat") % {"count": row["count"]},
            urgent=True,
        )
        for row in selectors.overdue_actions_per_district(user=request.user)
    ]


def register_start_sections() -> None:
    register_start_section(
        StartSection(
            key="invitations",
            title=gettext_lazy("Uitnodigingen om te beantwoorden"),
            empty_hint=gettext_lazy(
                "U heeft alle uitnodigingen beantwoord. Nieuwe uitnodigingen verschijnen hier zodra de agenda uit is."
            ),
            applies=_is_member,
            build=invitation_items,
            order=10,
        )
    )
    register_start_section(
        StartSection(
            key="my_actions",
            title=gettext_lazy("Mijn open actiepunten"),
            empty_hint=gettext_lazy(
                "U en uw organisatie hebben geen open actiepunten. Nieuwe actiepunten uit een overleg komen hier."
            ),
            applies=_is_member,
            build=own_action_items,
            order=20,
            more_url=lambda: reverse("meetings:action_list") + "?status=open&mijn=on",
            more_label=gettext_lazy("Alle actiepunten van mij en mijn organisatie"),
        )
    )
    register_start_section(
        StartSection(
            key="next_meetings",
            title=gettext_lazy("Volgende bijeenkomsten van uw platforms"),
            empty_hint=gettext_lazy(
                "Er is nog geen volgende bijeenkomst gepland. Kijk bij Platforms voor eerdere bijeenkomsten en notulen."
            ),
            applies=_is_member,
            build=next_meeting_items,
            order=30,
            more_url=lambda: reverse("meetings:platform_list"),
            more_label=gettext_lazy("Alle platforms"),
        )
    )
    register_start_section(
        StartSection(
            key="meetings_to_prepare",
            title=gettext_lazy("Bijeenkomsten voorbereiden"),
            empty_hint=gettext_lazy(
                "Geen agenda's of notulen die op u wachten. Plan een nieuwe bijeenkomst onder het platform in Beheer."
            ),
            applies=user_can_manage_meetings,
            build=meetings_to_prepare_items,
            order=10,
            more_url=lambda: reverse("meetings:platform_list"),
            more_label=gettext_lazy("Alle platforms"),
            on_dashboard=True,
        )
    )
    register_start_section(
        StartSection(
            key="overdue_actions",
            title=gettext_lazy("Actiepunten te laat, per district"),
            empty_hint=gettext_lazy("Geen actiepunten over hun datum. Er is nu niets om na te bellen."),
            applies=user_can_manage_meetings,
            build=overdue_per_district_items,
            order=40,
            more_url=lambda: reverse("meetings:action_list") + "?status=open&te_laat=on",
            more_label=gettext_lazy("Alle actiepunten die te laat zijn"),
            on_dashboard=True,
        )
    )
