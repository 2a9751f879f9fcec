from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Invitation(models.Model):
    """One per invited contact: their answer before the meeting."""

    class Response(models.TextChoices):
        PENDING = "pending", _("Nog geen antwoord")
        ATTENDING = "attending", _("Komt")
        DECLINED = "declined", _("Komt niet")
        DEPUTY = "deputy", _("Stuurt een vervanger")

    meeting = models.ForeignKey("meetings.MeetingPage", on_delete=models.CASCADE, related_name="invitations")
    contact = models.ForeignKey("stakeholders.Contact", on_delete=models.CASCADE, related_name="invitations")
    response = models.CharField(_("antwoord"), max_length=10, choices=Response.choices, default=Response.PENDING)
    deputy_name = models.CharField(_("naam van de vervanger"), max_length=200, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    invited_at = models.DateTimeField(auto_now_add=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("uitnodiging")
        verbose_name_plural = _("uitnodigingen")
        constraints = [models.UniqueConstraint(fields=["meeting", "contact"], name="one_invitation_per_contact")]

    def __str__(self):
        return f"{self.meeting_id}/{self.contact_id}: {self.response}"


class Attendance(models.Model):
    """Who was there, and which organisation they represented (ORI: aanwezigheid met vertegenwoordigde partij)."""

    meeting = models.ForeignKey("meetings.MeetingPage", on_delete=models.CASCADE, related_name="attendance")
    contact = models.ForeignKey("stakeholders.Contact", on_delete=models.CASCADE, related_name="attendance")
    organisation = models.ForeignKey(
        "stakeholders.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attendance",
        verbose_name=_("vertegenwoordigt"),
    )
    present = models.BooleanField(_("aanwezig"), default=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("aanwezigheid")
        constraints = [models.UniqueConstraint(fields=["meeting", "contact"], name="one_attendance_per_contact")]

    def __str__(self):
        return f"{self.meeting_id}/{self.contact_id}: {self.present}"
