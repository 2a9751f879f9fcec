"""Which build of the portal this process runs: part of every cache key that holds rendered output, so a
deploy never serves pages rendered by the previous templates, translations or code.

`BUILD_ID` (environment) wins when the release sets one; otherwise the id is a digest of the project's own
source files (code, templates, static files, translations) and the versions of Django and Wagtail, computed
once per process. Every worker of one deploy computes the same id from the same files; a changed file, even
one deployed without a release step, gives a new one."""

import functools
import hashlib
from importlib import metadata
from pathlib import Path

from django.conf import settings

SOURCE_SUFFIXES = frozenset({".py", ".html", ".txt", ".css", ".js", ".svg", ".json", ".csv", ".po", ".mo"})
# Not part of what the portal renders: data, the virtualenv, collected static files, tests and tooling.
SKIPPED_DIRS = frozenset({".git", ".venv", "var", "node_modules", "tests", "__pycache__", "deploy", "scripts"})
PACKAGES = ("django", "wagtail")


@functools.cache
def build_id() -> str:
    configured = getattr(settings, "BUILD_ID", "")
    if configured:
        return str(configured)[:64]
    return source_digest(Path(settings.BASE_DIR))


def source_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for package in PACKAGES:
        digest.update(f"{package}={_version(package)}\n".encode())
    for path in sorted(_source_files(root)):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _source_files(root: Path):
    for path in root.iterdir():
        if path.is_dir():
            if path.name not in SKIPPED_DIRS and not path.name.startswith("."):
                yield from _source_files(path)
        elif path.suffix in SOURCE_SUFFIXES:
            yield path


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"
