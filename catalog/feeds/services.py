"""Feed import jobs: store an upload, then import it once, whoever runs it and however often.

`feed_import_create` stores the file and starts the task on commit; `feed_import_run` does the
work and is safe to call twice (a redelivered task, the management command): a finished job is
returned as it is, and only one worker at a time holds a running job.
"""

import gc
import logging
import os
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files import File
from django.db import connection, transaction
from django.db.models.functions import Lower
from django.db.models.query_utils import Q
from django.utils import timezone

from catalog.feeds.progress import feed_progress_record
from catalog.feeds.reading import FeedTable, FeedUnreadable, read_feed
from catalog.feeds.validation import (
    FeedReference,
    FeedValidation,
    PartRef,
    PartTypeRef,
    lower_keys,
    validate_feed,
)
from catalog.feeds.writer import feed_rows_write
from catalog.models import (
    Condition,
    FeedImport,
    FeedImportStatus,
    FeedRejection,
    Location,
    Part,
    PartType,
    Vehicle,
)
from catalog.part_numbers import normalise_part_number
from marketplace.errors import DomainError, NotPermitted
from marketplace.models import Organisation, OrganisationKind, User

logger = logging.getLogger(__name__)

# A running job not finished after this long has lost its worker (a feed of the largest
# allowed size imports in well under a minute), so another worker may take it over.
RUNNING_JOB_STALE_AFTER = timedelta(minutes=15)
LOOKUP_CHUNK = 5000
REJECTION_BATCH = 2000

Progress = Callable[[int, int], None]


def feed_import_create(
    *,
    organisation: Organisation,
    uploaded_by: User | None,
    file: File,
    withdraw_missing: bool,
    start_task: bool = True,
) -> FeedImport:
    """Store an uploaded feed as a queued job and start its task once the job is committed.

    `start_task=False` leaves the job for the caller to run (the management command, the
    benchmark). Raises NotPermitted unless the organisation may sell, and DomainError
    (`file_too_large`) for a file over settings.FEED_MAX_BYTES.
    """
    if not organisation.can_sell:
        raise NotPermitted(
            "Only an approved dismantler or remanufacturer may import inventory feeds."
        )
    if file.size > settings.FEED_MAX_BYTES:
        limit = settings.FEED_MAX_BYTES // (1024 * 1024)
        raise DomainError.for_field(
            "file", f"Feeds are limited to {limit} MB.", code="file_too_large"
        )
    # Imported here: the task module imports this one to call feed_import_run.
    from catalog.tasks import feed_import_run_task

    with transaction.atomic():
        feed_import = FeedImport.objects.create(
            seller_organisation=organisation,
            uploaded_by=uploaded_by,
            file=file,
            original_name=os.path.basename(file.name or "")[:255],
            withdraw_missing=withdraw_missing,
        )
        if start_task:
            feed_import_run_task.delay_on_commit(feed_import.id)
    return feed_import


def _claim(feed_import_id: int) -> datetime | None:
    """Mark the job running for this worker; the conditional UPDATE lets only one worker win.

    Returns the claim's timestamp (the job's new started_at, checked again before writing), or
    None when the job is finished or another worker is running it.
    """
    now = timezone.now()
    claimable = Q(status=FeedImportStatus.QUEUED) | Q(
        status=FeedImportStatus.RUNNING, started_at__lt=now - RUNNING_JOB_STALE_AFTER
    )
    claimed = FeedImport.objects.filter(claimable, pk=feed_import_id).update(
        status=FeedImportStatus.RUNNING, started_at=now
    )
    return now if claimed else None


