"""How far a feed import has got, for the pages that poll it while it runs.

The job's row holds the number of rows as soon as the file is read, and the outcome counts once
the rows are written (in one transaction, at the end). The rows checked in between live in the
cache: the importer records them as it checks, outside any transaction, so a poller sees them at
once. The cache is only a view of a running job; a finished job's row is the record.
"""

from dataclasses import dataclass

from django.core.cache import cache

from catalog.models import FeedImport, FeedImportStatus

# Long enough to outlive any running job; a finished job no longer reads the cache.
KEPT_FOR_SECONDS = 24 * 60 * 60
FINISHED = frozenset({FeedImportStatus.DONE, FeedImportStatus.FAILED})


def _rows_checked_key(feed_import_id: int) -> str:
    return f"catalog:feed-import:{feed_import_id}:rows-checked"


def feed_progress_record(*, feed_import_id: int, rows_checked: int) -> None:
    """Remember how many rows of a running job have been checked."""
    cache.set(_rows_checked_key(feed_import_id), rows_checked, KEPT_FOR_SECONDS)


@dataclass(frozen=True)
class FeedProgress:
    """Where a job stands: `rows_checked` of `rows_total` (0 while the file is not yet read)."""

    status: str
    rows_total: int
    rows_checked: int

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def writing(self) -> bool:
        """Every row is checked and the good ones are being written."""
        return self.status == FeedImportStatus.RUNNING and 0 < self.rows_total == self.rows_checked


def feed_progress_of(feed_import: FeedImport) -> FeedProgress:
    """The progress of a job as its row and, while it runs, the cache tell it."""
    if feed_import.status == FeedImportStatus.DONE:
        checked = feed_import.rows_total
    elif feed_import.status == FeedImportStatus.QUEUED:
        checked = 0
    else:
        recorded = cache.get(_rows_checked_key(feed_import.pk)) or 0
        checked = min(recorded, feed_import.rows_total)
    return FeedProgress(
        status=feed_import.status, rows_total=feed_import.rows_total, rows_checked=checked
    )
