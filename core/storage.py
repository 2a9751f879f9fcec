"""A full disk refuses uploads with a clear message on the form, before anything is written."""

import shutil
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, default_storage
from django.utils.translation import gettext as _

# Room kept free beside the upload itself (thumbnails, renditions, the database's own files).
RESERVE_BYTES = 1024 * 1024


def storage_full_message() -> str:
    return _("De opslag is vol; probeer het later opnieuw of meld het bij de beheerder.")


def free_bytes(path) -> int:
    """Free space on the file system that holds `path` (or its nearest existing parent)."""
    path = Path(path)
    while not path.exists() and path != path.parent:
        path = path.parent
    return shutil.disk_usage(path).free


def check_room_for(upload) -> None:
    """Refuse an upload the local media storage has no room for (a ValidationError on the form)."""
    if not isinstance(default_storage, FileSystemStorage):
        return  # object storage: no local disk to fill
    if free_bytes(settings.MEDIA_ROOT) < (upload.size or 0) + RESERVE_BYTES:
        raise ValidationError(storage_full_message(), code="storage_full")
