"""Backups: one consistent snapshot of the database (pg_dump --format=custom inside an exported snapshot, or
SQLite's online backup), a tar.gz of MEDIA_ROOT and a manifest with sha256 checksums, migration state and row
counts taken from that same snapshot.

A restore goes into an empty database only, and checks every checksum (and the target) before it changes
anything, so a damaged or mistaken backup leaves the target as it was. Secrets are never part of a backup:
FIELD_ENCRYPTION_KEYS and .env are kept separately, and without the keys the referral register in a backup
cannot be read. Passwords travel to pg_dump/pg_restore in PGPASSWORD, never on a command line."""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import connections
from django.db.migrations.loader import MigrationLoader

from core import page_cache
from referrals import crypto
from referrals.fields import EncryptedTextField

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
MEDIA_FILE = "media.tar.gz"
MEDIA_ARCNAME = "media"

# Printed after a restore; every table is counted and compared, these are the ones a person wants to see.
KEY_MODELS = [
    "accounts.User",
    "stakeholders.Organisation",
    "stakeholders.Contact",
    "meetings.MeetingPage",
    "meetings.ActionItem",
    "wagtailcore.Page",
    "wagtaildocs.Document",
    "wagtailimages.Image",
    "referrals.VulnerableLocation",
    "referrals.Referral",
    "referrals.AccessLogEntry",
    "notifications.Notification",
]


class BackupError(Exception):
    """A refusal or failure with a message for the operator (Dutch / English)."""


def _both(dutch: str, english: str) -> str:
    return f"{dutch}\n{english}"


# --- helpers ---------------------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _table_counts(cursor, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608 - names from the catalogue, quoted
        counts[table] = cursor.fetchone()[0]
    return counts


def _migration_state(cursor, tables: list[str]) -> dict[str, list[str]]:
    if "django_migrations" not in tables:
        return {}
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    state: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        state.setdefault(app, []).append(name)
    return state


def _pg_tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p') AND pg_catalog.pg_table_is_visible(c.oid) "
        "AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
    )
    return [row[0] for row in cursor.fetchall()]


