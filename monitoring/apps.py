from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    """Progress of every municipality on the five programme modules (for the Stuurgroep reports)."""

    name = "monitoring"
    verbose_name = _("Voortgang")

    def ready(self):
        # Imported in ready(): the models and registries used here exist once every app is loaded.
        from core.navigation import NavItem, register

        from .permissions import user_can_view_progress
        from .start_page import register_start_sections

        register_start_sections()

        register(NavItem("progress", _("Voortgang"), "monitoring:dashboard", user_can_view_progress, order=400))
