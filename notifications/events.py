"""The event types people can be told about, with their category (one unsubscribe link each), who can
receive them, and the default delivery per role. Adding an event is one entry here plus a `notify` call."""

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.roles import Role

from .models import Delivery

CATEGORIES: dict[str, Promise] = {
    "meetings": _("Overleggen en notulen"),
    "actions": _("Actiepunten"),
    "knowledge": _("Kennisbank"),
    "referrals": _("Doorverwijzingen"),
    "crm": _("Organisaties"),
    "general": _("Mededelingen"),
}

MEMBERS = frozenset({Role.PARTNER, Role.AOV, Role.SECRETARIAT})


@dataclass(frozen=True)
class Event:
    code: str
    label: Promise
    category: str
    roles: frozenset  # who can receive it (and so sees it on the preferences page)
    default: str = Delivery.PORTAL
    defaults: dict = field(default_factory=dict)  # per role, where it differs
    scope: str = ""  # "district": preferences per district; "theme+district": follow per theme or district
    mandatory: bool = False  # cannot be switched off (a coach must hear of an assignment)
    confidential: bool = False  # title and link only, never content

    def default_for(self, roles) -> str:
        choices = [self.defaults.get(role, self.default) for role in roles if role in self.roles]
        return max(choices, key=Delivery.values.index) if choices else self.default


EVENTS: dict[str, Event] = {
    event.code: event
    for event in [
        Event("meetings.agenda_published", _("Agenda gepubliceerd"), "meetings", MEMBERS, scope="district"),
        Event(
            "meetings.reminder",
            _("Herinnering aan een overleg"),
            "meetings",
            MEMBERS - {Role.SECRETARIAT},
            default=Delivery.IMMEDIATE,
            scope="district",
        ),
        Event(
            "meetings.minutes_published",
            _("Concept-notulen gepubliceerd"),
            "meetings",
            MEMBERS,
            default=Delivery.IMMEDIATE,
            scope="district",
        ),
        Event(
            "meetings.minutes_adopted",
            _("Definitieve notulen gepubliceerd"),
            "meetings",
            MEMBERS,
            default=Delivery.DAILY,
            scope="district",
        ),
        Event(
            "meetings.minutes_review",
            _("Notulen ter beoordeling (voorzitter)"),
            "meetings",
            MEMBERS,
            default=Delivery.IMMEDIATE,
        ),
        Event(
            "meetings.minutes_chair_decided",
            _("Besluit van de voorzitter over notulen"),
            "meetings",
            frozenset({Role.SECRETARIAT}),
            default=Delivery.IMMEDIATE,
        ),
        Event("actions.assigned", _("Actiepunt voor u"), "actions", MEMBERS, default=Delivery.IMMEDIATE),
        Event("actions.due_soon", _("Actiepunt bijna verlopen"), "actions", MEMBERS, default=Delivery.IMMEDIATE),
        Event("actions.overdue", _("Actiepunt verlopen"), "actions", MEMBERS, default=Delivery.DAILY),
        Event(
            "knowledge.new_page",
            _("Nieuwe kennispagina in een thema of district dat u volgt"),
            "knowledge",
            MEMBERS | {Role.COACH, Role.COACH_COORDINATOR},
            default=Delivery.OFF,
            scope="theme+district",
        ),
        Event(
            "knowledge.published",
            _("Uw bijdrage is gepubliceerd"),
            "knowledge",
            MEMBERS,
            default=Delivery.IMMEDIATE,
        ),
        Event(
            "knowledge.changes_requested",
            _("Aanpassing van uw bijdrage gevraagd"),
            "knowledge",
            MEMBERS,
            default=Delivery.IMMEDIATE,
        ),
        Event(
            "knowledge.submitted",
            _("Nieuwe bijdrage ter beoordeling"),
            "knowledge",
            frozenset({Role.SECRETARIAT}),
            default=Delivery.IMMEDIATE,
        ),
        Event(
            "knowledge.flagged",
            _("Melding over een kennispagina"),
            "knowledge",
            frozenset({Role.SECRETARIAT}),
            default=Delivery.DAILY,
        ),
        Event(
            "referrals.new",
            _("Nieuwe doorverwijzing"),
            "referrals",
            frozenset({Role.COACH_COORDINATOR}),
            default=Delivery.IMMEDIATE,
            mandatory=True,
            confidential=True,
        ),
        Event(
            "referrals.assigned",
            _("Doorverwijzing aan u toegewezen"),
            "referrals",
            frozenset({Role.COACH}),
            default=Delivery.IMMEDIATE,
            mandatory=True,
            confidential=True,
        ),
        Event(
            "referrals.status_changed",
            _("Status van uw doorverwijzing gewijzigd"),
            "referrals",
            frozenset({Role.AOV}),
            default=Delivery.DAILY,
            confidential=True,
        ),
        Event(
            "crm.organisation_changed",
            _("Organisatieprofiel gewijzigd"),
            "crm",
            frozenset({Role.SECRETARIAT}),
            default=Delivery.DAILY,
        ),
        Event(
            "announcement",
            _("Mededeling van het secretariaat"),
            "general",
            MEMBERS | {Role.COACH, Role.COACH_COORDINATOR, Role.PRIVACY_OFFICER, Role.ADMIN},
            scope="district",
        ),
    ]
}


def register_event(event: Event) -> None:
    """An app offers a kind of notification (in its ready()): `notify(kind=event.code, ...)` then works, and
    the event appears on the preferences page of the roles it is for."""
    if event.category not in CATEGORIES:
        raise ValueError(f"Unknown notification category {event.category!r} for {event.code}")
    EVENTS[event.code] = event


def event_for(code: str) -> Event:
    """Unknown codes are a programming error: fail loudly rather than notify with no rules."""
    return EVENTS[code]


def events_for_roles(roles) -> list[Event]:
    return [event for event in EVENTS.values() if event.roles & set(roles)]
