import os

from django.core.management.base import BaseCommand, CommandError

from vbg_platform.backup import BackupError, backup_create


class Command(BaseCommand):
    """`make backup`: the work is in vbg_platform.backup; secrets (FIELD_ENCRYPTION_KEYS, .env) are never included."""

    help = "Back up the database (pg_dump --format=custom, or SQLite's online backup) and MEDIA_ROOT."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default", help="Database alias (default: default).")
        parser.add_argument(
            "--backup-dir",
            default=os.environ.get("BACKUP_DIR") or None,
            help="Directory under which a <UTC timestamp>/ directory is made (env BACKUP_DIR; var/backups).",
        )
        parser.add_argument("--output", help="Write into exactly this (new or empty) directory.")
        parser.add_argument(
            "--gpg-recipient",
            default=os.environ.get("BACKUP_GPG_RECIPIENT") or None,
            help="Encrypt the dump and the media archive for this gpg key (env BACKUP_GPG_RECIPIENT).",
        )

    def handle(self, *args, **options):
        try:
            result = backup_create(
                using=options["database"],
                backup_root=options["backup_dir"],
                output=options["output"],
                gpg_recipient=options["gpg_recipient"],
            )
        except BackupError as error:
            raise CommandError(str(error))
        manifest = result.manifest
        for name, entry in sorted(manifest["files"].items()):
            self.stdout.write(f"  {name:<24} {entry['size']:>12,} bytes  sha256 {entry['sha256'][:16]}...")
        rows = sum(manifest["table_counts"].values())
        self.stdout.write(
            f"{manifest['database']['vendor']}: {len(manifest['table_counts'])} tables, {rows:,} rows; "
            f"{manifest['media_files']} media files{'; gpg-encrypted' if manifest['encryption'] else ''}."
        )
        if not manifest["media"]["included"]:
            self.stdout.write(
                self.style.WARNING(
                    f"Media are in {manifest['media']['storage']}, not MEDIA_ROOT: back that storage up on its own."
                )
            )
        self.stdout.write(self.style.SUCCESS(f"Backup written to {result.path} in {result.seconds:.1f}s."))
        self.stdout.write(
            "The referral fields in it can only be read with FIELD_ENCRYPTION_KEYS, which are NOT in the backup: "
            "keep the keys in their own safe place."
        )
