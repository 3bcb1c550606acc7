"""The seller's inventory pages: the list with its filters and quick edits, and the listing form
with its photos."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.test import Client
from PIL import Image

from catalog.forms import ListingForm
from catalog.models import (
    Condition,
    Listing,
    ListingPartNumber,
    ListingPhoto,
    ListingStatus,
    PassportEvent,
)
from catalog.services import Seller, listing_update
from marketplace.errors import Conflict
from tests.catalog.factories import (
    ListingFactory,
    LocationFactory,
    PartFactory,
    PartTypeFactory,
)
from tests.marketplace.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def png(name: str = "front.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 12), "navy").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def seller(dismantler_owner):
    return signed_in(dismantler_owner)


@pytest.fixture
def alternator(dismantler):
    return ListingFactory(
        seller_organisation=dismantler, seller_sku="ALT-1", title="Alternator, 2004 Accord",
        price=Decimal("89.00"), quantity_on_hand=3,
    )  # fmt: skip


def quick_edit(client, listing, *, price, quantity, shown=None, back=""):
    """Post a row's quick edit as the page sends it: the values typed and the ones shown."""
    shown_price, shown_quantity = shown or (listing.price, listing.quantity_on_hand)
    return client.post(
        f"/inventory/{listing.pk}/quick-edit/",
        {
            "price": price, "quantity_on_hand": quantity, "initial-price": shown_price,
            "initial-quantity_on_hand": shown_quantity, "back": back,
        },
    )  # fmt: skip


# The list


def test_inventory_lists_every_status_of_the_sellers_own_listings_only(
    seller, dismantler, other_dismantler, alternator
):
    ListingFactory(seller_organisation=dismantler, title="Draft starter", status="draft")
    ListingFactory(seller_organisation=other_dismantler, title="Someone else's door")

    page = seller.get("/inventory/")

    assert page.status_code == 200
    titles = [row.listing.title for row in page.context["rows"]]
    assert sorted(titles) == ["Alternator, 2004 Accord", "Draft starter"]
    assert "Someone else&#x27;s door" not in page.content.decode()


def test_inventory_filters_by_text_part_number_status_condition_and_part_type(
    seller, dismantler, alternator
):
    starter_type = PartTypeFactory(code="starter", name="Starter motor")
    starter = ListingFactory(
        seller_organisation=dismantler, part_type=starter_type, title="Starter",
        condition=Condition.REMANUFACTURED, grade="", status=ListingStatus.WITHDRAWN,
    )  # fmt: skip
    ListingPartNumber.objects.create(listing=starter, number="31200-PNA-004")

    def shown(query: str) -> list[str]:
        return [row.listing.title for row in seller.get(f"/inventory/?{query}").context["rows"]]

    assert shown("q=accord") == ["Alternator, 2004 Accord"]
    assert shown("q=31200pna") == ["Starter"]
    assert shown("q=alt-") == ["Alternator, 2004 Accord"]
    assert shown("status=withdrawn") == ["Starter"]
    assert shown("condition=recycled") == ["Alternator, 2004 Accord"]
    assert shown("part_type=starter") == ["Starter"]


def test_inventory_sorts_by_price_and_tells_a_bad_filter_by_its_field(
    seller, dismantler, alternator
):
    ListingFactory(seller_organisation=dismantler, title="Cheap", price=Decimal("5.00"))

    by_price = seller.get("/inventory/?sort=price")
    bad = seller.get("/inventory/?status=lost")

    assert [row.listing.title for row in by_price.context["rows"]][0] == "Cheap"
    assert bad.status_code == 400
    assert "status" in bad.context["filters"].errors
    assert len(bad.context["rows"]) == 2  # the valid filters still apply


def test_inventory_shows_fifty_listings_a_page_and_keeps_the_filters_in_page_links(
    seller, dismantler
):
    ListingFactory.create_batch(51, seller_organisation=dismantler, status="draft")

    first = seller.get("/inventory/?status=draft")
    second = seller.get(first.context["next_url"])

    assert len(first.context["rows"]) == 50
    assert first.context["next_url"] == "/inventory/?status=draft&page=2"
    assert len(second.context["rows"]) == 1


