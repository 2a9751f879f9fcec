from django.core.management.base import BaseCommand

from accounts.services import roles_ensure_groups
from core.services import site_pages_ensure
from stakeholders.services import reference_data_seed


class Command(BaseCommand):
    help = "Load the reference data, role groups and the fixed pages. Safe to run again."

    def handle(self, *args, **options):
        counts = reference_data_seed()
        roles_ensure_groups()
        site_pages_ensure()
        summary = ", ".join(f"{name}: {count}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Reference data loaded ({summary}); role groups and pages in place."))
