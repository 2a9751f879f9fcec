"""The secretariat's settings for the programme figures: one row, read by the charts and the report."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TrendThreshold(models.Model):
    """When a year counts in a trend: a year with fewer municipalities or responses reads as a collapse beside
    full years, so its bars are left out and the year is marked (never dropped without a word)."""

    DEFAULT_MUNICIPALITIES = 3
    DEFAULT_RESPONSES = 100

    min_municipalities = models.PositiveSmallIntegerField(
        _("minimaal aantal gemeenten"),
        default=DEFAULT_MUNICIPALITIES,
        help_text=_("Een jaar met minder gemeenten telt niet mee in de grafieken door de jaren heen."),
    )
    min_responses = models.PositiveIntegerField(
        _("minimaal aantal ingevulde vragenlijsten"),
        default=DEFAULT_RESPONSES,
        help_text=_("Een jaar met minder ingevulde vragenlijsten telt niet mee in de grafiek van de enquête."),
    )
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("drempel voor trends")
        verbose_name_plural = _("drempels voor trends")

    def __str__(self):
        return f"{self.min_municipalities} / {self.min_responses}"

    @classmethod
    def current(cls) -> "TrendThreshold":
        """The stored row, or the defaults (unsaved) while the secretariat has not set one."""
        return cls.objects.order_by("pk").first() or cls()
