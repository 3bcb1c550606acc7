from decimal import Decimal
from io import BytesIO

import factory
import pytest
from django.apps import apps
from django.contrib import admin
from django.core.checks import run_checks
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from catalog.models import (
    Badge,
    FeedImport,
    FeedImportStatus,
    FeedRejection,
    Fitment,
    InterchangeGroup,
    Listing,
    ListingPartNumber,
    ListingPhoto,
    ListingPriceTier,
    ListingSearch,
    ListingStatus,
    Location,
    Part,
    PassportEvent,
    PassportEventKind,
    ProductLine,
    Vehicle,
)
from catalog.passport import passport_append
from catalog.search.indexing import search_rows_write
from tests.catalog.factories import (
    FitmentFactory,
    ListingFactory,
    LocationFactory,
    PartFactory,
    PartTypeFactory,
    VehicleFactory,
)
from tests.marketplace.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

# Feed imports and their rejections are records the import service writes: view and delete only.
# Passport events are appended by their service alone: view only, as any change breaks the chain.
READ_ONLY_MODELS = {
    FeedImport, FeedRejection, ListingSearch, Listing, ListingPriceTier, PassportEvent, Badge,
}  # fmt: skip


class InterchangeGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InterchangeGroup

    code = factory.Sequence(lambda n: f"601-{n:05d}")
    part_type = factory.SubFactory(PartTypeFactory)


class ListingPartNumberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ListingPartNumber

    listing = factory.SubFactory(ListingFactory)
    number = "31100-RAA-A02"
    normalised = "31100RAAA02"


def _png(name: str = "front.png") -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (4, 3), "grey").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def catalog_rows(db) -> dict[type, object]:
    """One row of every catalog model, so each admin page has something to render."""
    vehicle = VehicleFactory()
    fitment = FitmentFactory(vehicle_model=vehicle.model)
    group = InterchangeGroupFactory(part_type=fitment.part.part_type)
    Part.objects.filter(pk=fitment.part.pk).update(interchange_group=group)
    location = LocationFactory()
    listing = ListingFactory(
        seller_organisation=location.organisation,
        part=fitment.part,
        part_type=fitment.part.part_type,
        location=location,
        donor_vehicle=vehicle,
    )
    feed = FeedImport.objects.create(
        seller_organisation=location.organisation,
        file=ContentFile(b"sku\n", name="feed.csv"),
        original_name="feed.csv",
        status=FeedImportStatus.DONE,
        rows_total=2,
        rejected_count=1,
    )
    rows = [
        vehicle.model.make,
        vehicle.model,
        vehicle,
        fitment.part.part_type.group,
        fitment.part.part_type,
        group,
        fitment.part,
        fitment,
        location,
        listing,
        ListingPartNumberFactory(listing=listing),
        ListingPriceTier.objects.create(listing=listing, min_quantity=5, unit_price=Decimal("9")),
        ListingPhoto.objects.create(listing=listing, image=_png()),
        feed,
        FeedRejection.objects.create(
            feed_import=feed, line=2, column="price", reason="Not a price"
        ),
        passport_append(listing=listing, kind=PassportEventKind.LISTED, details={"sku": "A-1"}),
        ProductLine.objects.create(organisation=location.organisation, name="Gold alternators"),
        Badge.objects.create(
            certificate_number="GOLD-ABCDEFGHJKMN",
            scheme_slug="gold",
            label="Gold",
            certifier_name="Certifier",
            subject="listing",
            listing=listing,
            valid_from="2025-01-01",
            valid_until="2030-01-01",
        ),  # fmt: skip
    ]
    search_rows_write([listing.id])
    rows.append(ListingSearch.objects.get(listing=listing))
    return {type(row): row for row in rows}


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


CATALOG_MODELS = list(apps.get_app_config("catalog").get_models())


def test_every_catalog_model_has_an_admin():
    assert [model for model in CATALOG_MODELS if not admin.site.is_registered(model)] == []


def test_admin_configuration_passes_djangos_checks():
    assert run_checks(tags=["admin"]) == []


@pytest.mark.parametrize("model", CATALOG_MODELS, ids=lambda model: model.__name__)
def test_admin_changelist_and_change_page_render_with_rows(admin_client, catalog_rows, model):
    row = catalog_rows[model]

    changelist = admin_client.get(_url(model, "changelist"))
    change = admin_client.get(_url(model, "change", row.pk))

    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count == 1
    assert change.status_code == 200


@pytest.mark.parametrize("model", CATALOG_MODELS, ids=lambda model: model.__name__)
def test_admin_add_page_renders_except_for_service_written_records(admin_client, model):
    response = admin_client.get(_url(model, "add"))

    assert response.status_code == (403 if model in READ_ONLY_MODELS else 200)


def test_feed_import_page_shows_counts_and_rejections_read_only(admin_client, catalog_rows):
    feed = catalog_rows[FeedImport]

    response = admin_client.get(_url(FeedImport, "change", feed.pk))

    content = response.content.decode()
    assert "Not a price" in content
    assert f"feed_import__id__exact={feed.pk}" in content
    assert 'name="rows_total"' not in content
    assert not response.context["has_change_permission"]


