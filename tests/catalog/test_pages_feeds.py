"""The seller's feed pages: upload, follow the import, read and download the rejected rows."""

import csv
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from catalog.feeds.progress import feed_progress_of, feed_progress_record
from catalog.feeds.services import feed_import_create, feed_import_run
from catalog.models import FeedImport, FeedImportStatus, Listing
from tests.catalog.factories import LocationFactory, PartTypeFactory
from tests.marketplace.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

FEED = (
    b"AssetID,PartName,Price,Qty,Grade\n"
    b"Y-1,Alternator,89.00,1,A\n"
    b"Y-2,Alternator,ten,1,A\n"
    b"Y-3,Flux capacitor,10,1,A\n"
)


@pytest.fixture(autouse=True)
def part_types(dismantler):
    LocationFactory(organisation=dismantler, name="Main yard")
    return PartTypeFactory()


@pytest.fixture
def seller(dismantler_owner):
    client = Client()
    client.force_login(dismantler_owner)
    return client


@pytest.fixture
def tasks_run_eagerly(settings):
    """Under `make test` Celery has a broker; here the task runs in-process on commit."""
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def private_cache(settings):
    """A cache of this process only: the test Redis is shared with other test runs, which clear
    it between their tests and would wipe the rows checked recorded here."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "feed-pages",
        }
    }


def queued_job(organisation, content: bytes = FEED) -> FeedImport:
    return feed_import_create(
        organisation=organisation, uploaded_by=None, file=ContentFile(content, name="yard.csv"),
        withdraw_missing=False, start_task=False,
    )  # fmt: skip


def upload(client, content: bytes = FEED, **fields):
    feed = SimpleUploadedFile("yard.csv", content, content_type="text/csv")
    return client.post("/inventory/feeds/", {"file": feed, **fields})


@pytest.mark.usefixtures("tasks_run_eagerly")
def test_an_uploaded_feed_is_imported_and_its_page_reports_each_rejected_row(
    seller, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(seller)
    job = FeedImport.objects.get()
    page = seller.get(response.url)

    assert response.status_code == 302 and response.url == f"/inventory/feeds/{job.pk}/"
    assert page.context["progress"].finished
    assert [(r.line, r.column, r.value) for r in page.context["rejections"]] == [
        (3, "price", "ten"), (4, "part_type", "Flux capacitor"),
    ]  # fmt: skip
    html = page.content.decode()
    assert "Is not an amount such as 12.50." in html
    assert 'data-finished="true"' in html
    assert list(Listing.objects.values_list("seller_sku", flat=True)) == ["Y-1"]


def test_the_rejected_rows_download_as_csv(seller, dismantler):
    job = queued_job(dismantler)
    feed_import_run(feed_import_id=job.pk)

    response = seller.get(f"/inventory/feeds/{job.pk}/rejected-rows.csv")

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows == [
        ["line", "column", "reason", "value"],
        ["3", "price", "Is not an amount such as 12.50.", "ten"],
        ["4", "part_type", rows[2][2], "Flux capacitor"],
    ]


def test_a_queued_job_page_works_without_script_and_offers_a_reload(seller, dismantler):
    job = queued_job(dismantler)

    page = seller.get(f"/inventory/feeds/{job.pk}/")

    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-finished="false"' in html
    assert f'href="/inventory/feeds/{job.pk}/"' in html  # the reload link
    assert 'data-status-done="Done"' in html
    assert "js/feed-progress.js" in html
    assert page.context["rejections"] is None


@pytest.mark.usefixtures("private_cache")
def test_progress_answers_the_rows_checked_of_a_running_job(seller, dismantler):
    job = queued_job(dismantler)
    queued = seller.get(f"/inventory/feeds/{job.pk}/progress/").json()
    FeedImport.objects.filter(pk=job.pk).update(status=FeedImportStatus.RUNNING, rows_total=3)
    feed_progress_record(feed_import_id=job.pk, rows_checked=2)

    running = seller.get(f"/inventory/feeds/{job.pk}/progress/").json()

    assert (queued["status"], queued["rows_checked"], queued["finished"]) == ("queued", 0, False)
    assert running == {
        "status": "running", "status_label": "Running", "rows_total": 3, "rows_checked": 2,
        "writing": False, "finished": False,
    }  # fmt: skip


@pytest.mark.usefixtures("private_cache")
def test_the_importer_records_the_rows_it_checked(dismantler):
    job = queued_job(dismantler)

    feed_import_run(feed_import_id=job.pk)

    job.refresh_from_db()
    job.status = FeedImportStatus.RUNNING  # as a poller saw it just before the write
    progress = feed_progress_of(job)
    assert (progress.rows_checked, progress.rows_total) == (3, 3)
    assert progress.writing


def test_a_finished_job_answers_finished_with_every_row_checked(seller, dismantler):
    job = queued_job(dismantler)
    feed_import_run(feed_import_id=job.pk)

    done = seller.get(f"/inventory/feeds/{job.pk}/progress/").json()

    assert (done["status"], done["rows_checked"], done["rows_total"]) == ("done", 3, 3)
    assert done["finished"]


def test_a_failed_job_page_says_why_nothing_was_imported(seller, dismantler):
    job = queued_job(dismantler, b"")
    feed_import_run(feed_import_id=job.pk)

    page = seller.get(f"/inventory/feeds/{job.pk}/")

    assert "Nothing was imported: The file is empty." in page.content.decode()


def test_upload_without_a_file_is_told_by_the_field(seller):
    response = seller.post("/inventory/feeds/", {})

    assert response.status_code == 400
    assert "file" in response.context["form"].errors
    assert not FeedImport.objects.exists()


def test_upload_of_a_seller_not_yet_approved_is_refused_above_the_form():
    pending = OrganisationFactory(status="pending")
    client = Client()
    client.force_login(MembershipFactory(organisation=pending).user)

    response = upload(client)

    assert response.status_code == 400
    assert "approved" in response.context["form"].non_field_errors()[0]
    assert not FeedImport.objects.exists()


def test_upload_over_the_size_limit_is_refused_by_the_file_field(seller, settings):
    settings.FEED_MAX_BYTES = 10

    response = upload(seller)

    assert response.context["form"].errors["file"] == ["Feeds are limited to 0 MB."]


def test_another_organisations_job_is_not_found_on_any_feed_page(seller, other_dismantler):
    theirs = queued_job(other_dismantler)

    for suffix in ("", "progress/", "rejected-rows.csv"):
        assert seller.get(f"/inventory/feeds/{theirs.pk}/{suffix}").status_code == 404
    assert theirs.pk not in [job.pk for job in seller.get("/inventory/feeds/").context["page"]]


def test_feeds_are_refused_to_individuals_and_garages(individual):
    garage_member = MembershipFactory(organisation=OrganisationFactory(kind="garage")).user

    for user in (individual, garage_member):
        client = Client()
        client.force_login(user)
        assert client.get("/inventory/feeds/").status_code == 403


def test_feed_list_queries_do_not_grow_with_its_jobs(
    seller, dismantler, dismantler_owner, django_assert_max_num_queries
):
    for _ in range(2):
        FeedImport.objects.create(seller_organisation=dismantler, uploaded_by=dismantler_owner)
    with django_assert_max_num_queries(10) as few:
        seller.get("/inventory/feeds/")
    for _ in range(8):
        FeedImport.objects.create(seller_organisation=dismantler, uploaded_by=dismantler_owner)

    with django_assert_max_num_queries(len(few.captured_queries)):
        page = seller.get("/inventory/feeds/")

    assert len(page.context["page"]) == 10
