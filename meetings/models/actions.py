from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Decision(models.Model):
    meeting = models.ForeignKey("meetings.MeetingPage", on_delete=models.CASCADE, related_name="decisions")
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    text = models.TextField(_("besluit"), max_length=4000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("besluit")
        verbose_name_plural = _("besluiten")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.text[:80]


class ActionItemQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=ActionItem.OPEN_STATUSES)


class ActionItem(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_uitvoering", _("In uitvoering")
        DONE = "afgerond", _("Afgerond")
        CANCELLED = "vervallen", _("Vervallen")

    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)

    district = models.ForeignKey("stakeholders.District", on_delete=models.PROTECT, related_name="action_items")
    meeting = models.ForeignKey("meetings.MeetingPage", on_delete=models.CASCADE, related_name="action_items")
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="action_items"
    )
    description = models.TextField(_("actiepunt"), max_length=2000)
    owner_organisation = models.ForeignKey(
        "stakeholders.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="action_items",
        verbose_name=_("organisatie"),
    )
    owner_contact = models.ForeignKey(
        "stakeholders.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="action_items",
        verbose_name=_("eigenaar"),
    )
    due_date = models.DateField(_("klaar op"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("actiepunt")
        verbose_name_plural = _("actiepunten")
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["district", "status"])]

    def __str__(self):
        return self.description[:80]

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class ActionItemUpdate(models.Model):
    """The owner's short progress note with each status change: the history of an action item."""

    action_item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=ActionItem.Status.choices)
    note = models.TextField(_("voortgang"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.action_item_id}: {self.status}"
