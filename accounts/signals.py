"""Guards and bookkeeping around users: referral roles, sessions, deactivation."""

import time

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import Signal, receiver

from core.middleware import IdleSessionMiddleware
from core.roles import GROUP_NAMES, REFERRAL_ROLES

from .models import User, UserSession

REFERRAL_GROUP_NAMES = frozenset(GROUP_NAMES[r] for r in REFERRAL_ROLES)

# Sent with user_id when what a user may see changed (roles, memberships, deactivation): open connections of
# that user re-check their access. The notifications app pushes it to the user's websockets.
access_changed = Signal()


@receiver(m2m_changed, sender=User.groups.through)
def refuse_unapproved_referral_roles(sender, instance, action, reverse, pk_set, **kwargs):
    """Last line of defence: no code path (admin form, shell, fixture) adds a referral role
    except the approval services."""
    from django.contrib.auth.models import Group

    from .services import role_change_allowed  # here: services imports this module's signal

    if action != "pre_add" or role_change_allowed() or not pk_set:
        return
    if reverse:  # group.user_set.add(...)
        adding_referral = instance.name in REFERRAL_GROUP_NAMES
    else:
        adding_referral = Group.objects.filter(pk__in=pk_set, name__in=REFERRAL_GROUP_NAMES).exists()
    if adding_referral:
        raise PermissionDenied("Referral roles are granted only through an approved RoleGrant.")


@receiver(user_logged_in)
def remember_session(sender, request, user, **kwargs):
    from .middleware import _REGISTERED_KEY
    from .services import session_register  # here: services imports this module's signal

    if request is not None and getattr(request, "session", None) is not None:
        if request.session.session_key is None:
            request.session.save()
        session_register(user=user, session_key=request.session.session_key)
        request.session[_REGISTERED_KEY] = request.session.session_key
        # A fresh login counts as a renewal: the next page views need not write the session again.
        request.session[IdleSessionMiddleware.RENEWED_KEY] = int(time.time())


@receiver(user_logged_out)
def forget_session(sender, request, user, **kwargs):

    if request is not None and user is not None and request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key).delete()
        # Gone from the store now rather than in the flush that follows this signal, so that the tab's
        # websockets, told to re-check, find it gone and close: a bell left open on a shared computer
        # receives nothing more.
        request.session.delete()
        from .services import sessions_refresh_access  # here: services imports this module's signal

        user_id = user.pk
        transaction.on_commit(lambda: sessions_refresh_access(user_id=user_id))


@receiver(pre_save, sender=User)
def note_deactivation(sender, instance, **kwargs):
    before = User.objects.filter(pk=instance.pk).values("is_active", "password").first() if instance.pk else None
    instance._was_active = before["is_active"] if before else None
    instance._password_changed = bool(before) and before["password"] != instance.password


@receiver(post_save, sender=User)
def end_sessions_of_deactivated_user(sender, instance, created, **kwargs):
    if created:
        return
    if getattr(instance, "_was_active", None) and not instance.is_active:
        from .services import sessions_end_for_user  # here: services imports this module's signal

        transaction.on_commit(lambda: sessions_end_for_user(user_id=instance.pk))
    elif getattr(instance, "_password_changed", False):
        # Other sessions no longer verify (Django's session hash); their websockets re-check too.
        from .services import sessions_refresh_access  # here: services imports this module's signal

        transaction.on_commit(lambda: sessions_refresh_access(user_id=instance.pk))