def _sqlite_tables(cursor) -> list[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    return [row[0] for row in cursor.fetchall()]


def _pg_params(settings_dict: dict) -> dict[str, str]:
    """libpq parameters of a Django database (its PG* environment names); the password is among them."""
    options = settings_dict.get("OPTIONS") or {}
    params = {
        "PGDATABASE": settings_dict.get("NAME") or "",
        "PGHOST": settings_dict.get("HOST") or "",
        "PGPORT": str(settings_dict.get("PORT") or ""),
        "PGUSER": settings_dict.get("USER") or "",
        "PGPASSWORD": settings_dict.get("PASSWORD") or "",
    }
    for option, variable in {
        "sslmode": "PGSSLMODE",
        "sslrootcert": "PGSSLROOTCERT",
        "sslcert": "PGSSLCERT",
        "sslkey": "PGSSLKEY",
        "passfile": "PGPASSFILE",
        "service": "PGSERVICE",
    }.items():
        if options.get(option):
            params[variable] = str(options[option])
    return {key: value for key, value in params.items() if value}


def _pg_env(settings_dict: dict) -> dict[str, str]:
    return {**os.environ, **_pg_params(settings_dict)}


def _pg_connect(settings_dict: dict):
    import psycopg

    names = {
        "PGDATABASE": "dbname",
        "PGHOST": "host",
        "PGPORT": "port",
        "PGUSER": "user",
        "PGPASSWORD": "password",
        "PGSSLMODE": "sslmode",
        "PGSSLROOTCERT": "sslrootcert",
        "PGSSLCERT": "sslcert",
        "PGSSLKEY": "sslkey",
        "PGPASSFILE": "passfile",
        "PGSERVICE": "service",
    }
    return psycopg.connect(**{names[key]: value for key, value in _pg_params(settings_dict).items()})


def _run(command: list[str], *, env: dict[str, str] | None = None, what: str) -> None:
    if not shutil.which(command[0]):
        raise BackupError(_both(f"{command[0]} ontbreekt op dit systeem.", f"{command[0]} is not installed."))
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{what} failed (exit {result.returncode}):\n{result.stderr.strip()}")


def _git_commit() -> str | None:
    git = shutil.which("git")
    if not git:
        return None
    try:
        result = subprocess.run(  # noqa: S603 - fixed, read-only command
            [git, "rev-parse", "HEAD"], cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() or None if result.returncode == 0 else None


def _media_root(media_root: Path | str | None) -> Path:
    return Path(media_root if media_root is not None else settings.MEDIA_ROOT)


# --- backup ----------------------------------------------------------------------------------------------


@dataclass
class BackupResult:
    path: Path
    manifest: dict
    seconds: float


def _new_backup_dir(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for attempt in range(1, 100):
        path = root / (stamp if attempt == 1 else f"{stamp}-{attempt}")
        try:
            path.mkdir(mode=0o700)
        except FileExistsError:
            continue
        return path
    raise BackupError(f"No free backup directory under {root}.")


def _dump_postgresql(settings_dict: dict, target: Path) -> dict:
    """pg_dump inside a snapshot that this connection exported, so the counts and the migration state in the
    manifest describe exactly the rows in the dump, also while the portal keeps writing."""
    with _pg_connect(settings_dict) as conn:
        cursor = conn.cursor()
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
        snapshot, server_version = cursor.fetchone()
        _run(
            ["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
            env=_pg_env(settings_dict),
            what="pg_dump",
        )
        tables = _pg_tables(cursor)
        counts = _table_counts(cursor, tables)
        migrations = _migration_state(cursor, tables)
        conn.rollback()
    return {"server_version": server_version, "table_counts": counts, "migrations": migrations}


def _dump_sqlite(using: str, target: Path) -> dict:
    connection = connections[using]
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)  # SQLite's online backup: consistent while others write
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, whatever the source used
        cursor = copy.cursor()
        tables = _sqlite_tables(cursor)
        counts = _table_counts(cursor, tables)
        migrations = _migration_state(cursor, tables)
        copy.commit()
    finally:
        copy.close()
    return {"server_version": sqlite3.sqlite_version, "table_counts": counts, "migrations": migrations}


def _tar_media(media_root: Path | None, target: Path) -> int:
    """An archive with a media/ tree (empty without a MEDIA_ROOT); returns the number of files."""
    with tarfile.open(target, "w:gz") as tar:
        if media_root is None or not media_root.is_dir():
            return 0
        tar.add(media_root, arcname=MEDIA_ARCNAME)
    return sum(1 for item in media_root.rglob("*") if item.is_file())


def _gpg_encrypt(path: Path, recipient: str) -> Path:
    encrypted = path.with_name(path.name + ".gpg")
    _run(
        # The operator named the recipient explicitly, so an unsigned key in the keyring is accepted.
        ["gpg", "--batch", "--yes", "--trust-model", "always", "--recipient", recipient]
        + ["--output", str(encrypted), "--encrypt", str(path)],
        what="gpg --encrypt",
    )
    path.unlink()
    return encrypted


def backup_create(
    *,
    using: str = "default",
    backup_root: Path | str | None = None,
    output: Path | str | None = None,
    media_root: Path | str | None = None,
    gpg_recipient: str | None = None,
) -> BackupResult:
    """Write database, media and manifest into `output`, or a new `<backup_root>/<UTC timestamp>/`
    (backup_root: BACKUP_DIR, else var/backups). A failed backup leaves no directory behind."""
    started = time.monotonic()
    created_at = datetime.now(UTC).isoformat(timespec="seconds")
    connection = connections[using]
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    media = _media_root(media_root)
    storage = settings.STORAGES.get("default", {}).get("BACKEND", "")
    # With S3-compatible storage the files are not in MEDIA_ROOT: that bucket needs its own backup (versioning).
    media_included = isinstance(storages["default"], FileSystemStorage)
    if gpg_recipient and not shutil.which("gpg"):
        raise BackupError(
            _both(
                "BACKUP_GPG_RECIPIENT is gezet maar gpg ontbreekt: geen onversleutelde back-up gemaakt.",
                "BACKUP_GPG_RECIPIENT is set but gpg is not installed: no unencrypted backup was written.",
            )
        )
    root = Path(output or backup_root or os.environ.get("BACKUP_DIR") or Path(settings.BASE_DIR) / "var" / "backups")
    if media.is_dir() and root.resolve().is_relative_to(media.resolve()):
        # It would back itself up, and MEDIA_ROOT must never hold anything a URL could reach by accident.
        raise BackupError("The backup directory lies inside MEDIA_ROOT; choose a directory outside it.")
    if output:
        path = root
        if path.exists() and any(path.iterdir()):
            raise BackupError(f"{path} exists and is not empty.")
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    else:
        path = _new_backup_dir(root)
    try:
        database_file = path / DATABASE_FILES[vendor]
        if vendor == "postgresql":
            state = _dump_postgresql(connection.settings_dict, database_file)
        else:
            state = _dump_sqlite(using, database_file)
        # Media after the database: every file a row points to exists; a file added in between is harmless.
        media_file = path / MEDIA_FILE
        media_files = _tar_media(media if media_included else None, media_file)
        contents = {"database": database_file, "media": media_file}
        files = {}
        for role, item in contents.items():
            plain_sha256 = _sha256(item)
            if gpg_recipient:
                item = _gpg_encrypt(item, gpg_recipient)
            item.chmod(0o600)
            files[item.name] = {
                "role": role,
                "sha256": _sha256(item),
                "size": item.stat().st_size,
                "plain_sha256": plain_sha256,
            }
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": created_at,
            "git_commit": _git_commit(),
            "database": {
                "vendor": vendor,
                "name": Path(str(connection.settings_dict["NAME"])).name,
                "server_version": state["server_version"],
            },
            "migrations": state["migrations"],
            "table_counts": state["table_counts"],
            "media_files": media_files,
            "media": {"storage": storage, "included": media_included},
            "encryption": {"gpg_recipient": gpg_recipient} if gpg_recipient else None,
            "secrets": "not included: FIELD_ENCRYPTION_KEYS and .env are backed up separately",
            "files": files,
        }
        manifest_path = path / MANIFEST
        manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        manifest_path.chmod(0o600)
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)
        raise
    return BackupResult(path=path, manifest=manifest, seconds=time.monotonic() - started)


# --- verify and restore ----------------------------------------------------------------------------------


def backup_read_manifest(backup: Path | str) -> dict:
    """The manifest as written, checksums not yet checked (backup_verify does that)."""
    path = Path(backup)
    if path.is_file() and path.name == MANIFEST:
        path = path.parent
    manifest_path = path / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text())
    except (OSError, ValueError) as error:
        raise BackupError(
            _both(
                f"Geen leesbare back-up in {path} ({MANIFEST} ontbreekt of is beschadigd).",
                f"No readable backup in {path} ({MANIFEST} missing or damaged): {error}",
            )
        )
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r} (this code reads {FORMAT_VERSION}).")
    manifest["_path"] = str(path)
    return manifest


