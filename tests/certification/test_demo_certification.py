"""The demo certification loads after the other demo data, twice without duplicates, and shows:
badges on the listings it certifies and warranty offers on them."""

from datetime import date

import pytest

from catalog.badges import badges_for_listings
from catalog.demo import demo_data_load
from catalog.models import Badge, Listing, ProductLine
from catalog.reference import part_types_load
from certification.demo import PLAN_NAME, certification_demo_load
from certification.models import (
    Certificate,
    IncludedWarranty,
    PremiumRate,
    Scheme,
    WarrantyPlan,
)
from certification.offers import warranty_offers
from orders.demo import orders_demo_load

pytestmark = pytest.mark.django_db
MODELS = (Scheme, Certificate, Badge, ProductLine, WarrantyPlan, PremiumRate, IncludedWarranty)


def labels(listing_id: int, found: dict) -> set[str]:
    return {badge.label for badge in found[listing_id]}


def test_demo_certification_loads_twice_and_shows_badges_and_offers():
    # given all the demo data, loaded twice
    part_types_load()
    demo_data_load()
    orders_demo_load()
    certification_demo_load()
    counts = [model.objects.count() for model in MODELS]
    demo_data_load()
    orders_demo_load()
    certification_demo_load()
    assert [model.objects.count() for model in MODELS] == counts

    # then the remanufactured listings carry the Gold badge, the yard its seller badge
    listings = {
        listing.seller_sku: listing for listing in Listing.objects.select_related("part_type")
    }
    found = badges_for_listings(listing.pk for listing in listings.values())
    for sku in ("PR-3001", "PR-3002", "PR-3003"):
        assert labels(listings[sku].pk, found) == {"ReCert Gold"}
    assert labels(listings["PR-3004"].pk, found) == set()
    assert labels(listings["NY-1001"].pk, found) == {"ReCert Verified Yard"}
    assert labels(listings["SB-2001"].pk, found) == set()

    # and the Gold plan is offered on the line, included in the price on one listing
    offers = warranty_offers(list(listings.values()), on=date.today())
    [included] = offers[listings["PR-3001"].pk]
    assert (included.plan_name, included.included_by_seller) == (PLAN_NAME, True)
    assert [o.plan_name for o in offers[listings["PR-3003"].pk]] == [PLAN_NAME]
    assert offers[listings["NY-1001"].pk] == []
    plan = WarrantyPlan.objects.get(name=PLAN_NAME)
    assert (plan.cover_months, plan.labour_covered, plan.rates.count()) == (24, True, 4)
