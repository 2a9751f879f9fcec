"""Participation of a municipality in a programme module, with the history of every change.

Figures per module build on these rows; a municipality that merged keeps its rows (its history is shown
under its successor, see selectors)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Participation(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "niet_gestart", _("Niet gestart")
        IN_TALKS = "in_gesprek", _("In gesprek")
        STARTED = "gestart", _("Gestart")
        DONE = "afgerond", _("Afgerond")
        NOT_APPLICABLE = "nvt", _("Niet van toepassing")

    municipality = models.ForeignKey(
        "stakeholders.Municipality", on_delete=models.PROTECT, related_name="participations", verbose_name=_("gemeente")
    )
    module = models.ForeignKey(
        "stakeholders.Module", on_delete=models.PROTECT, related_name="participations", verbose_name=_("module")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    started_on = models.DateField(_("gestart op"), null=True, blank=True)
    finished_on = models.DateField(_("afgerond op"), null=True, blank=True)
    responsible_aov = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("verantwoordelijke AOV"),
    )
    notes = models.TextField(_("toelichting"), blank=True, max_length=4000)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["municipality", "module"], name="participation_once_per_module"),
            models.CheckConstraint(
                condition=models.Q(finished_on__isnull=True)
                | models.Q(started_on__isnull=True)
                | models.Q(finished_on__gte=models.F("started_on")),
                name="participation_finished_after_start",
            ),
        ]
        verbose_name = _("deelname")
        verbose_name_plural = _("deelnames")

    def __str__(self):
        return f"{self.municipality} – module {self.module.number}: {self.get_status_display()}"


class ParticipationChange(models.Model):
    """One saved change of a participation: who, when, from which status to which, and why."""

    participation = models.ForeignKey(Participation, on_delete=models.CASCADE, related_name="changes")
    status_from = models.CharField(max_length=20, choices=Participation.Status.choices, blank=True)
    status_to = models.CharField(max_length=20, choices=Participation.Status.choices)
    started_on = models.DateField(null=True, blank=True)
    finished_on = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("wijziging van een deelname")
        verbose_name_plural = _("wijzigingen van deelnames")

    def __str__(self):
        return f"{self.participation_id}: {self.status_from} → {self.status_to}"
