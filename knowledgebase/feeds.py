"""Public outlets of the knowledge base. A feed reader or crawler has no session, so both list only
what an anonymous visitor may see, through the same permission function as everything else."""

from django.contrib.auth.models import AnonymousUser
from django.contrib.sitemaps import Sitemap
from django.contrib.syndication.views import Feed
from django.utils.translation import gettext_lazy as _

from core.permissions import pages_visible_to

from .permissions import knowledge_pages_visible_to

FEED_SIZE = 30


class PublicKnowledgeFeed(Feed):
    title = _("Kennisbank Veilig Buitengebied")
    link = "/kennisbank/"
    description = _("Nieuwe openbare best practices, lessons learned en materialen.")

    def items(self):
        return knowledge_pages_visible_to(AnonymousUser()).order_by("-first_published_at")[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.intro

    def item_link(self, item):
        return item.url

    def item_pubdate(self, item):
        return item.first_published_at


class PublicPagesSitemap(Sitemap):
    def items(self):
        return pages_visible_to(AnonymousUser()).exclude(depth__lte=1).order_by("path")

    def location(self, item):
        return item.url

    def lastmod(self, item):
        return item.last_published_at
