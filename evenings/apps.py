from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EveningsConfig(AppConfig):
    """Module 2: information evenings for residents, with a public registration page."""

    name = "evenings"
    verbose_name = _("Informatieavonden")

    def ready(self):
        # Imported in ready(): the models and registries used here exist once every app is loaded.
        from core.navigation import NavItem, register

        from .permissions import user_can_organise
        from .start_page import register_start_sections

        # One door with one name for everyone: organisers land on their screens, everyone else (residents
        # without an account too) on the public list of upcoming evenings.
        register(NavItem("evenings", _("Informatieavonden"), "evenings:organise_list", user_can_organise, order=410))
        register(
            NavItem(
                "evenings_public",
                _("Informatieavonden"),
                "evenings:public_list",
                lambda user: not user_can_organise(user),
                order=410,
            )
        )
        register_start_sections()
