"""A dismantler uploads an inventory feed and follows its import, in a real browser."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from catalog.feeds.progress import feed_progress_record
from catalog.feeds.services import feed_import_run
from catalog.models import FeedImport, FeedImportStatus, Listing
from tests.catalog.factories import LocationFactory, PartTypeFactory
from tests.marketplace.factories import MembershipFactory, OrganisationFactory, UserFactory

FEED = (
    b"sku,part_type,price,quantity,grade\n"
    b"Y-1,Alternator,89.00,1,A\n"
    b"Y-2,Alternator,ten,1,A\n"
    b"Y-3,Flux capacitor,10,1,A\n"
    b"Y-4,Alternator,120.00,2,B\n"
)


@pytest.fixture
def yard_owner(transactional_db):
    yard = OrganisationFactory(kind="dismantler", name="North Yard")
    LocationFactory(organisation=yard, name="Main yard")
    PartTypeFactory()
    return MembershipFactory(organisation=yard, user=UserFactory(username="yard-sam")).user


@pytest.fixture
def private_cache(settings):
    """A cache of this process only: the test Redis is shared with other test runs, which clear
    it between their tests and would wipe the rows checked that the page shows."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "feed-upload-e2e",
        }
    }


def sign_in(page, site, username: str, next_path: str) -> None:
    page.goto(f"{site}/accounts/login/?next={next_path}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "correct horse battery")
    page.click("button[type=submit]")


@pytest.mark.usefixtures("private_cache")
def test_a_dismantler_follows_the_import_and_reads_the_rejected_rows(
    page, site, yard_owner, settings
):
    sign_in(page, site, yard_owner.username, "/inventory/feeds/")
    page.set_input_files(
        "input[name=file]", files=[{"name": "yard.csv", "mimeType": "text/csv", "buffer": FEED}]
    )
    page.click("form.feed-upload button[type=submit]")
    job = FeedImport.objects.get()
    page.wait_for_url(f"{site}/inventory/feeds/{job.pk}/")

    if not settings.CELERY_TASK_ALWAYS_EAGER:  # queued for a worker: follow it as it runs
        expect(page.locator("[data-feed=status]")).to_have_text("Queued")
        # A worker has read the file and checked two of its rows, then stopped responding...
        FeedImport.objects.filter(pk=job.pk).update(
            status=FeedImportStatus.RUNNING, rows_total=4,
            started_at=timezone.now() - timedelta(hours=1),
        )  # fmt: skip
        feed_progress_record(feed_import_id=job.pk, rows_checked=2)
        expect(page.locator("[data-feed=status]")).to_have_text("Running")
        expect(page.locator("[data-feed=checked]")).to_have_text("2")
        expect(page.locator("[data-feed=total]")).to_have_text("4")
        # ...and another takes the job over and finishes it.
        feed_import_run(feed_import_id=job.pk)

    rejected = page.locator("table.rejected-rows tbody tr")
    expect(rejected).to_have_count(2, timeout=15_000)
    expect(page.locator("[data-feed=status]")).to_have_text("Done")
    expect(rejected.nth(0)).to_contain_text("3")
    expect(rejected.nth(0)).to_contain_text("Is not an amount such as 12.50.")
    expect(rejected.nth(1)).to_contain_text("4")
    expect(rejected.nth(1)).to_contain_text("Flux capacitor")
    expect(page.locator("[data-count=created]")).to_have_text("2")
    expect(page.get_by_role("link", name="Download the rejected rows (CSV)")).to_be_visible()

    page.get_by_role("link", name="See your inventory").click()
    rows = page.locator("table.inventory tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("table.inventory")).to_contain_text("SKU Y-1")
    expect(page.locator("table.inventory")).to_contain_text("SKU Y-4")
    assert sorted(Listing.objects.values_list("seller_sku", flat=True)) == ["Y-1", "Y-4"]
