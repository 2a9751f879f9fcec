"""Module 3: the classroom sessions ("Voorlichting professionals") and who registered for them.

The programme wants mixed groups, so a session takes at most `max_per_organisation` people of one organisation
(confirmed and waiting together); beyond its capacity people wait, first come first served."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_MAX_PER_ORGANISATION = 2


class TrainingSession(models.Model):
    title = models.CharField(_("titel"), max_length=200)
    starts_at = models.DateTimeField(_("begint om"))
    ends_at = models.DateTimeField(_("eindigt om"))
    place = models.CharField(_("plaats"), max_length=200)
    capacity = models.PositiveSmallIntegerField(_("aantal plaatsen"), validators=[MinValueValidator(1)])
    max_per_organisation = models.PositiveSmallIntegerField(
        _("hoogstens per organisatie"),
        default=DEFAULT_MAX_PER_ORGANISATION,
        validators=[MinValueValidator(1)],
        help_text=_("Zo blijven de groepen gemengd en leren partners elkaar kennen."),
    )
    programme = models.TextField(_("programma"), blank=True, max_length=4000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="session_has_places"),
            models.CheckConstraint(condition=models.Q(max_per_organisation__gte=1), name="session_org_cap_positive"),
        ]
        verbose_name = _("trainingssessie")
        verbose_name_plural = _("trainingssessies")

    def __str__(self):
        return self.title


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Aangemeld")
        WAITING = "waiting", _("Op de wachtlijst")
        CANCELLED = "cancelled", _("Afgemeld")

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_registrations")
    organisation = models.ForeignKey(
        "stakeholders.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("namens organisatie")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    registered_by = models.ForeignKey(  # an AOV registering a colleague; None or the person themselves otherwise
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("aangemeld door"),
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)  # the waiting list's order
    moved_up_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(_("aanwezig"), null=True, blank=True)  # None: not ticked yet

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=~models.Q(status="cancelled"),
                name="registration_once_per_person",
            ),
        ]
        verbose_name = _("aanmelding")
        verbose_name_plural = _("aanmeldingen")

    def __str__(self):
        return f"{self.user} – {self.session}"
