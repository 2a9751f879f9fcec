"""The upload-scanning hook (core/scanning.py) with the EICAR test string.

Most tests here test OUR hook, not ClamAV: the scanner is a fake, a tiny Python script set as
UPLOAD_SCANNER_COMMAND that speaks clamscan's exit codes (0 clean, 1 found, 2 error) and flags the EICAR
string, or a fake clamd on a UNIX socket that speaks the INSTREAM protocol. They run everywhere.

The tests marked `clamav` run the real ClamAV programs (clamscan, and clamd on a socket of its own) when they
are installed (`apt-get install clamav clamav-daemon`), and are skipped otherwise. They use the system's
signatures when /var/lib/clamav has any (freshclam fetched them); where freshclam cannot reach the signature
servers they load a one-line signature for EICAR written here, so they prove the engine and our protocol but
not the official signature set.

The EICAR string is put together at run time, so no file of the repository trips a virus scanner."""

import io
import logging
import os
import shutil
import socket
import socketserver
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents.models import Document
from wagtail.models import Collection

from core import scanning
from core.roles import Role
from core.uploads import validate_document, validate_raster_image
from stakeholders.imports import ImportFileError, import_batch_create, load_table_file
from stakeholders.models import ImportBatch
from tests.knowledgebase.test_uploads_and_sanitize import MINIMAL_PDF, _png

EICAR = ("X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*").encode()
INFECTED = "Dit bestand bevat mogelijk een virus en is niet opgeslagen."
UNAVAILABLE = "kon niet op virussen worden gecontroleerd"

FAKE_SCANNER = """
import sys
data = sys.stdin.buffer.read()
if "--broken" in sys.argv:
    print("ERROR: Can't open database", file=sys.stderr)
    sys.exit(2)
if b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE" in data:
    print("stdin: Fake.EICAR FOUND")
    sys.exit(1)
print("stdin: OK")
"""


@pytest.fixture
def fake_scanner(settings, tmp_path):
    script = tmp_path / "fake_clamscan.py"
    script.write_text(FAKE_SCANNER)
    settings.UPLOAD_SCANNER = "clamscan"
    settings.UPLOAD_SCANNER_COMMAND = f"{sys.executable} {script}"
    return script


def _rejected(validator, upload) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        validator(upload)
    return excinfo.value


# --- The hook, with a fake clamscan -----------------------------------------------------------------


def test_off_by_default_scans_nothing(settings):
    settings.UPLOAD_SCANNER = ""
    validate_document(SimpleUploadedFile("eicar.txt", EICAR))  # no scanner, so only the type check
    assert scanning.scanner_status() == (True, "off")


def test_eicar_in_a_text_document_is_refused_and_logged_without_content(fake_scanner, caplog):
    caplog.set_level(logging.WARNING, logger="core.scanning")
    error = _rejected(validate_document, SimpleUploadedFile("notulen.txt", b"Notulen\n" + EICAR))
    assert error.messages == [INFECTED] and error.code == "infected"
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "Fake.EICAR" in logged and ".txt" in logged
    assert "EICAR-STANDARD" not in logged and "Notulen" not in logged


def test_a_clean_document_and_image_pass_and_stay_at_their_start(fake_scanner):
    document = SimpleUploadedFile("protocol.pdf", MINIMAL_PDF)
    validate_document(document)
    assert document.read() == MINIMAL_PDF
    validate_raster_image(SimpleUploadedFile("erf.png", _png()))


def test_eicar_appended_to_a_real_png_is_refused(fake_scanner):
    assert _rejected(validate_raster_image, SimpleUploadedFile("erf.png", _png() + EICAR)).code == "infected"


def test_a_broken_or_missing_scanner_refuses_the_upload(fake_scanner, settings, caplog):
    settings.UPLOAD_SCANNER_COMMAND += " --broken"
    error = _rejected(validate_document, SimpleUploadedFile("protocol.pdf", MINIMAL_PDF))
    assert error.code == "scanner_unavailable" and UNAVAILABLE in error.messages[0]
    assert "exit code 2" in caplog.text

    settings.UPLOAD_SCANNER_COMMAND = "/nonexistent/clamscan -"
    assert _rejected(validate_document, SimpleUploadedFile("a.pdf", MINIMAL_PDF)).code == "scanner_unavailable"
    ok, detail = scanning.scanner_status()
    assert not ok and "not found" in detail


