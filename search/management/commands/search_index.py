from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from search import indexing
from search.documents import TYPES


class Command(BaseCommand):
    help = (
        "Rebuild the portal search index (database documents and, when ELASTICSEARCH_URL is set, Elasticsearch "
        "behind its alias). Searches keep working during the rebuild."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild"])
        parser.add_argument(
            "--type", dest="doc_types", action="append", metavar="T", help=f"Only this type: {', '.join(TYPES)}."
        )

    def handle(self, *args, action, doc_types, verbosity, **options):
        unknown = sorted(set(doc_types or []) - set(TYPES))
        if unknown:
            raise CommandError(f"Unknown type(s): {', '.join(unknown)}. Known: {', '.join(TYPES)}.")
        total = indexing.count_objects(doc_types)
        with tqdm(total=total, unit="doc", disable=verbosity == 0, desc="Zoekindex") as bar:
            written = indexing.rebuild(doc_types, progress=bar.update)
        for engine, count in written.items():
            if count < 0:
                self.stderr.write(self.style.WARNING(f"{engine}: not reachable; see the log. Retry later."))
            else:
                self.stdout.write(self.style.SUCCESS(f"{engine}: {count} documents indexed."))
