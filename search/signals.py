"""Every write that changes what a search may show schedules the objects concerned for indexing after
commit: saves, deletes, publishing, unpublishing, privacy changes, slug changes and CRM scope changes.
Writes that send no signal (bulk_update, queryset updates) call search.indexing.schedule themselves;
`search_index verify` finds any that do not.

The content apps say which of their objects a change concerns through the registrations below, made in their
ready() beside their document types (ARCHITECTURE.md, registries): search imports no content app."""

from collections.abc import Callable, Iterable

from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import page_published, page_slug_changed, page_unpublished

from core.audience import audience_changed
from stakeholders.models import Affiliation, Contact, Membership, Organisation

from .indexing import schedule
from .models import SynonymGroup
from .synonyms import synonyms_changed

# Per app: re-index the documents of these pages (ids; some may be of other types), and forget a deleted page.
_page_reindexers: list[Callable[[list[int]], None]] = []
_page_forgetters: list[Callable[[Page], None]] = []
# Per app: documents whose text names an organisation (re-indexed when it is renamed or its scope changes).
_organisation_dependents: list[Callable[[Organisation], None]] = []


def register_pages(reindex: Callable[[list[int]], None], forget: Callable[[Page], None]) -> None:
    """For page types: `reindex(page_ids)` on publishing, unpublishing, audience and slug changes;
    `forget(page)` when a page is deleted (it can no longer be read back by id)."""
    _page_reindexers.append(reindex)
    _page_forgetters.append(forget)


def register_objects(model: type[Model], doc_type: str, attribute: str = "pk", *, also=None) -> None:
    """Saving or deleting a `model` object re-indexes the `doc_type` document whose id is in `attribute`;
    `also(instance)` schedules what else its change touches."""

    def object_changed(sender, instance, raw=False, **kwargs):
        if raw:
            return
        schedule(doc_type, [getattr(instance, attribute)])
        if also is not None:
            also(instance)

    label = model._meta.label
    post_save.connect(object_changed, sender=model, weak=False, dispatch_uid=f"search-save-{label}")
    post_delete.connect(object_changed, sender=model, weak=False, dispatch_uid=f"search-delete-{label}")


def register_organisation_dependents(schedule_for: Callable[[Organisation], None]) -> None:
    """`schedule_for(organisation)` schedules the app's documents whose text names the organisation."""
    _organisation_dependents.append(schedule_for)


def _pages(page_ids: Iterable[int]) -> None:
    page_ids = list(page_ids)
    for reindex in _page_reindexers:
        reindex(page_ids)


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
    if isinstance(instance, Page):
        for forget in _page_forgetters:
            forget(instance)


register_objects(Contact, "contact")
register_objects(Affiliation, "contact", "contact_id")


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
        for schedule_for in _organisation_dependents:
            schedule_for(instance)


@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
def membership_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _organisation_and_people([instance.organisation_id])


@receiver(post_save, sender=SynonymGroup)
@receiver(post_delete, sender=SynonymGroup)
def synonyms_edited(sender, instance, **kwargs):
    synonyms_changed()
