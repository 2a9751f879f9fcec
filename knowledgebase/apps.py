from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgebaseConfig(AppConfig):
    """Best practices, lessons learned and materials (Wagtail pages) and integrale acties.

    The page types arrive with the knowledge-base capability; themes are reference data in
    `stakeholders`."""

    name = "knowledgebase"
    verbose_name = _("Kennisbank")
