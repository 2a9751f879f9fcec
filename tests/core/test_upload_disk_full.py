"""A disk that fills up while an upload is written (core/storage.py): never half a file, a clear message.

The full disk here is a stand-in: files whose writes fail with ENOSPC, as the kernel answers, once 64 KiB are
written (those bytes are really written, so a truncated file would really be left on disk). A full disk cannot
be made reliably everywhere; tests/faults/test_disk_full.py fills a real tmpfs where it may mount one."""

import errno
import os
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents.models import Document
from wagtail.models import Collection

from core.roles import Role
from core.storage import AtomicFileSystemStorage

FULL_MESSAGE = "De opslag is vol"
PDF = b"%PDF-1.4\n%" + b"x" * 300_000 + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n"


class _DiskFullAfter:
    """A file on a disk with `room` bytes left."""

    def __init__(self, file, room: int):
        self._file, self._room = file, room

    def write(self, data: bytes) -> int:
        if len(data) > self._room:
            self._file.write(data[: self._room])
            self._file.flush()
            self._room = 0
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self._room -= len(data)
        return self._file.write(data)

    def __getattr__(self, name):
        return getattr(self._file, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._file.close()


@pytest.fixture
def disk_fills_up(monkeypatch, tmp_path):
    """From now on every file opened for writing under tmp_path, by whichever code, runs out of room after
    64 KiB (os.fdopen is where Django's FileSystemStorage and core.storage both open what they write)."""
    fdopen = os.fdopen
    full_disk = tmp_path.resolve()

    def fdopen_on_a_full_disk(fd, mode="r", *args, **kwargs):
        file = fdopen(fd, mode, *args, **kwargs)
        path = Path(os.readlink(f"/proc/self/fd/{fd}"))
        if set(mode) & set("wa+") and path.is_relative_to(full_disk):
            return _DiskFullAfter(file, 64 * 1024)
        return file

    monkeypatch.setattr(os, "fdopen", fdopen_on_a_full_disk)


def _files(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.fixture
def secretariat_client(client, make_user, login_with_mfa):
    return login_with_mfa(client, make_user(Role.SECRETARIAT, district=None))


def _upload_document(client):
    return client.post(
        "/beheer/documents/add/",
        {
            "title": "Protocol drugsdumping",
            "file": SimpleUploadedFile("protocol.pdf", PDF, content_type="application/pdf"),
            "collection": Collection.get_first_root_node().pk,
        },
    )


@pytest.mark.django_db
def test_a_disk_filling_up_during_an_upload_gives_the_message_and_leaves_no_file(
    secretariat_client, settings, tmp_path, disk_fills_up
):
    settings.MEDIA_ROOT = str(tmp_path)
    response = _upload_document(secretariat_client)
    assert response.status_code == 200
    assert FULL_MESSAGE in response.text
    assert 'name="title"' in response.text  # the form, to try again later
    assert not Document.objects.exists()
    assert _files(tmp_path) == [], "a half-written file was left behind"


@pytest.mark.django_db
def test_an_upload_is_stored_whole_and_leaves_no_temporary_file(secretariat_client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    assert _upload_document(secretariat_client).status_code == 302
    document = Document.objects.get()
    assert _files(tmp_path) == [document.file.name]
    assert (tmp_path / document.file.name).read_bytes() == PDF
    assert document.file_size == len(PDF) and document.file_hash


def test_a_full_disk_during_a_save_raises_and_leaves_no_file(tmp_path, disk_fills_up):
    storage = AtomicFileSystemStorage(location=tmp_path)
    with pytest.raises(OSError) as raised:
        storage.save("private/survey-letters/1.pdf", ContentFile(PDF))
    assert raised.value.errno == errno.ENOSPC
    assert _files(tmp_path) == []


def test_a_save_never_replaces_a_file_of_the_same_name(tmp_path):
    storage = AtomicFileSystemStorage(location=tmp_path)
    first = storage.save("documents/a.pdf", ContentFile(b"first"))
    second = storage.save("documents/a.pdf", ContentFile(b"second"))
    assert first != second
    assert storage.open(first).read() == b"first" and storage.open(second).read() == b"second"
    assert _files(tmp_path) == sorted([first, second])
    assert oct((tmp_path / second).stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_the_nightly_clean_up_removes_only_old_part_files_and_stale_staged_uploads(settings, tmp_path):
    """A process killed mid-write (no `finally` runs) leaves its part file; nothing else may go."""
    from core.tasks import remove_leftover_upload_parts

    settings.MEDIA_ROOT = str(tmp_path)
    (tmp_path / "documents").mkdir()
    (tmp_path / ".staging").mkdir()
    old = 2 * 24 * 3600
    files = {
        "old_part": tmp_path / "documents" / ".verslag.pdf.0123456789abcdef.part",
        "new_part": tmp_path / "documents" / ".folder.pdf.fedcba9876543210.part",
        "old_staged": tmp_path / ".staging" / ".foto.jpg.00112233445566ff.part",
        "document": tmp_path / "documents" / "verslag.pdf",
        "lookalike": tmp_path / "documents" / "notulen.part",
    }
    for path in files.values():
        path.write_bytes(b"x")
    for name in ("old_part", "old_staged", "document", "lookalike"):
        os.utime(files[name], (files[name].stat().st_atime - old, files[name].stat().st_mtime - old))

    remove_leftover_upload_parts.call_local()

    assert {name for name, path in files.items() if path.exists()} == {"new_part", "document", "lookalike"}
