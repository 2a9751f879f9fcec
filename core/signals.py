"""Keep `PageAudience` in step with the page tree and every kind of view restriction."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import page_cache
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


@receiver(post_save, sender=Site)
@receiver(post_delete, sender=Site)
def sites_leave_the_page_cache(sender, raw=False, **kwargs):
    """The serving view keeps each site with its home page (core.views._site_for)."""
    if not raw:
        page_cache.invalidate()