def test_inventory_page_queries_do_not_grow_with_its_rows(
    seller, dismantler, django_assert_max_num_queries
):
    def add_listings(count: int) -> None:
        for listing in ListingFactory.create_batch(count, seller_organisation=dismantler):
            ListingPhoto.objects.create(listing=listing, image=png())
            ListingPartNumber.objects.create(listing=listing, number=f"N-{listing.pk}")

    add_listings(2)
    with django_assert_max_num_queries(12) as few:
        seller.get("/inventory/")
    add_listings(8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = seller.get("/inventory/")

    assert len(page.context["rows"]) == 10
    assert page.content.decode().count("<img") == 10


def test_inventory_refuses_a_user_who_acts_for_a_garage_and_asks_visitors_to_sign_in(client):
    garage = OrganisationFactory(kind="garage")
    mechanic = MembershipFactory(organisation=garage).user

    assert signed_in(mechanic).get("/inventory/").status_code == 403
    assert client.get("/inventory/").status_code == 302


# Quick edits


def test_quick_edit_saves_price_and_quantity_and_returns_to_the_filtered_page(seller, alternator):
    response = quick_edit(
        seller, alternator, price="95.50", quantity="5", back="status=active&page=1&evil=x"
    )

    assert response.status_code == 302
    assert response.url == "/inventory/?status=active&page=1"
    alternator.refresh_from_db()
    assert (alternator.price, alternator.quantity_on_hand) == (Decimal("95.50"), 5)


@pytest.mark.parametrize(
    ("typed", "field", "reason"),
    [
        (("-1", "3"), "price", "An amount cannot be negative."),
        (("ten", "3"), "price", "Give an amount such as 12.50."),
        (("9.999", "3"), "price", "Give at most two decimals (cents)."),
        (("89.00", "three"), "quantity_on_hand", "Give a whole number such as 3."),
        (("89.00", "-2"), "quantity_on_hand", "This cannot be below 0."),
    ],
)
def test_quick_edit_with_bad_input_tells_why_on_that_row_and_saves_nothing(
    seller, dismantler, alternator, typed, field, reason
):
    other = ListingFactory(seller_organisation=dismantler, title="Another row")

    price, quantity = typed
    response = quick_edit(seller, alternator, price=price, quantity=quantity, back="sort=price")

    assert response.status_code == 400
    rows = {row.listing.pk: row.form for row in response.context["rows"]}
    assert rows[alternator.pk].errors[field] == [reason]
    assert not rows[other.pk].is_bound
    html = response.content.decode()
    assert html.index(reason) > html.index(f'id="id_{field}_{alternator.pk}"')
    assert 'name="back" value="sort=price"' in html
    alternator.refresh_from_db()
    assert (alternator.price, alternator.quantity_on_hand) == (Decimal("89.00"), 3)


def test_quick_edit_of_the_price_leaves_a_quantity_sold_meanwhile_as_it_is(seller, alternator):
    shown = (alternator.price, alternator.quantity_on_hand)
    Listing.objects.filter(pk=alternator.pk).update(quantity_on_hand=F("quantity_on_hand") - 1)

    quick_edit(seller, alternator, price="99.00", quantity="3", shown=shown)

    alternator.refresh_from_db()
    assert (alternator.price, alternator.quantity_on_hand) == (Decimal("99.00"), 2)


def test_quick_edit_of_a_quantity_changed_meanwhile_is_refused_showing_the_new_value(
    seller, alternator
):
    shown = (alternator.price, alternator.quantity_on_hand)
    Listing.objects.filter(pk=alternator.pk).update(quantity_on_hand=1)

    refused = quick_edit(seller, alternator, price="89.00", quantity="7", shown=shown)
    form = next(row.form for row in refused.context["rows"] if row.listing.pk == alternator.pk)
    again = quick_edit(seller, alternator, price="89.00", quantity="7", shown=("89.00", 1))

    assert refused.status_code == 400
    assert "it is now 1" in form.errors["quantity_on_hand"][0]
    assert 'name="initial-quantity_on_hand" value="1"' in refused.content.decode()
    assert again.status_code == 302
    alternator.refresh_from_db()
    assert alternator.quantity_on_hand == 7


def test_the_update_checks_what_the_page_showed_again_under_the_row_lock(
    dismantler, dismantler_owner, alternator
):
    # a sale lands between the page's own check and the service's lock
    Listing.objects.filter(pk=alternator.pk).update(quantity_on_hand=1)
    seller = Seller(organisation=dismantler, user=dismantler_owner)

    with pytest.raises(Conflict) as refused:
        listing_update(
            listing=alternator, seller=seller, expected={"quantity_on_hand": 3},
            quantity_on_hand=7, price=Decimal("95.00"),
        )  # fmt: skip

    assert refused.value.fields["quantity_on_hand"] == [
        "Someone changed this meanwhile: it is now 1."
    ]
    alternator.refresh_from_db()
    assert (alternator.price, alternator.quantity_on_hand) == (Decimal("89.00"), 1)


def test_quick_edit_to_zero_on_hand_makes_an_active_listing_sold_out(seller, alternator):
    quick_edit(seller, alternator, price="89.00", quantity="0")

    alternator.refresh_from_db()
    assert alternator.status == ListingStatus.SOLD_OUT


def test_quick_edit_of_another_sellers_listing_is_not_found(seller, other_dismantler):
    theirs = ListingFactory(seller_organisation=other_dismantler)

    response = quick_edit(seller, theirs, price="1.00", quantity="1")

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.price == Decimal("89.00")


def test_quick_edit_answers_get_with_405(seller, alternator):
    assert seller.get(f"/inventory/{alternator.pk}/quick-edit/").status_code == 405


# The listing form


@pytest.fixture
def yard(dismantler):
    return LocationFactory(organisation=dismantler, name="Main yard")


def new_listing(**changes) -> dict:
    fields = {
        "seller_sku": "NEW-1", "part_type": "alternator", "oe_number": "", "title": "",
        "description": "Tested on the bench.", "condition": "recycled", "grade": "B",
        "damage_notes": "", "price": "75.00", "currency": "USD", "core_charge": "",
        "core_return_days": "45", "quantity_on_hand": "2", "warranty_days": "30",
        "size_class": "medium", "location": "",
        "donor_vin": "", "donor_year": "2004", "donor_make": "Honda", "donor_model": "Accord",
        "donor_mileage": "123000",
    }  # fmt: skip
    return {**fields, **changes}


def test_new_listing_is_created_through_the_service_with_its_photos(seller, dismantler, yard):
    PartTypeFactory()

    response = seller.post(
        "/inventory/new/",
        new_listing(location=yard.pk, publish="on", photos=[png("a.png"), png("b.png")]),
    )

    listing = Listing.objects.get(seller_sku="NEW-1")
    assert response.status_code == 302 and response.url == f"/inventory/{listing.pk}/edit/"
    assert listing.seller_organisation == dismantler
    assert listing.title == "Alternator - 2004 Honda Accord"  # made by the service
    assert (listing.status, listing.location, listing.donor_mileage) == ("active", yard, 123000)
    assert listing.core_return_days == 45
    assert listing.photos.count() == 2
    assert listing.photos.first().image.name.startswith(f"listings/{listing.pk}/")
    assert PassportEvent.objects.filter(listing=listing).exists()


def test_new_listing_by_oe_number_takes_the_parts_type(seller):
    part = PartFactory(oe_number="31100-RAA-A01")

    seller.post("/inventory/new/", new_listing(part_type="", oe_number="31100 raa a01"))

    listing = Listing.objects.get(seller_sku="NEW-1")
    assert (listing.part, listing.part_type) == (part, part.part_type)
    assert list(listing.part_numbers.values_list("number", flat=True)) == ["31100-RAA-A01"]


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"price": "-3"}, "price", "An amount cannot be negative."),
        ({"quantity_on_hand": "two"}, "quantity_on_hand", "Give a whole number such as 3."),
        ({"oe_number": "NOPE-1"}, "oe_number", "No catalogued part has this number."),
        ({"seller_sku": "bad*sku"}, "seller_sku", "Use letters, digits, spaces and . - / _ only."),
        (
            {"condition": "new_oem", "grade": "A"},
            "grade",
            "Only recycled and refurbished parts carry a grade.",
        ),
        (
            {"core_charge": "50"},
            "core_charge",
            "Only remanufactured and refurbished parts carry a core charge.",
        ),
        ({"part_type": ""}, "part_type", "Give a part type or a catalogued part."),
    ],
)
def test_new_listing_with_bad_input_tells_why_by_the_field_and_creates_nothing(
    seller, changes, field, reason
):
    PartTypeFactory()

    response = seller.post("/inventory/new/", new_listing(**changes))

    assert response.status_code == 400
    assert response.context["form"].errors[field] == [reason]
    assert not Listing.objects.exists()