def backup_verify(backup: Path | str) -> dict:
    """The manifest, once every listed file exists with its sha256; otherwise a BackupError."""
    manifest = backup_read_manifest(backup)
    path = Path(manifest["_path"])
    roles = {entry.get("role") for entry in manifest.get("files", {}).values()}
    if roles != {"database", "media"}:
        raise BackupError(f"The manifest in {path} does not list a database and a media file.")
    for name, entry in manifest["files"].items():
        item = path / name
        if Path(name).name != name or not item.is_file():
            raise BackupError(
                _both(
                    f"Back-up onvolledig: {name} ontbreekt; er is niets teruggezet.",
                    f"Backup incomplete: {name} is missing; nothing was restored.",
                )
            )
        if _sha256(item) != entry["sha256"]:
            raise BackupError(
                _both(
                    f"Back-up beschadigd: de controlesom (sha256) van {name} klopt niet; er is niets teruggezet.",
                    f"Backup damaged: the sha256 checksum of {name} does not match; nothing was restored.",
                )
            )
    return manifest


@dataclass
class RestoreSummary:
    manifest: dict
    key_counts: dict[str, int] = field(default_factory=dict)
    count_mismatches: dict[str, tuple[int, int | None]] = field(default_factory=dict)
    migration_mismatch: bool = False
    pending_migrations: list[str] = field(default_factory=list)
    unknown_migrations: list[str] = field(default_factory=list)
    encrypted_fields: dict[str, bool] = field(default_factory=dict)
    media_files: int = 0
    seconds: float = 0.0

    @property
    def encrypted_readable(self) -> bool:
        return all(self.encrypted_fields.values())

    @property
    def ok(self) -> bool:
        return not self.count_mismatches and not self.migration_mismatch and self.encrypted_readable


