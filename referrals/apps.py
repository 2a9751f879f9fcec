from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    """The coach-referral register of module 5: confidential, encrypted at rest, every access logged.

    Never registered in the Django admin, as a Wagtail snippet, in a search index or in revisions."""

    name = "referrals"
    verbose_name = _("Doorverwijzingen")

    def ready(self):
        # Imported in ready(): the models and registries used here exist once every app is loaded.
        from core.navigation import NavItem, register
        from core.roles import Role
        from notifications.permissions import register_subject_scope

        from .models import Referral
        from .permissions import referrals_visible_to, user_can_handle_data_subject_requests, user_can_read_access_log
        from .start_page import register_start_sections

        # A coach's referrals name the person: their scope is decided per recipient, never per audience.
        register_subject_scope(Referral, referrals_visible_to, by_audience=False)
        register_start_sections()

        def works_referrals(user) -> bool:
            return user.is_authenticated and user.has_role(Role.AOV, Role.COACH, Role.COACH_COORDINATOR)

        def sees_figures_only(user) -> bool:
            return user.is_authenticated and user.has_role(Role.SECRETARIAT) and not works_referrals(user)

        register(NavItem("referrals", _("Doorverwijzingen"), "referrals:list", works_referrals, order=400))
        register(
            NavItem(
                "referral_figures", _("Doorverwijzingen in cijfers"), "referrals:figures", sees_figures_only, order=410
            )
        )
        register(NavItem("referral_log", _("Toegangslog"), "referrals:access_log", user_can_read_access_log, order=840))
        register(
            NavItem(
                "owner_requests",
                _("Verzoek betrokkene"),
                "referrals:owner_request",
                user_can_handle_data_subject_requests,
                order=850,
            )
        )
