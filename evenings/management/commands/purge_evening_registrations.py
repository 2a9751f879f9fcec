from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from evenings.services import registrations_purge


class Command(BaseCommand):
    help = "Delete the residents' registrations of information evenings whose day is over (the counts stay)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only say what would be deleted.")

    def handle(self, *args, dry_run: bool = False, **options):
        result = registrations_purge(dry_run=dry_run)
        if dry_run:
            message = _("Zou %(registrations)s aanmeldingen van %(evenings)s voorbije avonden verwijderen.")
        else:
            message = _("%(registrations)s aanmeldingen van %(evenings)s voorbije avonden verwijderd.")
        self.stdout.write(message % result)
