from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel


class Interaction(models.Model):
    """The secretariat's log of contact moments. Visible to the secretariat only."""

    class Kind(models.TextChoices):
        CALL = "call", _("telefoongesprek")
        MEETING = "meeting", _("overleg")
        EMAIL = "email", _("e-mail")
        VISIT = "visit", _("bezoek")

    kind = models.CharField(_("soort"), max_length=10, choices=Kind.choices)
    date = models.DateField(_("datum"), default=timezone.localdate)
    organisation = models.ForeignKey(
        "stakeholders.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="interactions",
        verbose_name=_("organisatie"),
    )
    contact = models.ForeignKey(
        "stakeholders.Contact",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="interactions",
        verbose_name=_("contactpersoon"),
    )
    summary = models.TextField(_("samenvatting"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldPanel("kind"),
        FieldPanel("date"),
        FieldPanel("organisation"),
        FieldPanel("contact"),
        FieldPanel("summary"),
    ]

    class Meta:
        ordering = ["-date", "-created_at"]
        verbose_name = _("contactmoment")
        verbose_name_plural = _("contactmomenten")
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | Q(contact__isnull=False),
                name="interaction_has_organisation_or_contact",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.date:%d-%m-%Y}"
