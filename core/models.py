from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

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
