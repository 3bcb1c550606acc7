"""Feed import jobs on PostgreSQL: what is written, counted, withdrawn, rejected and repeated."""

import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from catalog.feeds.services import RUNNING_JOB_STALE_AFTER, feed_import_create, feed_import_run
from catalog.models import (
    FeedImport,
    FeedImportStatus,
    FeedRejection,
    Listing,
    ListingPartNumber,
    ListingStatus,
)
from marketplace.errors import DomainError, NotPermitted
from tests.catalog.factories import (
    ListingFactory,
    LocationFactory,
    PartFactory,
    PartTypeFactory,
    VehicleFactory,
)
from tests.marketplace.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "sku,part_type,oe_number,condition,grade,price,quantity,location,"
    "donor_year,donor_make,donor_model"
)


@pytest.fixture
def catalog(dismantler):
    """Part types, a catalogued part, a vehicle and two locations of the seller."""
    alternator = PartTypeFactory()
    starter = PartTypeFactory(code="starter", name="Starter motor", group=alternator.group)
    return {
        "alternator": alternator,
        "starter": starter,
        "part": PartFactory(oe_number="31100-RAA-A01", part_type=alternator),
        "vehicle": VehicleFactory(),
        "yard": LocationFactory(organisation=dismantler, name="Main yard"),
        "lot": LocationFactory(organisation=dismantler, name="Back lot"),
    }


def csv_file(*lines: str) -> ContentFile:
    return ContentFile(("\n".join(lines) + "\n").encode(), name="inventory.csv")


def run_feed(seller, *lines: str, withdraw_missing: bool = False) -> FeedImport:
    job = feed_import_create(
        organisation=seller,
        uploaded_by=None,
        file=csv_file(*lines),
        withdraw_missing=withdraw_missing,
        start_task=False,
    )
    return feed_import_run(feed_import_id=job.id)


def counts(job: FeedImport) -> tuple[int, int, int, int, int]:
    return (
        job.created_count, job.updated_count, job.unchanged_count, job.rejected_count,
        job.withdrawn_count,
    )  # fmt: skip


GOOD = (
    HEADER,
    "A1,alternator,31100 RAA A01,used,B,89.5,1,,2003,HONDA,accord",
    "A2,starter,,reman,,120,0,MAIN YARD,,,",
)


def test_feed_creates_listings_with_every_field_resolved(dismantler, catalog):
    job = run_feed(dismantler, *GOOD)

    assert job.status == FeedImportStatus.DONE
    assert (job.rows_total, *counts(job)) == (2, 2, 0, 0, 0, 0)
    first = Listing.objects.get(seller_organisation=dismantler, seller_sku="A1")
    assert (first.part, first.part_type, first.condition, first.grade) == (
        catalog["part"],
        catalog["alternator"],
        "recycled",
        "B",
    )
    assert (first.price, first.currency, first.status) == (Decimal("89.50"), "USD", "active")
    assert first.location == catalog["lot"]  # by default the seller's first location by name
    assert first.donor_vehicle == catalog["vehicle"]
    assert (first.donor_make, first.donor_model, first.title) == (
        "HONDA",
        "accord",
        "Alternator - 2003 HONDA accord",
    )
    second = Listing.objects.get(seller_organisation=dismantler, seller_sku="A2")
    assert (second.status, second.location, second.part) == ("sold_out", catalog["yard"], None)
    assert list(first.part_numbers.values_list("number", "normalised")) == [
        ("31100 RAA A01", "31100RAAA01")
    ]


def test_reimporting_the_same_file_changes_nothing(dismantler, catalog):
    run_feed(dismantler, *GOOD)
    before = dict(Listing.objects.values_list("seller_sku", "updated_at"))

    job = run_feed(dismantler, *GOOD)

    assert counts(job) == (0, 0, 2, 0, 0)
    assert dict(Listing.objects.values_list("seller_sku", "updated_at")) == before
    assert ListingPartNumber.objects.count() == 1


def test_changed_row_updates_only_its_listing(dismantler, catalog):
    run_feed(dismantler, *GOOD)
    before = dict(Listing.objects.values_list("seller_sku", "updated_at"))

    job = run_feed(dismantler, GOOD[0], GOOD[1], "A2,starter,,reman,,125.00,3,Main Yard,,,")

    assert counts(job) == (0, 1, 1, 0, 0)
    changed = Listing.objects.get(seller_sku="A2")
    assert (changed.price, changed.quantity_on_hand, changed.status) == (
        Decimal("125.00"),
        3,
        "active",
    )
    assert changed.updated_at > before["A2"]
    assert Listing.objects.get(seller_sku="A1").updated_at == before["A1"]


