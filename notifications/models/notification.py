from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Delivery(models.TextChoices):
    """How a person hears of an event; ordered from quiet to loud (see `LOUDNESS`)."""

    OFF = "off", _("Uit")
    PORTAL = "portal", _("Alleen in het portaal")
    WEEKLY = "weekly", _("Wekelijkse samenvatting per e-mail")
    DAILY = "daily", _("Dagelijkse samenvatting per e-mail")
    IMMEDIATE = "immediate", _("Direct per e-mail")


LOUDNESS = {value: rank for rank, value in enumerate(Delivery.values)}


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message for one person about one subject. It is shown only while the person may still see the
    subject (checked again on every list, count, push and mail); confidential subjects carry no content."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("soort"), max_length=64)
    title = models.CharField(_("titel"), max_length=200)
    body = models.TextField(_("tekst"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    subject_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    subject_id = models.CharField(max_length=64, blank=True)
    district = models.ForeignKey(
        "stakeholders.District", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    delivery = models.CharField(_("bezorging"), max_length=10, choices=Delivery.choices, default=Delivery.PORTAL)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    digested_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("melding")
        verbose_name_plural = _("meldingen")
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["delivery", "digested_at"]),
            models.Index(fields=["kind", "subject_type", "subject_id"]),
        ]

    def __str__(self):
        return self.title
