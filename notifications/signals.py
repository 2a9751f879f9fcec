"""Open sockets re-check their access when a person's roles change, however they change (the Wagtail user
form and bulk actions write the groups directly, without the role services), and what lower apps announce
through their signals becomes a notification here."""

from django.db import transaction
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.signals import access_changed
from core.roles import GROUP_NAMES, Role
from stakeholders.signals import organisation_profile_changed

from .realtime import push_many, push_to_user
from .services import notify


@receiver(m2m_changed, sender=User.groups.through)
def role_changes_recheck_open_sockets(sender, instance, action, reverse, pk_set, **kwargs):
    """A bell forwards what is pushed to it, so the socket itself must stay right: a Partner's session
    without MFA that is given a role needing MFA is closed instead of carrying that role's notifications.
    (What a notification is about is decided per recipient when it is sent, from the roles as they are.)"""
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if not reverse:
        user_ids = {instance.pk}
    elif action == "pre_clear":  # group.user_set.clear(): who is in it now
        user_ids = set(instance.user_set.values_list("pk", flat=True))
    else:
        user_ids = set(pk_set or ())
    if user_ids:
        messages = [(user_id, {"type": "access.changed"}) for user_id in sorted(user_ids)]
        transaction.on_commit(lambda: push_many(messages))


@receiver(access_changed)
def access_change_rechecks_open_sockets(sender, user_id, **kwargs):
    """accounts says a person's access changed (sessions ended, CRM scope changed): their sockets re-check."""
    push_to_user(user_id, {"type": "access.changed"})


@receiver(organisation_profile_changed)
def profile_change_tells_secretariat(sender, organisation, user, fields, **kwargs):
    """The secretariat hears what a representative changed in their organisation's profile."""
    notify(
        recipients=User.objects.filter(is_active=True, groups__name=GROUP_NAMES[Role.SECRETARIAT])
        .exclude(pk=user.pk)
        .distinct(),
        kind="crm.organisation_changed",
        title=_("Profiel van %(organisation)s gewijzigd") % {"organisation": organisation.name},
        body=_("%(who)s wijzigde: %(fields)s.")
        % {"who": user.get_full_name() or user.email, "fields": ", ".join(fields)},
        url=reverse("stakeholders:organisation", args=[organisation.pk]),
        subject=organisation,
    )
