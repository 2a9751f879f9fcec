"""Design section 3: images and documents used on restricted pages are only served through permission-checked
views (/beeld/ and /documenten/), never by their media URL."""

import itertools
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import ReferenceIndex
from wagtail.rich_text import RichText

from core.media import protected_image_url
from core.roles import Role
from knowledgebase.models import BestPracticePage, KnowledgeIndexPage
from stakeholders.models import District

pytestmark = pytest.mark.django_db

FILTER = "max-960x720"  # what knowledgebase/blocks/image.html asks for
_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _page(title: str, blocks, *, visibility: str, districts=()) -> BestPracticePage:
    page = BestPracticePage(
        title=title,
        slug=f"media-{next(_numbers)}",
        intro=f"Samenvatting van {title}",
        body=[("paragraph", RichText(f"<p>Inhoud van {title}</p>")), *blocks],
        visibility=visibility,
        live=True,
    )
    page.visible_districts = list(District.objects.filter(code__in=districts))
    KnowledgeIndexPage.objects.get().add_child(instance=page)
    # The index is normally updated by a task after commit; the test transaction never commits.
    ReferenceIndex.create_or_update_for_object(page)
    return page


def _image(title: str = "Foto") -> Image:
    return Image.objects.create(title=title, file=get_test_image_file())


def _image_block(image):
    return ("image", {"image": image, "alt_text": "Een erf", "caption": ""})


def _document(title: str = "Protocol") -> Document:
    return Document.objects.create(title=title, file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="protocol.pdf"))


def _document_block(document):
    return ("document", {"document": document, "title": ""})


@pytest.fixture
def partner(make_user):
    return make_user(Role.PARTNER, district="KEN")


# --- Images ----------------------------------------------------------------------------------------


@pytest.fixture
def partners_image(reference_data):
    image = _image("Alleen voor partners")
    page = _page("Partnerstuk met foto", [_image_block(image)], visibility="partners")
    return image, page


def test_image_on_a_partners_page_sends_anonymous_to_login(client, partners_image):
    """As documents and pages do (design section 3, #19.8): not a 404 that tells a visitor nothing."""
    image, _page = partners_image
    url = protected_image_url(image, FILTER)
    response = client.get(url)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/account/inloggen/" and unquote(parse_qs(location.query)["next"][0]) == url
    assert response.get("Content-Type", "").split(";")[0] != "image/png"


def test_image_on_a_district_page_is_404_for_another_district(client, reference_data, make_user):
    image = _image("Alleen Noord")
    _page("Noordstuk met foto", [_image_block(image)], visibility="districts", districts=("NHN",))
    url = protected_image_url(image, FILTER)
    client.force_login(make_user(Role.PARTNER, district="KEN"))
    response = client.get(url)
    assert response.status_code == 404
    assert response.get("Content-Type", "").split(";")[0] != "image/png"
    client.force_login(make_user(Role.PARTNER, district="NHN"))
    assert client.get(url).status_code == 200


def test_image_on_a_partners_page_is_served_privately_to_a_partner(client, partners_image, partner):
    image, _page = partners_image
    client.force_login(partner)
    response = client.get(protected_image_url(image, FILTER))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/")
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    assert "Cookie" in response.get("Vary", "")
    assert b"".join(response.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"


def test_image_on_a_public_page_is_public(client, reference_data):
    image = _image("Openbaar")
    _page("Openbaar stuk met foto", [_image_block(image)], visibility="public")
    response = client.get(protected_image_url(image, FILTER))
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "private" not in response["Cache-Control"]


def test_image_on_a_draft_page_is_not_public(client, reference_data):
    image = _image("Concept")
    page = _page("Openbaar maar concept", [_image_block(image)], visibility="public")
    page.unpublish()
    assert client.get(protected_image_url(image, FILTER)).status_code == 302  # to login, not served


def test_image_used_nowhere_is_for_the_cms_only(client, reference_data, partner, make_user, login_with_mfa):
    image = _image("Los")
    url = protected_image_url(image, FILTER)
    assert client.get(url).status_code == 302
    client.force_login(partner)
    assert client.get(url).status_code == 404
    client.logout()
    login_with_mfa(client, make_user(Role.SECRETARIAT, district=None))
    assert client.get(url).status_code == 200


def test_a_bad_signature_is_404(client, reference_data):
    image = _image("Openbaar")
    _page("Openbaar stuk met foto", [_image_block(image)], visibility="public")
    good = protected_image_url(image, FILTER)
    signature = good.split("/")[2]
    assert client.get(good).status_code == 200
    assert client.get(f"/beeld/{'x' * len(signature)}/{image.pk}/{FILTER}/").status_code == 404
    # A valid signature for one filter or image does not open another.
    assert client.get(f"/beeld/{signature}/{image.pk}/original/").status_code == 404
    other = _image("Ander")
    _page("Nog een openbaar stuk", [_image_block(other)], visibility="public")
    assert client.get(f"/beeld/{signature}/{other.pk}/{FILTER}/").status_code == 404


def test_the_rendered_page_links_images_through_the_checked_view(client, partners_image, partner):
    image, page = partners_image
    client.force_login(partner)
    html = client.get(page.url).text
    assert protected_image_url(image, FILTER) in html
    assert "/beeld/" in html
    assert "/media/" not in html
    assert image.file.name not in html


# --- Documents -------------------------------------------------------------------------------------


@pytest.fixture
def nhn_document(reference_data):
    document = _document("Protocol Noord")
    _page("Noordstuk met protocol", [_document_block(document)], visibility="districts", districts=("NHN",))
    return document


def test_document_on_a_district_page_sends_anonymous_to_login(client, nhn_document):
    response = client.get(nhn_document.url)
    assert nhn_document.url.startswith("/documenten/")
    assert response.status_code == 302 and response["Location"].startswith("/account/inloggen/")


def test_document_on_a_district_page_is_404_for_another_district(client, nhn_document, make_user):
    client.force_login(make_user(Role.PARTNER, district="KEN"))
    assert client.get(nhn_document.url).status_code == 404


def test_document_on_a_district_page_is_served_to_that_district(client, nhn_document, make_user):
    client.force_login(make_user(Role.PARTNER, district="NHN"))
    response = client.get(nhn_document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_document_used_nowhere_is_for_the_cms_only(client, reference_data, partner, make_user, login_with_mfa):
    document = _document("Los protocol")
    assert client.get(document.url).status_code == 302
    client.force_login(partner)
    assert client.get(document.url).status_code == 404
    client.logout()
    login_with_mfa(client, make_user(Role.SECRETARIAT, district=None))
    assert client.get(document.url).status_code == 200


def test_media_root_is_not_served(client, nhn_document, make_user, reference_data):
    image = _image("Openbaar")
    _page("Openbaar stuk met foto", [_image_block(image)], visibility="public")
    client.force_login(make_user(Role.PARTNER, district="NHN"))
    for name in (nhn_document.file.name, image.file.name):
        assert client.get(f"/media/{name}").status_code == 404, name


def test_document_linked_in_rich_text_follows_its_page(client, reference_data, make_user):
    document = _document("Protocol in tekst")
    paragraph = ("paragraph", RichText(f'<p>Lees het <a linktype="document" id="{document.pk}">protocol</a>.</p>'))
    page = _page("Noordstuk met link", [paragraph], visibility="districts", districts=("NHN",))
    client.force_login(make_user(Role.PARTNER, district="KEN"))
    assert client.get(document.url).status_code == 404
    client.force_login(make_user(Role.PARTNER, district="NHN"))
    assert document.url in client.get(page.url).text
    assert client.get(document.url).status_code == 200
