import pytest

from catalog.demo import demo_data_load
from catalog.models import Condition, Listing, Location, Part
from catalog.reference import part_types_load
from marketplace.models import Organisation, User
from tests.catalog.factories import VehicleFactory, VehicleModelFactory

pytestmark = pytest.mark.django_db


def test_demo_data_covers_every_condition_and_loads_twice_without_duplicates():
    part_types_load()
    accord = VehicleModelFactory(name="Accord")
    for year in (2004, 2005):
        VehicleFactory(model=accord, year=year)

    logins = demo_data_load()
    counts = [m.objects.count() for m in (User, Organisation, Location, Part, Listing)]
    demo_data_load()

    assert [m.objects.count() for m in (User, Organisation, Location, Part, Listing)] == counts
    assert set(Listing.objects.values_list("condition", flat=True)) == set(Condition.values)
    sellers = Listing.objects.values_list("seller_organisation__name", flat=True).distinct()
    assert len([s for s in sellers if s]) >= 3
    assert Listing.objects.filter(seller_user__username="sam").exists()
    honda_donors = Listing.objects.filter(donor_make="Honda")
    assert honda_donors.count() == 2
    assert not honda_donors.filter(donor_vehicle__isnull=True).exists()
    assert ("sam", "individual (buys B2C, sells C2C)") in logins