def test_new_listing_refuses_a_file_that_is_not_an_image_and_creates_nothing(seller):
    PartTypeFactory()
    fake = SimpleUploadedFile("engine.jpg", b"not really a picture", content_type="image/jpeg")

    response = seller.post("/inventory/new/", new_listing(photos=[png(), fake]))

    assert response.status_code == 400
    assert response.context["form"].errors["photos"] == ["engine.jpg is not a readable image."]
    assert not Listing.objects.exists()


def test_new_listing_refuses_a_photo_over_the_size_limit(seller, settings):
    PartTypeFactory()
    settings.LISTING_PHOTO_MAX_BYTES = 20

    response = seller.post("/inventory/new/", new_listing(photos=[png("big.png")]))

    assert response.context["form"].errors["photos"] == ["big.png is larger than 20\xa0bytes."]


def test_new_listing_with_a_sku_already_used_is_told_by_the_sku(seller, alternator):
    PartTypeFactory()

    response = seller.post("/inventory/new/", new_listing(seller_sku="ALT-1"))

    assert response.status_code == 400
    assert response.context["form"].errors["seller_sku"] == [
        "You already have a listing with this SKU."
    ]


def test_publishing_is_refused_to_a_seller_not_yet_approved(client):
    PartTypeFactory()
    pending = OrganisationFactory(status="pending")
    owner = signed_in(MembershipFactory(organisation=pending).user)

    response = owner.post("/inventory/new/", new_listing(publish="on"))

    assert response.status_code == 400
    # who the seller is concerns no field: it is said above the form
    assert "not approved" in response.context["form"].non_field_errors()[0]


