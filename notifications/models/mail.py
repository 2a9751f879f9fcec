from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SentMail(models.Model):
    """Every notification mail and digest that left the portal (or failed to): who, what, when.
    Subjects only; a referral mail's subject holds no content, so neither does this log."""

    class Kind(models.TextChoices):
        IMMEDIATE = "immediate", _("Direct")
        DAILY = "daily", _("Dagelijkse samenvatting")
        WEEKLY = "weekly", _("Wekelijkse samenvatting")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    to = models.EmailField(_("aan"))
    subject = models.CharField(_("onderwerp"), max_length=250)
    kind = models.CharField(_("soort"), max_length=10, choices=Kind.choices)
    notifications = models.ManyToManyField("notifications.Notification", blank=True, related_name="mails")
    sent_at = models.DateTimeField(_("verstuurd op"), auto_now_add=True, db_index=True)
    error = models.CharField(_("fout"), max_length=300, blank=True)
    # Set when the mail is about a referral: kept out of the log's screens even after the notification it
    # carried is purged.
    confidential = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("verstuurde e-mail")
        verbose_name_plural = _("verstuurde e-mails")

    def __str__(self):
        return f"{self.to}: {self.subject}"
