"""Virus scanning of every upload before it is stored (settings.UPLOAD_SCANNER).

"" is off; "clamd" streams the bytes to ClamAV's daemon with its INSTREAM protocol (CLAMD_ADDRESS: a socket
path or host:port); "clamscan" runs UPLOAD_SCANNER_COMMAND with the file on standard input and reads its exit
code (0 clean, 1 found, anything else an error), so any scanner with clamscan's exit codes can stand in.
While scanning is on, a file the scanner could not judge is refused: an unscanned file is never stored."""

import hashlib
import logging
import shlex
import shutil
import socket
import struct
import subprocess  # noqa: S404 - the scanner command comes from settings, never from a request
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

SCANNERS = ("", "clamd", "clamscan")
CHUNK = 64 * 1024


class ScannerUnavailable(Exception):
    """The scanner did not give a verdict (down, timed out, refused the file)."""


class Verdict(NamedTuple):
    infected: bool
    signature: str = ""


def _scanner() -> str:
    return getattr(settings, "UPLOAD_SCANNER", "")


def _chunks(fileobj):
    fileobj.seek(0)
    try:
        while chunk := fileobj.read(CHUNK):
            yield chunk
    finally:
        fileobj.seek(0)


def _clamd_connect() -> socket.socket:
    address = settings.CLAMD_ADDRESS
    timeout = settings.UPLOAD_SCANNER_TIMEOUT
    if address.startswith("/"):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.connect(address)
        return sock
    host, _sep, port = address.rpartition(":")
    return socket.create_connection((host, int(port)), timeout=timeout)


def _clamd_reply(sock: socket.socket) -> str:
    reply = b""
    while not reply.endswith(b"\0"):
        data = sock.recv(4096)
        if not data:
            break
        reply += data
    return reply.rstrip(b"\0").decode("utf-8", "replace").strip()


def _clamd_scan(fileobj) -> Verdict:
    try:
        with _clamd_connect() as sock:
            sock.sendall(b"zINSTREAM\0")
            for chunk in _chunks(fileobj):
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = _clamd_reply(sock)
    except (OSError, ValueError) as exc:
        raise ScannerUnavailable(f"clamd: {type(exc).__name__}") from exc
    # "stream: OK", "stream: Eicar-Signature FOUND", or "... ERROR" (e.g. StreamMaxLength exceeded).
    if reply.endswith(" FOUND"):
        return Verdict(True, reply.removeprefix("stream:").removesuffix(" FOUND").strip())
    if reply.endswith(": OK"):
        return Verdict(False)
    raise ScannerUnavailable(f"clamd: {reply[:200] or 'no reply'}")


def _command_scan(fileobj) -> Verdict:
    command = shlex.split(settings.UPLOAD_SCANNER_COMMAND)
    try:
        result = subprocess.run(  # noqa: S603
            command,
            input=b"".join(_chunks(fileobj)),
            capture_output=True,
            timeout=settings.UPLOAD_SCANNER_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise ScannerUnavailable(f"{command[0]}: {type(exc).__name__}") from exc
    if result.returncode == 0:
        return Verdict(False)
    if result.returncode == 1:
        found = [line for line in result.stdout.decode("utf-8", "replace").splitlines() if line.endswith(" FOUND")]
        signature = found[0].split(":", 1)[-1].removesuffix(" FOUND").strip() if found else "unknown"
        return Verdict(True, signature)
    raise ScannerUnavailable(f"{command[0]}: exit code {result.returncode}")


def scan(fileobj) -> Verdict:
    """The scanner's verdict on a file object (read from the start, left at the start)."""
    scanner = _scanner()
    if scanner == "clamd":
        return _clamd_scan(fileobj)
    if scanner == "clamscan":
        return _command_scan(fileobj)
    return Verdict(False)


def _fingerprint(fileobj) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    for chunk in _chunks(fileobj):
        digest.update(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


def check_upload(fileobj, *, name: str = "") -> None:
    """Raises a ValidationError (Dutch) unless the scanner says the file is clean; does nothing when off.
    The log names the signature, size, hash and extension only: never the content."""
    if not _scanner():
        return
    extension = name.rsplit(".", 1)[-1].lower()[:10] if "." in name else "-"
    try:
        verdict = scan(fileobj)
    except ScannerUnavailable as exc:
        logger.error("Upload refused: the virus scanner gave no verdict (%s)", exc)
        raise ValidationError(
            _(
                "Het bestand kon niet op virussen worden gecontroleerd en is niet opgeslagen. "
                "Probeer het later opnieuw; blijft dit gebeuren, meld het dan bij het secretariaat."
            ),
            code="scanner_unavailable",
        ) from exc
    if verdict.infected:
        size, digest = _fingerprint(fileobj)
        logger.warning(
            "Upload refused: virus scanner found %s in a .%s file of %d bytes (sha256 %s)",
            verdict.signature,
            extension,
            size,
            digest,
        )
        raise ValidationError(_("Dit bestand bevat mogelijk een virus en is niet opgeslagen."), code="infected")


def scanner_status() -> tuple[bool, str]:
    """For /health/, in the (ok, detail) form of the health checks. Off counts as ok (a choice, not a fault)."""
    scanner = _scanner()
    if not scanner:
        return True, "off"
    if scanner == "clamd":
        try:
            with _clamd_connect() as sock:
                sock.sendall(b"zPING\0")
                reply = _clamd_reply(sock)
        except (OSError, ValueError) as exc:
            return False, f"clamd unreachable at {settings.CLAMD_ADDRESS} ({type(exc).__name__})"
        return (True, "clamd") if reply == "PONG" else (False, f"clamd answered {reply[:50]!r}")
    program = shlex.split(settings.UPLOAD_SCANNER_COMMAND)[0]
    if shutil.which(program) is None:
        return False, f"scanner command {program!r} not found"
    return True, f"command {program}"
