"""Backups (issue #11): a backup restored into an empty database holds the same rows and media files, the
referral fields still decrypt with the key (and only with it), and a restore refuses a non-empty target or a
damaged backup without changing anything."""

import json
import shutil
import sqlite3
import subprocess
import uuid
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.db.utils import load_backend
from wagtail.documents.models import Document

from referrals import crypto
from referrals.models import Referral, VulnerableLocation
from stakeholders.models import Organisation
from tests.referrals.conftest import location, people, referral  # noqa: F401 - fixtures
from vbg_platform.backup import DATABASE_FILES as DATABASE_NAME
from vbg_platform.backup import BackupError, backup_create, backup_restore, backup_verify

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n% back-up test " + bytes(range(256)) + b"\n%%EOF\n"
REASON = "Eigenaar heeft schulden en kreeg een verdacht huuraanbod voor de schuur."
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a PostgreSQL test database")
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite path")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def data(media, referral):  # noqa: F811 - the fixture imported above
    document = Document.objects.create(title="Protocol drugsdumping", file=ContentFile(PDF, name="protocol.pdf"))
    return {"referral": referral, "document": document}


@pytest.fixture
def target_alias():
    """A second, empty database on the same server (PostgreSQL) or a new file (SQLite), reachable as
    connections[alias]; dropped afterwards."""
    alias = f"restore_{uuid.uuid4().hex[:10]}"
    source = connections["default"].settings_dict
    created = []

    def _make(tmp_path: Path) -> str:
        settings_dict = {**source, "TEST": {**source.get("TEST", {})}}
        if connection.vendor == "postgresql":
            settings_dict["NAME"] = f"backuptest_{uuid.uuid4().hex[:12]}"
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{settings_dict["NAME"]}"')
        else:
            settings_dict["NAME"] = str(tmp_path / "restored.sqlite3")
        # Not in settings.DATABASES: Django's test case lets connections made at run time through.
        connections[alias] = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias)
        created.append(settings_dict["NAME"])
        return alias

    yield _make
    if created:
        connections[alias].close()
        del connections[alias]
    if created and connection.vendor == "postgresql":
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{created[0]}" WITH (FORCE)')


def _raw(alias: str, sql: str):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def _backup_and_restore(tmp_path, data, target_alias):
    backup = backup_create(backup_root=tmp_path / "backups")
    assert backup.path.parent == tmp_path / "backups"
    alias = target_alias(tmp_path)
    restored_media = tmp_path / "restored-media"
    summary = backup_restore(backup=backup.path, using=alias, media_root=restored_media)
    return backup, alias, restored_media, summary


def _assert_same_data(data, alias: str, restored_media: Path, summary) -> None:
    assert summary.ok, (summary.count_mismatches, summary.migration_mismatch, summary.encrypted_fields)
    assert not summary.pending_migrations and not summary.unknown_migrations
    assert summary.key_counts["referrals.Referral"] == 1
    assert set(Organisation.objects.using(alias).values_list("pk", "name")) == set(
        Organisation.objects.values_list("pk", "name")
    )
    original = data["referral"]
    restored = Referral.objects.using(alias).get(pk=original.pk)
    assert restored.reason == REASON  # decrypted with the key
    place = VulnerableLocation.objects.using(alias).get()
    assert (place.owner_name, place.address) == ("Jan de Boer", "Polderweg 12, 2000 AA Spaarndam")
    [(raw_reason,)] = _raw(alias, "SELECT reason FROM referrals_referral")  # the one row
    assert "schulden" not in raw_reason and raw_reason.startswith("gAAAA")  # a Fernet token, not plain text
    assert summary.encrypted_fields["referrals.Referral.reason"] is True
    document = Document.objects.using(alias).get(pk=data["document"].pk)
    assert (restored_media / document.file.name).read_bytes() == PDF
    assert summary.media_files == 1


@on_postgresql
def test_postgresql_backup_restores_into_an_empty_database(tmp_path, data, target_alias):
    backup, alias, restored_media, summary = _backup_and_restore(tmp_path, data, target_alias)
    manifest = json.loads((backup.path / "manifest.json").read_text())
    assert manifest["database"]["vendor"] == "postgresql"
    assert set(manifest["files"]) == {"database.dump", "media.tar.gz"}
    assert "referrals" in manifest["migrations"] and manifest["table_counts"]["referrals_referral"] == 1
    assert (backup.path / "database.dump").read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    _assert_same_data(data, alias, restored_media, summary)


@on_sqlite
def test_sqlite_backup_restores_into_an_empty_database(tmp_path, data, target_alias):
    backup, alias, restored_media, summary = _backup_and_restore(tmp_path, data, target_alias)
    assert set(backup.manifest["files"]) == {"database.sqlite3", "media.tar.gz"}
    copy = sqlite3.connect(backup.path / "database.sqlite3")
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    copy.close()
    _assert_same_data(data, alias, restored_media, summary)


