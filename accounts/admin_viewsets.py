"""Wagtail's user screens with three changes: referral roles cannot be ticked on (they need the
privacy officer's approval), nobody edits their own roles, and nobody changes another person's
password or e-mail address (WAGTAILUSERS_PASSWORD_ENABLED is off as well)."""

from django.contrib.auth.models import Group
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from core.roles import GROUP_NAMES, REFERRAL_ROLES

from .services import _allow_role_change

_REFERRAL_GROUP_NAMES = [GROUP_NAMES[r] for r in REFERRAL_ROLES]


class _RoleSafeMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("is_superuser", None)
        if "groups" in self.fields:
            self.fields["groups"].queryset = Group.objects.exclude(name__in=_REFERRAL_GROUP_NAMES)
            self.fields["groups"].help_text = (
                "Coach, Coachcoördinator en Privacy officer worden aangevraagd via Gebruikersbeheer "
                "en goedgekeurd door de privacy officer."
            )
        if self.instance.pk:
            # Whoever changes someone's e-mail address (then a reset mail) takes over the account: an
            # address is fixed once the account exists; a new address means a new invitation.
            for name in ("email", "password1", "password2"):
                if name in self.fields:
                    self.fields[name].disabled = True

    def _save_m2m(self):
        # The form only knows the non-referral groups; keep the approved referral roles.
        kept = list(self.instance.groups.filter(name__in=_REFERRAL_GROUP_NAMES)) if self.instance.pk else []
        super()._save_m2m()
        if kept:
            with _allow_role_change():
                self.instance.groups.add(*kept)


class RoleSafeUserCreationForm(_RoleSafeMixin, UserCreationForm):
    pass


class RoleSafeUserEditForm(_RoleSafeMixin, UserEditForm):
    def __init__(self, *args, editing_self=False, **kwargs):
        super().__init__(*args, editing_self=editing_self, **kwargs)
        if editing_self:
            self.fields.pop("groups", None)


class UserViewSet(WagtailUserViewSet):
    def get_form_class(self, for_update=False):
        return RoleSafeUserEditForm if for_update else RoleSafeUserCreationForm
