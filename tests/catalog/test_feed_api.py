"""The feed API: upload, poll, report; scoped to the caller's organisations."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import FeedImport, FeedImportStatus, Listing
from tests.catalog.factories import LocationFactory, PartTypeFactory
from tests.conftest import client_for
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
def tasks_run_eagerly(settings):
    """`make test` points Celery at Redis; here the task runs in-process when the job commits
    (Celery reads its configuration from Django's settings as they are at the time)."""
    settings.CELERY_TASK_ALWAYS_EAGER = True


def upload(client, content: bytes = FEED, **fields):
    feed = SimpleUploadedFile("yard.csv", content, content_type="text/csv")
    return client.post("/api/v1/feeds/", {"file": feed, **fields}, format="multipart")


def uploaded_and_run(client, django_capture_on_commit_callbacks, content: bytes = FEED, **fields):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, content, **fields)
    assert response.status_code == 202, response.content
    return client.get(f"/api/v1/feeds/{response.json()['id']}/").json()


def test_upload_answers_202_with_a_queued_job(dismantler, dismantler_owner):
    response = upload(client_for(dismantler_owner))

    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["status"], body["organisation"], body["original_name"]) == (
        "queued",
        dismantler.slug,
        "yard.csv",
    )


@pytest.mark.usefixtures("tasks_run_eagerly")
def test_polled_job_reports_counts_and_every_rejected_row(
    dismantler_owner, django_capture_on_commit_callbacks
):
    client = client_for(dismantler_owner)

    job = uploaded_and_run(client, django_capture_on_commit_callbacks)
    report = client.get(f"/api/v1/feeds/{job['id']}/rejections/")

    assert job["status"] == "done"
    assert (job["rows_total"], job["created_count"], job["rejected_count"]) == (3, 1, 2)
    assert report.status_code == 200
    assert [(r["line"], r["column"], r["value"]) for r in report.json()["results"]] == [
        (3, "price", "ten"), (4, "part_type", "Flux capacitor"),
    ]  # fmt: skip
    assert report.json()["results"][0]["reason"] == "Is not an amount such as 12.50."
    assert list(Listing.objects.values_list("seller_sku", flat=True)) == ["Y-1"]


@pytest.mark.usefixtures("tasks_run_eagerly")
@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "empty_file"),
        (b"AssetID,PartName,Price\n", "empty_file"),
        (b"AssetID,Colour\nY-1,red\n", "missing_headers"),
        ("AssetID,PartName,Price\nY-1,Démarreur,1\n".encode("latin-1"), "encoding"),
    ],
)
def test_unreadable_files_fail_the_job_with_a_clear_error(
    dismantler_owner, django_capture_on_commit_callbacks, content, code
):
    job = uploaded_and_run(
        client_for(dismantler_owner), django_capture_on_commit_callbacks, content
    )

    assert (job["status"], job["error_code"]) == ("failed", code)
    assert job["error_message"]


def test_seller_and_counts_in_the_upload_are_ignored(
    dismantler, dismantler_owner, other_dismantler
):
    response = upload(
        client_for(dismantler_owner),
        seller=other_dismantler.slug,
        seller_organisation=other_dismantler.pk,
        status="done",
        created_count=99,
        withdraw_missing="true",
    )

    job = FeedImport.objects.get(pk=response.json()["id"])
    assert (job.seller_organisation, job.status, job.created_count, job.withdraw_missing) == (
        dismantler,
        FeedImportStatus.QUEUED,
        0,
        True,
    )


def test_upload_without_a_file_is_a_400_naming_the_field(dismantler_owner):
    response = client_for(dismantler_owner).post("/api/v1/feeds/", {}, format="multipart")

    assert response.status_code == 400
    assert response.json()["error"]["fields"].keys() == {"file"}


def test_upload_over_the_size_limit_is_refused(dismantler_owner, settings):
    settings.FEED_MAX_BYTES = 16

    response = upload(client_for(dismantler_owner))

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "file_too_large"
    assert not FeedImport.objects.exists()


def test_pending_organisation_may_not_upload(db):
    pending = OrganisationFactory(kind="dismantler", status="pending")
    owner = MembershipFactory(organisation=pending).user

    response = upload(client_for(owner))

    assert response.status_code == 403
    assert "approved dismantler or remanufacturer" in response.json()["error"]["message"]


@pytest.mark.parametrize("kind", ["garage", "outlet"])
def test_organisations_that_do_not_sell_may_not_upload(kind):
    owner = MembershipFactory(organisation=OrganisationFactory(kind=kind)).user

    assert upload(client_for(owner)).status_code == 403


def test_individual_may_not_upload_feeds(individual):
    assert upload(client_for(individual)).status_code == 403


def test_anonymous_caller_gets_401(api_client):
    assert upload(api_client).status_code == 401
    assert api_client.get("/api/v1/feeds/").status_code == 401


@pytest.mark.usefixtures("tasks_run_eagerly")
def test_another_organisations_feed_is_a_404(
    dismantler_owner, other_dismantler_owner, django_capture_on_commit_callbacks
):
    job = uploaded_and_run(client_for(dismantler_owner), django_capture_on_commit_callbacks)
    intruder = client_for(other_dismantler_owner)

    assert intruder.get(f"/api/v1/feeds/{job['id']}/").status_code == 404
    assert intruder.get(f"/api/v1/feeds/{job['id']}/rejections/").status_code == 404
    assert intruder.get("/api/v1/feeds/").json()["count"] == 0


def test_list_filters_by_status(dismantler, dismantler_owner):
    FeedImport.objects.create(seller_organisation=dismantler, file="feeds/a.csv", status="done")
    FeedImport.objects.create(seller_organisation=dismantler, file="feeds/b.csv", status="failed")

    response = client_for(dismantler_owner).get("/api/v1/feeds/", {"status": "failed"})

    assert [job["status"] for job in response.json()["results"]] == ["failed"]


def test_list_query_count_does_not_grow_with_jobs(
    dismantler, dismantler_owner, django_assert_max_num_queries
):
    client = client_for(dismantler_owner)
    FeedImport.objects.create(seller_organisation=dismantler, file="feeds/a.csv")
    with django_assert_max_num_queries(5):
        client.get("/api/v1/feeds/")
    for index in range(20):
        FeedImport.objects.create(seller_organisation=dismantler, file=f"feeds/{index}.csv")
    with django_assert_max_num_queries(5):
        response = client.get("/api/v1/feeds/")
    assert response.json()["count"] == 21


def test_rejection_report_query_count_does_not_grow_with_rows(
    dismantler, dismantler_owner, django_assert_max_num_queries
):
    client = client_for(dismantler_owner)
    job = FeedImport.objects.create(seller_organisation=dismantler, file="feeds/a.csv")
    job.rejections.create(line=2, column="price", reason="Is required.")
    with django_assert_max_num_queries(6):
        client.get(f"/api/v1/feeds/{job.pk}/rejections/")
    for line in range(3, 60):
        job.rejections.create(line=line, column="price", reason="Is required.")
    with django_assert_max_num_queries(6):
        response = client.get(f"/api/v1/feeds/{job.pk}/rejections/", {"page_size": 100})
    assert response.json()["count"] == 58


def test_schema_describes_the_upload_as_multipart(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()

    upload_operation = schema["paths"]["/api/v1/feeds/"]["post"]
    assert "multipart/form-data" in upload_operation["requestBody"]["content"]
    assert "202" in upload_operation["responses"]
