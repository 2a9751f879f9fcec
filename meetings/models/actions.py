from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Left, Length
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page


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


def _platform_above_meeting():
    """The platform page right above each row's meeting (a meeting's parent is always a platform page)."""
    from .pages import DistrictPlatformPage  # here: pages import this module

    meeting_path = OuterRef("meeting__path")
    return DistrictPlatformPage.objects.filter(path=Left(meeting_path, Length(meeting_path) - Page.steplen))


class ActionItemQuerySet(models.QuerySet):
    """An action item has no district of its own: it belongs to the platform its meeting is under now, so
    moving the meeting moves the item (and who may see it follows the meeting, meetings.permissions)."""

    def open(self):
        return self.filter(status__in=ActionItem.OPEN_STATUSES)

    def under_path(self, platform_path: str):
        """Items of the meetings under the platform page at this tree path."""
        return self.filter(meeting__path__startswith=platform_path)

    def of_district(self, code: str):
        from .pages import DistrictPlatformPage  # here: pages import this module

        platform_path = DistrictPlatformPage.objects.filter(district__code=code).values("path")[:1]
        return self.filter(meeting__path__startswith=Subquery(platform_path))

    def with_district(self):
        """`district_id` and `district_name` of the meeting's platform, read in the same query (lists)."""
        platform = _platform_above_meeting()
        return self.annotate(
            district_id=Subquery(platform.values("district_id")[:1]),
            district_name=Subquery(platform.values("district__name")[:1]),
        )


class ActionItem(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_uitvoering", _("In uitvoering")
        DONE = "afgerond", _("Afgerond")
        CANCELLED = "vervallen", _("Vervallen")

    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)

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

    def __str__(self):
        return self.description[:80]

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @cached_property
    def district_id(self) -> int | None:
        """The district of the platform the meeting is under now; `with_district()` sets it for a whole list."""
        return ActionItem.objects.with_district().values_list("district_id", flat=True).get(pk=self.pk)


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
