import secrets

from django.conf import settings
from django.db import models


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarToken(models.Model):
    """The secret in a personal iCal feed address. Revoking replaces it; the old address stops working."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_token")
    token = models.CharField(max_length=64, unique=True, default=_new_token)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.user_id}"

    def rotate(self) -> None:
        self.token = _new_token()
        self.save(update_fields=["token", "created_at"])
