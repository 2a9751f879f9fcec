from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Portaal")

    def ready(self):
        from . import holes, navigation, signals  # noqa: F401

        navigation.register_core_items()
