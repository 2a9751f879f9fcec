"""Uploads are judged by their content, never by their name: a file must be what its extension claims, and
the virus scanner (core/scanning.py, when on) must find nothing in it before it is stored."""

import zipfile

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from .scanning import check_upload

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
MAX_IMAGE_BYTES = 10 * 1024 * 1024
RASTER_FORMATS = {"JPEG": ("jpg", "jpeg"), "PNG": ("png",), "GIF": ("gif",), "WEBP": ("webp",)}
_OOXML_PARTS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
_ODF_MIMETYPES = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
}


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _check_size(upload, limit: int) -> None:
    if upload.size > limit:
        raise ValidationError(
            _("Het bestand is te groot (%(size)s). Het maximum is %(max)s.")
            % {"size": filesizeformat(upload.size), "max": filesizeformat(limit)},
            code="too_large",
        )


def _head(upload, length: int = 8) -> bytes:
    upload.seek(0)
    head = upload.read(length)
    upload.seek(0)
    return head


def _zip_names(upload) -> list[str]:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            mimetype = archive.read("mimetype") if "mimetype" in names else b""
    except (zipfile.BadZipFile, KeyError, OSError):
        return []
    finally:
        upload.seek(0)
    return [*names, f"mimetype:{mimetype.decode('ascii', 'replace')}"]


def _looks_like_text(upload) -> bool:
    upload.seek(0)
    sample = upload.read(64 * 1024)
    upload.seek(0)
    if b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut off at the end of the sample is fine.
        return error.start >= len(sample) - 3
    return True


def validate_document(upload) -> None:
    """PDF, Office Open XML, OpenDocument, CSV or plain text, checked by their bytes."""
    _check_size(upload, MAX_DOCUMENT_BYTES)
    extension = _extension(upload.name)
    if extension == "pdf":
        valid = _head(upload, 5) == b"%PDF-"
    elif extension in _OOXML_PARTS:
        names = _zip_names(upload)
        valid = "[Content_Types].xml" in names and any(n.startswith(_OOXML_PARTS[extension]) for n in names)
    elif extension in _ODF_MIMETYPES:
        valid = f"mimetype:{_ODF_MIMETYPES[extension].decode()}" in _zip_names(upload)
    elif extension in ("csv", "txt"):
        valid = _looks_like_text(upload)
    else:
        raise ValidationError(
            _(
                "Bestanden van het type .%(ext)s zijn niet toegestaan. Kies een PDF-, Word-, Excel-, "
                "PowerPoint-, OpenDocument-, CSV- of tekstbestand."
            )
            % {"ext": extension or "?"},
            code="forbidden_type",
        )
    if not valid:
        raise ValidationError(
            _("Dit bestand is geen echt .%(ext)s-bestand. Sla het opnieuw op als .%(ext)s en probeer het nog eens.")
            % {"ext": extension},
            code="content_mismatch",
        )
    check_upload(upload, name=upload.name)


def validate_raster_image(upload) -> None:
    """JPEG, PNG, GIF or WebP whose bytes say so; SVG and other vector or scriptable formats are refused."""
    _check_size(upload, MAX_IMAGE_BYTES)
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image_format = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        image_format = None
    finally:
        upload.seek(0)
    if image_format not in RASTER_FORMATS:
        raise ValidationError(
            _("Dit is geen afbeelding die we kunnen gebruiken. Kies een JPG-, PNG-, GIF- of WebP-bestand."),
            code="not_raster",
        )
    if _extension(upload.name) not in RASTER_FORMATS[image_format]:
        raise ValidationError(
            _("De bestandsnaam past niet bij de inhoud: dit is een %(format)s-afbeelding.") % {"format": image_format},
            code="content_mismatch",
        )
    check_upload(upload, name=upload.name)
