import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalog.models import Listing, ListingStatus
from marketplace.models import OrganisationStatus
from tests.catalog.factories import (
    ListingFactory,
    LocationFactory,
    PartFactory,
    PartTypeFactory,
    VehicleFactory,
)
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

INVENTORY = "/api/v1/inventory/listings/"


def listing_payload(**overrides):
    payload = {
        "seller_sku": "ALT-001",
        "part_type": PartTypeFactory().code,
        "condition": "recycled",
        "grade": "B",
        "price": "79.50",
        "quantity_on_hand": 2,
        "donor_year": 2003,
        "donor_make": "honda",
        "donor_model": "accord",
        "donor_mileage": 121000,
    }
    return {**payload, **overrides}


def png_bytes(size=(8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, format="PNG")
    return buffer.getvalue()


def test_seller_creates_draft_listing_linked_to_donor_vehicle(dismantler, dismantler_owner):
    vehicle = VehicleFactory()

    response = client_for(dismantler_owner).post(INVENTORY, listing_payload(), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft"
    assert body["seller"] == {
        "kind": "dismantler",
        "name": dismantler.name,
        "slug": dismantler.slug,
    }
    assert body["title"] == "Alternator - 2003 honda accord"
    assert body["donor"]["vehicle_id"] == vehicle.id
    assert Listing.objects.get().seller_organisation == dismantler


def test_publishing_requires_an_approved_seller(dismantler, dismantler_owner):
    dismantler.status = OrganisationStatus.PENDING
    dismantler.save()

    response = client_for(dismantler_owner).post(
        INVENTORY, listing_payload(publish=True), format="json"
    )

    assert response.status_code == 403
    assert not Listing.objects.exists()


def test_individual_sells_own_parts_c2c(individual):
    response = client_for(individual).post(
        INVENTORY, listing_payload(publish=True, grade="", condition="aftermarket"), format="json"
    )

    assert response.status_code == 201, response.content
    assert response.json()["seller"]["kind"] == "individual"
    assert response.json()["status"] == "active"


def test_garage_cannot_list_parts(db):
    from tests.marketplace.factories import MembershipFactory, OrganisationFactory

    garage_user = MembershipFactory(organisation=OrganisationFactory(kind="garage")).user

    response = client_for(garage_user).post(INVENTORY, listing_payload(), format="json")

    assert response.status_code == 403


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"grade": "A", "condition": "new_oem"}, "grade"),
        ({"core_charge": "50.00", "condition": "recycled"}, "core_charge"),
        ({"quantity_on_hand": -1}, "quantity_on_hand"),
        ({"price": "-1"}, "price"),
        ({"price": "abc"}, "price"),
        ({"condition": "broken"}, "condition"),
        ({"part_type": "no-such-type"}, "part_type"),
        ({"donor_vin": "1HGCM82633A00435"}, "donor_vin"),
        ({"seller_sku": ""}, "seller_sku"),
    ],
)
def test_bad_listing_input_is_a_400_naming_the_field(dismantler_owner, overrides, field):
    response = client_for(dismantler_owner).post(
        INVENTORY, listing_payload(**overrides), format="json"
    )

    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert not Listing.objects.exists()


def test_mass_assignment_of_seller_and_status_is_ignored(
    dismantler, dismantler_owner, other_dismantler
):
    response = client_for(dismantler_owner).post(
        INVENTORY,
        listing_payload(
            seller_organisation=other_dismantler.id,
            seller=other_dismantler.id,
            status="active",
            id=999,
        ),
        format="json",
    )

    assert response.status_code == 201, response.content
    listing = Listing.objects.get()
    assert listing.seller_organisation == dismantler
    assert listing.status == ListingStatus.DRAFT
    assert listing.id != 999


def test_duplicate_sku_for_the_same_seller_is_a_conflict(dismantler_owner):
    client = client_for(dismantler_owner)
    client.post(INVENTORY, listing_payload(), format="json")

    response = client.post(INVENTORY, listing_payload(), format="json")

    assert response.status_code == 409
    assert "seller_sku" in response.json()["error"]["fields"]


def test_other_organisation_cannot_see_or_change_drafts(
    dismantler, other_dismantler_owner, dismantler_owner
):
    draft = ListingFactory(seller_organisation=dismantler, status=ListingStatus.DRAFT)
    intruder = client_for(other_dismantler_owner)

    assert intruder.get(f"{INVENTORY}{draft.id}/").status_code == 404
    assert intruder.patch(f"{INVENTORY}{draft.id}/", {"price": "1.00"}).status_code == 404
    assert intruder.post(f"{INVENTORY}{draft.id}/status/", {"status": "active"}).status_code == 404
    assert intruder.get(f"/api/v1/listings/{draft.id}/").status_code == 404
    assert intruder.get(INVENTORY).json()["count"] == 0
    draft.refresh_from_db()
    assert draft.price == Decimal("89.00")
    assert draft.status == ListingStatus.DRAFT


def test_quantity_below_zero_through_patch_is_refused(dismantler, dismantler_owner):
    listing = ListingFactory(seller_organisation=dismantler)

    response = client_for(dismantler_owner).patch(
        f"{INVENTORY}{listing.id}/", {"quantity_on_hand": -3}, format="json"
    )

    assert response.status_code == 400
    listing.refresh_from_db()
    assert listing.quantity_on_hand == 1


