"""Writes for accounts: roles, role grants, invitations, MFA resets, sessions.

Every role change and MFA reset is written to Wagtail's audit log (visible under Reports).
"""

import contextlib
import contextvars
import logging

from django.contrib.auth.models import Group, Permission
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from core.roles import GROUP_NAMES, GROUP_PERMISSIONS, REFERRAL_ROLES, Role
from core.tasks import send_templated_mail
from core.utils import absolute_url

from .models import RoleGrant, User, UserSession
from .signals import access_changed

logger = logging.getLogger(__name__)

# Set while a service applies an approved role change; the groups guard in signals.py checks it.
_role_change_allowed = contextvars.ContextVar("role_change_allowed", default=False)


@contextlib.contextmanager
def _allow_role_change():
    token = _role_change_allowed.set(True)
    try:
        yield
    finally:
        _role_change_allowed.reset(token)


def role_change_allowed() -> bool:
    return _role_change_allowed.get()


def roles_ensure_groups() -> None:
    """Create the role groups with exactly their permissions. Idempotent."""
    for role, group_name in GROUP_NAMES.items():
        group, _created = Group.objects.get_or_create(name=group_name)
        perms = []
        for dotted in GROUP_PERMISSIONS[role]:
            app_label, codename = dotted.split(".")
            perms.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(perms)


def _group(role: str) -> Group:
    return Group.objects.get(name=GROUP_NAMES[role])


def _is_administrator(user: User) -> bool:
    return user.is_superuser or user.has_role(Role.ADMIN)


def _forget_roles(user: User) -> None:
    user.__dict__.pop("_roles_cache", None)
    user.__dict__.pop("_group_ids_cache", None)


@transaction.atomic
def role_assign(*, actor: User, user: User, role: str) -> None:
    """A Beheerder gives someone a role that needs no privacy approval."""
    if role in REFERRAL_ROLES:
        raise PermissionDenied(_("Deze rol vraagt goedkeuring van de privacy officer."))
    if not _is_administrator(actor):
        raise PermissionDenied(_("Alleen een beheerder kan rollen toekennen."))
    if actor.pk == user.pk:
        raise PermissionDenied(_("Niemand kent zichzelf een rol toe."))
    with _allow_role_change():
        user.groups.add(_group(role))
    _forget_roles(user)
    log(instance=user, action="vbg.role.assigned", user=actor, data={"role": role})


@transaction.atomic
def role_revoke(*, actor: User, user: User, role: str) -> None:
    """Taking a role away never needs approval: less access is always safe."""
    if not _is_administrator(actor):
        raise PermissionDenied(_("Alleen een beheerder kan rollen intrekken."))
    user.groups.remove(_group(role))
    _forget_roles(user)
    log(instance=user, action="vbg.role.revoked", user=actor, data={"role": role})
    transaction.on_commit(lambda: sessions_refresh_access(user_id=user.pk))


@transaction.atomic
def role_grant_request(*, actor: User, user: User, role: str, reason: str) -> RoleGrant:
    if role not in REFERRAL_ROLES:
        raise ValidationError(_("Deze rol kan de beheerder direct toekennen."))
    if not _is_administrator(actor):
        raise PermissionDenied(_("Alleen een beheerder kan een referral-rol aanvragen."))
    if actor.pk == user.pk:
        raise PermissionDenied(_("Niemand vraagt een rol voor zichzelf aan."))
    if not reason.strip():
        raise ValidationError(_("Geef een reden op."))
    if user.has_role(role):
        raise ValidationError(_("Deze gebruiker heeft deze rol al."))
    if RoleGrant.objects.filter(user=user, role=role, status=RoleGrant.Status.REQUESTED).exists():
        raise ValidationError(_("Er staat al een aanvraag open voor deze gebruiker en rol."))
    grant = RoleGrant.objects.create(user=user, role=role, reason=reason.strip(), requested_by=actor)
    log(instance=user, action="vbg.role.requested", user=actor, data={"role": role, "grant": str(grant.pk)})
    return grant


@transaction.atomic
def role_grant_decide(*, actor: User, grant: RoleGrant, approve: bool, note: str = "") -> RoleGrant:
    """The privacy officer approves or rejects; four eyes: not for themselves, not their own request."""
    grant = RoleGrant.objects.select_for_update().get(pk=grant.pk)
    if not actor.has_role(Role.PRIVACY_OFFICER):
        raise PermissionDenied(_("Alleen de privacy officer beslist over deze rol."))
    if actor.pk in (grant.user_id, grant.requested_by_id):
        raise PermissionDenied(_("U kunt niet beslissen over een aanvraag voor of van uzelf."))
    if grant.status != RoleGrant.Status.REQUESTED:
        raise ValidationError(_("Over deze aanvraag is al besloten."))
    grant.status = RoleGrant.Status.APPROVED if approve else RoleGrant.Status.REJECTED
    grant.decided_by = actor
    grant.decided_at = timezone.now()
    grant.decision_note = note.strip()
    grant.save()
    if approve:
        with _allow_role_change():
            grant.user.groups.add(_group(grant.role))
        _forget_roles(grant.user)
    action = "vbg.role.approved" if approve else "vbg.role.rejected"
    log(instance=grant.user, action=action, user=actor, data={"role": grant.role, "grant": str(grant.pk)})
    return grant


