import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from .organisations import current_q


class Contact(models.Model):
    """A person in the CRM; a portal user is linked to one contact."""

    first_name = models.CharField(_("voornaam"), max_length=100)
    last_name = models.CharField(_("achternaam"), max_length=150)
    email = models.EmailField(_("e-mailadres"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

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

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="affiliations")
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

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("dienstverband")
        verbose_name_plural = _("dienstverbanden")
        indexes = [models.Index(fields=["contact", "organisation"])]

    def __str__(self):
        return f"{self.contact} – {self.organisation}"