def test_the_days_to_return_a_core_are_set_within_a_year(dismantler, dismantler_owner):
    listing = ListingFactory(seller_organisation=dismantler)
    client = client_for(dismantler_owner)

    set_ = client.patch(f"{INVENTORY}{listing.id}/", {"core_return_days": 60}, format="json")
    too_long = client.patch(f"{INVENTORY}{listing.id}/", {"core_return_days": 400}, format="json")

    assert set_.json()["core_return_days"] == 60
    assert too_long.status_code == 400
    assert "core_return_days" in too_long.json()["error"]["fields"]
    listing.refresh_from_db()
    assert listing.core_return_days == 60


def test_selling_out_and_restocking_follows_stock(dismantler, dismantler_owner):
    listing = ListingFactory(seller_organisation=dismantler)
    client = client_for(dismantler_owner)

    sold_out = client.patch(f"{INVENTORY}{listing.id}/", {"quantity_on_hand": 0}, format="json")
    restocked = client.patch(f"{INVENTORY}{listing.id}/", {"quantity_on_hand": 4}, format="json")

    assert sold_out.json()["status"] == "sold_out"
    assert restocked.json()["status"] == "active"


def test_status_transitions_follow_the_table(dismantler, dismantler_owner):
    listing = ListingFactory(seller_organisation=dismantler, status=ListingStatus.DRAFT)
    client = client_for(dismantler_owner)

    to_sold_out = client.post(f"{INVENTORY}{listing.id}/status/", {"status": "sold_out"})
    published = client.post(f"{INVENTORY}{listing.id}/status/", {"status": "active"})
    withdrawn = client.post(f"{INVENTORY}{listing.id}/status/", {"status": "withdrawn"})

    assert to_sold_out.status_code == 409
    assert to_sold_out.json()["error"]["code"] == "transition_not_allowed"
    assert published.json()["status"] == "active"
    assert withdrawn.json()["status"] == "withdrawn"


def test_location_of_another_seller_cannot_be_used(dismantler_owner, other_dismantler):
    foreign = LocationFactory(organisation=other_dismantler)

    response = client_for(dismantler_owner).post(
        INVENTORY, listing_payload(location=foreign.id), format="json"
    )

    assert response.status_code == 400
    assert "location" in response.json()["error"]["fields"]


def test_listing_with_catalogued_part_takes_its_type_and_number(dismantler_owner):
    part = PartFactory(oe_number="5K0 959 704 C")

    payload = listing_payload(part=part.id)
    del payload["part_type"]
    response = client_for(dismantler_owner).post(INVENTORY, payload, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["part_type"]["code"] == part.part_type.code
    assert response.json()["part_numbers"] == ["5K0 959 704 C"]
    found = client_for(dismantler_owner).get("/api/v1/listings/?part_number=5k0959704c")
    assert found.json()["count"] == 0  # a draft is not public
    assert (
        client_for(dismantler_owner).get(f"{INVENTORY}?part_number=5k0-959-704c").json()["count"]
        == 1
    )


def test_photo_upload_accepts_images_and_refuses_other_files(dismantler, dismantler_owner):
    listing = ListingFactory(seller_organisation=dismantler)
    client = client_for(dismantler_owner)
    url = f"{INVENTORY}{listing.id}/photos/"

    good = client.post(url, {"image": SimpleUploadedFile("a.png", png_bytes())}, format="multipart")
    bad = client.post(
        url, {"image": SimpleUploadedFile("a.png", b"not an image")}, format="multipart"
    )

    assert good.status_code == 201, good.content
    assert good.json()["width"] == 8
    assert bad.status_code == 400
    assert "image" in bad.json()["error"]["fields"]
    assert listing.photos.count() == 1


def test_photo_over_the_size_limit_is_refused(settings, dismantler, dismantler_owner):
    settings.LISTING_PHOTO_MAX_BYTES = 100
    listing = ListingFactory(seller_organisation=dismantler)

    response = client_for(dismantler_owner).post(
        f"{INVENTORY}{listing.id}/photos/",
        {"image": SimpleUploadedFile("big.png", png_bytes((200, 200)))},
        format="multipart",
    )

    assert response.status_code == 400
    assert "image" in response.json()["error"]["fields"]


def test_public_listing_list_filters_and_hides_drafts(dismantler, api_client):
    ListingFactory(seller_organisation=dismantler, condition="remanufactured", grade="")
    ListingFactory(seller_organisation=dismantler, grade="C")
    ListingFactory(seller_organisation=dismantler, status=ListingStatus.DRAFT)

    everything = api_client.get("/api/v1/listings/").json()
    reman = api_client.get("/api/v1/listings/?condition=remanufactured").json()
    grade_c = api_client.get("/api/v1/listings/?grade=C").json()

    assert everything["count"] == 2
    assert reman["count"] == 1
    assert grade_c["count"] == 1


@pytest.mark.parametrize("url", ["/api/v1/listings/", INVENTORY])
def test_listing_lists_run_constant_queries(
    url, dismantler, dismantler_owner, django_assert_max_num_queries
):
    client = client_for(dismantler_owner)
    ListingFactory.create_batch(2, seller_organisation=dismantler)
    with django_assert_max_num_queries(8):
        client.get(url)
    ListingFactory.create_batch(30, seller_organisation=dismantler)
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert response.json()["count"] == 32


def test_location_list_runs_constant_queries(
    dismantler, dismantler_owner, django_assert_max_num_queries
):
    client = client_for(dismantler_owner)
    LocationFactory.create_batch(2, organisation=dismantler)
    with django_assert_max_num_queries(6):
        client.get("/api/v1/locations/")
    LocationFactory.create_batch(20, organisation=dismantler)
    with django_assert_max_num_queries(6):
        assert client.get("/api/v1/locations/").json()["count"] == 22