def edit_post(listing: Listing, **typed) -> dict:
    """The edit form as the page posts it: every field as shown, plus what the seller typed."""
    shown = {
        name: "" if value is None else getattr(value, "code", getattr(value, "pk", value))
        for name, value in ListingForm.initial_of(listing).items()
    }
    initials = {f"initial-{name}": value for name, value in shown.items()}
    return {**shown, **initials, **typed}


def test_edit_saves_only_what_the_seller_changed(seller, alternator):
    posted = edit_post(alternator, description="Cleaned and tested.", price="92.00")
    Listing.objects.filter(pk=alternator.pk).update(quantity_on_hand=1)  # a sale meanwhile

    response = seller.post(f"/inventory/{alternator.pk}/edit/", posted)

    assert response.status_code == 302, response.context["form"].errors
    alternator.refresh_from_db()
    assert (alternator.description, alternator.price) == ("Cleaned and tested.", Decimal("92.00"))
    assert alternator.quantity_on_hand == 1


def test_edit_adds_and_removes_photos(seller, alternator):
    seller.post(f"/inventory/{alternator.pk}/edit/", edit_post(alternator, photos=[png()]))
    photo = alternator.photos.get()

    page = seller.get(f"/inventory/{alternator.pk}/edit/")
    removed = seller.post(f"/inventory/{alternator.pk}/photos/{photo.pk}/remove/")

    assert photo.image.url in page.content.decode()
    assert removed.status_code == 302
    assert not alternator.photos.exists()


def test_edit_and_photo_removal_of_another_sellers_listing_are_not_found(seller, other_dismantler):
    theirs = ListingFactory(seller_organisation=other_dismantler)
    photo = ListingPhoto.objects.create(listing=theirs, image=png())

    assert seller.get(f"/inventory/{theirs.pk}/edit/").status_code == 404
    assert seller.post(f"/inventory/{theirs.pk}/edit/", edit_post(theirs)).status_code == 404
    assert seller.post(f"/inventory/{theirs.pk}/photos/{photo.pk}/remove/").status_code == 404
    assert ListingPhoto.objects.filter(pk=photo.pk).exists()


def test_new_listing_form_offers_only_the_sellers_own_locations(seller, yard, other_dismantler):
    LocationFactory(organisation=other_dismantler, name="Their yard")

    page = seller.get("/inventory/new/")

    assert page.status_code == 200
    assert list(page.context["form"].fields["location"].queryset) == [yard]
    assert 'name="photos"' in page.content.decode()


def test_sellers_see_inventory_and_feeds_in_the_navigation(seller, individual):
    shopper = signed_in(individual)

    assert 'href="/inventory/feeds/"' in seller.get("/").content.decode()
    assert 'href="/inventory/"' in shopper.get("/").content.decode()  # sells C2C
    assert 'href="/inventory/feeds/"' not in shopper.get("/").content.decode()
