from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """In-app notifications (the bell in the header), e-mail and the websocket."""

    name = "notifications"
    verbose_name = _("Meldingen")

    def ready(self):
        # Imported in ready(): the models and registries used here exist once every app is loaded.
        from . import signals  # noqa: F401 - registers the receivers
