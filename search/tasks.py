"""Tasks of the search app (django-tasks, as shipped with Wagtail 8)."""

from django_tasks import task

from search import indexing


@task()
def drain_outbox() -> dict:
    """Apply the pending search index changes (see `search.indexing.drain`)."""
    report = indexing.drain()
    return {"applied": report.applied, "failed": report.failed, "error": report.error}