def test_bad_row_writes_nothing_of_itself_and_every_good_row(dismantler, catalog):
    job = run_feed(
        dismantler,
        HEADER,
        "A1,alternator,31100-RAA-A01,used,A,12.345,1,,,,",
        "A2,alternator,,used,A,10,1,,,,",
        "A3,wiper,,used,Z,10,1,,,,",
    )

    assert counts(job) == (1, 0, 0, 2, 0)
    assert list(Listing.objects.values_list("seller_sku", flat=True)) == ["A2"]
    assert not ListingPartNumber.objects.filter(normalised="31100RAAA01").exists()
    report = list(job.rejections.values_list("line", "column", "reason", "value"))
    assert report == [
        (2, "price", "At most two decimal places.", "12.345"),
        (4, "part_type", "Is not a known part type code or name.", "wiper"),
        (4, "grade", "Is not a grade: use A, B or C.", "Z"),
    ]


def test_withdraw_missing_withdraws_only_listings_absent_from_the_file(dismantler, catalog):
    gone = ListingFactory(seller_organisation=dismantler, part_type=catalog["alternator"])
    ListingFactory(
        seller_organisation=dismantler, part_type=catalog["alternator"], status="withdrawn"
    )
    typo = ListingFactory(seller_organisation=dismantler, part_type=catalog["alternator"])
    others = ListingFactory(part_type=catalog["alternator"])

    job = run_feed(
        dismantler, *GOOD, f"{typo.seller_sku},alternator,,used,,oops,1,,,,", withdraw_missing=True
    )

    assert counts(job) == (2, 0, 0, 1, 1)
    statuses = dict(Listing.objects.values_list("pk", "status"))
    assert statuses[gone.pk] == ListingStatus.WITHDRAWN
    assert statuses[typo.pk] == ListingStatus.ACTIVE
    assert statuses[others.pk] == ListingStatus.ACTIVE


def test_feed_without_any_good_row_withdraws_nothing(dismantler, catalog):
    kept = ListingFactory(seller_organisation=dismantler, part_type=catalog["alternator"])

    job = run_feed(dismantler, HEADER, ",alternator,,used,,1,1,,,,", withdraw_missing=True)

    assert counts(job) == (0, 0, 0, 1, 0)
    assert Listing.objects.get(pk=kept.pk).status == ListingStatus.ACTIVE


def test_without_withdraw_missing_absent_listings_stay(dismantler, catalog):
    kept = ListingFactory(seller_organisation=dismantler, part_type=catalog["alternator"])

    job = run_feed(dismantler, *GOOD)

    assert job.withdrawn_count == 0
    assert Listing.objects.get(pk=kept.pk).status == ListingStatus.ACTIVE


def test_withdrawn_listing_that_reappears_is_active_again_and_counts_as_updated(
    dismantler, catalog
):
    run_feed(dismantler, *GOOD)
    Listing.objects.filter(seller_sku="A1").update(status=ListingStatus.WITHDRAWN)

    job = run_feed(dismantler, *GOOD)

    assert counts(job) == (0, 1, 1, 0, 0)
    assert Listing.objects.get(seller_sku="A1").status == ListingStatus.ACTIVE


def test_later_rows_of_a_sku_store_alternative_numbers(dismantler, catalog):
    lines = (
        "sku,part_type,oe_number,price",
        "A1,alternator,31100-RAA-A01,10",
        "A1,starter,31100-RAA-A03,999",
        "A1,,31100RAAA03,",
    )

    job = run_feed(dismantler, *lines)

    assert counts(job) == (1, 0, 0, 0, 0)
    listing = Listing.objects.get(seller_sku="A1")
    assert (listing.price, listing.part_type) == (Decimal("10.00"), catalog["alternator"])
    assert list(listing.part_numbers.values_list("normalised", flat=True)) == [
        "31100RAAA01", "31100RAAA03",
    ]  # fmt: skip
    assert counts(run_feed(dismantler, *lines)) == (0, 0, 1, 0, 0)


def test_a_dropped_alternative_number_is_removed_and_counts_as_an_update(dismantler, catalog):
    header, first = "sku,part_type,oe_number,price", "A1,alternator,31100-RAA-A01,10"
    run_feed(dismantler, header, first, "A1,,555-1,")
    before = Listing.objects.get(seller_sku="A1").updated_at

    job = run_feed(dismantler, header, first, "A1,,555-2,")

    assert counts(job) == (0, 1, 0, 0, 0)
    listing = Listing.objects.get(seller_sku="A1")
    assert sorted(listing.part_numbers.values_list("normalised", flat=True)) == [
        "31100RAAA01", "5552",
    ]  # fmt: skip
    assert listing.updated_at > before


