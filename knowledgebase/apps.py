from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgebaseConfig(AppConfig):
    """Best practices, lessons learned and materials (Wagtail pages), integrale acties, contributions."""

    name = "knowledgebase"
    verbose_name = _("Kennisbank")

    def ready(self):
        # Imported in ready(): the models and registries used here exist once every app is loaded.
        from core.home import register_home_section
        from core.navigation import NavItem, register
        from notifications.permissions import register_subject_scope

        from . import signals  # noqa: F401
        from .models import KnowledgePage
        from .permissions import knowledge_pages_visible_to, user_can_view_joint_actions
        from .search_documents import register_search
        from .selectors import latest_pages
        from .start_page import register_start_sections

        register_subject_scope(KnowledgePage, knowledge_pages_visible_to)
        register_search()

        register_home_section("latest_pages", lambda request: latest_pages(user=request.user))
        register_start_sections()

        register(NavItem("knowledge", _("Kennisbank"), "/kennisbank/", lambda user: True, order=100))
        register(NavItem("materials", _("Materialen"), "/materialen/", lambda user: True, order=110))
        register(
            NavItem(
                "joint_actions",
                _("Integrale acties"),
                "knowledgebase:joint_actions",
                user_can_view_joint_actions,
                order=300,
            )
        )
