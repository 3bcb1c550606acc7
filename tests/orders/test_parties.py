"""The rules of an address to ship to, which need no database."""

import pytest

from marketplace.errors import DomainError
from orders.parties import ShipTo, ship_to_check, ship_to_problems

COMPLETE = ShipTo(name="Anna Berg", address="12 Elm Street", city="Evanston")


def test_a_complete_address_has_no_problems_and_defaults_to_the_united_states():
    assert ship_to_problems(COMPLETE) == {}
    assert COMPLETE.country == "US"


@pytest.mark.parametrize("country", ["us", "USA", "U", "", "1A"])
def test_a_country_that_is_not_two_capital_letters_is_a_problem(country):
    address = ShipTo(name="Anna Berg", address="12 Elm Street", city="Evanston", country=country)

    assert list(ship_to_problems(address)) == ["country"]


def test_blank_name_address_and_city_are_each_a_problem():
    blank = ShipTo(name=" ", address="", city="\t")

    assert set(ship_to_problems(blank)) == {"name", "address", "city"}


def test_a_part_longer_than_its_column_is_a_problem():
    too_long = ShipTo(name="Anna Berg", address="12 Elm Street", city="E" * 101)

    assert list(ship_to_problems(too_long)) == ["city"]


def test_no_address_at_all_is_refused_naming_ship_to():
    with pytest.raises(DomainError) as refused:
        ship_to_check(None)

    assert list(refused.value.fields) == ["ship_to"]


def test_an_incomplete_address_is_refused_naming_the_part():
    with pytest.raises(DomainError) as refused:
        ship_to_check(ShipTo(name="Anna Berg", address="12 Elm Street", city=""))

    assert list(refused.value.fields) == ["ship_to.city"]


def test_the_order_columns_of_an_address_name_every_part():
    assert COMPLETE.as_order_fields() == {
        "ship_to_name": "Anna Berg",
        "ship_to_address": "12 Elm Street",
        "ship_to_city": "Evanston",
        "ship_to_postcode": "",
        "ship_to_country": "US",
        "ship_to_phone": "",
    }