def test_feed_rejection_link_filters_the_rejections_of_one_feed(admin_client, catalog_rows):
    feed = catalog_rows[FeedImport]
    other = FeedImport.objects.create(
        seller_organisation=feed.seller_organisation, file=ContentFile(b"", name="other.csv")
    )
    FeedRejection.objects.create(feed_import=other, line=3, reason="Unknown part type")

    response = admin_client.get(
        _url(FeedRejection, "changelist"), {"feed_import__id__exact": feed.pk}
    )

    assert [rejection.reason for rejection in response.context["cl"].result_list] == ["Not a price"]


def _search(client, model, term: str) -> list:
    response = client.get(_url(model, "changelist"), {"q": term})
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def test_listing_search_finds_by_sku_title_and_part_numbers_in_any_spelling(admin_client):
    seller = OrganisationFactory()
    alternator = ListingFactory(
        seller_organisation=seller,
        seller_sku="ALT-0001",
        part=PartFactory(oe_number="31100-RAA-A01"),
    )
    starter = ListingFactory(
        seller_organisation=seller, seller_sku="STR-0002", title="Starter - 2004 Honda Civic"
    )
    ListingPartNumberFactory(listing=starter, number="31200 PLM A51", normalised="31200PLMA51")

    assert _search(admin_client, Listing, "ALT-0001") == [alternator]
    assert _search(admin_client, Listing, "starter civic") == [starter]
    assert _search(admin_client, Listing, "31100 raa a01") == [alternator]
    assert _search(admin_client, Listing, "31200-PLM") == [starter]
    assert _search(admin_client, Listing, "no such part") == []


def test_part_search_finds_by_oe_number_in_any_spelling(admin_client):
    alternator = PartFactory(oe_number="31100-RAA-A01")
    pump = PartFactory(oe_number="06H 906 036 P")

    assert _search(admin_client, Part, "31100-RAA") == [alternator]
    assert _search(admin_client, Part, "31100 raa a01") == [alternator]
    assert _search(admin_client, Part, "06h-906-036") == [pump]


def test_vehicle_search_matches_year_make_and_model_words(admin_client):
    accord = VehicleFactory(year=2003)
    VehicleFactory(year=2004)

    assert _search(admin_client, Vehicle, "2003 honda accord") == [accord]


# Rows that differ in every related object a changelist prints.
ROW_MAKERS = {
    Listing: lambda n: ListingFactory(seller_organisation=OrganisationFactory()),
    Vehicle: lambda n: VehicleFactory(year=2000 + n),
    Fitment: lambda n: FitmentFactory(year_from=2000 + n, year_to=2001 + n),
    Part: lambda n: PartFactory(),
    Location: lambda n: LocationFactory(),
}


@pytest.mark.parametrize("model", list(ROW_MAKERS), ids=lambda model: model.__name__)
def test_admin_changelist_query_count_does_not_grow_with_rows(admin_client, model):
    make_row = ROW_MAKERS[model]
    make_row(0)
    with CaptureQueriesContext(connection) as one_row:
        admin_client.get(_url(model, "changelist"))
    for n in range(1, 6):
        make_row(n)

    with CaptureQueriesContext(connection) as six_rows:
        admin_client.get(_url(model, "changelist"))

    assert len(six_rows) == len(one_row)


def test_part_add_refuses_an_oe_number_another_part_spells_differently(admin_client):
    existing = PartFactory(oe_number="31100-RAA-A01")

    response = admin_client.post(
        _url(Part, "add"),
        {
            "oe_number": "31100 raa a01",
            "part_type": existing.part_type.pk,
            "fitments-TOTAL_FORMS": "0",
            "fitments-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert "exists already" in str(response.context["adminform"].form.errors["oe_number"])
    assert Part.objects.count() == 1


def test_listing_part_number_add_normalises_and_refuses_duplicates(admin_client):
    listing = ListingFactory()

    first = admin_client.post(
        _url(ListingPartNumber, "add"), {"listing": listing.pk, "number": "5k0 959 704 c"}
    )
    again = admin_client.post(
        _url(ListingPartNumber, "add"), {"listing": listing.pk, "number": "5K0-959-704-C"}
    )

    assert first.status_code == 302
    assert ListingPartNumber.objects.get().normalised == "5K0959704C"
    assert again.status_code == 200
    assert ListingPartNumber.objects.count() == 1


def test_listing_status_is_read_only_in_admin(admin_client, catalog_rows, rf, admin_user):
    request = rf.get("/")
    request.user = admin_user
    listing_admin = admin.site.get_model_admin(Listing)

    assert "status" in listing_admin.get_readonly_fields(request, catalog_rows[Listing])
    response = admin_client.get(_url(Listing, "change", catalog_rows[Listing].pk))
    assert 'name="status"' not in response.content.decode()
    assert catalog_rows[Listing].status == ListingStatus.ACTIVE


def test_withdraw_action_goes_through_the_listing_service(admin_client, catalog_rows):
    listing = catalog_rows[Listing]

    admin_client.post(
        _url(Listing, "changelist"),
        {"action": "withdraw", "_selected_action": [listing.pk]},
    )

    listing.refresh_from_db()
    assert listing.status == ListingStatus.WITHDRAWN
    assert listing.search_dirty
