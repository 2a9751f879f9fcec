from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class AccountsConfig(AppConfig):
    default = True  # this module also holds the Wagtail users config
    name = "accounts"
    verbose_name = _("Accounts en rollen")

    def ready(self):
        from . import signals  # noqa: F401


class WagtailUsersConfig(WagtailUsersAppConfig):
    """Wagtail's user screens, with forms that cannot hand out referral roles."""

    user_viewset = "accounts.admin_viewsets.UserViewSet"
