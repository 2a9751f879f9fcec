from django.core.management.base import BaseCommand

from referrals.tasks import purge_expired


class Command(BaseCommand):
    help = "Remove closed referrals past their retention period (RETENTION_REFERRAL_YEARS), each logged."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be removed.")

    def handle(self, *args, dry_run, **options):
        count = purge_expired(dry_run=dry_run)
        verb = "Would remove" if dry_run else "Removed"
        self.stdout.write(self.style.SUCCESS(f"{verb} {count} expired referral(s)."))
