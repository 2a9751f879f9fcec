from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgebaseConfig(AppConfig):
    """Best practices, lessons learned and materials (Wagtail pages), integrale acties, contributions."""

    name = "knowledgebase"
    verbose_name = _("Kennisbank")

    def ready(self):
        from core.navigation import NavItem, register

        from . import holes, signals  # noqa: F401 - holes: the personal part of knowledge pages
        from .permissions import user_can_view_joint_actions

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
