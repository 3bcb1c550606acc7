"""`manage.py import_feed --organisation SLUG FILE [--withdraw-missing]`: import a feed now."""

from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from catalog.feeds.services import feed_import_create, feed_import_run
from catalog.management.progress import ProgressBar
from catalog.models import FeedImportStatus
from marketplace.errors import DomainError
from marketplace.models import Organisation


class Command(BaseCommand):
    help = (
        "Import an inventory CSV for a seller organisation in this process, with a progress "
        "bar, through the same service as the API. Prints the counts and the first rejections."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the feed CSV")
        parser.add_argument("--organisation", required=True, help="the seller's slug")
        parser.add_argument(
            "--withdraw-missing",
            action="store_true",
            help="a full feed: withdraw the seller's listings the file does not contain",
        )
        parser.add_argument(
            "--rejections", type=int, default=20, help="how many rejected rows to print"
        )

    def handle(self, *args, file: Path, organisation: str, withdraw_missing: bool, **options):
        seller = Organisation.objects.filter(slug=organisation).first()
        if seller is None:
            raise CommandError(f"No organisation '{organisation}'.")
        try:
            with file.open("rb") as stream:
                job = feed_import_create(
                    organisation=seller,
                    uploaded_by=None,
                    file=File(stream, name=file.name),
                    withdraw_missing=withdraw_missing,
                    start_task=False,
                )
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}") from error
        except DomainError as error:
            raise CommandError(error.message) from error
        with ProgressBar(self, desc="Rows", unit=" rows", verbosity=options["verbosity"]) as bar:
            job = feed_import_run(feed_import_id=job.id, progress=bar)
        self._report(job, options["rejections"])

    def _report(self, job, limit: int) -> None:
        if job.status == FeedImportStatus.FAILED:
            raise CommandError(f"Feed {job.pk} failed ({job.error_code}): {job.error_message}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Feed {job.pk}: {job.rows_total} rows; {job.created_count} created, "
                f"{job.updated_count} updated, {job.unchanged_count} unchanged, "
                f"{job.rejected_count} rejected, {job.withdrawn_count} withdrawn."
            )
        )
        for rejection in job.rejections.all()[:limit]:
            column = f" [{rejection.column}]" if rejection.column else ""
            value = f" (given: {rejection.value!r})" if rejection.value else ""
            self.stdout.write(f"  line {rejection.line}{column}: {rejection.reason}{value}")
        if job.rejected_count and job.rejections.count() > limit:
            self.stdout.write(f"  ... see all with GET /api/v1/feeds/{job.pk}/rejections/")
