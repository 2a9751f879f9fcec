from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from core.roles import ROLE_BY_GROUP_NAME

from . import services
from .models import User
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


def _is_user_bulk_action(action) -> bool:
    return getattr(action, "model", None) is User


@hooks.register("before_bulk_action")
def bulk_assign_role_through_the_role_service(request, action_type, objects, action):
    """Wagtail's bulk "Assign role" adds the group directly: no self-check, no log. Route it
    through `role_assign` (refuses oneself and referral roles, logs); Wagtail's own add is then a no-op."""
    if action_type != "assign_role" or not _is_user_bulk_action(action):
        return None
    role = ROLE_BY_GROUP_NAME.get(action.cleaned_form.cleaned_data["role"].name)
    if role is None:
        raise PermissionDenied
    for user in objects:
        services.role_assign(actor=request.user, user=user, role=role)
    return None


@hooks.register("after_bulk_action")
def bulk_deactivation_ends_sessions(request, action_type, objects, action):
    """Wagtail's bulk "Set active state" uses queryset.update(): no post_save, so end sessions here."""
    if action_type != "set_active_state" or not _is_user_bulk_action(action):
        return None
    if action.cleaned_form.cleaned_data["mark_as_active"]:
        return None
    for user in objects:
        if user.pk != request.user.pk:
            transaction.on_commit(lambda pk=user.pk: services.sessions_end_for_user(user_id=pk))
    return None
