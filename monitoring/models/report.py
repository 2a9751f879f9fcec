"""The yearly report to the Stuurgroep Ondermijning: only the secretariat's own text is stored; the matrix,
figures and charts are computed when the report is downloaded, from the same selectors as the dashboard, so the
numbers cannot differ from what the dashboard shows."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgressReport(models.Model):
    year = models.PositiveSmallIntegerField(_("jaar"), unique=True)
    evaluation = models.TextField(
        _("procesevaluatie"),
        blank=True,
        max_length=20000,
        help_text=_("Wat ging goed, wat kan beter, en wat vraagt het secretariaat van de Stuurgroep."),
    )
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("rapportage aan de Stuurgroep")
        verbose_name_plural = _("rapportages aan de Stuurgroep")

    def __str__(self):
        return f"Stuurgroep {self.year}"
