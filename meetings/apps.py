from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    """The quarterly district platform meetings: agenda, invitations, attendance, minutes, decisions,
    action items, calendars and the live meeting."""

    name = "meetings"
    verbose_name = _("Platformbijeenkomsten")

    def ready(self):
        # Imported in ready(): the models and registries used here exist once every app is loaded.
        from core.navigation import NavItem, register
        from notifications.permissions import register_subject_scope

        from .models import ActionItem, MeetingPage
        from .permissions import action_items_visible_to, meetings_visible_to, platform_district_ids_for
        from .search_documents import register_search
        from .start_page import register_start_sections

        register_subject_scope(MeetingPage, meetings_visible_to)
        register_subject_scope(ActionItem, action_items_visible_to)
        register_search()
        register_start_sections()

        def has_platforms(user) -> bool:
            districts = platform_district_ids_for(user)
            return districts is None or bool(districts)

        register(NavItem("platforms", _("Platforms"), "meetings:platform_list", has_platforms, order=150))
        register(NavItem("actions", _("Actiepunten"), "meetings:action_list", has_platforms, order=160))
