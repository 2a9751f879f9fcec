from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .notification import Delivery


class Preference(models.Model):
    """A person's choice for one event type: for everything, or for one district or one theme.
    Following a theme or district is a preference for `knowledge.new_page` scoped to it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    event = models.CharField(_("gebeurtenis"), max_length=64)
    district = models.ForeignKey("stakeholders.District", null=True, blank=True, on_delete=models.CASCADE)
    theme = models.ForeignKey("stakeholders.Theme", null=True, blank=True, on_delete=models.CASCADE)
    delivery = models.CharField(_("bezorging"), max_length=10, choices=Delivery.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("meldingsvoorkeur")
        verbose_name_plural = _("meldingsvoorkeuren")
        constraints = [
            models.CheckConstraint(
                condition=Q(district__isnull=True) | Q(theme__isnull=True), name="preference_one_scope"
            ),
            models.UniqueConstraint(
                fields=["user", "event"],
                condition=Q(district__isnull=True, theme__isnull=True),
                name="preference_unique_general",
            ),
            models.UniqueConstraint(
                fields=["user", "event", "district"],
                condition=Q(district__isnull=False),
                name="preference_unique_district",
            ),
            models.UniqueConstraint(
                fields=["user", "event", "theme"], condition=Q(theme__isnull=False), name="preference_unique_theme"
            ),
        ]

    def __str__(self):
        return f"{self.event}: {self.delivery}"
