"""The district platforms and their quarterly meetings as Wagtail pages.

A platform page is open to its district's members and the secretariat only; its meetings inherit that
(core.audience folds the restriction over the subtree)."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from core.audience import page_visibility_set


class DistrictPlatformPage(Page):
    district = models.OneToOneField(
        "stakeholders.District", on_delete=models.PROTECT, related_name="platform_page", verbose_name=_("district")
    )
    intro = models.TextField(_("introductie"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("district"), FieldPanel("intro")]
    parent_page_types = ["core.HomePage"]
    subpage_types = ["meetings.MeetingPage"]
    template = "meetings/platform_page.html"

    class Meta:
        verbose_name = _("districtsplatform")
        verbose_name_plural = _("districtsplatforms")

    def save(self, *args, **kwargs):
        result = super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "district" in update_fields:
            page_visibility_set(self, level="districts", district_ids=[self.district_id])
        return result

    def get_context(self, request, *args, **kwargs):
        from ..selectors import platform_context  # here: the selectors import the page models

        context = super().get_context(request, *args, **kwargs)
        context.update(platform_context(platform=self, user=request.user))
        return context


class MeetingPageForm(WagtailAdminPageForm):
    """What the secretariat can get wrong when planning: a new meeting in the past, or an agenda longer
    than the meeting. A meeting that was held but never put in the portal is recorded afterwards by
    saying so ("al gehouden"): it starts as held, ready for attendance and minutes."""

    held_already = forms.BooleanField(
        label=_("Dit overleg is al gehouden"),
        required=False,
        help_text=_(
            "Alleen voor een overleg dat u achteraf vastlegt: het krijgt de status ‘Gehouden’, er gaan geen "
            "uitnodigingen uit en u kunt meteen de aanwezigheid en de notulen vastleggen."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields.pop("held_already", None)  # only when creating; Wagtail hides a panel without a field

    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        held_already = self.instance.pk is None and cleaned.get("held_already")
        if starts_at and self.instance.pk is None and starts_at < timezone.now() and not held_already:
            self.add_error(
                "starts_at",
                _(
                    "Een nieuw overleg kan niet in het verleden liggen. Legt u een overleg vast dat al is "
                    "gehouden? Vink dan ‘Dit overleg is al gehouden’ aan."
                ),
            )
        if starts_at and held_already and starts_at > timezone.now():
            self.add_error("held_already", _("Een overleg dat al is gehouden, begint niet in de toekomst."))
        if starts_at and ends_at and "agenda_items" in self.formsets:
            formset = self.formsets["agenda_items"]
            total = sum(
                (form.cleaned_data.get("duration_minutes") or 0)
                for form in formset.forms
                if form.is_valid() and not form.cleaned_data.get("DELETE")
            )
            available = int((ends_at - starts_at).total_seconds() // 60)
            if total > available:
                self.add_error(
                    "ends_at",
                    _(
                        "De agendapunten duren samen %(total)s minuten, het overleg %(available)s. Kort punten in of "
                        "verleng het overleg."
                    )
                    % {"total": total, "available": available},
                )
        return cleaned

    def save(self, commit=True):
        if self.instance.pk is None and self.cleaned_data.get("held_already"):
            self.instance.status = MeetingPage.Status.HELD
        return super().save(commit=commit)


class MeetingPage(Page):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Gepland")
        AGENDA_PUBLISHED = "agenda_published", _("Agenda gepubliceerd")
        HELD = "held", _("Gehouden")
        DRAFT_MINUTES = "draft_minutes", _("Concept-notulen")
        MINUTES_ADOPTED = "minutes_adopted", _("Notulen vastgesteld")

    starts_at = models.DateTimeField(_("begint om"))
    ends_at = models.DateTimeField(_("eindigt om"))
    location = models.CharField(_("plaats"), max_length=200, blank=True)
    online_link = models.URLField(_("link voor online deelname"), blank=True)
    chair = models.ForeignKey(
        "stakeholders.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("voorzitter"),
    )
    secretary = models.ForeignKey(
        "stakeholders.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("secretaris"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    response_deadline = models.DateField(_("aanmelden vóór"), null=True, blank=True)
    current_agenda_item = models.ForeignKey(
        "meetings.AgendaItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("starts_at"),
                FieldPanel("ends_at"),
                FieldPanel("location"),
                FieldPanel("online_link"),
                FieldPanel("response_deadline"),
                FieldPanel("held_already"),
            ],
            heading=_("Wanneer en waar"),
        ),
        MultiFieldPanel([FieldPanel("chair"), FieldPanel("secretary")], heading=_("Overleg")),
        InlinePanel("agenda_items", label=_("Agendapunten")),
    ]
    base_form_class = MeetingPageForm
    search_fields = [*Page.search_fields, index.SearchField("location")]
    parent_page_types = ["meetings.DistrictPlatformPage"]
    subpage_types: list[str] = []
    template = "meetings/meeting_page.html"
    # Shown on every view of the page: read with the page itself when it is served (core.models.HomePage.route).
    serve_select_related = ("chair", "secretary")

    class Meta:
        verbose_name = _("platformbijeenkomst")
        verbose_name_plural = _("platformbijeenkomsten")

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("Het overleg moet eindigen na het begin.")})
        if self.response_deadline and self.starts_at and self.response_deadline > timezone.localdate(self.starts_at):
            raise ValidationError({"response_deadline": _("De aanmeldtermijn moet vóór het overleg eindigen.")})

    def with_content_json(self, content):
        """Status and the current item are set by the meeting's own actions (publish agenda, attendance,
        minutes, live meeting), never by the editor: publishing an older revision must not undo them."""
        page = super().with_content_json(content)
        page.status = self.status
        page.current_agenda_item_id = self.current_agenda_item_id
        return page

    @property
    def district(self):
        return self.get_parent().specific.district

    def get_context(self, request, *args, **kwargs):
        from ..selectors import meeting_context  # here: the selectors import the page models

        context = super().get_context(request, *args, **kwargs)
        context.update(meeting_context(meeting=self, user=request.user))
        return context


class AgendaItem(Orderable):
    class Kind(models.TextChoices):
        INFORMATIVE = "informatief", _("Informatief")
        DISCUSSION = "bespreken", _("Bespreken")
        DECISION = "besluitvormend", _("Besluitvormend")
        FORMALITY = "hamerstuk", _("Hamerstuk")

    page = ParentalKey(MeetingPage, on_delete=models.CASCADE, related_name="agenda_items")
    title = models.TextField(_("titel"))
    description = models.TextField(_("toelichting"), blank=True)
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices, default=Kind.DISCUSSION)
    presenter_contact = models.ForeignKey(
        "stakeholders.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("inleider"),
    )
    presenter_organisation = models.ForeignKey(
        "stakeholders.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("inleidende organisatie"),
    )
    duration_minutes = models.PositiveSmallIntegerField(_("duur (minuten)"), default=15)
    is_previous_actions = models.BooleanField(
        _("actiepunten vorige vergadering"),
        default=False,
        help_text=_("Dit punt toont vanzelf de open actiepunten van het district."),
    )
    documents = StreamField(
        [("document", DocumentChooserBlock(label=_("document")))], verbose_name=_("stukken"), blank=True
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("kind"),
        FieldPanel("description"),
        FieldPanel("presenter_contact"),
        FieldPanel("presenter_organisation"),
        FieldPanel("duration_minutes"),
        FieldPanel("is_previous_actions"),
        FieldPanel("documents"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("agendapunt")
        verbose_name_plural = _("agendapunten")

    def __str__(self):
        return self.title
