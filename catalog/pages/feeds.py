"""Inventory feeds for dismantlers and remanufacturers: upload a CSV, follow its import, read
and download the report of the rows it rejected.

Uploads go through the same service as the feed API, which imports the file in a Celery task
started on commit (at once where there is no broker).
"""

import csv
from itertools import chain

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from catalog.feeds.progress import feed_progress_of
from catalog.feeds.services import feed_import_create
from catalog.forms import FORM_NAMES, FeedUploadForm
from catalog.models import FeedImport, FeedImportStatus
from catalog.pages import feed_seller_of_request
from catalog.selectors import feed_imports_of
from marketplace.errors import DomainError
from marketplace.forms import show_refusal

FEEDS_PER_PAGE = 50
REJECTIONS_PER_PAGE = 200
# How often the status page asks for news while a job is queued or running.
POLL_EVERY_MS = 1500
# The report's columns, named as the feed API names them.
REPORT_COLUMNS = ("line", "column", "reason", "value")


def _uploaded(request, organisation, form: FeedUploadForm) -> FeedImport | None:
    try:
        return feed_import_create(
            organisation=organisation,
            uploaded_by=request.user,
            file=form.cleaned_data["file"],
            withdraw_missing=form.cleaned_data["withdraw_missing"],
        )
    except DomainError as error:
        show_refusal(form, error, default_field="file", field_names=FORM_NAMES)
        return None


@login_required
def feeds_page(request):
    """The caller's feed jobs, newest first, and the upload form."""
    organisation = feed_seller_of_request(request)
    posted = request.method == "POST"
    form = FeedUploadForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        feed_import = _uploaded(request, organisation, form)
        if feed_import is not None:
            messages.success(request, _("Feed uploaded: it is being imported."))
            return redirect("feed-page", feed_import.pk)
    jobs = feed_imports_of(request.user).select_related("uploaded_by")
    page = Paginator(jobs, FEEDS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page}
    return render(request, "catalog/feeds.html", context, status=400 if form.errors else 200)


def _job_of(request, feed_id: int) -> FeedImport:
    feed_seller_of_request(request)
    return get_object_or_404(feed_imports_of(request.user), pk=feed_id)


@login_required
def feed_page(request, feed_id: int):
    """One job: its progress (kept up to date by static/js/feed-progress.js) and, once done,
    the rows it rejected."""
    job = _job_of(request, feed_id)
    progress = feed_progress_of(job)
    rejections = None
    if job.status == FeedImportStatus.DONE:
        rejections = Paginator(job.rejections.all(), REJECTIONS_PER_PAGE).get_page(
            request.GET.get("page")
        )
    context = {
        "job": job,
        "progress": progress,
        "rejections": rejections,
        "poll_every_ms": POLL_EVERY_MS,
        "status_labels": FeedImportStatus.choices,
    }
    return render(request, "catalog/feed.html", context)


@login_required
def feed_progress(request, feed_id: int):
    """Where a job stands, as JSON for the status page's script."""
    job = _job_of(request, feed_id)
    progress = feed_progress_of(job)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "rows_total": progress.rows_total,
            "rows_checked": progress.rows_checked,
            "writing": progress.writing,
            "finished": progress.finished,
        }
    )


class _Echo:
    """A file-like sink that hands back what csv.writer writes, for streaming."""

    def write(self, value: str) -> str:
        return value


@login_required
def feed_rejections_csv(request, feed_id: int):
    """Every rejected row of a job as CSV: line, column, reason and the value given."""
    job = _job_of(request, feed_id)
    writer = csv.writer(_Echo())
    rows = job.rejections.values_list(*REPORT_COLUMNS).iterator()
    lines = (writer.writerow(row) for row in chain([REPORT_COLUMNS], rows))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="feed-{job.pk}-rejected-rows.csv"'
    return response
