from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from search import indexing
from search.documents import TYPES

COLUMNS = ("documents", "missing", "extra", "stale", "es_missing", "es_extra")


class Command(BaseCommand):
    help = (
        "rebuild: rebuild the portal search index (database documents and, when ELASTICSEARCH_URL is set, "
        "Elasticsearch behind its alias); searches keep working during the rebuild. verify: compare the index "
        "with the documents built from the objects now (missing, extra, stale; Elasticsearch's ids too) and "
        "exit with 1 when they differ; with --fix, index exactly those objects again."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "verify"])
        parser.add_argument(
            "--type", dest="doc_types", action="append", metavar="T", help=f"Only this type: {', '.join(TYPES)}."
        )
        parser.add_argument("--fix", action="store_true", help="verify: index the objects that differ again.")

    def handle(self, *args, action, doc_types, fix, verbosity, **options):
        unknown = sorted(set(doc_types or []) - set(TYPES))
        if unknown:
            raise CommandError(f"Unknown type(s): {', '.join(unknown)}. Known: {', '.join(TYPES)}.")
        if action == "verify":
            return self._verify(doc_types, fix=fix)
        if fix:
            raise CommandError("--fix belongs to verify.")
        total = indexing.count_objects(doc_types)
        with tqdm(total=total, unit="doc", disable=verbosity == 0, desc="Zoekindex") as bar:
            written = indexing.rebuild(doc_types, progress=bar.update)
        for engine, count in written.items():
            if count < 0:
                self.stderr.write(self.style.WARNING(f"{engine}: not reachable; see the log. Retry later."))
            else:
                self.stdout.write(self.style.SUCCESS(f"{engine}: {count} documents indexed."))

    def _verify(self, doc_types, *, fix: bool) -> None:
        """A cron can alert on the exit code: 1 when differences were found and left, or Elasticsearch could
        not be compared."""
        report = indexing.verify(fix=fix, doc_types=doc_types)
        self.stdout.write(f"{'type':<15}" + "".join(f"{column:>12}" for column in COLUMNS))
        for doc_type, found in report.types.items():
            counts = [found.documents] + [len(getattr(found, column)) for column in COLUMNS[1:]]
            self.stdout.write(f"{doc_type:<15}" + "".join(f"{count:>12}" for count in counts))
        self.stdout.write(f"elasticsearch: {report.elasticsearch}")
        differences = report.differences
        if differences and fix:
            self.stdout.write(self.style.WARNING(f"{differences} differences; {report.fixed} objects indexed again."))
        elif not differences:
            self.stdout.write(self.style.SUCCESS("The index agrees with the data."))
        if report.elasticsearch == "unreachable":
            raise CommandError("Elasticsearch could not be compared; see the log.", returncode=1)
        if differences and not fix:
            raise CommandError(f"{differences} differences; run with --fix to index them again.", returncode=1)
