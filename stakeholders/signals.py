"""When a membership or an affiliation changes (ends, moves, is removed), the access it gave changes with
it: open websockets of the people concerned are told to re-check (design section 3). When a name of the
reference data changes, the page parts kept with those names are made anew."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from accounts.models import User
from accounts.services import sessions_refresh_access
from core import page_cache

from .models import Affiliation, Membership, Module, Municipality, PartnerType, Theme

# Sent with organisation, user and fields (their labels) after a representative edited the profile; the
# notifications app tells the secretariat (the CRM sits below it and does not notify itself).
organisation_profile_changed = Signal()


def _refresh_on_commit(user_ids) -> None:
    for user_id in set(user_ids):
        transaction.on_commit(lambda pk=user_id: sessions_refresh_access(user_id=pk))


@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
def membership_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return

    contacts = Affiliation.objects.filter(organisation_id=instance.organisation_id).values("contact_id")
    _refresh_on_commit(User.objects.filter(contact_id__in=contacts).values_list("pk", flat=True))


@receiver(post_save, sender=Affiliation)
@receiver(post_delete, sender=Affiliation)
def affiliation_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return

    _refresh_on_commit(User.objects.filter(contact_id=instance.contact_id).values_list("pk", flat=True))


@receiver(post_save, sender=Theme)
@receiver(post_save, sender=Module)
@receiver(post_save, sender=Municipality)
@receiver(post_save, sender=PartnerType)
@receiver(post_delete, sender=Theme)
@receiver(post_delete, sender=Module)
@receiver(post_delete, sender=Municipality)
@receiver(post_delete, sender=PartnerType)
def reference_names_changed(sender, instance, raw=False, **kwargs):
    """Pages show these names in parts kept per page-cache version (core.page_cache.kept_content)."""
    if not raw:
        page_cache.invalidate()
