from django.core.management.base import BaseCommand

from notifications.mail import digests_send
from notifications.models import Delivery


class Command(BaseCommand):
    help = "Send the daily (or weekly) notification digests now; the worker also does this every morning."

    def add_arguments(self, parser):
        parser.add_argument("--frequency", choices=["daily", "weekly", "all"], default="daily")

    def handle(self, *args, frequency, **options):
        frequencies = [Delivery.DAILY, Delivery.WEEKLY] if frequency == "all" else [frequency]
        for value in frequencies:
            result = digests_send(frequency=value)
            self.stdout.write(f"{value}: {result['sent']} verstuurd, {result['failed']} mislukt")
