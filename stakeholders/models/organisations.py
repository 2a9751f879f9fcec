import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def current_q(start: str, end: str, day: datetime.date | None = None) -> Q:
    """Rows whose [start, end] period includes `day`; an open end means still running."""
    day = day or datetime.date.today()
    return Q(**{f"{start}__lte": day}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": day}))


class Organisation(models.Model):
    """A partner organisation. Never hard-deleted: `is_active` ends it, history stays."""

    name = models.CharField(_("naam"), max_length=200)
    partner_type = models.ForeignKey(
        "stakeholders.PartnerType",
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("partnertype"),
    )
    municipality = models.ForeignKey(
        "stakeholders.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="own_organisations",
        verbose_name=_("gemeente (bij een gemeentelijke organisatie)"),
        help_text=_("Alleen voor de gemeente zelf: bepaalt de gemeente van de AOV's die er werken."),
    )
    is_active = models.BooleanField(_("actief"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")

    def __str__(self):
        return self.name


class MembershipQuerySet(models.QuerySet):
    def current(self, day: datetime.date | None = None):
        return self.filter(current_q("since", "until", day))


class Membership(models.Model):
    """An organisation's seat on a district platform, for a period."""

    class Role(models.TextChoices):
        MEMBER = "lid", _("lid")
        AGENDA_MEMBER = "agendalid", _("agendalid")
        ADVISER = "adviseur", _("adviseur")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    district = models.ForeignKey(
        "stakeholders.District", on_delete=models.PROTECT, related_name="memberships", verbose_name=_("district")
    )
    since = models.DateField(_("sinds"), default=datetime.date.today)
    until = models.DateField(_("tot en met"), null=True, blank=True)
    role = models.CharField(_("rol"), max_length=12, choices=Role.choices, default=Role.MEMBER)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["district__name", "organisation__name"]
        verbose_name = _("platformlidmaatschap")
        verbose_name_plural = _("platformlidmaatschappen")
        indexes = [models.Index(fields=["organisation", "district"])]

    def __str__(self):
        return f"{self.organisation} – {self.district}"
