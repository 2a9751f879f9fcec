"""The referral register's lists on the start page ("Mijn overzicht"): status only, through permissions.py
and selectors.py (nothing encrypted is loaded). Like the register's own list, every listing is written to the
access log; the start page is never cached (core.models.HomePage.serve)."""

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.home import StartItem, StartSection, register_start_section
from core.roles import Role

from . import selectors
from .access_log import Action, Result, access_log_write
from .permissions import user_can_assign_coach


def _log_listing(request) -> None:
    """One 'lijst bekeken' entry per start page, as referrals.views.referral_list writes one per list view."""
    if not getattr(request, "_referral_start_logged", False):
        access_log_write(request=request, object_type="referral_list", action=Action.LIST, result=Result.ALLOWED)
        request._referral_start_logged = True


def _reference(referral) -> str:
    return _("Doorverwijzing %(reference)s") % {"reference": str(referral.pk)[:8]}


def _day(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "j F Y")


def sent_items(request) -> list[StartItem]:
    _log_listing(request)
    return [
        StartItem(
            title=_reference(referral),
            url=reverse("referrals:detail", args=[referral.pk]),
            detail=referral.get_status_display(),
        )
        for referral in selectors.referrals_sent_by(request.user)
    ]


def next_step_items(request) -> list[StartItem]:
    _log_listing(request)
    return [
        StartItem(
            title=_reference(referral),
            url=reverse("referrals:detail", args=[referral.pk]),
            detail=_("%(status)s · laatst bijgewerkt %(day)s")
            % {"status": referral.get_status_display(), "day": _day(referral.updated_at)},
        )
        for referral in selectors.referrals_needing_next_step(request.user)
    ]


def unassigned_items(request) -> list[StartItem]:
    _log_listing(request)
    return [
        StartItem(
            title=_reference(referral),
            url=reverse("referrals:detail", args=[referral.pk]),
            detail=_("Nog geen coach · aangemeld %(day)s") % {"day": _day(referral.created_at)},
            urgent=True,
        )
        for referral in selectors.referrals_unassigned(request.user)
    ]


def _is_aov(user) -> bool:
    return user.is_authenticated and user.is_active and user.has_role(Role.AOV)


def _works_referrals(user) -> bool:
    return user.is_authenticated and user.is_active and user.has_role(Role.COACH, Role.COACH_COORDINATOR)


def register_start_sections() -> None:
    register_start_section(
        StartSection(
            key="sent_referrals",
            title=gettext_lazy("Doorverwijzingen die u stuurde"),
            empty_hint=gettext_lazy(
                "U heeft nog niemand doorverwezen. Leg een kwetsbare locatie vast en verwijs de eigenaar door "
                "naar een coach."
            ),
            applies=_is_aov,
            build=sent_items,
            order=60,
            more_url=lambda: reverse("referrals:list"),
            more_label=gettext_lazy("Alle doorverwijzingen"),
        )
    )
    register_start_section(
        StartSection(
            key="unassigned_referrals",
            title=gettext_lazy("Doorverwijzingen zonder coach"),
            empty_hint=gettext_lazy("Elke doorverwijzing heeft een coach. Nieuwe aanmeldingen verschijnen hier."),
            applies=user_can_assign_coach,
            build=unassigned_items,
            order=10,
            more_url=lambda: reverse("referrals:list"),
            more_label=gettext_lazy("Alle doorverwijzingen"),
        )
    )
    register_start_section(
        StartSection(
            key="referrals_next_step",
            title=gettext_lazy("Doorverwijzingen die een volgende stap nodig hebben"),
            empty_hint=gettext_lazy(
                "Er wacht geen doorverwijzing op een volgende stap. Nieuwe toewijzingen verschijnen hier."
            ),
            applies=_works_referrals,
            build=next_step_items,
            order=20,
            more_url=lambda: reverse("referrals:list"),
            more_label=gettext_lazy("Alle doorverwijzingen"),
        )
    )