def _plain_file(backup_path: Path, manifest: dict, role: str, workdir: Path) -> Path:
    name, entry = next((name, entry) for name, entry in manifest["files"].items() if entry["role"] == role)
    stored = backup_path / name
    if not manifest.get("encryption"):
        return stored
    plain = workdir / name.removesuffix(".gpg")
    _run(["gpg", "--batch", "--yes", "--output", str(plain), "--decrypt", str(stored)], what="gpg --decrypt")
    if _sha256(plain) != entry["plain_sha256"]:
        raise BackupError(f"Backup damaged: {name} decrypts to other content than was backed up.")
    return plain


def _media_members(archive: Path, media_root: Path) -> None:
    """Refuse an archive with members outside media/ or unsafe ones, before anything is written."""
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar.getmembers():
            if member.name != MEDIA_ARCNAME and not member.name.startswith(MEDIA_ARCNAME + "/"):
                raise BackupError(f"The media archive holds {member.name!r}, outside {MEDIA_ARCNAME}/.")
            try:
                tarfile.data_filter(member, str(media_root.parent))
            except tarfile.FilterError as error:
                raise BackupError(f"The media archive holds an unsafe member: {error}")


def _restore_media(archive: Path, media_root: Path, workdir: Path) -> int:
    unpacked = workdir / "unpacked"
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(unpacked, filter="data")
    source = unpacked / MEDIA_ARCNAME
    media_root.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, media_root, dirs_exist_ok=True)
        return sum(1 for item in source.rglob("*") if item.is_file())
    return 0


def _restore_postgresql(settings_dict: dict, dump: Path, *, force: bool) -> None:
    command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    if force:
        command += ["--clean", "--if-exists"]
    _run([*command, f"--dbname={settings_dict['NAME']}", str(dump)], env=_pg_env(settings_dict), what="pg_restore")


def _restore_sqlite(using: str, copy: Path) -> None:
    connection = connections[using]
    name = str(connection.settings_dict["NAME"])
    if not name or name == ":memory:" or "mode=memory" in name:
        raise BackupError("Restoring into an in-memory SQLite database is not supported.")
    connection.close()
    source = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    target = sqlite3.connect(name)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _encrypted_fields_readable(connection) -> dict[str, bool]:
    """One stored value per encrypted column is decrypted with the configured FIELD_ENCRYPTION_KEYS."""
    result = {}
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        for model in apps.get_models():
            for model_field in model._meta.concrete_fields:
                if not isinstance(model_field, EncryptedTextField) or model._meta.db_table not in tables:
                    continue
                table, column = _quote(model._meta.db_table), _quote(model_field.column)
                cursor.execute(f"SELECT {column} FROM {table} WHERE {column} <> '' LIMIT 1")  # noqa: S608
                row = cursor.fetchone()
                if row is None:
                    continue
                try:
                    crypto.decrypt(row[0])
                except ValueError:
                    result[f"{model._meta.label}.{model_field.name}"] = False
                else:
                    result[f"{model._meta.label}.{model_field.name}"] = True
    return result


