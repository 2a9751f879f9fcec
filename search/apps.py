from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    label = "portal_search"
    verbose_name = _("Zoeken")

    def ready(self):
        # Imported in ready(): the models and registries used here exist once every app is loaded.
        from . import signals  # noqa: F401
