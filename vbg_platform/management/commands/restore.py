import os
import sys

from django.core.management.base import BaseCommand, CommandError

from vbg_platform.backup import BackupError, backup_read_manifest, backup_restore


class Command(BaseCommand):
    """`make restore BACKUP=...`: the work (and every refusal) is in vbg_platform.backup."""

    help = "Restore a backup made by `manage.py backup` into an empty database and MEDIA_ROOT."

    def add_arguments(self, parser):
        parser.add_argument("backup", help="The backup directory (var/backups/<timestamp>) or its manifest.json.")
        parser.add_argument("--database", default="default", help="Database alias (default: default).")
        parser.add_argument("--media-root", help="Unpack the media here instead of MEDIA_ROOT.")
        parser.add_argument(
            "--force", action="store_true", help="Restore even into a database or MEDIA_ROOT that is not empty."
        )
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation (implied by CI=true).")

    def handle(self, *args, **options):
        from django.db import connections

        target = connections[options["database"]].settings_dict["NAME"]
        try:
            manifest = backup_read_manifest(options["backup"])
            if not (options["yes"] or os.environ.get("CI") == "true"):
                self._confirm(manifest, target, options["force"])
            summary = backup_restore(
                backup=options["backup"],
                using=options["database"],
                media_root=options["media_root"],
                force=options["force"],
                progress=self.stdout.write,
            )
        except BackupError as error:
            raise CommandError(str(error))
        self.stdout.write(f"Restored {summary.media_files} media files; key tables:")
        for label, count in summary.key_counts.items():
            self.stdout.write(f"  {label:<32} {count:>9,}")
        if summary.pending_migrations:
            self.stdout.write(
                self.style.WARNING(
                    f"{len(summary.pending_migrations)} migrations of this code are not applied (the backup is "
                    f"older): run `python manage.py migrate`. First: {', '.join(summary.pending_migrations[:5])}"
                )
            )
        if summary.unknown_migrations:
            self.stdout.write(
                self.style.WARNING(
                    f"The backup has {len(summary.unknown_migrations)} migrations this code does not know (it is "
                    f"newer than the code): {', '.join(summary.unknown_migrations[:5])}"
                )
            )
        problems = []
        if summary.count_mismatches:
            problems.append(f"row counts differ from the manifest: {summary.count_mismatches}")
        if summary.migration_mismatch:
            problems.append("the restored migration state differs from the manifest")
        unreadable = [name for name, readable in summary.encrypted_fields.items() if not readable]
        if unreadable:
            problems.append(
                "encrypted referral fields can NOT be read with the configured FIELD_ENCRYPTION_KEYS "
                f"({', '.join(unreadable)}): set the keys from their separate backup"
            )
        if problems:
            raise CommandError("Restore done, but verification failed: " + "; ".join(problems))
        checked = len(summary.encrypted_fields)
        self.stdout.write(
            self.style.SUCCESS(
                f"Restore verified in {summary.seconds:.1f}s: all {len(summary.manifest['table_counts'])} table "
                f"counts and the migration state match the manifest; {checked} encrypted columns decrypt."
            )
        )

    def _confirm(self, manifest: dict, target: str, force: bool) -> None:
        question = (
            f"Restore the backup of {manifest['created_at']} ({manifest['database']['vendor']}) into {target}"
            f"{' OVERWRITING what is there' if force else ''}? Type 'yes': "
        )
        if not sys.stdin.isatty():
            raise CommandError("No terminal to confirm on: pass --yes (or set CI=true).")
        if input(question).strip().lower() not in {"yes", "ja"}:
            raise CommandError("Not confirmed; nothing was changed.")
