from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StakeholdersConfig(AppConfig):
    name = "stakeholders"
    verbose_name = _("Partners en referentiegegevens")

    def ready(self):
        # Imported in ready(): the models and registries used here exist once every app is loaded.
        from core.navigation import NavItem, register
        from core.permissions import register_district_membership

        from . import signals  # noqa: F401
        from .permissions import district_ids_for, user_can_use_directory

        register_district_membership(district_ids_for)

        register(NavItem("directory", _("Wie is wie"), "stakeholders:directory", user_can_use_directory, order=200))
