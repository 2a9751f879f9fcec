import datetime

from django import forms
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel

from ..validators import validate_dutch_phone, validate_kvk_number, validate_postal_code


def current_q(start: str, end: str, day: datetime.date | None = None) -> Q:
    """Rows whose [start, end] period includes `day`; an open end means still running."""
    day = day or datetime.date.today()
    return Q(**{f"{start}__lte": day}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": day}))


class Organisation(ClusterableModel):
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
    kvk_number = models.CharField(_("KvK-nummer"), max_length=8, blank=True, validators=[validate_kvk_number])
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("algemeen e-mailadres"), blank=True)
    phone = models.CharField(_("algemeen telefoonnummer"), max_length=20, blank=True, validators=[validate_dutch_phone])
    street = models.CharField(_("straat en huisnummer"), max_length=200, blank=True)
    postal_code = models.CharField(_("postcode"), max_length=7, blank=True, validators=[validate_postal_code])
    city = models.CharField(_("plaats"), max_length=100, blank=True)
    municipalities = models.ManyToManyField(
        "stakeholders.Municipality",
        blank=True,
        related_name="working_organisations",
        verbose_name=_("werkt in de gemeenten"),
    )
    internal_notes = models.TextField(
        _("interne notities"), blank=True, help_text=_("Alleen zichtbaar voor het secretariaat.")
    )
    is_active = models.BooleanField(_("actief"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("partner_type"), FieldPanel("municipality")]),
        FieldPanel("is_active"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("email"), FieldPanel("phone")]),
                FieldRowPanel([FieldPanel("website"), FieldPanel("kvk_number")]),
                FieldPanel("street"),
                FieldRowPanel([FieldPanel("postal_code"), FieldPanel("city")]),
            ],
            heading=_("Contactgegevens"),
        ),
        FieldPanel("municipalities", widget=forms.CheckboxSelectMultiple),
        InlinePanel("memberships", heading=_("Platformlidmaatschappen"), label=_("lidmaatschap")),
        FieldPanel("internal_notes"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")
        constraints = [
            models.UniqueConstraint(
                fields=["kvk_number"], condition=~models.Q(kvk_number=""), name="unique_kvk_number_when_given"
            )
        ]

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

    organisation = ParentalKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    district = models.ForeignKey(
        "stakeholders.District", on_delete=models.PROTECT, related_name="memberships", verbose_name=_("district")
    )
    since = models.DateField(_("sinds"), default=datetime.date.today)
    until = models.DateField(_("tot en met"), null=True, blank=True)
    role = models.CharField(_("rol"), max_length=12, choices=Role.choices, default=Role.MEMBER)

    objects = MembershipQuerySet.as_manager()

    panels = [
        FieldRowPanel([FieldPanel("district"), FieldPanel("role")]),
        FieldRowPanel([FieldPanel("since"), FieldPanel("until")]),
    ]

    class Meta:
        ordering = ["district__name", "organisation__name"]
        verbose_name = _("platformlidmaatschap")
        verbose_name_plural = _("platformlidmaatschappen")
        indexes = [models.Index(fields=["organisation", "district"])]

    def __str__(self):
        return f"{self.organisation} – {self.district}"
