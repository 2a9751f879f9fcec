from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlatformConfig(AppConfig):
    """The top layer (ARCHITECTURE.md): settings, URLs, base templates and the composition of all apps:
    reference and demo data, the bench, health, backup and restore. Only this app imports every other."""

    name = "vbg_platform"
    verbose_name = _("Platform")

    def ready(self):
        # Imported in ready(): registering the settings checks (checks.py) needs the app registry.
        from . import checks  # noqa: F401
