from django.core.management.base import BaseCommand

from vbg_platform.seed import platform_seed


class Command(BaseCommand):
    help = "Load the reference data, role groups, fixed pages and CMS rights. Safe to run again."

    def handle(self, *args, **options):
        summary = ", ".join(f"{name}: {count}" for name, count in platform_seed().items())
        self.stdout.write(self.style.SUCCESS(f"Reference data loaded ({summary}); role groups and pages in place."))
