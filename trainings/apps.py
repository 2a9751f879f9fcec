from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingsConfig(AppConfig):
    """Module 3: training sessions with registrations and a waiting list, and the e-learning Drugsview."""

    name = "trainings"
    verbose_name = _("Trainingen")

    def ready(self):
        # Imported in ready(): the models and registries used here exist once every app is loaded.
        from core.navigation import NavItem, register
        from notifications.events import Event, register_event
        from notifications.models import Delivery
        from notifications.permissions import register_subject_scope

        from .models import TrainingSession
        from .permissions import REGISTRANT_ROLES, sessions_visible_to, user_can_view_sessions

        register_subject_scope(TrainingSession, sessions_visible_to)
        register_event(
            Event(
                "trainings.moved_up",
                _("Van de wachtlijst naar een plaats in een training"),
                "general",
                REGISTRANT_ROLES,
                default=Delivery.IMMEDIATE,
            )
        )
        register_event(
            Event(
                "trainings.registered_by_colleague",
                _("Een collega heeft u aangemeld voor een training"),
                "general",
                REGISTRANT_ROLES,
                default=Delivery.IMMEDIATE,
            )
        )
        register_event(
            Event(
                "trainings.reminder",
                _("Herinnering aan een training"),
                "general",
                REGISTRANT_ROLES,
                default=Delivery.IMMEDIATE,
            )
        )
        register(NavItem("trainings", _("Trainingen"), "trainings:list", user_can_view_sessions, order=420))
