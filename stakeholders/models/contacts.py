import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel

from ..validators import validate_dutch_phone
from .organisations import current_q


class Contact(ClusterableModel):
    """A person in the CRM; a portal user is linked to one contact."""

    class PlatformRole(models.TextChoices):
        REPRESENTATIVE = "vertegenwoordiger", _("vertegenwoordiger")
        DEPUTY = "plaatsvervanger", _("plaatsvervanger")

    first_name = models.CharField(_("voornaam"), max_length=100)
    last_name = models.CharField(_("achternaam"), max_length=150)
    function = models.CharField(_("functie"), max_length=150, blank=True)
    email = models.EmailField(_("e-mailadres"), blank=True)
    phone = models.CharField(_("telefoonnummer"), max_length=20, blank=True, validators=[validate_dutch_phone])
    platform_role = models.CharField(_("rol in het platform"), max_length=20, choices=PlatformRole.choices, blank=True)
    directory_consent = models.BooleanField(
        _("staat in Wie is wie"),
        default=False,
        help_text=_("Toestemming om met naam, functie en contactgegevens zichtbaar te zijn voor andere partners."),
    )
    directory_consent_at = models.DateTimeField(_("toestemming Wie is wie gegeven op"), null=True, blank=True)
    invitation_consent = models.BooleanField(
        _("ontvangt uitnodigingen"),
        default=False,
        help_text=_("Toestemming om uitnodigingen voor bijeenkomsten te ontvangen."),
    )
    invitation_consent_at = models.DateTimeField(_("toestemming uitnodigingen gegeven op"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("geanonimiseerd op"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldRowPanel([FieldPanel("first_name"), FieldPanel("last_name")]),
        FieldRowPanel([FieldPanel("function"), FieldPanel("platform_role")]),
        FieldRowPanel([FieldPanel("email"), FieldPanel("phone")]),
        MultiFieldPanel(
            [FieldPanel("directory_consent"), FieldPanel("invitation_consent")], heading=_("Toestemmingen")
        ),
        InlinePanel("affiliations", heading=_("Dienstverbanden"), label=_("dienstverband")),
    ]

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("contactpersoon")
        verbose_name_plural = _("contactpersonen")

    def __str__(self):
        return f"{self.first_name} {self.last_name}".strip()


class AffiliationQuerySet(models.QuerySet):
    def current(self, day: datetime.date | None = None):
        return self.filter(current_q("start_date", "end_date", day))


class Affiliation(models.Model):
    """A contact working for an organisation for a period. Ending it ends the access it gave."""

    contact = ParentalKey(Contact, on_delete=models.CASCADE, related_name="affiliations")
    organisation = models.ForeignKey(
        "stakeholders.Organisation",
        on_delete=models.PROTECT,
        related_name="affiliations",
        verbose_name=_("organisatie"),
    )
    start_date = models.DateField(_("begindatum"), default=datetime.date.today)
    end_date = models.DateField(_("einddatum"), null=True, blank=True)
    is_representative = models.BooleanField(
        _("vertegenwoordiger van de organisatie"),
        default=False,
        help_text=_("Mag het organisatieprofiel bewerken."),
    )

    objects = AffiliationQuerySet.as_manager()

    panels = [
        FieldPanel("organisation"),
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
        FieldPanel("is_representative"),
    ]

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("dienstverband")
        verbose_name_plural = _("dienstverbanden")
        indexes = [models.Index(fields=["contact", "organisation"])]

    def __str__(self):
        return f"{self.contact} – {self.organisation}"
