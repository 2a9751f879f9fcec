from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Meldingen")

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from core.navigation import NavItem, register

        register(
            NavItem("notifications", _("Meldingen"), "notifications:list", lambda u: u.is_authenticated, order=700)
        )
