"""Meetings for tests: published under the seeded platform page of a district."""

import datetime
import itertools

from django.utils import timezone

from meetings.models import AgendaItem, DistrictPlatformPage, MeetingPage

_numbers = itertools.count(1)


def meeting(district: str = "KEN", *, starts_in_days: float = 14, items: int = 3, live: bool = True, **fields):
    number = next(_numbers)
    platform = DistrictPlatformPage.objects.get(district__code=district)
    starts_at = timezone.now().replace(microsecond=0) + datetime.timedelta(days=starts_in_days)
    page = MeetingPage(
        title=fields.pop("title", f"Platformoverleg {number}"),
        slug=f"overleg-{number}",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        location=fields.pop("location", "Provinciehuis, Haarlem"),
        live=live,
        **fields,
    )
    page.agenda_items = [
        AgendaItem(title=f"Agendapunt {n + 1}", duration_minutes=15, sort_order=n) for n in range(items)
    ]
    platform.add_child(instance=page)
    return page
