"""`manage.py search_index --rebuild | --check | --drain`."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tqdm import tqdm

from search import documents, elastic, indexing


class Command(BaseCommand):
    help = (
        "Maintain the search indexes. --rebuild fills the database engine's documents and, when "
        "ELASTICSEARCH_URL is set, a new Elasticsearch index that replaces the old one behind the alias "
        "atomically (searches keep working, changes made meanwhile are re-applied). --check compares the "
        "database with the indexes and exits with status 1 on drift. --drain applies pending changes "
        "from the outbox now (for cron, or after an outage)."
    )

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--rebuild", action="store_true", help="rebuild the indexes")
        action.add_argument("--check", action="store_true", help="report drift; exit 1 if any")
        action.add_argument("--drain", action="store_true", help="apply pending index changes")
        parser.add_argument(
            "--engine",
            choices=["all", *indexing.SINKS],
            default="all",
            help="rebuild only the database engine's documents or only the Elasticsearch index",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(
        self, *args, rebuild=False, check=False, drain=False, no_progress=False, engine="all", **options
    ):
        try:
            if rebuild:
                sinks = indexing.SINKS if engine == "all" else (engine,)
                self.run_rebuild(sinks=sinks, show_progress=not no_progress)
            elif check:
                self.run_check()
            else:
                self.run_drain()
        except (elastic.Unavailable, *elastic.ERRORS) as error:
            raise CommandError(f"Elasticsearch is not available: {error}") from error

    def run_rebuild(self, *, sinks, show_progress: bool) -> None:
        targets = []
        if "database" in sinks:
            targets.append("the database engine's documents")
        if "elasticsearch" in sinks and settings.ELASTICSEARCH_URL:
            targets.append(f"a new Elasticsearch index behind {elastic.alias_name()}")
        if not targets:
            raise CommandError("Nothing to rebuild: ELASTICSEARCH_URL is not set.")
        self.stdout.write(f"Rebuilding {' and '.join(targets)}…")
        total = documents.count_indexed_pages()
        with tqdm(total=total, unit="page", disable=not show_progress, file=self.stderr) as bar:
            report = indexing.rebuild(sinks=sinks, progress=bar.update)
        rate = report.documents / report.seconds if report.seconds else 0
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {report.documents} documents in {report.seconds:.1f} s ({rate:.0f}/s); "
                f"re-applied {report.reapplied} recent changes."
            )
        )
        if report.index:
            removed = ", ".join(report.removed_indices) or "none"
            self.stdout.write(f"Alias {elastic.alias_name()} → {report.index}; removed indices: {removed}.")

    def run_check(self) -> None:
        drifts = indexing.check()
        for drift in drifts:
            if not drift:
                self.stdout.write(self.style.SUCCESS(f"{drift.sink}: in sync"))
                continue
            for label, ids in (("missing", drift.missing), ("extra", drift.extra), ("stale", drift.stale)):
                if ids:
                    sample = ", ".join(str(pk) for pk in sorted(ids)[:20])
                    self.stderr.write(f"{drift.sink}: {len(ids)} {label} (page ids {sample})")
        if any(drifts):
            raise CommandError("The search indexes drifted from the database: run search_index --rebuild.")

    def run_drain(self) -> None:
        report = indexing.drain()
        self.stdout.write(f"Applied {report.applied} changes.")
        if report.failed:
            raise CommandError(f"{report.failed} changes could not be applied yet: {report.error}")