def test_scanner_status_reports_the_command(fake_scanner):
    assert scanning.scanner_status() == (True, f"command {sys.executable}")


def test_an_unknown_scanner_setting_is_refused_at_start_up():
    env = {**os.environ, "UPLOAD_SCANNER": "mcafee", "VBG_TESTING": "true"}
    result = subprocess.run(
        [sys.executable, "-c", "import vbg_platform.settings"], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0 and "UPLOAD_SCANNER must be" in result.stderr


# --- Every way a file comes in -------------------------------------------------------------------


@pytest.fixture
def secretariat_client(client, make_user, login_with_mfa):
    return login_with_mfa(client, make_user(Role.SECRETARIAT, district=None))


@pytest.mark.django_db
def test_wagtail_document_upload_with_eicar_stores_nothing(secretariat_client, fake_scanner, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    root = Collection.get_first_root_node().pk
    response = secretariat_client.post(
        "/beheer/documents/add/",
        {"title": "Verslag", "file": SimpleUploadedFile("verslag.txt", EICAR), "collection": root},
    )
    assert response.status_code == 200 and INFECTED in response.text
    response = secretariat_client.post(
        "/beheer/documents/multiple/add/",
        {"files[]": SimpleUploadedFile("verslag.txt", EICAR), "collection": root},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert INFECTED in response.json()["error_message"]
    assert not Document.objects.exists()
    assert not [path for path in (tmp_path / "media").rglob("*") if path.is_file()]


@pytest.mark.django_db
def test_wagtail_image_upload_with_eicar_stores_nothing(secretariat_client, fake_scanner, settings, tmp_path):
    from wagtail.images.models import Image

    settings.MEDIA_ROOT = str(tmp_path / "media")
    response = secretariat_client.post(
        "/beheer/images/add/",
        {
            "title": "Erf",
            "file": SimpleUploadedFile("erf.png", _png() + EICAR),
            "collection": Collection.get_first_root_node().pk,
        },
    )
    assert response.status_code == 200 and INFECTED in response.text
    assert not Image.objects.exists()
    assert not [path for path in (tmp_path / "media").rglob("*") if path.is_file()]


def test_every_table_import_is_scanned(fake_scanner):
    """The CRM import, the police figures and the survey address file all read their upload here."""
    with pytest.raises(ImportFileError) as excinfo:
        load_table_file("adressen.csv", b"straat;huisnummer\n" + EICAR + b";1\n")
    assert excinfo.value.messages == [INFECTED]
    assert load_table_file("adressen.csv", b"straat;huisnummer\nDijk;1\n").headers == ["straat", "huisnummer"]


@pytest.mark.django_db
def test_a_crm_import_with_eicar_stores_no_batch(fake_scanner, make_user):
    with pytest.raises(ImportFileError):
        import_batch_create(
            actor=make_user(Role.SECRETARIAT, district=None),
            kind=ImportBatch.Kind.ORGANISATIONS,
            uploaded_file=SimpleUploadedFile("org.csv", b"naam;partnertype\n" + EICAR + b";politie\n"),
        )
    assert not ImportBatch.objects.exists()


# --- The clamd protocol, with a fake clamd ----------------------------------------------------------


class _FakeClamd(socketserver.BaseRequestHandler):
    """INSTREAM and PING as clamd speaks them (z-prefixed, NUL-terminated)."""

    def handle(self):
        stream = self.request.makefile("rb")
        command = b""
        while not command.endswith(b"\0"):
            command += stream.read(1)
        if command == b"zPING\0":
            self.request.sendall(b"PONG\0")
            return
        assert command == b"zINSTREAM\0"
        data = b""
        while size := struct.unpack("!L", stream.read(4))[0]:
            data += stream.read(size)
        self.server.received.append(data)
        reply = b"stream: Fake.EICAR FOUND\0" if b"EICAR-STANDARD" in data else b"stream: OK\0"
        self.request.sendall(reply)


@pytest.fixture
def fake_clamd(settings, tmp_path):
    path = str(tmp_path / "clamd.sock")
    server = socketserver.ThreadingUnixStreamServer(path, _FakeClamd)
    server.received = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.UPLOAD_SCANNER = "clamd"
    settings.CLAMD_ADDRESS = path
    yield server
    server.shutdown()
    server.server_close()


def test_clamd_instream_in_chunks(fake_clamd, monkeypatch):
    monkeypatch.setattr(scanning, "CHUNK", 7)  # several chunks, the last one short
    content = b"Notulen van het overleg\n" * 3 + EICAR
    assert scanning.scan(io.BytesIO(content)) == scanning.Verdict(True, "Fake.EICAR")
    assert fake_clamd.received == [content]
    validate_document(SimpleUploadedFile("notulen.txt", b"Alleen tekst"))
    assert scanning.scanner_status() == (True, "clamd")


def test_clamd_unreachable_refuses_and_shows_on_health(settings, tmp_path):
    settings.UPLOAD_SCANNER = "clamd"
    settings.CLAMD_ADDRESS = str(tmp_path / "no-clamd.sock")
    error = _rejected(validate_document, SimpleUploadedFile("a.pdf", MINIMAL_PDF))
    assert error.code == "scanner_unavailable"
    ok, detail = scanning.scanner_status()
    assert not ok and "clamd unreachable" in detail


# --- The real ClamAV, where it is installed -----------------------------------------------------------

clamav = pytest.mark.skipif(shutil.which("clamscan") is None, reason="ClamAV is not installed (apt-get install clamav)")
SYSTEM_SIGNATURES = Path("/var/lib/clamav")


def _signature_dir(tmp_path) -> Path:
    if any(SYSTEM_SIGNATURES.glob("*.c[vl]d")):
        return SYSTEM_SIGNATURES
    directory = tmp_path / "signatures"
    directory.mkdir()
    (directory / "vbg-eicar.ndb").write_text(f"Vbg.Test.EICAR:0:*:{EICAR.hex()}\n")
    return directory


@clamav
def test_real_clamscan_finds_eicar(settings, tmp_path):
    settings.UPLOAD_SCANNER = "clamscan"
    settings.UPLOAD_SCANNER_COMMAND = f"clamscan --no-summary --stdout -d {_signature_dir(tmp_path)} -"
    assert scanning.scan(io.BytesIO(b"Notulen\n" + EICAR)).infected
    assert scanning.scan(io.BytesIO(MINIMAL_PDF)) == scanning.Verdict(False)
    assert _rejected(validate_document, SimpleUploadedFile("notulen.txt", EICAR)).code == "infected"


@pytest.fixture
def real_clamd(settings, tmp_path):
    if shutil.which("clamd") is None and not Path("/usr/sbin/clamd").exists():
        pytest.skip("clamd is not installed (apt-get install clamav-daemon)")
    sock = tmp_path / "clamd.sock"
    config = tmp_path / "clamd.conf"
    config.write_text(
        f"Foreground yes\nLocalSocket {sock}\nDatabaseDirectory {_signature_dir(tmp_path)}\n"
        f"TemporaryDirectory {tmp_path}\nLogFile {tmp_path / 'clamd.log'}\n"
    )
    process = subprocess.Popen(
        [shutil.which("clamd") or "/usr/sbin/clamd", "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120  # the full official signature set takes a while to load
    while not sock.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.skip("clamd did not start: " + (tmp_path / "clamd.log").read_text()[-500:])
        time.sleep(0.1)
    settings.UPLOAD_SCANNER = "clamd"
    settings.CLAMD_ADDRESS = str(sock)
    yield process
    process.terminate()
    process.wait(timeout=10)


@clamav
def test_real_clamd_finds_eicar_over_instream(real_clamd, monkeypatch):
    monkeypatch.setattr(scanning, "CHUNK", 16)  # EICAR spans chunks: clamd must join them
    assert scanning.scanner_status() == (True, "clamd")
    assert scanning.scan(io.BytesIO(b"Notulen\n" + EICAR)).infected
    assert scanning.scan(io.BytesIO(MINIMAL_PDF)) == scanning.Verdict(False)
    with socket.socket(socket.AF_UNIX) as probe:  # still serving after our connections closed
        probe.connect(scanning.settings.CLAMD_ADDRESS)
