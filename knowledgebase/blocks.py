"""The building blocks of a knowledge article. Video is a link, never a third-party embed (privacy, CSP)."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

ARTICLE_RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("afbeelding"))
    alt_text = blocks.CharBlock(
        label=_("alternatieve tekst"),
        max_length=250,
        help_text=_("Beschrijf wat er op de afbeelding te zien is, voor wie hem niet kan zien."),
    )
    caption = blocks.CharBlock(label=_("onderschrift"), required=False, max_length=250)

    class Meta:
        icon = "image"
        template = "knowledgebase/blocks/image.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    title = blocks.CharBlock(label=_("titel (optioneel)"), required=False, max_length=200)

    class Meta:
        icon = "doc-full"
        template = "knowledgebase/blocks/document.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("citaat"))
    attribution = blocks.CharBlock(label=_("van (rol, geen naam nodig)"), required=False, max_length=200)

    class Meta:
        icon = "openquote"
        template = "knowledgebase/blocks/quote.html"


class ListWithTitleBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("titel"), required=False, max_length=200)
    items = blocks.ListBlock(blocks.CharBlock(max_length=500), label=_("punten"))


class ChecklistBlock(ListWithTitleBlock):
    class Meta:
        icon = "tasks"
        template = "knowledgebase/blocks/checklist.html"


class SignalsBlock(ListWithTitleBlock):
    class Meta:
        icon = "warning"
        label = _("Signalen")
        template = "knowledgebase/blocks/signals.html"


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("stap"), max_length=200)
    text = blocks.TextBlock(label=_("toelichting"), required=False)


class StepsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("titel"), required=False, max_length=200)
    steps = blocks.ListBlock(StepBlock(), label=_("stappen"))

    class Meta:
        icon = "list-ol"
        template = "knowledgebase/blocks/steps.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(label=_("soort"), choices=[("tip", _("Tip")), ("warning", _("Let op"))], default="tip")
    text = blocks.TextBlock(label=_("tekst"))

    class Meta:
        icon = "help"
        template = "knowledgebase/blocks/callout.html"


class ContactCardBlock(blocks.StructBlock):
    """Shown only to readers who may see that contact or organisation in the directory."""

    contact = SnippetChooserBlock("stakeholders.Contact", label=_("contactpersoon"), required=False)
    organisation = SnippetChooserBlock("stakeholders.Organisation", label=_("organisatie"), required=False)

    class Meta:
        icon = "user"
        template = "knowledgebase/blocks/contact_card.html"


class VideoLinkBlock(blocks.StructBlock):
    url = blocks.URLBlock(label=_("adres van de video"))
    title = blocks.CharBlock(label=_("titel"), max_length=200)

    class Meta:
        icon = "media"
        template = "knowledgebase/blocks/video_link.html"


class ArticleStreamBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(
        label=_("tussenkop"), max_length=200, icon="title", template="knowledgebase/blocks/heading.html"
    )
    paragraph = blocks.RichTextBlock(label=_("tekst"), features=ARTICLE_RICH_TEXT_FEATURES)
    quote = QuoteBlock(label=_("citaat"))
    image = ImageBlock(label=_("afbeelding"))
    document = DocumentBlock(label=_("document"))
    checklist = ChecklistBlock(label=_("checklist"))
    steps = StepsBlock(label=_("stappenplan"))
    signals = SignalsBlock(label=_("signalen"))
    callout = CalloutBlock(label=_("tip of waarschuwing"))
    contact_card = ContactCardBlock(label=_("contactkaart"))
    video_link = VideoLinkBlock(label=_("videolink"))
