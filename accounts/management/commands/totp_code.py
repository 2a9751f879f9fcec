from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Print the current TOTP code of a user's authenticator, for testers without an app (DEBUG only)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--force", action="store_true", help="Also outside DEBUG (never on production).")

    def handle(self, *args, email, force, **options):
        if not (settings.DEBUG or force):
            raise CommandError("Refused: this prints a second factor. Only with DEBUG=true, or --force.")
        device = TOTPDevice.objects.filter(user__email__iexact=email, confirmed=True).order_by("pk").first()
        if device is None:
            raise CommandError(f"No confirmed authenticator for {email}.")
        token = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
        self.stdout.write(f"{token:0{device.digits}d}")
