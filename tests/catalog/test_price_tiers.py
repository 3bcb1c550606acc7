"""B2B quantity price tiers on a listing, set by its seller through the inventory API."""

from decimal import Decimal

import pytest

from catalog.models import ListingPriceTier
from tests.catalog.factories import ListingFactory
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def tiers_url(listing) -> str:
    return f"/api/v1/inventory/listings/{listing.pk}/price-tiers/"


def test_a_seller_sets_quantity_tiers_that_replace_the_old_ones(dismantler, dismantler_owner):
    listing = ListingFactory(seller_organisation=dismantler, price=Decimal("89.00"))
    ListingPriceTier.objects.create(listing=listing, min_quantity=3, unit_price=Decimal("85"))
    tiers = {"tiers": [{"min_quantity": 20, "unit_price": "70.00"},
                       {"min_quantity": 5, "unit_price": "80.00"}]}  # fmt: skip

    response = client_for(dismantler_owner).put(tiers_url(listing), tiers, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["price_tiers"] == [
        {"min_quantity": 5, "unit_price": "80.00"},
        {"min_quantity": 20, "unit_price": "70.00"},
    ]
    assert ListingPriceTier.objects.filter(listing=listing).count() == 2


@pytest.mark.parametrize(
    ("tiers", "field"),
    [
        ([{"min_quantity": 5, "unit_price": "95.00"}], "tiers.0.unit_price"),
        (
            [{"min_quantity": 5, "unit_price": "80.00"}, {"min_quantity": 10, "unit_price": "82"}],
            "tiers.1.unit_price",
        ),
        (
            [{"min_quantity": 5, "unit_price": "80.00"}, {"min_quantity": 5, "unit_price": "70"}],
            "tiers.1.min_quantity",
        ),
        ([{"min_quantity": 1, "unit_price": "80.00"}], "tiers.0.min_quantity"),
        ([{"min_quantity": 5, "unit_price": "-1"}], "tiers.0.unit_price"),
    ],
)
def test_tiers_that_would_make_more_units_dearer_are_refused_naming_the_field(
    dismantler, dismantler_owner, tiers, field
):
    listing = ListingFactory(seller_organisation=dismantler, price=Decimal("89.00"))

    response = client_for(dismantler_owner).put(tiers_url(listing), {"tiers": tiers}, format="json")

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not ListingPriceTier.objects.filter(listing=listing).exists()


def test_another_sellers_listing_tiers_are_not_found(dismantler, other_dismantler_owner):
    listing = ListingFactory(seller_organisation=dismantler)
    response = client_for(other_dismantler_owner).put(
        tiers_url(listing), {"tiers": []}, format="json"
    )
    assert response.status_code == 404
