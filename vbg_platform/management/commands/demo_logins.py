from django.core.management.base import BaseCommand

from stakeholders.demo import demo_logins, logins_table


class Command(BaseCommand):
    help = "Print the demo logins (e-mail, password, role, MFA secret) of the loaded demo data."

    def handle(self, *args, **options):
        logins = demo_logins()
        if not logins:
            self.stdout.write(self.style.WARNING("No demo users: run load_demo_data first."))
            return
        self.stdout.write(logins_table(logins))
