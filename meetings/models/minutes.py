"""Minutes per agenda item and their cycle: concept → review by the chair → concept-notulen to the members
with a comment period → vastgesteld at the next meeting. Every saved state is kept as a version."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Minutes(models.Model):
    class Status(models.TextChoices):
        CONCEPT = "concept", _("Concept")
        CHAIR_REVIEW = "chair_review", _("Bij de voorzitter")
        CHANGES_REQUESTED = "changes_requested", _("Aanpassing gevraagd")
        PUBLISHED = "published", _("Concept-notulen gepubliceerd")
        ADOPTED = "adopted", _("Vastgesteld")

    meeting = models.OneToOneField("meetings.MeetingPage", on_delete=models.CASCADE, related_name="minutes")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CONCEPT)
    chair_comment = models.TextField(_("opmerking van de voorzitter"), blank=True)
    comments_until = models.DateTimeField(_("reageren kan tot"), null=True, blank=True)
    adopted_at = models.DateTimeField(null=True, blank=True)
    adopted_at_meeting = models.ForeignKey(
        "meetings.MeetingPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="adopted_minutes"
    )

    class Meta:
        verbose_name = _("notulen")
        verbose_name_plural = _("notulen")

    def __str__(self):
        return f"{self.meeting_id}: {self.status}"


class MinutesItem(models.Model):
    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="items")
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="minutes_items"
    )
    title = models.TextField(_("agendapunt"))
    text = models.TextField(_("verslag"), blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.title[:80]


class MinutesVersion(models.Model):
    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=Minutes.Status.choices)
    snapshot = models.JSONField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["minutes", "number"], name="unique_minutes_version")]

    def __str__(self):
        return f"{self.minutes_id} v{self.number}"


class MinutesComment(models.Model):
    """A member's comment during the comment period, and the secretariat's answer to it after the period:
    worked into a new version of the text or not, which the commenter is told."""

    class Resolution(models.TextChoices):
        OPEN = "", _("Nog niet beantwoord")
        WORKED_IN = "worked_in", _("Verwerkt in de tekst")
        NO_CHANGE = "no_change", _("Geen aanpassing nodig")
        NOT_WORKED_IN = "not_worked_in", _("Niet verwerkt")

    item = models.ForeignKey(MinutesItem, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("reactie"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    resolution = models.CharField(
        _("verwerking"), max_length=20, choices=Resolution.choices, default=Resolution.OPEN, blank=True
    )
    resolution_note = models.TextField(_("toelichting van het secretariaat"), max_length=1000, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_in_version = models.ForeignKey(
        MinutesVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="resolved_comments"
    )

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.text[:80]
