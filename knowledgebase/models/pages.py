"""Knowledge pages: one concrete base table (taxonomy, visibility, body, review date) so that index pages,
related blocks and search query one table; best practice, lesson and material add what is their own."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, Panel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from core.audience import page_visibility_set
from stakeholders.models import District

from ..blocks import ArticleStreamBlock
from ..returned_forms import returned_content_flag

REVIEW_INTERVAL = datetime.timedelta(days=365)


def _default_review_by() -> datetime.date:
    return datetime.date.today() + REVIEW_INTERVAL


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Openbaar: iedereen")
    PARTNERS = "partners", _("Alleen partners: iedereen die is ingelogd")
    DISTRICTS = "districts", _("Alleen de gekozen districtsplatforms")


class KnowledgePageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned = super().clean()
        if cleaned.get("visibility") == Visibility.DISTRICTS and not cleaned.get("visible_districts"):
            self.add_error(
                "visible_districts", _("Kies minstens één district als de pagina alleen voor districten is.")
            )
        return cleaned


# Two district fields look alike and are not (issue #19.16): what a page is about, on the content tab, restricts
# nothing; who may see it is chosen on the settings tab. Their headings and help say so, the content tab shows
# the page's current visibility next to the first, and saving a page about some districts that everyone may
# see ends in a warning (knowledgebase.wagtail_hooks).
ABOUT_DISTRICTS_HEADING = _("Gaat over districten (onderwerp, beperkt niets)")
ABOUT_DISTRICTS_HELP = _(
    "Waar de pagina over gaat, voor de filters en het zoeken. Dit bepaalt niet wie de pagina ziet: dat kiest u "
    "op het tabblad Instellingen, onder 'Wie mag deze pagina zien'."
)
VISIBLE_DISTRICTS_HEADING = _("Alleen zichtbaar voor deze districten")
VISIBLE_DISTRICTS_HELP = _(
    "Geldt alleen bij 'Alleen de gekozen districtsplatforms': dan zien alleen partners van deze districten en het "
    "secretariaat de pagina, ook in lijsten, zoekresultaten en feeds."
)
AUDIENCE_LABELS = {
    "public": _("iedereen, ook wie niet is ingelogd"),
    "partners": _("iedere ingelogde partner, uit alle districten"),
}


class VisibilityNotePanel(Panel):
    """Beside "what the page is about": who may see the page as it is stored now, and where to change that."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "knowledgebase/admin/visibility_note.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            page = self.instance
            if page.visibility == Visibility.DISTRICTS and page.pk:
                names = ", ".join(d.name for d in page.visible_districts.all())
                context["audience"] = _("alleen partners van %(districts)s") % {"districts": names or "-"}
            else:
                context["audience"] = AUDIENCE_LABELS.get(page.visibility, page.get_visibility_display())
            context["warning"] = page.visibility_warning() if page.pk else ""
            return context


