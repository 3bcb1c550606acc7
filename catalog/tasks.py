"""Celery tasks of the catalog: thin, idempotent wrappers over services, started on commit."""

from celery import shared_task

from catalog.feeds import services as feed_services
from catalog.models import FeedImportStatus
from catalog.search.indexing import search_index_dirty


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=3)
def feed_import_run_task(self, feed_import_id: int) -> None:
    """Run a feed import job. Safe to deliver twice: the service returns a finished job as is.

    When another worker holds the job, try again after the time that worker has to finish (it
    may have died: the service then lets this worker take the job over).
    """
    feed_import = feed_services.feed_import_run(feed_import_id=feed_import_id)
    if feed_import.status == FeedImportStatus.RUNNING:
        stale_after = feed_services.RUNNING_JOB_STALE_AFTER.total_seconds()
        raise self.retry(countdown=stale_after + 60)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def search_index_dirty_task() -> int:
    """Index the listings marked dirty. Runs on commit after writes and periodically (beat) as
    a sweep; any number of copies may run at once, each takes its own batches."""
    return search_index_dirty()


def search_index_soon() -> None:
    """Start indexing once the current transaction commits (at once in the embedded mode)."""
    search_index_dirty_task.delay_on_commit()