def test_same_sku_of_another_seller_is_left_alone(dismantler, other_dismantler, catalog):
    theirs = ListingFactory(
        seller_organisation=other_dismantler, seller_sku="A1", part_type=catalog["starter"]
    )

    run_feed(dismantler, *GOOD)

    theirs.refresh_from_db()
    assert (theirs.price, theirs.part_type) == (Decimal("89.00"), catalog["starter"])
    assert Listing.objects.filter(seller_sku="A1").count() == 2


def test_draft_listing_named_by_the_feed_is_published(dismantler, catalog):
    draft = ListingFactory(
        seller_organisation=dismantler,
        seller_sku="A1",
        status="draft",
        part_type=catalog["starter"],
    )

    job = run_feed(dismantler, *GOOD)

    assert counts(job) == (1, 1, 0, 0, 0)
    draft.refresh_from_db()
    assert (draft.status, draft.part_type) == ("active", catalog["alternator"])


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"", "empty_file"),
        (b"sku,part_type,price\n", "empty_file"),
        (b"title,price\nx,1\n", "missing_headers"),
        ("sku,part_type,price\nA1,Phare é,1\n".encode("cp1252"), "encoding"),
    ],
)
def test_unreadable_file_fails_the_job_and_writes_nothing(dismantler, catalog, raw, code):
    job = feed_import_create(
        organisation=dismantler,
        uploaded_by=None,
        file=ContentFile(raw, name="feed.csv"),
        withdraw_missing=True,
        start_task=False,
    )
    ListingFactory(seller_organisation=dismantler, part_type=catalog["alternator"])

    job = feed_import_run(feed_import_id=job.id)

    assert (job.status, job.error_code) == (FeedImportStatus.FAILED, code)
    assert job.error_message
    assert job.finished_at is not None
    assert not Listing.objects.exclude(status="active").exists()


def test_running_a_finished_job_again_returns_it_unchanged(dismantler, catalog):
    job = run_feed(dismantler, *GOOD[:1], "A1,alternator,,used,,bad,1,,,,")
    finished_at = job.finished_at

    again = feed_import_run(feed_import_id=job.id)

    assert (again.status, again.finished_at, counts(again)) == ("done", finished_at, counts(job))
    assert FeedRejection.objects.filter(feed_import=job).count() == 1


def test_a_job_another_worker_is_running_is_left_to_it(dismantler, catalog):
    job = feed_import_create(
        organisation=dismantler, uploaded_by=None, file=csv_file(*GOOD), withdraw_missing=False,
        start_task=False,
    )  # fmt: skip
    FeedImport.objects.filter(pk=job.pk).update(status="running", started_at=timezone.now())

    result = feed_import_run(feed_import_id=job.id)

    assert result.status == FeedImportStatus.RUNNING
    assert not Listing.objects.exists()


def test_a_job_whose_worker_died_is_taken_over(dismantler, catalog):
    job = feed_import_create(
        organisation=dismantler, uploaded_by=None, file=csv_file(*GOOD), withdraw_missing=False,
        start_task=False,
    )  # fmt: skip
    long_ago = timezone.now() - RUNNING_JOB_STALE_AFTER - timedelta(minutes=1)
    FeedImport.objects.filter(pk=job.pk).update(status="running", started_at=long_ago)

    result = feed_import_run(feed_import_id=job.id)

    assert (result.status, result.created_count) == (FeedImportStatus.DONE, 2)


