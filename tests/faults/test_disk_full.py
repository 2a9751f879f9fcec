"""Disk full for uploads: the secretariat uploads a document (Wagtail admin) onto a storage with no room left.

When the test runs as root and may mount, MEDIA_ROOT is a real 64 KiB tmpfs (before the fix the kernel
answered ENOSPC half-way through the file: a 500 and a half-written file). Elsewhere (no mount rights, e.g. CI
without privileges) the free space that core.storage reads is simulated as 0 bytes.

The second test lets the disk fill up between the free-space check and the write (another upload taking the
room): on a real tmpfs only, as the kernel's ENOSPC half-way through a write is the point
(tests/core/test_upload_disk_full.py covers the same with a stand-in where nothing can be mounted).
"""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents.models import Document
from wagtail.models import Collection

from core.roles import Role

pytestmark = [pytest.mark.faults, pytest.mark.django_db]

FULL_MESSAGE = "De opslag is vol"
PDF = b"%PDF-1.4\n" + b"%" + b"x" * 200_000 + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def full_media_root(settings, monkeypatch):
    directory = Path(tempfile.mkdtemp(prefix="vbg-faults-media-"))
    mounted = False
    if os.geteuid() == 0:
        result = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64k,mode=0755", "tmpfs", str(directory)], capture_output=True
        )
        mounted = result.returncode == 0
    if not mounted:
        monkeypatch.setattr("core.storage.free_bytes", lambda path: 0)
    settings.MEDIA_ROOT = str(directory)
    yield directory, mounted
    if mounted:
        subprocess.run(["umount", str(directory)], check=False)
    directory.rmdir() if not any(directory.iterdir()) else None


@pytest.fixture
def secretariat_client(client, make_user, login_with_mfa):
    return login_with_mfa(client, make_user(Role.SECRETARIAT, district=None))


def test_a_full_disk_gives_a_clear_message_and_stores_nothing(secretariat_client, full_media_root):
    directory, mounted = full_media_root
    response = secretariat_client.post(
        "/beheer/documents/add/",
        {
            "title": "Protocol drugsdumping",
            "file": SimpleUploadedFile("protocol.pdf", PDF, content_type="application/pdf"),
            "collection": Collection.get_first_root_node().pk,
        },
    )
    assert response.status_code == 200, response.status_code
    assert FULL_MESSAGE in response.content.decode()
    assert 'name="title"' in response.content.decode()  # the form, to try again later
    assert not Document.objects.exists()
    assert not [p for p in directory.rglob("*") if p.is_file()], "a half-written file was left behind"
    print(f"\nDisk full ({'real 64 KiB tmpfs' if mounted else 'simulated ENOSPC'}): clear message, nothing stored")


@pytest.fixture
def media_on_a_small_disk(settings):
    """MEDIA_ROOT on a real 2 MiB tmpfs: room for the upload and the reserve the check asks for."""
    directory = Path(tempfile.mkdtemp(prefix="vbg-faults-media-"))
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m,mode=0755", "tmpfs", str(directory)], capture_output=True
    )
    if result.returncode != 0:
        directory.rmdir()
        pytest.skip(f"cannot mount a tmpfs here ({result.stderr.decode().strip()}): see test_upload_disk_full.py")
    settings.MEDIA_ROOT = str(directory)
    yield directory
    subprocess.run(["umount", str(directory)], check=False)
    directory.rmdir()


def _fill(directory: Path, *, leave: int) -> Path:
    """Take all but `leave` bytes of the file system's free space, as a concurrent upload would."""
    filler = directory / "andere-upload.bin"
    with filler.open("wb") as file:
        file.truncate(0)
        file.write(b"\0" * (shutil.disk_usage(directory).free - leave))
    return filler


def test_a_disk_that_fills_up_after_the_check_gives_the_message_and_leaves_no_half_file(
    secretariat_client, media_on_a_small_disk, monkeypatch
):
    import core.forms

    directory = media_on_a_small_disk
    check_room_for = core.forms.check_room_for
    fillers = []

    def check_then_another_upload_takes_the_room(upload):
        check_room_for(upload)  # the real check: there is room now
        fillers.append(_fill(directory, leave=64 * 1024))

    monkeypatch.setattr(core.forms, "check_room_for", check_then_another_upload_takes_the_room)
    response = secretariat_client.post(
        "/beheer/documents/add/",
        {
            "title": "Protocol drugsdumping",
            "file": SimpleUploadedFile("protocol.pdf", PDF, content_type="application/pdf"),
            "collection": Collection.get_first_root_node().pk,
        },
    )
    assert fillers, "the free-space check did not run"
    assert response.status_code == 200, response.status_code
    assert FULL_MESSAGE in response.content.decode()
    assert not Document.objects.exists()
    left = [p.relative_to(directory) for p in directory.rglob("*") if p.is_file() and p not in fillers]
    assert not left, f"a half-written file was left behind: {left}"
