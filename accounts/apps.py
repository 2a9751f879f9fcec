from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class AccountsConfig(AppConfig):
    default = True  # this module also holds the Wagtail users config
    name = "accounts"
    verbose_name = _("Accounts en rollen")

    def ready(self):
        # Imported in ready(): the models and registries used here exist once every app is loaded.
        from core.navigation import NavItem, register

        from . import signals  # noqa: F401
        from .permissions import user_can_decide_role_grants, user_can_invite, user_can_manage_users

        register(NavItem("invite", _("Uitnodigen"), "accounts:invite", user_can_invite, order=810))
        register(NavItem("users", _("Gebruikers en rollen"), "accounts:user_list", user_can_manage_users, order=820))
        grants = NavItem("grants", _("Roltoekenningen"), "accounts:role_grants", user_can_decide_role_grants, order=830)
        register(grants)


class WagtailUsersConfig(WagtailUsersAppConfig):
    """Wagtail's user screens, with forms that cannot hand out referral roles."""

    user_viewset = "accounts.admin_viewsets.UserViewSet"
