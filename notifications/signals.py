"""Open sockets re-check their access when a person's roles change, however they change (the Wagtail user
form and bulk actions write the groups directly, without the role services)."""

from django.db import transaction
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from accounts.models import User

from .realtime import push_many


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
