"""Every write that changes what a search may show schedules the objects concerned for indexing after
commit: saves, deletes, publishing, unpublishing, privacy changes and CRM scope changes."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished

from core.audience import audience_changed
from knowledgebase.models import BestPracticePage, JointAction, KnowledgePage, LessonPage, MaterialPage
from meetings.models import ActionItem, AgendaItem, Decision, MeetingPage, Minutes, MinutesItem
from stakeholders.models import Affiliation, Contact, Membership, Organisation

from .indexing import schedule
from .models import SynonymGroup
from .synonyms import synonyms_changed

KNOWLEDGE_TYPES = {BestPracticePage: "best_practice", LessonPage: "lesson", MaterialPage: "material"}


def _meeting_family(meeting_ids) -> None:
    """A meeting's documents share its access: re-index them together."""
    meeting_ids = list(meeting_ids)
    if not meeting_ids:
        return
    schedule("meeting", meeting_ids)
    schedule("agenda_item", AgendaItem.objects.filter(page_id__in=meeting_ids).values_list("pk", flat=True))
    schedule("decision", Decision.objects.filter(meeting_id__in=meeting_ids).values_list("pk", flat=True))
    schedule("action_item", ActionItem.objects.filter(meeting_id__in=meeting_ids).values_list("pk", flat=True))
    schedule("minutes", Minutes.objects.filter(meeting_id__in=meeting_ids).values_list("pk", flat=True))


def _pages(page_ids) -> None:
    page_ids = list(page_ids)
    for model, doc_type in KNOWLEDGE_TYPES.items():
        schedule(doc_type, model.objects.filter(pk__in=page_ids).values_list("pk", flat=True))
    _meeting_family(MeetingPage.objects.filter(pk__in=page_ids).values_list("pk", flat=True))


@receiver(page_published)
@receiver(page_unpublished)
def page_state_changed(sender, instance, **kwargs):
    _pages([instance.pk])


@receiver(audience_changed)
def page_access_changed(sender, page_ids, **kwargs):
    _pages(page_ids)


@receiver(post_delete)
def page_deleted(sender, instance, **kwargs):
    if isinstance(instance, KnowledgePage):
        # Deleting through the base class does not say which type it was: remove it under each.
        for doc_type in KNOWLEDGE_TYPES.values():
            schedule(doc_type, [instance.pk])
    elif isinstance(instance, MeetingPage):
        schedule("meeting", [instance.pk])


@receiver(post_save, sender=JointAction)
@receiver(post_delete, sender=JointAction)
def joint_action_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        schedule("joint_action", [instance.pk])


@receiver(m2m_changed, sender=JointAction.organisations.through)
def joint_action_organisations_changed(sender, instance, action, **kwargs):
    if action.startswith("post_") and isinstance(instance, JointAction):
        schedule("joint_action", [instance.pk])


@receiver(post_save, sender=AgendaItem)
@receiver(post_delete, sender=AgendaItem)
def agenda_item_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        schedule("agenda_item", [instance.pk])
        schedule("meeting", [instance.page_id])


@receiver(post_save, sender=Decision)
@receiver(post_delete, sender=Decision)
def decision_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        schedule("decision", [instance.pk])


@receiver(post_save, sender=ActionItem)
@receiver(post_delete, sender=ActionItem)
def action_item_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        schedule("action_item", [instance.pk])


@receiver(post_save, sender=Minutes)
@receiver(post_delete, sender=Minutes)
def minutes_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        schedule("minutes", [instance.pk])


@receiver(post_save, sender=MinutesItem)
@receiver(post_delete, sender=MinutesItem)
def minutes_item_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        schedule("minutes", [instance.minutes_id])


def _organisation_and_people(organisation_ids) -> None:
    organisation_ids = list(organisation_ids)
    schedule("organisation", organisation_ids)
    schedule(
        "contact",
        Affiliation.objects.filter(organisation_id__in=organisation_ids).values_list("contact_id", flat=True),
    )


@receiver(post_save, sender=Organisation)
def organisation_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _organisation_and_people([instance.pk])


@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
def membership_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _organisation_and_people([instance.organisation_id])


@receiver(post_save, sender=Contact)
@receiver(post_delete, sender=Contact)
def contact_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        schedule("contact", [instance.pk])


@receiver(post_save, sender=Affiliation)
@receiver(post_delete, sender=Affiliation)
def affiliation_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        schedule("contact", [instance.contact_id])


@receiver(post_save, sender=SynonymGroup)
@receiver(post_delete, sender=SynonymGroup)
def synonyms_edited(sender, instance, **kwargs):
    synonyms_changed()
