"""Every write that changes what a search may show schedules the objects concerned for indexing after
commit: saves, deletes, publishing, unpublishing, privacy changes, slug changes and CRM scope changes.
Writes that send no signal (bulk_update, queryset updates) call search.indexing.schedule themselves;
`search_index verify` finds any that do not."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import page_published, page_slug_changed, page_unpublished

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


@receiver(page_slug_changed)
def page_urls_changed(sender, instance, **kwargs):
    """Wagtail rewrites the URLs of the whole subtree with a queryset update: no signal per page."""
    _pages(Page.objects.descendant_of(instance, inclusive=True).values_list("pk", flat=True))


@receiver(post_delete)
def page_deleted(sender, instance, **kwargs):
    if isinstance(instance, KnowledgePage):
        # Deleting through the base class does not say which type it was: remove it under each.
        for doc_type in KNOWLEDGE_TYPES.values():
            schedule(doc_type, [instance.pk])
    elif isinstance(instance, MeetingPage):
        schedule("meeting", [instance.pk])


# model -> (document type, the attribute that holds that document's object id)
DIRECT = {
    JointAction: ("joint_action", "pk"),
    AgendaItem: ("agenda_item", "pk"),
    Decision: ("decision", "pk"),
    ActionItem: ("action_item", "pk"),
    Minutes: ("minutes", "pk"),
    MinutesItem: ("minutes", "minutes_id"),
    Contact: ("contact", "pk"),
    Affiliation: ("contact", "contact_id"),
}


def object_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    doc_type, attribute = DIRECT[sender]
    schedule(doc_type, [getattr(instance, attribute)])
    if sender is AgendaItem:
        schedule("meeting", [instance.page_id])  # the meeting's text lists its agenda


for model in DIRECT:
    post_save.connect(object_changed, sender=model, dispatch_uid=f"search-save-{model._meta.label}")
    post_delete.connect(object_changed, sender=model, dispatch_uid=f"search-delete-{model._meta.label}")


@receiver(m2m_changed, sender=JointAction.organisations.through)
def joint_action_organisations_changed(sender, instance, action, **kwargs):
    if action.startswith("post_") and isinstance(instance, JointAction):
        schedule("joint_action", [instance.pk])


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
        # Their text names the organisation.
        schedule("joint_action", JointAction.objects.filter(organisations=instance).values_list("pk", flat=True))
        schedule("action_item", ActionItem.objects.filter(owner_organisation=instance).values_list("pk", flat=True))


@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
def membership_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _organisation_and_people([instance.organisation_id])


@receiver(post_save, sender=SynonymGroup)
@receiver(post_delete, sender=SynonymGroup)
def synonyms_edited(sender, instance, **kwargs):
    synonyms_changed()
