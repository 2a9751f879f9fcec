from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    """Module 1: the resident survey, from letters with one-time codes to anonymous answers and results."""

    name = "surveys"
    verbose_name = _("Bewonersenquête")

    def ready(self):
        # Imported in ready(): the models and registries used here exist once every app is loaded.
        from core.navigation import NavItem, register

        from .permissions import user_can_use_surveys
        from .start_page import register_start_sections

        register_start_sections()

        register(NavItem("surveys", _("Enquêtes"), "surveys:campaign_list", user_can_use_surveys, order=410))
