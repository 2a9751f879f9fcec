"""Disk full for uploads: the secretariat uploads a document (Wagtail admin) onto a storage with no room left.

When the test runs as root and may mount, MEDIA_ROOT is a real 64 KiB tmpfs (before the fix the kernel
answered ENOSPC half-way through the file: a 500 and a half-written file). Elsewhere (no mount rights, e.g. CI
without privileges) the free space that core.storage reads is simulated as 0 bytes.
"""

import os
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents.models import Document
from wagtail.models import Collection

from accounts.roles import Role

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
