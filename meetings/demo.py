"""Demo meetings: four a year per district platform (two years at scale 1, 2·N years at scale N) with
agendas, decisions, action items, and invitations and attendance for the recent ones. Of the meetings to
come, the next has its agenda published, with invitations and answers; the later ones are planned.

Idempotent: a district platform that already has meetings gets none."""

import datetime
import random
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from stakeholders.models import Affiliation, Membership, Organisation
from stakeholders.selectors import platform_contacts

from .demo_minutes import minutes_demo
from .models import ActionItem, AgendaItem, Attendance, Decision, DistrictPlatformPage, Invitation, MeetingPage

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
LOCATIONS = {
    "NHN": "Gemeentehuis Schagen, raadzaal",
    "ZW": "Gemeentehuis Purmerend, vergaderzaal 2",
    "KEN": "Provinciehuis Haarlem, Statenzaal",
}
TOPICS = [
    ("Drugsafval in het buitengebied: aanpak en kosten", "besluitvormend"),
    ("Signalen van netbeheerder en drinkwaterbedrijf", "bespreken"),
    ("Voorlichtingscampagne voor eigenaren van schuren", "besluitvormend"),
    ("Ervaringen met de agrarische coach", "informatief"),
    ("Recreatieterreinen en vakantieparken", "bespreken"),
    ("Meldingsbereidheid: uitkomsten startmodule", "informatief"),
]
DECISIONS = [
    "Het platform stemt in met de gezamenlijke voorlichtingsbrief aan eigenaren van leegstaande schuren.",
    "De werkgroep drugsafval werkt een voorstel uit voor de verdeling van de opruimkosten.",
    "Signalen van partners lopen voortaan via één meldpunt per gemeente.",
    "De volgende integrale actie wordt in het voorjaar gehouden.",
]
ACTIONS = [
    "Deelt de signalenkaart met de eigen buitendienst.",
    "Maakt een overzicht van leegstaande agrarische opstallen.",
    "Stemt de persinstructie af met de communicatieadviseurs.",
    "Nodigt de agrarische coach uit voor het volgende overleg.",
    "Verzamelt ervaringen met drugsdumpingen in het afgelopen jaar.",
]
RECENT_WITH_INVITATIONS = 2


def _quarter_dates(*, years: int, today: datetime.date) -> list[datetime.date]:
    """The second Tuesday of March, June, September and December, from `years` ago to half a year ahead."""
    dates = []
    for year in range(today.year - years, today.year + 2):
        for month in (3, 6, 9, 12):
            first = datetime.date(year, month, 1)
            second_tuesday = first + datetime.timedelta(days=(1 - first.weekday()) % 7 + 7)
            if today - datetime.timedelta(days=365 * years) <= second_tuesday <= today + datetime.timedelta(days=190):
                dates.append(second_tuesday)
    return dates


@transaction.atomic
def meetings_demo_load(*, scale: int = 1, seed: int = 2021, progress: bool = False) -> dict[str, int]:
    rng = random.Random(seed)
    today = datetime.date.today()
    counts = {"overleggen": 0, "actiepunten": 0}
    platforms = [p for p in DistrictPlatformPage.objects.select_related("district") if not p.get_children().exists()]
    for platform in tqdm(platforms, desc="Overleggen", disable=not progress):
        counts_here = _platform_demo(platform, rng=rng, dates=_quarter_dates(years=2 * scale, today=today), today=today)
        for key, value in counts_here.items():
            counts[key] += value
    # Minutes after all meetings exist, so adopted minutes can point at the meeting that adopted them.
    minutes = 0
    for meeting in MeetingPage.objects.filter(starts_at__lt=timezone.now()).order_by("starts_at"):
        if minutes_demo(meeting, rng=rng) is not None:
            minutes += 1
    counts["notulen"] = minutes
    return counts if counts["overleggen"] else {}


