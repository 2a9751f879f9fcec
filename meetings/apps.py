from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    """The quarterly district platform meetings (agenda, minutes, decisions, action items).

    Arrives with the meetings capability; districts are reference data in `stakeholders`."""

    name = "meetings"
    verbose_name = _("Platformbijeenkomsten")
