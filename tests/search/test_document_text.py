"""The text a knowledge page gives the search index is what a reader sees: the words of its blocks, never the
block type names, field names or choice keys of the StreamField's stored JSON ("ontmanteld. warning Een
drugslab ..." in a snippet)."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from wagtail import blocks
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.rich_text import RichText

from knowledgebase.blocks import ArticleStreamBlock
from search.indexing import index_keys
from search.models import SearchDocument
from search.services import portal_search, search_request_for
from tests.knowledgebase.factories import article
from tests.stakeholders.factories import AffiliationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _names(block: blocks.Block) -> set[str]:
    """Every child block name and choice key below a block: none of them is text a reader sees."""
    names: set[str] = set()
    if isinstance(block, blocks.StreamBlock | blocks.StructBlock):
        for name, child in block.child_blocks.items():
            names |= {name, *_names(child)}
    elif isinstance(block, blocks.ListBlock):
        names |= {"item", *_names(block.child_block)}
    elif isinstance(block, blocks.ChoiceBlock):
        names |= {str(key) for key, _label in block.field.choices if key}
    return names


@pytest.fixture
def every_block(reference_data):
    image = Image.objects.create(title="Beeldbank schuurfoto", file=get_test_image_file())
    document = Document.objects.create(
        title="Bestand draaiboeknazorg", file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="nazorg.pdf")
    )
    card = AffiliationFactory(contact__last_name="Zwartvaarder", organisation__name="Loonbedrijf Wieringa")
    body = [
        ("paragraph", RichText("<p>Specialisten hebben het lab <b>ontmanteld</b>.</p>")),
        ("callout", {"kind": "warning", "text": "Een drugslab kan ontploffen.\nGa nooit naar binnen."}),
        ("heading", "Wat ging goed"),
        ("quote", {"text": "Ik dacht dat ik een goede huurder had.", "attribution": "Verhuurder in Heemskerk"}),
        ("image", {"image": image, "alt_text": "Schuur met dichte ramen", "caption": "Na de ontmanteling"}),
        ("document", {"document": document, "title": "Draaiboek nazorg"}),
        ("checklist", {"title": "Voor de volgende keer", "items": ["Verhuurders informeren", "Buren bedanken"]}),
        ("steps", {"title": "Zo pakt u het aan", "steps": [{"title": "Kies de doelgroep", "text": "Lege schuren."}]}),
        ("signals", {"title": "Herken de signalen", "items": ["Dichtgeplakte ramen", "Vreemde geur"]}),
        ("callout", {"kind": "tip", "text": "Bel de wijkagent."}),
        ("contact_card", {"contact": card.contact, "organisation": card.organisation}),
        ("video_link", {"url": "https://video.example.nl/nazorg", "title": "Film over nazorg"}),
    ]
    assert {name for name, _value in body} == set(ArticleStreamBlock().child_blocks), "a block type is missing"
    page = article("Drugslab in een schuur", visibility="public", intro="Wat een gemeente leerde.", body=body)
    index_keys([("best_practice", str(page.pk))])
    return page, card


def test_the_indexed_body_is_the_text_of_every_block_type_and_nothing_else(every_block):
    page, card = every_block
    body = SearchDocument.objects.get(doc_type="best_practice", object_id=str(page.pk)).body
    assert body == (
        "Wat een gemeente leerde. Specialisten hebben het lab ontmanteld. Een drugslab kan ontploffen. "
        "Ga nooit naar binnen. Wat ging goed Ik dacht dat ik een goede huurder had. Verhuurder in Heemskerk "
        "Schuur met dichte ramen Na de ontmanteling Draaiboek nazorg Voor de volgende keer Verhuurders informeren "
        "Buren bedanken Zo pakt u het aan Kies de doelgroep Lege schuren. Herken de signalen Dichtgeplakte ramen "
        "Vreemde geur Bel de wijkagent. Film over nazorg"
    )
    words = set(re.findall(r"[\w]+", body.lower()))
    assert not words & {name.lower() for name in _names(ArticleStreamBlock())}
    # A contact card names a person only to whoever may see them in the directory: not in a public index.
    assert "Zwartvaarder" not in body and "Wieringa" not in body and "https" not in body


def test_the_snippet_reads_as_the_page_does(every_block):
    response = portal_search(search_request_for(AnonymousUser(), text="drugslab ontploffen"))
    snippet = response.hits[0].snippet_html
    assert "ontmanteld. Een <mark>drugslab</mark> kan <mark>ontploffen</mark>. Ga nooit naar binnen." in snippet
    assert "warning" not in snippet and "tip" not in snippet.split()


def test_comparison_signs_in_plain_minutes_are_text_not_tags():
    from search.documents import plain

    assert plain("Minder dan <5 meldingen, meer dan >3 panden") == "Minder dan <5 meldingen, meer dan >3 panden"
    assert plain("<p>Het lab <b>ontmanteld</b>.</p><!-- notitie --><h2>Vervolg</h2>") == "Het lab ontmanteld. Vervolg"
