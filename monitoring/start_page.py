"""The AOV's module progress on the start page ("Mijn overzicht"), read through selectors.py, which asks
permissions.py for the municipalities; registered in apps.ready()."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.home import StartItem, StartSection, register_start_section
from core.roles import Role

from . import selectors

Status = selectors.Status
TO_DO = {Status.NOT_STARTED, Status.IN_TALKS, Status.STARTED}


def _is_aov(user) -> bool:
    return user.is_authenticated and user.has_role(Role.AOV)


def progress_items(request) -> list[StartItem]:
    items = []
    for municipality, cells in selectors.own_municipality_progress(user=request.user):
        for cell in cells:
            detail = cell.label
            if cell.status in TO_DO:
                detail = _("%(status)s · nog te doen") % {"status": cell.label}
            items.append(
                StartItem(
                    title=_("%(municipality)s, module %(number)s: %(name)s")
                    % {"municipality": municipality.name, "number": cell.module.number, "name": cell.module.name},
                    url=reverse("monitoring:participation_edit", args=[municipality.cbs_code, cell.module.number]),
                    detail=detail,
                )
            )
    return items


def register_start_sections() -> None:
    register_start_section(
        StartSection(
            key="module_progress",
            title=gettext_lazy("Voortgang van uw gemeente"),
            empty_hint=gettext_lazy(
                "Uw account is nog niet aan een gemeente gekoppeld. "
                "Vraag het secretariaat om uw organisatie te koppelen."
            ),
            applies=_is_aov,
            build=progress_items,
            order=50,
            more_url=lambda: reverse("monitoring:dashboard"),
            more_label=gettext_lazy("Voortgang van alle gemeenten"),
        )
    )