def feed_import_run(*, feed_import_id: int, progress: Progress | None = None) -> FeedImport:
    """Import a queued feed: read and check every row, then write the good ones set-based and
    record a rejection for every problem, all in one transaction.

    Idempotent: a done or failed job, or one another worker is running, is returned unchanged.
    A file that cannot be read as a whole (encoding, empty_file, missing_headers, malformed_csv)
    fails the job with that error_code and writes nothing. The rows checked are recorded for
    pollers (`catalog.feeds.progress`) and `progress(done, total)` is called as they are.
    """
    claimed_at = _claim(feed_import_id)
    feed_import = FeedImport.objects.select_related("seller_organisation").get(pk=feed_import_id)
    if claimed_at is None:
        return feed_import
    try:
        raw = _read_file(feed_import)
    except OSError as error:
        logger.warning("Feed %s: cannot read its file: %s", feed_import_id, error)
        message = "The uploaded file can no longer be read; upload it again."
        return _fail(feed_import, claimed_at, code="file_unreadable", message=message)
    try:
        validation = _validated(feed_import, raw, _recording(feed_import_id, progress))
        feed_import = _write(feed_import, claimed_at, validation)
    except FeedUnreadable as error:
        return _fail(feed_import, claimed_at, code=error.code, message=error.message)
    except Exception:
        message = "The import stopped on an unexpected error; nothing was written."
        _fail(feed_import, claimed_at, code="internal_error", message=message)
        raise
    return feed_import


def _recording(feed_import_id: int, progress: Progress | None) -> Progress:
    def report(done: int, total: int) -> None:
        feed_progress_record(feed_import_id=feed_import_id, rows_checked=done)
        if progress is not None:
            progress(done, total)

    return report


def _read_file(feed_import: FeedImport) -> bytes:
    with feed_import.file.open("rb") as stream:
        return stream.read()


@contextmanager
def _garbage_collection_paused():
    """Parsing a feed allocates millions of small objects and no reference cycles; the cyclic
    collector would scan them over and over (a third of the parse time at 100,000 rows)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _validated(feed_import: FeedImport, raw: bytes, progress: Progress) -> FeedValidation:
    with _garbage_collection_paused():
        return _read_and_check(feed_import, raw, progress)


def _read_and_check(feed_import: FeedImport, raw: bytes, progress: Progress) -> FeedValidation:
    table = read_feed(raw)
    total = table.rows_total
    # Pollers see the size of the job as soon as it is known.
    FeedImport.objects.filter(pk=feed_import.pk).update(rows_total=total)
    feed_import.rows_total = total
    reference = feed_reference(organisation=feed_import.seller_organisation, table=table)
    return validate_feed(table, reference, progress=lambda done: progress(done, total))


def _chunks(values: Iterable[str]) -> Iterable[list[str]]:
    ordered = sorted(values)
    for start in range(0, len(ordered), LOOKUP_CHUNK):
        yield ordered[start : start + LOOKUP_CHUNK]


def _parts_by_number(numbers: set[str]) -> dict[str, PartRef]:
    """Catalogued parts by normalised number, for the numbers a feed gives."""
    if connection.vendor == "postgresql":
        # One array parameter: thousands of IN placeholders cost more to build than to run.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT oe_number_normalised, id, part_type_id FROM {Part._meta.db_table} "
                "WHERE oe_number_normalised = ANY(%s)",
                [sorted(numbers)],
            )
            found = cursor.fetchall()
    else:
        found = []
        for chunk in _chunks(numbers):
            query = Part.objects.filter(oe_number_normalised__in=chunk)
            found.extend(query.values_list("oe_number_normalised", "id", "part_type_id"))
    return {number: PartRef(pk, part_type_id) for number, pk, part_type_id in found}


def _vehicles_by_name(makes: set[str]) -> dict[tuple[str, str, int], int]:
    """(make, model, year) in lower case to the first matching vehicle, one query per chunk
    of the makes the feed names (usually one)."""
    vehicles: dict[tuple[str, str, int], int] = {}
    for chunk in _chunks({make.lower() for make in makes}):
        found = (
            Vehicle.objects.annotate(make_name=Lower("model__make__name"))
            .filter(make_name__in=chunk)
            .order_by("id")
            .values_list("make_name", "model__name", "year", "id")
        )
        for make, model, year, pk in found:
            vehicles.setdefault((make, model.lower(), year), pk)
    return vehicles


def _part_types() -> dict[str, PartTypeRef]:
    """Part types by code and by name, lower case; a code wins over another type's name."""
    rows = list(PartType.objects.values_list("id", "code", "name"))
    by_code = lower_keys((code, PartTypeRef(pk, name)) for pk, code, name in rows)
    by_name = lower_keys((name, PartTypeRef(pk, name)) for pk, code, name in rows)
    return {**by_name, **by_code}


