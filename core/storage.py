"""Uploads on a full disk: refused with a clear message on the form, and never half a file on disk.

Every file is written to a temporary ".part" file in its own directory and linked under its name only when it is
complete, so a full disk (ENOSPC half-way), a crash or a killed worker never leaves a truncated file under a
name the database may point to. Form uploads are written (staged) while the form is validated, so a disk that
fills up between the free-space check and the write is a form error too, not a server error."""

import datetime
import errno
import os
import re
import secrets
import shutil
import time
import weakref
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

# Room kept free beside the upload itself (thumbnails, renditions, the database's own files).
RESERVE_BYTES = 1024 * 1024
# Where form uploads wait, whole, until their form is saved: inside the media root, so on its file system.
STAGING_DIR = ".staging"
_DISK_FULL = {errno.ENOSPC, errno.EDQUOT}
# The name _open_part gives: hidden, the file's name, 16 random hex digits.
_PART_NAME = re.compile(r"^\..*\.[0-9a-f]{16}\.part$")


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


def _open_part(directory: str, name: str):
    """A new, empty temporary file beside where `name` goes: (path, binary file open for writing and reading).
    Hidden and with a random part, so it is never taken for the file itself."""
    path = os.path.join(directory, f".{os.path.basename(name)[:64]}.{secrets.token_hex(8)}.part")
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    return path, os.fdopen(fd, "w+b")


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _write_part(directory: str, name: str, content, *, keep_open: bool = False):
    """Write `content` whole into a new part file in `directory` and return its path (and the open file when
    `keep_open`). On any failure, a full disk included, the part file is removed before the error goes on."""
    path, file = _open_part(directory, name)
    try:
        for chunk in content.chunks():
            file.write(chunk if isinstance(chunk, bytes) else chunk.encode())
        file.flush()
        os.fsync(file.fileno())  # on disk before the name appears
    except BaseException:
        file.close()
        _remove(path)
        raise
    if keep_open:
        file.seek(0)
        return path, file
    file.close()
    return path


class AtomicFileSystemStorage(FileSystemStorage):
    """The media storage (STORAGES["default"]): FileSystemStorage whose files appear whole or not at all."""

    def _save(self, name, content):
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        self._make_directory(directory)
        source = content.temporary_file_path() if hasattr(content, "temporary_file_path") else None
        part = None
        if source is None or not _same_file_system(source, directory):
            part = _write_part(directory, name, content)
        try:
            while True:
                try:
                    self._put_in_place(part or source, full_path)
                    break
                except FileExistsError:
                    name = self.get_available_name(name)
                    full_path = self.path(name)
        finally:
            if part:
                _remove(part)
        if source:
            _remove(source)  # moved, as FileSystemStorage moves a temporary upload
        if self.file_permissions_mode is not None:
            os.chmod(full_path, self.file_permissions_mode)
        name = os.path.relpath(full_path, self.location)
        self._ensure_location_group_id(full_path)
        return str(name).replace("\\", "/")

    def _make_directory(self, directory: str) -> None:
        try:
            if self.directory_permissions_mode is not None:
                old_umask = os.umask(0o777 & ~self.directory_permissions_mode)
                try:
                    os.makedirs(directory, self.directory_permissions_mode, exist_ok=True)
                finally:
                    os.umask(old_umask)
            else:
                os.makedirs(directory, exist_ok=True)
        except FileExistsError:
            raise FileExistsError(f"{directory} exists and is not a directory.") from None

    def _put_in_place(self, path: str, full_path: str) -> None:
        """A second name for the complete file: link() never replaces a file another upload has just put
        there (FileExistsError: the caller picks another name), where rename() would."""
        if self._allow_overwrite:
            os.replace(path, full_path)
            return
        try:
            os.link(path, full_path)
        except FileExistsError:
            raise
        except OSError as error:
            if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
                raise
            # A file system without hard links: rename, after checking the name is free.
            if os.path.lexists(full_path):
                raise FileExistsError(full_path) from None
            os.replace(path, full_path)

    def stage_dir(self) -> str:
        directory = self.path(STAGING_DIR)
        self._make_directory(directory)
        return directory


def _same_file_system(path: str, directory: str) -> bool:
    try:
        return os.stat(path).st_dev == os.stat(directory).st_dev
    except OSError:
        return False


class StagedUpload(UploadedFile):
    """An upload already written whole into the media storage's file system while its form was validated;
    saving it links that file into place, so nothing is written (and nothing can run out of room) then."""

    def temporary_file_path(self) -> str:
        return self._staged_path

    def close(self):
        try:
            return self.file.close()
        finally:
            _remove(self._staged_path)


def stage_upload(upload):
    """Write a form's upload whole into the media storage now (a ValidationError when the disk is full) and
    return it as a StagedUpload; uploads to other storages are returned as they are."""
    storage = default_storage
    if not isinstance(storage, AtomicFileSystemStorage):
        return upload
    try:
        path, file = _write_part(storage.stage_dir(), upload.name, upload, keep_open=True)
    except OSError as error:
        if error.errno in _DISK_FULL:
            raise ValidationError(storage_full_message(), code="storage_full") from error
        raise
    staged = StagedUpload(
        file, upload.name, upload.content_type, upload.size, upload.charset, upload.content_type_extra
    )
    # What form fields noted on the upload (Wagtail's image field keeps the opened image on it).
    staged.__dict__.update({key: value for key, value in vars(upload).items() if key not in vars(staged)})
    staged._staged_path = path
    weakref.finalize(staged, _remove, path)  # a form that was not saved leaves nothing behind
    return staged


def remove_leftover_parts(*, older_than: datetime.timedelta = datetime.timedelta(days=1)) -> int:
    """Remove part files that a killed process left behind (SIGKILL, power loss: no `finally` ran), and staged
    uploads of forms that were never saved. Only files older than `older_than`, so a write under way, however
    slow, keeps its part. Returns how many were removed."""
    storage = default_storage
    if not isinstance(storage, FileSystemStorage) or not os.path.isdir(storage.location):
        return 0
    staging = os.path.join(storage.location, STAGING_DIR)
    cutoff = time.time() - older_than.total_seconds()
    removed = 0
    for directory, _dirs, files in os.walk(storage.location):
        for name in files:
            if not (_PART_NAME.match(name) or directory == staging):
                continue
            path = os.path.join(directory, name)
            try:
                if os.lstat(path).st_mtime < cutoff:
                    os.unlink(path)
                    removed += 1
            except FileNotFoundError:
                continue  # removed meanwhile by the process that wrote it
    return removed
