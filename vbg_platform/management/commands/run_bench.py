import json

from django.core.management.base import BaseCommand, CommandError

from vbg_platform.bench import SCENARIOS, bench_run, names_for_this_database


class Command(BaseCommand):
    help = "Time pages in-process; print one JSON line per scenario. Fails if any response is an error."

    def add_arguments(self, parser):
        parser.add_argument(
            "names",
            nargs="*",
            help=f"Scenarios to run (default: all for this database: {', '.join(SCENARIOS)}).",
        )
        parser.add_argument("--requests", type=int, default=200, help="Timed requests per scenario.")

    def handle(self, *args, names, requests, **options):
        unknown = sorted(set(names) - set(SCENARIOS))
        if unknown:
            raise CommandError(f"Unknown scenario(s): {', '.join(unknown)}.")
        if requests < 1:
            raise CommandError("--requests must be 1 or more.")
        failed = []
        for result in bench_run(names=names or names_for_this_database(), requests=requests):
            self.stdout.write(json.dumps(result))
            if result["status"] >= 400:
                failed.append(result["name"])
        if failed:
            raise CommandError(f"Error responses in: {', '.join(failed)}.")
