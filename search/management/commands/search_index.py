"""`manage.py search_index --rebuild | --check | --drain`."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from tqdm import tqdm

from search import engines, indexing, registry
from search.engines import EngineUnavailable


class Command(BaseCommand):
    help = (
        "Maintain the search indexes of every configured engine (SEARCH_ENGINES). --rebuild fills the "
        "database engine's documents and, when ELASTICSEARCH_URL is set, a new Elasticsearch index that "
        "replaces the old one behind the alias atomically (searches keep working, changes made meanwhile "
        "are re-applied). --check compares the database with the indexes and exits with status 1 on "
        "drift. --drain applies pending changes from the outbox now (for cron, or after an outage)."
    )

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--rebuild", action="store_true", help="rebuild the indexes")
        action.add_argument("--check", action="store_true", help="report drift; exit 1 if any")
        action.add_argument("--drain", action="store_true", help="apply pending index changes")
        parser.add_argument(
            "--engine",
            choices=["all", *engines.available_names()],
            default="all",
            help="rebuild one engine only (the database engine's documents, or the Elasticsearch index)",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(
        self, *args, rebuild=False, check=False, drain=False, no_progress=False, engine="all", **options
    ):
        try:
            if rebuild:
                self.run_rebuild(only=None if engine == "all" else [engine], show_progress=not no_progress)
            elif check:
                self.run_check()
            else:
                self.run_drain()
        except EngineUnavailable as error:
            raise CommandError(f"A search engine is not available: {error}") from error

    def run_rebuild(self, *, only: list[str] | None, show_progress: bool) -> None:
        names = [engine.name for engine in engines.configured() if only is None or engine.name in only]
        if not names:
            raise CommandError(f"Nothing to rebuild: the {only[0]} engine is not configured here.")
        self.stdout.write(f"Rebuilding the {' and the '.join(names)} engine{'s' if len(names) > 1 else ''}…")
        total = registry.count_indexable()
        with tqdm(total=total, unit="document", disable=not show_progress, file=self.stderr) as bar:
            report = indexing.rebuild(only=only, progress=bar.update)
        rate = report.documents / report.seconds if report.seconds else 0
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {report.documents} documents in {report.seconds:.1f} s ({rate:.0f}/s); "
                f"re-applied {report.reapplied} recent changes."
            )
        )
        if report.index:
            removed = ", ".join(report.removed_indices) or "none"
            self.stdout.write(f"New index {report.index} in use; removed indices: {removed}.")

    def run_check(self) -> None:
        drifts = indexing.check()
        for drift in drifts:
            if not drift:
                self.stdout.write(self.style.SUCCESS(f"{drift.engine}: in sync"))
            for line in drift.lines():
                self.stderr.write(line)
        if any(drifts):
            raise CommandError("The search indexes drifted from the database: run search_index --rebuild.")

    def run_drain(self) -> None:
        report = indexing.drain()
        self.stdout.write(f"Applied {report.applied} changes.")
        if report.failed:
            raise CommandError(f"{report.failed} changes could not be applied yet: {report.error}")
