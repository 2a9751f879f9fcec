from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.forms import BaseImageForm

from .storage import check_room_for, stage_upload
from .uploads import validate_document, validate_raster_image


def errors_from(form, error: ValidationError) -> None:
    """A service's Dutch messages on the form fields they are about, all at once; the rest above the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


class SafeDocumentForm(BaseDocumentForm):
    """Wagtail checks a document's extension only; we check its bytes too (settings.WAGTAILDOCS_DOCUMENT_FORM_BASE)."""

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            validate_document(upload)
            check_room_for(upload)
            upload = stage_upload(upload)  # written whole now: a disk that fills up is an error on this form
        return upload


class SafeImageForm(BaseImageForm):
    """Raster images only, judged by their bytes (settings.WAGTAILIMAGES_IMAGE_FORM_BASE)."""

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            validate_raster_image(upload)
            check_room_for(upload)
            upload = stage_upload(upload)  # written whole now: a disk that fills up is an error on this form
        return upload
