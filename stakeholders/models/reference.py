"""Reference data: facts loaded by `seed_reference_data`, never typed into code.

Another region's programme is added as data (more districts, municipalities, partner types).
"""

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class District(models.Model):
    """A district and its quarterly stakeholder platform (module 4): one concept, one model."""

    code = models.SlugField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("naam"), max_length=100, unique=True)
    safety_region_code = models.CharField(_("veiligheidsregio"), max_length=8, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("district")
        verbose_name_plural = _("districten")

    def __str__(self):
        return self.name


class MunicipalityQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date):
        """Municipalities that existed on `day` (mergers end one and start another)."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_until__isnull=True) | Q(valid_until__gte=day),
        )

    def current(self):
        return self.valid_on(datetime.date.today())


class Municipality(models.Model):
    cbs_code = models.CharField(_("CBS-code"), max_length=6, unique=True, help_text="GMxxxx")
    name = models.CharField(_("naam"), max_length=100)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="municipalities")
    valid_from = models.DateField(_("geldig vanaf"), null=True, blank=True)
    valid_until = models.DateField(_("geldig tot en met"), null=True, blank=True)
    succeeded_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name=_("opgegaan in"),
    )

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")

    def __str__(self):
        return self.name


class Module(models.Model):
    number = models.PositiveSmallIntegerField(_("nummer"), unique=True)
    name = models.CharField(_("naam"), max_length=200)
    goal = models.TextField(_("doel"), blank=True)
    duration = models.CharField(_("looptijd"), max_length=50, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    def __str__(self):
        return f"{self.number}. {self.name}"


class PartnerType(models.Model):
    class Kind(models.TextChoices):
        PUBLIC = "public", _("publiek")
        SEMI_PUBLIC = "semi-public", _("semipubliek")
        PRIVATE = "private", _("privaat")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("naam"), max_length=150)
    kind = models.CharField(_("soort"), max_length=12, choices=Kind.choices)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partnertype")
        verbose_name_plural = _("partnertypen")

    def __str__(self):
        return self.name


class Theme(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("naam"), max_length=150)

    class Meta:
        ordering = ["name"]
        verbose_name = _("thema")
        verbose_name_plural = _("thema's")

    def __str__(self):
        return self.name