@transaction.atomic
def role_assign_by_system(*, user: User, role: str, reason: str) -> None:
    """Bootstrap from the command line (first privacy officer, demo data); logged as such."""
    with _allow_role_change():
        user.groups.add(_group(role))
    _forget_roles(user)
    log(instance=user, action="vbg.role.assigned_by_system", data={"role": role, "reason": reason})


def user_invite(*, actor: User, user: User) -> str:
    """Mail a one-time link with which the person sets a password (and then enrols MFA)."""
    if not (actor.is_superuser or actor.has_perm("accounts.invite_user")):
        raise PermissionDenied(_("U mag geen gebruikers uitnodigen."))
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = absolute_url(reverse("accounts:invite_accept", kwargs={"uidb64": uid, "token": token}))
    send_templated_mail(
        to=[user.email],
        subject=_("Uitnodiging voor het portaal Veilig Buitengebied"),
        template="accounts/email/invitation",
        context={"name": user.first_name or user.email, "link": link, "inviter": str(actor)},
    )
    log(instance=user, action="vbg.user.invited", user=actor)
    return link


@transaction.atomic
def mfa_reset(*, actor: User, user: User, reason: str) -> None:
    """Remove someone's MFA devices so they enrol again at the next login."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if not _is_administrator(actor):
        raise PermissionDenied(_("Alleen een beheerder kan MFA herstellen."))
    if actor.pk == user.pk:
        raise PermissionDenied(_("U kunt uw eigen MFA niet via deze weg herstellen."))
    if not reason.strip():
        raise ValidationError(_("Geef een reden op."))
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    log(instance=user, action="vbg.mfa.reset", user=actor, data={"reason": reason.strip()})
    transaction.on_commit(lambda: sessions_end_for_user(user_id=user.pk))


def session_register(*, user: User, session_key: str) -> None:
    UserSession.objects.get_or_create(session_key=session_key, defaults={"user": user})


def sessions_end_for_user(*, user_id: int) -> int:
    """End every session of a user (deactivation, MFA reset) and close their websockets."""
    from django.conf import settings

    store_class: type[SessionBase] = import_string(settings.SESSION_ENGINE + ".SessionStore")
    keys = list(UserSession.objects.filter(user_id=user_id).values_list("session_key", flat=True))
    for key in keys:
        store_class(session_key=key).delete()
    UserSession.objects.filter(user_id=user_id).delete()
    sessions_refresh_access(user_id=user_id)
    return len(keys)


def sessions_refresh_access(*, user_id: int) -> None:
    """Tell the user's open websockets to re-check access (they close if it is gone): the `access_changed`
    signal, which the notifications app turns into a push (accounts sits below it)."""
    access_changed.send(sender=User, user_id=user_id)


@transaction.atomic
def user_invite_contact(*, actor: User, contact) -> User:
    """Create an account for a CRM contact (role Partner) and mail the invitation."""
    if not (actor.is_superuser or actor.has_perm("accounts.invite_user")):
        raise PermissionDenied(_("U mag geen gebruikers uitnodigen."))
    if not contact.email:
        raise ValidationError(_("Deze contactpersoon heeft geen e-mailadres."))
    if User.objects.filter(email__iexact=contact.email).exists():
        raise ValidationError(_("Er bestaat al een account met dit e-mailadres."))
    user = User.objects.create_user(
        email=contact.email, first_name=contact.first_name, last_name=contact.last_name, contact=contact
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    user.groups.add(_group(Role.PARTNER))
    log(instance=user, action="vbg.role.assigned", user=actor, data={"role": Role.PARTNER, "via": "invitation"})
    transaction.on_commit(lambda: user_invite(actor=actor, user=user))
    return user


@transaction.atomic
def user_anonymise(*, user: User) -> None:
    """Part of erasing a person (AVG): the account can no longer log in and no longer names them.

    The row stays so audit-log entries keep pointing at "a former user"; sessions end on commit."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user.is_active = False
    user.email = f"geanonimiseerd-{user.pk}@invalid.invalid"
    user.first_name = ""
    user.last_name = ""
    user.set_unusable_password()
    user.save()
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