def test_feed_import_create_starts_the_task_on_commit(
    dismantler, catalog, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        job = feed_import_create(
            organisation=dismantler, uploaded_by=None, file=csv_file(*GOOD), withdraw_missing=False
        )

    assert len(callbacks) == 1
    assert (job.status, job.original_name) == (FeedImportStatus.QUEUED, "inventory.csv")


def test_feed_import_create_refuses_a_seller_not_approved(catalog):
    pending = OrganisationFactory(kind="dismantler", status="pending")

    with pytest.raises(NotPermitted):
        run_feed(pending, *GOOD)


def test_feed_import_create_refuses_a_file_over_the_limit(dismantler, settings):
    settings.FEED_MAX_BYTES = 10

    with pytest.raises(DomainError) as refused:
        run_feed(dismantler, *GOOD)

    assert refused.value.code == "file_too_large"


def test_import_feed_command_prints_counts_and_rejections(dismantler, catalog, tmp_path, capsys):
    path = tmp_path / "yard.csv"
    path.write_text("\n".join([*GOOD, "A3,alternator,,used,,x,1,,,,"]) + "\n")

    call_command("import_feed", str(path), organisation=dismantler.slug, verbosity=0)

    out = capsys.readouterr().out
    assert "2 created, 0 updated, 0 unchanged, 1 rejected, 0 withdrawn" in out
    assert "line 4 [price]: Is not an amount such as 12.50. (given: 'x')" in out


@pytest.mark.django_db(transaction=True)
def test_two_workers_running_one_job_import_it_once(dismantler, catalog):
    job = feed_import_create(
        organisation=dismantler, uploaded_by=None, file=csv_file(*GOOD), withdraw_missing=False,
        start_task=False,
    )  # fmt: skip
    results, barrier = [], threading.Barrier(2)

    def worker():
        barrier.wait()
        try:
            results.append(feed_import_run(feed_import_id=job.id).status)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    job.refresh_from_db()
    assert (job.status, job.created_count) == (FeedImportStatus.DONE, 2)
    assert sorted(results) in (["done", "running"], ["done", "done"], ["done", "queued"])
    assert Listing.objects.count() == 2


SQLITE_SCRIPT = """
import django
django.setup()
from django.core.files.base import ContentFile
from django.core.management import call_command
call_command("migrate", verbosity=0)
from catalog.feeds.services import feed_import_create, feed_import_run
from catalog.models import Listing
from tests.catalog.factories import LocationFactory, PartFactory, PartTypeFactory
from tests.marketplace.factories import OrganisationFactory
seller = OrganisationFactory()
LocationFactory(organisation=seller, name="Main yard")
PartFactory(oe_number="31100-RAA-A01", part_type=PartTypeFactory())
feed = (
    "sku,part_type,oe_number,price,quantity\\n"
    "A1,alternator,31100-RAA-A01,10.50,1\\nA1,,555-1,,\\nA2,alternator,,5,0\\nA3,alternator,,x,1\\n"
)
def run(text, withdraw=False):
    job = feed_import_create(organisation=seller, uploaded_by=None, withdraw_missing=withdraw,
                             file=ContentFile(text.encode(), name="f.csv"), start_task=False)
    job = feed_import_run(feed_import_id=job.id)
    print(job.status, job.created_count, job.updated_count, job.unchanged_count,
          job.rejected_count, job.withdrawn_count)
run(feed)
run(feed)
run(feed.replace("10.50", "11.00").replace("555-1", "555-2"), withdraw=True)
print(sorted(Listing.objects.values_list("seller_sku", "price", "status")))
numbers = Listing.objects.get(seller_sku="A1").part_numbers
print(sorted(numbers.values_list("normalised", flat=True)))
"""


def test_the_same_import_runs_on_sqlite_the_embedded_default(tmp_path):
    """The writer's SQL is shared with SQLite; only the staging load differs. This runs the
    service in a child process configured for SQLite, as `make run` is."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SECRET_KEY": "sqlite-test",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
        "DJANGO_SETTINGS_MODULE": "marketplace.settings",
    }
    env.pop("CELERY_BROKER_URL", None)
    root = Path(__file__).resolve().parents[2]

    done = subprocess.run(
        [sys.executable, "-c", SQLITE_SCRIPT], env=env, cwd=root, capture_output=True, text=True
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "done 2 0 0 1 0",
        "done 0 0 2 1 0",
        "done 0 1 1 1 0",
        "[('A1', Decimal('11.00'), 'active'), ('A2', Decimal('5.00'), 'sold_out')]",
        "['31100RAAA01', '5552']",
    ]


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_job_started_on_commit(dismantler, catalog, settings):
    """The path the API takes: the job commits, the task goes through Redis, a worker runs it."""
    if not settings.CELERY_BROKER_URL:
        pytest.skip("needs a broker at CELERY_BROKER_URL (`make test` sets one)")
    from celery.contrib.testing.worker import start_worker

    from marketplace.celery import app

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        job = feed_import_create(
            organisation=dismantler, uploaded_by=None, file=csv_file(*GOOD), withdraw_missing=False
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.status in (FeedImportStatus.DONE, FeedImportStatus.FAILED):
                break
            time.sleep(0.1)

    assert (job.status, job.created_count) == (FeedImportStatus.DONE, 2)


def test_a_feed_marks_bulky_parts_freight_only_and_an_absent_size_is_medium(dismantler, catalog):
    run_feed(dismantler, "sku,part_type,price,size", "E1,alternator,1850,freight", "E2,starter,9,")

    sizes = dict(Listing.objects.values_list("seller_sku", "size_class"))
    assert sizes == {"E1": "freight", "E2": "medium"}