def _verify_restored(connection, summary: RestoreSummary) -> None:
    manifest = summary.manifest
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        expected = manifest["table_counts"]
        actual = _table_counts(cursor, [table for table in expected if table in tables])
        migrations = _migration_state(cursor, tables)
    summary.count_mismatches = {
        table: (count, actual.get(table)) for table, count in expected.items() if actual.get(table) != count
    }
    summary.migration_mismatch = migrations != manifest["migrations"]
    for label in KEY_MODELS:
        try:
            table = apps.get_model(label)._meta.db_table
        except LookupError:
            continue
        if table in actual:
            summary.key_counts[label] = actual[table]
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    applied = set(loader.applied_migrations)
    known = set(loader.disk_migrations)
    summary.pending_migrations = sorted(f"{app}.{name}" for app, name in known - applied)
    summary.unknown_migrations = sorted(f"{app}.{name}" for app, name in applied - known)
    summary.encrypted_fields = _encrypted_fields_readable(connection)


def backup_restore(
    *,
    backup: Path | str,
    using: str = "default",
    media_root: Path | str | None = None,
    force: bool = False,
    progress: Callable[[str], None] | None = None,
) -> RestoreSummary:
    """Restore into an empty database (and an empty MEDIA_ROOT) unless `force`. All checks come first:
    checksums, database vendor, emptiness, the media archive's members; then pg_restore in one transaction
    (or SQLite's backup API), then the media, then the counts, migrations and a decryption are verified."""
    started = time.monotonic()
    say = progress or (lambda message: None)
    manifest = backup_verify(backup)
    backup_path = Path(manifest.pop("_path"))
    say(f"Checksums OK ({len(manifest['files'])} files, backup of {manifest['created_at']}).")
    connection = connections[using]
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            _both(
                f"Deze back-up komt uit {vendor}; de doeldatabase is {connection.vendor}.",
                f"This backup is from {vendor}; the target database is {connection.vendor}.",
            )
        )
    tables = connection.introspection.table_names()
    if tables and not force:
        raise BackupError(
            _both(
                f"De doeldatabase {connection.settings_dict['NAME']} is niet leeg ({len(tables)} tabellen): "
                "terugzetten kan alleen in een lege database. Er is niets veranderd; --force overschrijft.",
                f"The target database {connection.settings_dict['NAME']} is not empty ({len(tables)} tables): "
                "a restore goes into an empty database only. Nothing was changed; --force overwrites.",
            )
        )
    media = _media_root(media_root)
    if media.is_dir() and any(item.is_file() for item in media.rglob("*")) and not force:
        raise BackupError(
            _both(
                f"MEDIA_ROOT {media} bevat al bestanden. Er is niets veranderd; --force schrijft eroverheen.",
                f"MEDIA_ROOT {media} already holds files. Nothing was changed; --force writes over them.",
            )
        )
    summary = RestoreSummary(manifest=manifest)
    with tempfile.TemporaryDirectory(prefix="vbg-restore-") as tmp:
        workdir = Path(tmp)
        database_file = _plain_file(backup_path, manifest, "database", workdir)
        media_file = _plain_file(backup_path, manifest, "media", workdir)
        _media_members(media_file, media)
        say(f"Restoring the {vendor} database into {connection.settings_dict['NAME']} ...")
        if vendor == "postgresql":
            _restore_postgresql(connection.settings_dict, database_file, force=force)
        else:
            _restore_sqlite(using, database_file)
        say(f"Restoring media into {media} ...")
        summary.media_files = _restore_media(media_file, media, workdir)
    connection.close()
    _verify_restored(connection, summary)
    _forget_cached_pages()
    summary.seconds = time.monotonic() - started
    return summary


def _forget_cached_pages() -> None:
    """Pages cached from the database as it was before the restore must not be served for the restored one."""
    page_cache.invalidate()
