"""Keep `PageAudience` in step with the page tree and every kind of view restriction."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import audience_cache, page_cache
from .audience import page_audience_refresh
from .models import DistrictViewRestriction


@receiver(post_save)
def new_page_gets_an_audience(sender, instance, created, raw=False, **kwargs):
    if created and not raw and isinstance(instance, Page):
        page_audience_refresh(instance)


@receiver(post_page_move)
def moved_subtree_gets_its_new_audience(sender, instance, **kwargs):
    page_audience_refresh(Page.objects.get(pk=instance.pk))


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
@receiver(post_save, sender=DistrictViewRestriction)
@receiver(post_delete, sender=DistrictViewRestriction)
def restriction_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:
        page_audience_refresh(page)


@receiver(m2m_changed, sender=PageViewRestriction.groups.through)
@receiver(m2m_changed, sender=DistrictViewRestriction.districts.through)
def restriction_members_changed(sender, instance, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        restriction_changed(type(instance), instance)


@receiver(page_published)
@receiver(page_unpublished)
def published_or_unpublished_pages_leave_the_page_cache(sender, **kwargs):
    page_cache.invalidate()


@receiver(post_save)
def pages_created_live_refresh_the_page_cache(sender, instance, created, **kwargs):
    """The admin creates a draft and publishes it (page_published above); imports, the demo data and
    fixtures create pages live straight away, which lists and related-page rankings must show too."""
    if created and isinstance(instance, Page) and instance.live:
        page_cache.invalidate()


@receiver(post_delete)
def deleted_pages_leave_the_page_cache(sender, instance, **kwargs):
    if isinstance(instance, Page):
        page_cache.invalidate()


# --- The audience cache (core.audience_cache) forgets every page when content or access changes ----------

# Apps whose rows logged-in pages show or whose rows decide who sees what. Sessions, notifications, referrals,
# surveys and monitoring are not among them: no page the audience cache stores shows them.
AUDIENCE_CACHE_CONTENT_APPS = frozenset(
    {
        "core",
        "meetings",
        "knowledgebase",
        "stakeholders",
        "search",
        "wagtailcore",
        "wagtaildocs",
        "wagtailimages",
        "taggit",
        "auth",  # group permissions decide the menu items of the header kept per person
    }
)
# Single models outside those apps that do the same: a person's own permissions (menu items again).
AUDIENCE_CACHE_CONTENT_MODELS = frozenset({"accounts.user_user_permissions"})
# Rows of those apps that only mirror another change or never show in a page. (A "was this useful?" vote
# does count: the vote part of a knowledge page is kept per person under the version.)
AUDIENCE_CACHE_IGNORED = frozenset(
    {
        "search.searchindexfailure",
        "core.pageaudience",
        "wagtailcore.pagelogentry",
        "wagtailcore.modellogentry",
    }
)


def _is_content(model) -> bool:
    meta = model._meta
    if meta.label_lower in AUDIENCE_CACHE_CONTENT_MODELS:
        return True
    return meta.app_label in AUDIENCE_CACHE_CONTENT_APPS and meta.label_lower not in AUDIENCE_CACHE_IGNORED


@receiver(post_save)
@receiver(post_delete)
def content_rows_change_the_audience_cache(sender, raw=False, **kwargs):
    if not raw and _is_content(sender):
        audience_cache.content_changed()


@receiver(m2m_changed)
def content_links_change_the_audience_cache(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and _is_content(sender):
        audience_cache.content_changed()
