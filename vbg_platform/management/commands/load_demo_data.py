from django.core.management.base import BaseCommand, CommandError

from evenings.demo import evenings_demo_load
from knowledgebase.demo import knowledge_demo_load
from meetings.demo import meetings_demo_load
from monitoring.demo import figures_demo_load, progress_demo_load
from notifications.demo import notifications_demo_load
from referrals.demo import referrals_demo_load
from search import indexing as search_indexing
from stakeholders.demo import demo_data_load, logins_table
from surveys.demo import survey_demo_load
from trainings.demo import trainings_demo_load


class Command(BaseCommand):
    help = "Load realistic Dutch demo data and one login per role. Safe to run again: existing demo data is kept."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="1 is small; 10 for benchmarks.")
        parser.add_argument("--seed", type=int, default=2021, help="The same seed gives the same data.")

    def handle(self, *args, scale, seed, verbosity, **options):
        if scale < 1:
            raise CommandError("--scale must be 1 or more.")
        # One index rebuild at the end instead of a queued update per object.
        with search_indexing.paused():
            summary = self._load(scale=scale, seed=seed, verbosity=verbosity)
        written = search_indexing.rebuild()
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt ({written['database']} documents)."))
        self.stdout.write(logins_table(summary.logins))

    def _load(self, *, scale, seed, verbosity):
        summary = demo_data_load(scale=scale, seed=seed, progress=verbosity > 0)
        if summary.created:
            counts = ", ".join(f"{name}: {count}" for name, count in summary.counts.items())
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded ({counts})."))
        else:
            self.stdout.write(self.style.WARNING("Demo data already present: nothing created."))
        knowledge = knowledge_demo_load(scale=scale, seed=seed, progress=verbosity > 0)
        if knowledge:
            counts = ", ".join(f"{name}: {count}" for name, count in knowledge.items())
            self.stdout.write(self.style.SUCCESS(f"Knowledge base demo loaded ({counts})."))
        meetings = meetings_demo_load(scale=scale, seed=seed, progress=verbosity > 0)
        if meetings:
            counts = ", ".join(f"{name}: {count}" for name, count in meetings.items())
            self.stdout.write(self.style.SUCCESS(f"Meetings demo loaded ({counts})."))
        progress = progress_demo_load(seed=seed)
        if progress:
            counts = ", ".join(f"{name}: {count}" for name, count in progress.items())
            self.stdout.write(self.style.SUCCESS(f"Programme progress demo loaded ({counts})."))
        figures = figures_demo_load(seed=seed)
        if figures:
            counts = ", ".join(f"{name}: {count}" for name, count in figures.items())
            self.stdout.write(self.style.SUCCESS(f"Programme figures demo loaded ({counts})."))
        # After the figures: from the first year with training records, module 3's figures come from them.
        trainings = trainings_demo_load(seed=seed)
        if trainings:
            counts = ", ".join(f"{name}: {count}" for name, count in trainings.items())
            self.stdout.write(self.style.SUCCESS(f"Training and e-learning demo loaded ({counts})."))
        # After the figures too: from the first year with evenings, module 2's figures come from them.
        evenings = evenings_demo_load(seed=seed)
        if evenings:
            counts = ", ".join(f"{name}: {count}" for name, count in evenings.items())
            self.stdout.write(self.style.SUCCESS(f"Information evenings demo loaded ({counts})."))
        surveys, demo_codes = survey_demo_load(scale=scale, seed=seed)
        if surveys:
            counts = ", ".join(f"{name}: {count}" for name, count in surveys.items())
            self.stdout.write(self.style.SUCCESS(f"Survey demo loaded ({counts})."))
            self.stdout.write(f"Try the questionnaire at /vragenlijst/ with a demo code: {', '.join(demo_codes)}")
        referrals = referrals_demo_load(scale=scale, seed=seed)
        if referrals:
            counts = ", ".join(f"{name}: {count}" for name, count in referrals.items())
            self.stdout.write(self.style.SUCCESS(f"Referral demo loaded, all fictitious ({counts})."))
        notifications = notifications_demo_load()
        if notifications:
            counts = ", ".join(f"{name}: {count}" for name, count in notifications.items())
            self.stdout.write(self.style.SUCCESS(f"Notifications demo loaded ({counts})."))
        return summary