class KnowledgePage(Page):
    intro = models.TextField(
        _("samenvatting"), max_length=600, help_text=_("Eén of twee zinnen voor lijsten en zoekresultaten.")
    )
    body = StreamField(ArticleStreamBlock(), verbose_name=_("inhoud"), blank=True)
    visibility = models.CharField(
        _("zichtbaarheid"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.PARTNERS,
        help_text=_("Bepaalt wie de pagina ziet, ook in lijsten, zoekresultaten en feeds."),
    )
    visible_districts = ParentalManyToManyField(
        "stakeholders.District", blank=True, related_name="+", verbose_name=_("zichtbaar voor districten")
    )
    themes = ParentalManyToManyField(
        "stakeholders.Theme", blank=True, related_name="knowledge_pages", verbose_name=_("thema's")
    )
    modules = ParentalManyToManyField(
        "stakeholders.Module", blank=True, related_name="knowledge_pages", verbose_name=_("modules")
    )
    districts = ParentalManyToManyField(
        "stakeholders.District", blank=True, related_name="knowledge_pages", verbose_name=_("over districten")
    )
    municipalities = ParentalManyToManyField(
        "stakeholders.Municipality", blank=True, related_name="knowledge_pages", verbose_name=_("gemeenten")
    )
    partner_types = ParentalManyToManyField(
        "stakeholders.PartnerType", blank=True, related_name="knowledge_pages", verbose_name=_("betrokken partners")
    )
    review_by = models.DateField(_("herzien vóór"), default=_default_review_by)
    last_reviewed_at = models.DateField(_("laatst herzien op"), null=True, blank=True)

    base_form_class = KnowledgePageForm
    is_creatable = False
    taxonomy_panel = MultiFieldPanel(
        [
            FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
            FieldPanel("modules", widget=forms.CheckboxSelectMultiple),
            FieldPanel(
                "districts",
                widget=forms.CheckboxSelectMultiple,
                heading=ABOUT_DISTRICTS_HEADING,
                help_text=ABOUT_DISTRICTS_HELP,
            ),
            VisibilityNotePanel(),
            FieldPanel("municipalities"),
            FieldPanel("partner_types", widget=forms.CheckboxSelectMultiple),
        ],
        heading=_("Onderwerpen"),
    )
    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body"), taxonomy_panel]
    settings_panels = [
        MultiFieldPanel(
            [
                FieldPanel("visibility", widget=forms.RadioSelect),
                FieldPanel(
                    "visible_districts",
                    widget=forms.CheckboxSelectMultiple,
                    heading=VISIBLE_DISTRICTS_HEADING,
                    help_text=VISIBLE_DISTRICTS_HELP,
                ),
            ],
            heading=_("Wie mag deze pagina zien"),
        ),
        MultiFieldPanel([FieldPanel("review_by"), FieldPanel("last_reviewed_at")], heading=_("Actueel houden")),
        *Page.settings_panels,
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    class Meta:
        verbose_name = _("kennispagina")
        verbose_name_plural = _("kennispagina's")

    def save(self, *args, **kwargs):
        result = super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "visibility" in update_fields:
            page_visibility_set(self, level=self.visibility, district_ids=[d.pk for d in self.visible_districts.all()])
        return result

    def with_content_json(self, content):
        """Publishing an older revision must not undo a review recorded since: keep the later dates."""
        page = super().with_content_json(content)
        page.review_by = max(filter(None, [page.review_by, self.review_by]), default=None)
        page.last_reviewed_at = max(filter(None, [page.last_reviewed_at, self.last_reviewed_at]), default=None)
        return page

    def visibility_warning(self) -> str:
        """Non-empty when the page is about some districts (not all) and yet every partner or everyone sees it:
        often meant, sometimes a restriction ticked in the wrong place."""
        if self.visibility == Visibility.DISTRICTS:
            return ""
        about = sorted(d.name for d in self.districts.all())
        if not about or len(about) >= District.objects.count():
            return ""
        names = ", ".join(about)
        return _(
            "Let op: deze pagina gaat over %(districts)s, maar is zichtbaar voor %(audience)s. 'Gaat over "
            "districten' beperkt niets. Mag alleen %(districts)s de pagina zien? Kies dan op het tabblad "
            "Instellingen, onder 'Wie mag deze pagina zien', voor 'Alleen de gekozen districtsplatforms' en vink "
            "%(districts)s aan."
        ) % {"districts": names, "audience": AUDIENCE_LABELS[self.visibility]}

    @property
    def kind_label(self) -> str:
        return self.specific_class._meta.verbose_name

    def get_context(self, request, *args, **kwargs):
        from ..selectors import article_context  # here: the selectors import the page models

        context = super().get_context(request, *args, **kwargs)
        context.update(article_context(page=self, user=request.user, preview=getattr(request, "is_preview", False)))
        context["returned_flag"] = returned_content_flag(request, page_id=self.pk)
        return context


class BestPracticePage(KnowledgePage):
    template = "knowledgebase/article_page.html"
    parent_page_types = ["knowledgebase.KnowledgeIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("best practice")
        verbose_name_plural = _("best practices")


class LessonPage(KnowledgePage):
    joint_action = models.ForeignKey(
        "knowledgebase.JointAction",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lessons",
        verbose_name=_("integrale actie"),
    )

    template = "knowledgebase/article_page.html"
    parent_page_types = ["knowledgebase.KnowledgeIndexPage"]
    subpage_types: list[str] = []
    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("joint_action"),
        FieldPanel("body"),
        KnowledgePage.taxonomy_panel,
    ]

    class Meta:
        verbose_name = _("lesson learned")
        verbose_name_plural = _("lessons learned")


class MaterialPage(KnowledgePage):
    class Kind(models.TextChoices):
        FOLDER = "folder", _("Folder")
        FLYER = "flyer", _("Flyer")
        VIDEO = "video", _("Video")
        TOOLKIT = "toolkit", _("Communicatietoolkit")
        PROTOCOL = "protocol", _("Protocol")
        PRESS = "persinstructie", _("Persinstructie")

    material_kind = models.CharField(_("soort materiaal"), max_length=20, choices=Kind.choices)
    video_url = models.URLField(
        _("link naar de video"),
        blank=True,
        help_text=_("Een link, geen ingesloten video: zo volgen we bezoekers niet."),
    )

    template = "knowledgebase/article_page.html"
    parent_page_types = ["knowledgebase.MaterialsIndexPage"]
    subpage_types: list[str] = []
    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("material_kind"),
        FieldPanel("video_url"),
        FieldPanel("body"),
        KnowledgePage.taxonomy_panel,
    ]

    class Meta:
        verbose_name = _("materiaal")
        verbose_name_plural = _("materialen")

    def clean(self):
        super().clean()
        if self.video_url and not self.video_url.startswith("https://"):
            raise ValidationError({"video_url": _("Gebruik een beveiligde link die begint met https://.")})


class ArticleIndexPage(Page):
    intro = models.TextField(_("introductie"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["core.HomePage"]
    is_creatable = False

    class Meta:
        abstract = True

    def get_context(self, request, *args, **kwargs):
        from ..selectors import index_context  # here: the selectors import the page models

        context = super().get_context(request, *args, **kwargs)
        context.update(index_context(index_page=self, request=request))
        return context


class KnowledgeIndexPage(ArticleIndexPage):
    subpage_types = ["knowledgebase.BestPracticePage", "knowledgebase.LessonPage"]
    template = "knowledgebase/index_page.html"
    max_count = 1
    is_creatable = True

    class Meta:
        verbose_name = _("kennisbank")


class MaterialsIndexPage(ArticleIndexPage):
    subpage_types = ["knowledgebase.MaterialPage"]
    template = "knowledgebase/index_page.html"
    max_count = 1
    is_creatable = True

    class Meta:
        verbose_name = _("materialen")