def test_the_backup_holds_no_secrets_and_no_plaintext_referral(tmp_path, data, settings):
    backup = backup_create(output=tmp_path / "backup")
    everything = b"".join(path.read_bytes() for path in backup.path.iterdir())
    for key in settings.FIELD_ENCRYPTION_KEYS:
        assert key.encode() not in everything
    # The sentence, not the bare word: "schulden" is also one of the default synonyms (search.synonyms).
    assert b"Eigenaar heeft schulden" not in everything and b"Jan de Boer" not in everything
    assert settings.SECRET_KEY.encode() not in everything
    assert (backup.path.stat().st_mode & 0o077) == 0  # personal data: owner only


def test_without_the_key_the_restored_referral_fields_are_unreadable(tmp_path, data, target_alias, settings):
    backup = backup_create(backup_root=tmp_path / "backups")
    alias = target_alias(tmp_path)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]  # a machine without the real key
    crypto._fernet.cache_clear()
    try:
        summary = backup_restore(backup=backup.path, using=alias, media_root=tmp_path / "restored-media")
    finally:
        crypto._fernet.cache_clear()
    assert summary.encrypted_fields and not summary.encrypted_readable and not summary.ok
    assert not summary.count_mismatches  # the rows are all there, only unreadable


def test_restore_refuses_a_database_that_is_not_empty(tmp_path, data, media):
    backup = backup_create(backup_root=tmp_path / "backups")
    before = Referral.objects.count(), Organisation.objects.count()
    with pytest.raises(BackupError, match="niet leeg.*\n.*not empty"):
        backup_restore(backup=backup.path, media_root=tmp_path / "restored-media")
    assert (Referral.objects.count(), Organisation.objects.count()) == before
    assert not (tmp_path / "restored-media").exists()


def test_a_damaged_backup_is_refused_and_changes_nothing(tmp_path, data, target_alias):
    backup = backup_create(backup_root=tmp_path / "backups")
    name = next(name for name, entry in backup.manifest["files"].items() if entry["role"] == "database")
    dump = backup.path / name
    damaged = bytearray(dump.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    dump.write_bytes(bytes(damaged))
    alias = target_alias(tmp_path)
    with pytest.raises(BackupError, match="controlesom.*klopt niet.*\n.*checksum.*does not match; nothing was"):
        backup_restore(backup=backup.path, using=alias, media_root=tmp_path / "restored-media")
    assert connections[alias].introspection.table_names() == []
    assert not (tmp_path / "restored-media").exists()
    with pytest.raises(BackupError, match="checksum"):
        backup_verify(backup.path)


def test_the_commands_back_up_and_refuse_without_confirmation(tmp_path, data, capsys, monkeypatch):
    call_command("backup", output=str(tmp_path / "backup"))
    out = capsys.readouterr().out
    assert "Backup written to" in out and "NOT in the backup" in out
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(tmp_path / "backup"))
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(tmp_path / "backup"), yes=True, media_root=str(tmp_path / "m"))


@pytest.mark.skipif(not shutil.which("gpg"), reason="gpg is not installed")
def test_gpg_encrypted_backup_restores_with_the_private_key(tmp_path, data, target_alias, monkeypatch):
    home = tmp_path / "gnupg"
    home.mkdir(mode=0o700)
    monkeypatch.setenv("GNUPGHOME", str(home))
    gpg = ["gpg", "--batch", "--quiet", "--passphrase", ""]
    subprocess.run(
        [*gpg, "--quick-gen-key", "VBG backup <backup@example.invalid>", "ed25519", "sign", "never"], check=True
    )
    fingerprint = next(
        line.split(":")[9]
        for line in subprocess.run(
            ["gpg", "--list-keys", "--with-colons"], check=True, capture_output=True, text=True
        ).stdout.splitlines()
        if line.startswith("fpr:")
    )
    subprocess.run([*gpg, "--quick-add-key", fingerprint, "cv25519", "encr", "never"], check=True)
    try:
        backup = backup_create(backup_root=tmp_path / "backups", gpg_recipient="backup@example.invalid")
        stored = sorted(path.name for path in backup.path.iterdir())
        assert stored == sorted([DATABASE_NAME[connection.vendor] + ".gpg", "manifest.json", "media.tar.gz.gpg"])
        alias = target_alias(tmp_path)
        summary = backup_restore(backup=backup.path, using=alias, media_root=tmp_path / "restored-media")
        assert summary.ok and Referral.objects.using(alias).get().reason == REASON
    finally:
        subprocess.run(["gpgconf", "--kill", "gpg-agent"], check=False)
