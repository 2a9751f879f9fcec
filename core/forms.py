from django.core.files.uploadedfile import UploadedFile
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.forms import BaseImageForm

from .storage import check_room_for, stage_upload
from .uploads import validate_document, validate_raster_image


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
