from django.conf import settings
from django.db import models
from django.http import Http404
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index
from wagtail.url_routing import RouteResult

from .home import home_sections, start_sections

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


class HomePage(Page):
    intro = models.TextField(_("introductie"), blank=True)
    body = RichTextField(_("inhoud"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("homepagina")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if request.user.is_authenticated:
            context["start_sections"] = start_sections(request)
        else:
            context.update(home_sections(request))
        return context

    def serve(self, request, *args, **kwargs):
        """A logged-in person's start page is theirs alone and may list referrals: never kept by a browser or
        proxy, like the referral screens themselves."""
        response = super().serve(request, *args, **kwargs)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response

    def route(self, request, path_components):
        """The page at the end of the path and its parent in one query, where Wagtail's default asks two per
        level (the child by slug, then its specific page). The same answer as `Page.route` as long as no page
        type routes on its own (tests/core/test_routing.py keeps that true): the page must be live, the pages
        between need not be. The parent comes along for the breadcrumb."""
        if not path_components:
            return super().route(request, path_components)
        depth = self.depth + len(path_components)
        wanted = self.url_path + "".join(f"{slug}/" for slug in path_components)
        parent_wanted = wanted[: -len(path_components[-1]) - 1]
        found = {
            page.url_path: page
            for page in Page.objects.filter(path__startswith=self.path).filter(
                models.Q(depth=depth, slug=path_components[-1])
                | models.Q(depth=depth - 1, slug__in=path_components[-2:-1])
            )
        }
        page = found.get(wanted)
        if page is None or not page.live:
            raise Http404
        page = _specific_with_its_related_rows(page)
        parent_page = self if len(path_components) == 1 else found.get(parent_wanted)
        if parent_page is not None:  # always found; None would be taken as "no parent" by treebeard
            page._cached_parent_obj = parent_page
        return RouteResult(page)


def _specific_with_its_related_rows(page: Page) -> Page:
    """Wagtail's `page.specific` (the same query, the same attributes copied over), joined with the rows a page
    type names in `serve_select_related`: its template shows them on every view (a meeting's chair and
    secretary), which otherwise costs a query each."""
    model = page.specific_class
    related = getattr(model, "serve_select_related", ())
    if model is None or isinstance(page, model) or not related:
        return page.specific
    specific = model._default_manager.select_related(*related).get(id=page.id)
    for name, value in page.__dict__.items():
        specific.__dict__.setdefault(name, value)  # as Page.get_specific: only what is not set yet
    return specific


class StatementPage(Page):
    """Public statements (toegankelijkheidsverklaring and the like)."""

    body = RichTextField(_("inhoud"), features=RICH_TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["core.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("verklaring")


class PrivacyStatementPage(StatementPage):
    """The privacy statement; retention periods come from settings so text and practice agree."""

    template = "core/privacy_statement_page.html"
    max_count = 1

    class Meta:
        verbose_name = _("privacyverklaring")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["retention"] = settings.RETENTION
        return context


class WorkerHeartbeat(models.Model):
    """Written by the background worker every minute; /health/ reads its age."""

    name = models.CharField(max_length=50, unique=True)
    last_seen = models.DateTimeField()

    def __str__(self):
        return f"{self.name}: {self.last_seen:%Y-%m-%d %H:%M:%S}"


class DistrictViewRestriction(models.Model):
    """A page and its subtree open only to the members of these district platforms (and the secretariat).

    Wagtail's own restriction types know groups, not CRM memberships that end on a date, so district-bound
    page types keep this row in step with their fields; a Wagtail login restriction sits beside it so that
    Wagtail's own code (public(), sitemaps, document privacy) treats the page as private too."""

    page = models.OneToOneField("wagtailcore.Page", on_delete=models.CASCADE, related_name="district_restriction")
    districts = models.ManyToManyField("stakeholders.District", related_name="+")

    class Meta:
        verbose_name = _("districtbeperking")
        verbose_name_plural = _("districtbeperkingen")

    def __str__(self):
        return f"{self.page_id}: {', '.join(d.code for d in self.districts.all())}"


class PageAudience(models.Model):
    """Who may see a page: the view restrictions of the page and its ancestors, folded into one row.

    Denormalised so that listings, related blocks, feeds, sitemaps and search filter in one query;
    `core.audience` refreshes it whenever a restriction or the tree changes. A page without a row is
    shown to nobody but the secretariat (fail closed)."""

    class Level(models.TextChoices):
        PUBLIC = "public", _("openbaar")
        LOGGED_IN = "logged_in", _("ingelogd")
        CLOSED = "closed", _("gesloten")

    page = models.OneToOneField("wagtailcore.Page", primary_key=True, on_delete=models.CASCADE, related_name="audience")
    level = models.CharField(max_length=10, choices=Level.choices)
    needs_district = models.BooleanField(default=False)
    districts = models.ManyToManyField("stakeholders.District", blank=True, related_name="+")
    needs_group = models.BooleanField(default=False)
    groups = models.ManyToManyField("auth.Group", blank=True, related_name="+")

    class Meta:
        verbose_name = _("paginapubliek")

    def __str__(self):
        return f"{self.page_id}: {self.level}"