def _platform_demo(platform, *, rng, dates, today) -> dict[str, int]:
    district = platform.district
    members = list(
        Organisation.objects.filter(
            pk__in=Membership.objects.current().filter(district=district).values("organisation_id"), is_active=True
        )
    )
    contacts = list(platform_contacts(district.pk).order_by("pk")[:60])
    chair = next(iter(contacts), None)
    employers = {}
    for affiliation in Affiliation.objects.current().filter(contact__in=contacts):
        employers.setdefault(affiliation.contact_id, affiliation.organisation_id)
    first = {c.pk for c in contacts[:25]}
    with_login = [
        c
        for c in platform_contacts(district.pk)
        .filter(user__groups__name__in=["Partner", "AOV"])
        .distinct()
        .order_by("pk")
        if c.pk not in first
    ]
    login_employers = {}
    for affiliation in Affiliation.objects.current().filter(contact__in=with_login).order_by("pk"):
        login_employers.setdefault(affiliation.contact_id, affiliation.organisation_id)
    # Every member with a demo login, for the lists of their start page.
    logins = list(
        platform_contacts(district.pk).filter(user__groups__name__in=["Partner", "AOV"]).distinct().order_by("pk")
    )
    past = [d for d in dates if d < today]
    recent = set(past[-RECENT_WITH_INVITATIONS:])
    action_count = 0
    for day in dates:
        starts_at = datetime.datetime.combine(day, datetime.time(14, 0), tzinfo=AMSTERDAM)
        is_past = day < today
        is_next = not is_past and day == min(d for d in dates if d >= today)
        if is_past:
            status = MeetingPage.Status.MINUTES_ADOPTED
        elif is_next:
            status = MeetingPage.Status.AGENDA_PUBLISHED  # and the invitations went out (below)
        else:
            status = MeetingPage.Status.PLANNED
        meeting = MeetingPage(
            title=f"Platformoverleg {district.name} {_MONTHS[day.month]} {day.year}",
            slug=f"overleg-{day:%Y-%m}",
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=2),
            location=LOCATIONS.get(district.code, "Gemeentehuis"),
            chair=chair,
            status=status,
            response_deadline=day - datetime.timedelta(days=7),
            live=True,
        )
        topic, kind = rng.choice(TOPICS)
        meeting.agenda_items = [
            AgendaItem(
                title="Opening, mededelingen en vaststellen agenda", kind="hamerstuk", duration_minutes=10, sort_order=0
            ),
            AgendaItem(
                title="Actiepunten vorige vergadering",
                kind="bespreken",
                duration_minutes=15,
                is_previous_actions=True,
                sort_order=1,
            ),
            AgendaItem(
                title="Terugblik op de integrale acties van het kwartaal",
                kind="informatief",
                duration_minutes=20,
                sort_order=2,
            ),
            AgendaItem(title=topic, kind=kind, duration_minutes=40, sort_order=3),
            AgendaItem(title="Rondvraag en sluiting", kind="hamerstuk", duration_minutes=10, sort_order=4),
        ]
        platform.add_child(instance=meeting)
        if is_next:
            _invited_with_answers(meeting, rng=rng)
            _logins_still_to_answer(meeting, logins)
        if not is_past:
            continue
        items = list(meeting.agenda_items.all())
        Decision.objects.create(meeting=meeting, agenda_item=items[3], text=rng.choice(DECISIONS))
        for _n in range(2):
            ActionItem.objects.create(
                meeting=meeting,
                agenda_item=items[3],
                description=rng.choice(ACTIONS),
                owner_organisation=rng.choice(members) if members else None,
                owner_contact=rng.choice(contacts) if contacts else None,
                due_date=day + datetime.timedelta(days=rng.choice([30, 60, 90])),
                status=(
                    rng.choice([ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS])
                    if day in recent
                    else rng.choice([ActionItem.Status.DONE, ActionItem.Status.DONE, ActionItem.Status.CANCELLED])
                ),
            )
            action_count += 1
        if day in recent:
            for contact in contacts[:25]:
                response = rng.choice([Invitation.Response.ATTENDING] * 3 + [Invitation.Response.DECLINED])
                Invitation.objects.create(meeting=meeting, contact=contact, response=response)
                Attendance.objects.create(
                    meeting=meeting,
                    contact=contact,
                    organisation_id=employers.get(contact.pk),
                    present=response == Invitation.Response.ATTENDING,
                )
            # The members with a demo login were there too, so the minutes carry comments they can see.
            for contact in with_login:
                Invitation.objects.create(meeting=meeting, contact=contact, response=Invitation.Response.ATTENDING)
                Attendance.objects.create(
                    meeting=meeting, contact=contact, organisation_id=login_employers.get(contact.pk), present=True
                )
    action_count += _overdue_for_logins(platform, logins, today=today)
    return {"overleggen": len(dates), "actiepunten": action_count}


def _logins_still_to_answer(meeting: MeetingPage, contacts) -> None:
    """The members with a demo login have not answered the next meeting yet: their start page asks them.
    Invited only with their consent and an address, as agenda_publish does."""
    for contact in contacts:
        if not (contact.invitation_consent and contact.email):
            continue
        Invitation.objects.update_or_create(
            meeting=meeting,
            contact=contact,
            defaults={"response": Invitation.Response.PENDING, "deputy_name": "", "responded_at": None},
        )


def _overdue_for_logins(platform, contacts, *, today) -> int:
    """Each member with a demo login owns one action item of the last meeting that is past its date, so
    'Mijn open actiepunten' shows what overdue looks like."""
    last = MeetingPage.objects.child_of(platform).filter(starts_at__lt=timezone.now()).order_by("-starts_at").first()
    if last is None:
        return 0
    employers = {}
    for affiliation in Affiliation.objects.current().filter(contact__in=contacts).order_by("pk"):
        employers.setdefault(affiliation.contact_id, affiliation.organisation_id)
    for contact in contacts:
        ActionItem.objects.create(
            meeting=last,
            description="Stuurt de lijst met contactpersonen voor drugsafval rond aan de andere partners.",
            owner_contact=contact,
            owner_organisation_id=employers.get(contact.pk),
            due_date=today - datetime.timedelta(days=14),
            status=ActionItem.Status.OPEN,
        )
    return len(contacts)


def _invited_with_answers(meeting: MeetingPage, *, rng) -> None:
    """The next meeting's agenda is published: invitations went to the platform's contacts who consented
    (as agenda_publish sends them), and most have answered."""
    district_id = meeting.get_parent().specific.district_id
    contacts = platform_contacts(district_id).filter(invitation_consent=True).exclude(email="").order_by("pk")
    answered_at = timezone.now() - datetime.timedelta(days=3)
    invitations = []
    for contact in contacts:
        response = rng.choice(ANSWERS)
        invitations.append(
            Invitation(
                meeting=meeting,
                contact=contact,
                response=response,
                deputy_name=rng.choice(DEPUTIES) if response == Invitation.Response.DEPUTY else "",
                responded_at=None if response == Invitation.Response.PENDING else answered_at,
            )
        )
    Invitation.objects.bulk_create(invitations)


ANSWERS = (
    [Invitation.Response.ATTENDING] * 9
    + [Invitation.Response.DECLINED] * 3
    + [Invitation.Response.DEPUTY]
    + [Invitation.Response.PENDING] * 7
)
DEPUTIES = ["Sanne de Vries", "Mohamed el Idrissi", "Peter Bakker", "Lotte Jansen"]
_MONTHS = {3: "maart", 6: "juni", 9: "september", 12: "december"}
