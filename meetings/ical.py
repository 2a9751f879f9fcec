"""iCalendar (RFC 5545) for invitations and feeds, with the icalendar library."""

import datetime

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vText

PRODID = "-//Noord-Holland Samen Veilig//Veilig Buitengebied//NL"


def _event(meeting, *, base_url: str) -> Event:
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@{settings.WAGTAILADMIN_BASE_URL.split('//')[-1]}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", vText(meeting.title))
    location = meeting.location or meeting.online_link
    if location:
        event.add("location", vText(location))
    event.add("url", f"{base_url}{meeting.url}")
    description = [f"{base_url}{meeting.url}"]
    if meeting.online_link:
        description.insert(0, meeting.online_link)
    event.add("description", "\n".join(description))
    event.add("status", "CONFIRMED")
    return event


def calendar_for(meetings, *, name: str, base_url: str | None = None) -> bytes:
    base_url = (base_url or settings.WAGTAILADMIN_BASE_URL).rstrip("/")
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", datetime.timedelta(hours=6), parameters={"VALUE": "DURATION"})
    for meeting in meetings:
        calendar.add_component(_event(meeting, base_url=base_url))
    return calendar.to_ical()