def feed_reference(*, organisation: Organisation, table: FeedTable) -> FeedReference:
    """Everything the rows of `table` may refer to, read in a few queries.

    A seller's rows default to its first location (by name) and, without a condition, to
    remanufactured for a remanufacturer and recycled for a dismantler.
    """
    locations = list(Location.objects.filter(organisation=organisation).values_list("id", "name"))
    numbers = table.values_of("oe_number")
    is_reman = organisation.kind == OrganisationKind.REMANUFACTURER
    return FeedReference(
        part_types=_part_types(),
        parts=_parts_by_number({normalise_part_number(n) for n in numbers} - {""}),
        locations=lower_keys((name, pk) for pk, name in locations),
        default_location_id=locations[0][0] if locations else None,
        vehicles=_vehicles_by_name(table.values_of("donor_make")),
        default_condition=(Condition.REMANUFACTURED if is_reman else Condition.RECYCLED).value,
    )


def _write(feed_import: FeedImport, claimed_at: datetime, validation: FeedValidation) -> FeedImport:
    """One transaction per feed: a failure leaves every listing as it was, so running the job
    again gives the same result; 100,000 rows write in seconds, so the locks are short."""
    with transaction.atomic():
        job = FeedImport.objects.select_for_update().get(pk=feed_import.pk)
        if job.status != FeedImportStatus.RUNNING or job.started_at != claimed_at:
            return job  # another worker took the job over; its result stands
        # Serialises feeds of one seller (their counts and SKU inserts would race); no_key
        # leaves other writes that reference the organisation unblocked.
        sellers = Organisation.objects.select_for_update(no_key=True).only("pk")
        sellers.get(pk=job.seller_organisation_id)
        counts = feed_rows_write(
            seller_id=job.seller_organisation_id,
            validation=validation,
            withdraw_missing=job.withdraw_missing,
            now=timezone.now(),
        )
        _record_rejections(job, validation)
        job.created_count = counts.created
        job.updated_count = counts.updated
        job.unchanged_count = len(validation.rows) - counts.created - counts.updated
        job.rejected_count = validation.rejected_rows
        job.withdrawn_count = counts.withdrawn
        _finish(job, FeedImportStatus.DONE)
        if counts.created or counts.updated or counts.withdrawn:
            from catalog.tasks import search_index_soon

            search_index_soon()
    logger.info(
        "Feed %s done: %s rows, %s created, %s updated, %s unchanged, %s rejected, %s withdrawn",
        job.pk, job.rows_total, job.created_count, job.updated_count, job.unchanged_count,
        job.rejected_count, job.withdrawn_count,
    )  # fmt: skip
    return job


def _record_rejections(job: FeedImport, validation: FeedValidation) -> None:
    FeedRejection.objects.bulk_create(
        (
            FeedRejection(
                feed_import=job, line=p.line, column=p.column, reason=p.reason[:300], value=p.value
            )
            for p in validation.problems
        ),
        batch_size=REJECTION_BATCH,
    )


def _finish(job: FeedImport, status: str) -> None:
    job.status = status
    job.finished_at = timezone.now()
    job.save(
        update_fields=[
            "status", "finished_at", "rows_total", "created_count", "updated_count",
            "unchanged_count", "rejected_count", "withdrawn_count", "error_code", "error_message",
        ]
    )  # fmt: skip


def _fail(feed_import: FeedImport, claimed_at: datetime, *, code: str, message: str) -> FeedImport:
    with transaction.atomic():
        job = FeedImport.objects.select_for_update().get(pk=feed_import.pk)
        if job.status != FeedImportStatus.RUNNING or job.started_at != claimed_at:
            return job
        job.error_code = code
        job.error_message = message
        _finish(job, FeedImportStatus.FAILED)
    return job
