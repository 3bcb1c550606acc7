from decimal import Decimal

from catalog.rules import ListingTerms, listing_terms_errors, status_for_stock


def terms(**overrides) -> ListingTerms:
    values = dict(
        condition="recycled",
        grade="A",
        price=Decimal("10.00"),
        core_charge=Decimal("0"),
        quantity_on_hand=1,
        warranty_days=30,
    )
    return ListingTerms(**{**values, **overrides})


def test_consistent_terms_have_no_errors():
    assert listing_terms_errors(terms()) == {}
    assert (
        listing_terms_errors(terms(condition="remanufactured", grade="", core_charge=Decimal("75")))
        == {}
    )


def test_grade_belongs_only_to_recycled_and_refurbished_parts():
    assert "grade" in listing_terms_errors(terms(condition="remanufactured"))
    assert "grade" in listing_terms_errors(terms(condition="new_oem"))


def test_core_charge_belongs_only_to_exchange_parts():
    assert "core_charge" in listing_terms_errors(terms(core_charge=Decimal("20")))


def test_amounts_are_non_negative_with_two_decimals():
    assert "price" in listing_terms_errors(terms(price=Decimal("-0.01")))
    assert "price" in listing_terms_errors(terms(price=Decimal("1.005")))
    assert "quantity_on_hand" in listing_terms_errors(terms(quantity_on_hand=-1))


def test_status_follows_stock():
    assert status_for_stock("active", 0) == "sold_out"
    assert status_for_stock("sold_out", 2) == "active"
    assert status_for_stock("draft", 0) == "draft"
    assert status_for_stock("withdrawn", 5) == "withdrawn"
