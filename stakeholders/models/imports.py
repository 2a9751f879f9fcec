import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportBatch(models.Model):
    """An uploaded spreadsheet between preview and confirm. The rows are kept only so the secretariat can
    fix broken cells in the preview; nothing reaches the CRM before the all-or-nothing confirm. Confirm and
    cancel clear the rows (counts stay in `summary`); unfinished previews are purged by a periodic job."""

    class Kind(models.TextChoices):
        ORGANISATIONS = "organisations", _("organisaties")
        CONTACTS = "contacts", _("contactpersonen")

    class Status(models.TextChoices):
        PREVIEW = "preview", _("voorbeeld")
        IMPORTED = "imported", _("geïmporteerd")
        CANCELLED = "cancelled", _("geannuleerd")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("soort"), max_length=16, choices=Kind.choices)
    filename = models.CharField(_("bestandsnaam"), max_length=255)
    rows = models.JSONField(default=list)
    ignored_columns = models.JSONField(default=list)
    decisions = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    summary = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.filename}"
