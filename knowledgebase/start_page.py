"""The knowledge base's lists on the start page ("Mijn overzicht") and the secretariat's admin dashboard.

Every list is read through selectors.py, which starts from permissions.py; registered in apps.ready()."""

from django.urls import reverse
from django.utils import formats
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.home import StartItem, StartSection, register_start_section
from core.roles import Role

from . import selectors
from .permissions import user_can_contribute, user_can_review_contributions

STATE_LABELS = {
    "returned": gettext_lazy("Teruggestuurd met een opmerking"),
    "draft": gettext_lazy("Concept, nog niet ingediend"),
    "waiting": gettext_lazy("Wacht op beoordeling"),
    "published": gettext_lazy("Gepubliceerd"),
}


def _is_member(user) -> bool:
    return user.is_authenticated and user.has_role(Role.PARTNER, Role.AOV)


def _contributes(user) -> bool:
    return _is_member(user) and user_can_contribute(user)


def _is_aov(user) -> bool:
    return user.is_authenticated and user.has_role(Role.AOV)


def contribution_items(request) -> list[StartItem]:
    items = []
    for row in selectors.contribution_rows(user=request.user):
        if row.can_edit:
            url = reverse("knowledgebase:contribution_edit", args=[row.page.pk])
        elif row.page.live:
            url = row.page.get_url(request)
        else:
            url = reverse("knowledgebase:contributions")
        detail = str(STATE_LABELS[row.state])
        if row.comment:
            detail += ": " + Truncator(row.comment).chars(140)
        items.append(StartItem(title=row.page.title, url=url, detail=detail, urgent=row.state == "returned"))
    return items


def latest_page_items(request) -> list[StartItem]:
    return [
        StartItem(
            title=page.title,
            url=page.get_url(request),
            detail=formats.date_format(page.first_published_at, "j F Y") if page.first_published_at else "",
        )
        for page in selectors.new_pages_for(user=request.user)[0]
    ]


def joint_action_items(request) -> list[StartItem]:
    return [
        StartItem(
            title=f"{action.municipality.name}, {action.area}",
            url=reverse("knowledgebase:joint_action", args=[action.pk]),
            detail=formats.date_format(action.date, "j F Y")
            + " · "
            + _("%(count)s locaties bezocht") % {"count": action.premises_visited},
        )
        for action in selectors.own_municipality_joint_actions(user=request.user)
    ]


def review_items(request) -> list[StartItem]:
    return [
        StartItem(
            title=page.title,
            url=reverse("wagtailadmin_pages:edit", args=[page.pk]),
            detail=_("Ingediend, wacht op uw beoordeling"),
        )
        for page in selectors.contributions_to_review(user=request.user)
    ]


def review_due_items(request) -> list[StartItem]:
    return [
        StartItem(
            title=page.title,
            url=reverse("wagtailadmin_pages:edit", args=[page.pk]),
            detail=_("Herzien vóór %(day)s") % {"day": formats.date_format(page.review_by, "j F Y")},
            urgent=True,
        )
        for page in selectors.pages_past_review_date(user=request.user)
    ]


def register_start_sections() -> None:
    register_start_section(
        StartSection(
            key="my_contributions",
            title=gettext_lazy("Mijn bijdragen aan de kennisbank"),
            empty_hint=gettext_lazy(
                "U heeft nog niets ingediend. Deel een aanpak die werkte of een les die u leerde: "
                "kies 'Nieuwe bijdrage' bij Mijn bijdragen."
            ),
            applies=_contributes,
            build=contribution_items,
            order=40,
            more_url=lambda: reverse("knowledgebase:contributions"),
            more_label=gettext_lazy("Mijn bijdragen"),
        )
    )
    register_start_section(
        StartSection(
            key="joint_actions",
            title=gettext_lazy("Integrale acties van uw gemeente"),
            empty_hint=gettext_lazy(
                "Er zijn nog geen integrale acties van uw gemeente vastgelegd. Leg een actie vast na het bezoek."
            ),
            applies=_is_aov,
            build=joint_action_items,
            order=70,
            more_url=lambda: reverse("knowledgebase:joint_action_create"),
            more_label=gettext_lazy("Een integrale actie vastleggen"),
        )
    )
    register_start_section(
        StartSection(
            key="contributions_to_review",
            title=gettext_lazy("Bijdragen om te beoordelen"),
            empty_hint=gettext_lazy("Er wacht geen bijdrage op beoordeling. Nieuwe bijdragen verschijnen hier."),
            applies=user_can_review_contributions,
            build=review_items,
            order=20,
            on_dashboard=True,
        )
    )
    register_start_section(
        StartSection(
            key="review_due",
            title=gettext_lazy("Kennispagina's over hun herziendatum"),
            empty_hint=gettext_lazy("Alle kennispagina's zijn op tijd herzien. Er is nu niets na te kijken."),
            applies=user_can_review_contributions,
            build=review_due_items,
            order=30,
            more_url=lambda: reverse("knowledgebase_review_due"),
            more_label=gettext_lazy("Het volledige overzicht 'te herzien'"),
            on_dashboard=True,
        )
    )
    register_start_section(
        StartSection(
            key="new_pages",
            # The themes and districts the reader follows (notification preferences), else everything new.
            title=gettext_lazy("Nieuw in de kennisbank"),
            empty_hint=gettext_lazy(
                "Nog geen nieuwe kennispagina's in de thema's die u volgt. "
                "Kies bij Meldingen, Voorkeuren welke thema's u volgt, of zoek in de kennisbank."
            ),
            applies=lambda user: user.is_authenticated,
            build=latest_page_items,
            order=90,
            more_url=lambda: "/kennisbank/",
            more_label=gettext_lazy("Naar de kennisbank"),
        )
    )
