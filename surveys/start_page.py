"""Running survey campaigns on the secretariat's start page and admin dashboard, read through selectors.py,
which starts from permissions.py; registered in apps.ready()."""

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.home import StartItem, StartSection, register_start_section
from core.roles import Role

from . import selectors


def _is_secretariat(user) -> bool:
    return user.is_authenticated and user.has_role(Role.SECRETARIAT)


def campaign_items(request) -> list[StartItem]:
    return [
        StartItem(
            title=f"{campaign.municipality.name}: {campaign.title}",
            url=reverse("surveys:campaign", args=[campaign.pk]),
            detail=_("Open tot en met %(day)s") % {"day": formats.date_format(campaign.closes_on, "j F Y")},
        )
        for campaign in selectors.running_campaigns(user=request.user)
    ]


def register_start_sections() -> None:
    register_start_section(
        StartSection(
            key="running_campaigns",
            title=gettext_lazy("Lopende enquêtes"),
            empty_hint=gettext_lazy(
                "Er loopt nu geen bewonersenquête. Een gemeente opent een enquête zodra de brieven klaar zijn."
            ),
            applies=_is_secretariat,
            build=campaign_items,
            order=50,
            more_url=lambda: reverse("surveys:campaign_list"),
            more_label=gettext_lazy("Alle enquêtes"),
            on_dashboard=True,
        )
    )
