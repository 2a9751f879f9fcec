from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .permissions import user_can_manage_users


@hooks.register("register_log_actions")
def register_account_log_actions(actions):
    actions.register_action("vbg.role.assigned", _("Rol toegekend"), _("Rol toegekend"))
    actions.register_action(
        "vbg.role.assigned_by_system", _("Rol toegekend (systeem)"), _("Rol toegekend door het systeem")
    )
    actions.register_action("vbg.role.revoked", _("Rol ingetrokken"), _("Rol ingetrokken"))
    actions.register_action("vbg.role.requested", _("Rol aangevraagd"), _("Referral-rol aangevraagd"))
    actions.register_action(
        "vbg.role.approved", _("Rol goedgekeurd"), _("Referral-rol goedgekeurd door de privacy officer")
    )
    actions.register_action(
        "vbg.role.rejected", _("Rol afgewezen"), _("Referral-rol afgewezen door de privacy officer")
    )
    actions.register_action("vbg.mfa.reset", _("MFA hersteld"), _("MFA hersteld door een beheerder"))
    actions.register_action("vbg.user.invited", _("Uitgenodigd"), _("Uitnodiging verstuurd"))


class _UserManagementMenuItem(MenuItem):
    def is_shown(self, request):
        return user_can_manage_users(request.user)


@hooks.register("register_settings_menu_item")
def register_user_management_menu_item():
    return _UserManagementMenuItem(_("Rollen en MFA"), reverse("accounts:user_list"), icon_name="lock", order=610)
