"""The referral access log: append-only, no content, chained by hash so that a changed or removed entry
shows. It refers to users and objects by id only, so it outlives both."""

import hashlib

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessLogEntry(models.Model):
    class Action(models.TextChoices):
        VIEW = "view", _("bekeken")
        LIST = "list", _("lijst bekeken")
        CREATE = "create", _("aangemaakt")
        CHANGE = "change", _("gewijzigd")
        STATUS = "status", _("status gewijzigd")
        EXPORT = "export", _("geëxporteerd")
        ERASE = "erase", _("gewist")
        PURGE = "purge", _("verwijderd na bewaartermijn")

    class Result(models.TextChoices):
        ALLOWED = "allowed", _("toegestaan")
        DENIED = "denied", _("geweigerd")
        REFUSED = "refused", _("afgewezen (ongeldige invoer)")

    at = models.DateTimeField(_("tijdstip"), default=timezone.now, db_index=True)
    actor_id = models.BigIntegerField(_("gebruiker"), null=True, db_index=True)
    role = models.CharField(_("rol"), max_length=40, blank=True)
    object_type = models.CharField(_("soort"), max_length=30)
    object_id = models.CharField(_("object"), max_length=36, blank=True, db_index=True)
    action = models.CharField(_("handeling"), max_length=10, choices=Action.choices)
    result = models.CharField(_("resultaat"), max_length=10, choices=Result.choices)
    ip_address = models.GenericIPAddressField(_("IP-adres"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("toegangslogregel")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.pk} {self.action} {self.result}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("The referral access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("The referral access log is append-only.")

    def compute_hash(self) -> str:
        fields = [
            self.prev_hash,
            self.at.isoformat(),
            str(self.actor_id or ""),
            self.role,
            self.object_type,
            self.object_id,
            self.action,
            self.result,
            self.ip_address or "",
        ]
        return hashlib.sha256("\x1f".join(fields).encode()).hexdigest()


class AccessLogHead(models.Model):
    """One row: the newest hash. Locked while an entry is appended, so concurrent writers cannot fork the chain."""

    last_hash = models.CharField(max_length=64, default="0" * 64)
    entries = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return self.last_hash


class FigureSnapshot(models.Model):
    """Published referral figures, kept as they were published (already suppressed: no small cells)."""

    published_at = models.DateTimeField(_("gepubliceerd op"), default=timezone.now)
    published_by_id = models.BigIntegerField(null=True)
    label = models.CharField(_("omschrijving"), max_length=100)
    tables = models.JSONField()

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("gepubliceerde cijfers")

    def __str__(self):
        return self.label
