"""The organisers' lists on the start page ("Mijn overzicht") of the secretariat and the AOV: evenings to
prepare and attendance to enter, read through selectors.py, which starts from permissions.py."""

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.home import StartItem, StartSection, register_start_section

from . import selectors
from .permissions import user_can_organise

PREPARE_LIMIT = 8


def _title(evening) -> str:
    return _("%(municipality)s: %(title)s") % {"municipality": evening.municipality.name, "title": evening.title}


def _evenings(request):
    """Both lists come from one query, kept on the request for the second list."""
    if not hasattr(request, "_start_page_evenings"):
        request._start_page_evenings = selectors.start_page_evenings(request.user)
    return request._start_page_evenings


def upcoming_items(request) -> list[StartItem]:
    items = []
    for evening in _evenings(request)[0][:PREPARE_LIMIT]:
        day = formats.date_format(evening.date, "j F Y")
        if not evening.published:
            detail, urgent = _("%(day)s · nog niet gepubliceerd") % {"day": day}, True
        else:
            detail, urgent = _("%(day)s · %(n)s aangemeld") % {"day": day, "n": evening.people_taken}, False
        items.append(
            StartItem(
                title=_title(evening),
                url=reverse("evenings:organise_detail", args=[evening.pk]),
                detail=detail,
                urgent=urgent,
            )
        )
    return items


def attendance_items(request) -> list[StartItem]:
    return [
        StartItem(
            title=_title(evening),
            url=reverse("evenings:attendance", args=[evening.pk]),
            detail=_("%(day)s · opkomst nog invullen") % {"day": formats.date_format(evening.date, "j F Y")},
        )
        for evening in _evenings(request)[1][:PREPARE_LIMIT]
    ]


def register_start_sections() -> None:
    register_start_section(
        StartSection(
            key="evenings_upcoming",
            title=gettext_lazy("Informatieavonden voorbereiden"),
            empty_hint=gettext_lazy(
                "Er staat geen informatieavond gepland. Plan er een via Informatieavonden organiseren."
            ),
            applies=user_can_organise,
            build=upcoming_items,
            order=60,
            more_url=lambda: reverse("evenings:organise_list"),
            more_label=gettext_lazy("Alle informatieavonden"),
            on_dashboard=True,
        )
    )
    register_start_section(
        StartSection(
            key="evenings_attendance",
            title=gettext_lazy("Opkomst van informatieavonden invullen"),
            empty_hint=gettext_lazy("Van elke voorbije avond is de opkomst ingevuld."),
            applies=user_can_organise,
            build=attendance_items,
            order=61,
            more_url=lambda: reverse("evenings:organise_list"),
            more_label=gettext_lazy("Alle informatieavonden"),
        )
    )
