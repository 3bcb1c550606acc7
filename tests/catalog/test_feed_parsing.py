"""Reading and checking feeds without a database: decoding, headers, every column's rules."""

from decimal import Decimal

import pytest

from catalog.feeds.columns import canonical_column, money
from catalog.feeds.reading import FeedUnreadable, read_feed
from catalog.feeds.validation import FeedReference, PartRef, PartTypeRef, validate_feed
from catalog.rules import ListingTerms, listing_terms_errors

ALTERNATOR = PartTypeRef(1, "Alternator")
STARTER = PartTypeRef(2, "Starter motor")
REFERENCE = FeedReference(
    part_types={
        "alternator": ALTERNATOR,
        "starter": STARTER,
        "starter motor": STARTER,
    },  # fmt: skip
    parts={"31100RAAA01": PartRef(50, ALTERNATOR.id)},
    locations={"main yard": 7, "back lot": 8},
    default_location_id=7,
    vehicles={("honda", "accord", 2003): 900},
    default_condition="recycled",
)
HEADER = "sku,part_type,oe_number,condition,grade,price,quantity,donor_year,donor_make,donor_model"


def feed(*lines: str) -> bytes:
    return "\n".join(lines).encode("utf-8")


def checked(*lines: str, reference: FeedReference = REFERENCE):
    return validate_feed(read_feed(feed(*lines)), reference)


def reasons(validation) -> list[tuple[int, str]]:
    return [(problem.line, problem.column) for problem in validation.problems]


# Reading the file


def test_read_feed_refuses_latin1_naming_offset_and_line():
    raw = "sku,part_type,price\nA1,alternator,10\nA2,Phare avant gauche é,10\n".encode("latin-1")

    with pytest.raises(FeedUnreadable) as refused:
        read_feed(raw)

    assert refused.value.code == "encoding"
    offset = raw.index("é".encode("latin-1"))
    assert f"offset {offset}" in refused.value.message
    assert "line 3" in refused.value.message


def test_read_feed_accepts_utf8_with_byte_order_mark():
    table = read_feed("\ufeffsku,part_type,price\nA1,alternator,10\n".encode())

    assert set(table.cells) == {"sku", "part_type", "price"}


@pytest.mark.parametrize(
    "raw", [b"", b"  \n\n", b"sku,part_type,price\n", b"sku,part_type,price\n\n,,\n"]
)
def test_read_feed_calls_blank_or_header_only_files_empty(raw):
    with pytest.raises(FeedUnreadable) as refused:
        read_feed(raw)

    assert refused.value.code == "empty_file"


def test_read_feed_names_every_missing_required_header():
    with pytest.raises(FeedUnreadable) as refused:
        read_feed(feed("title,description", "x,y"))

    assert refused.value.code == "missing_headers"
    assert set(refused.value.fields) == {"sku", "part_type", "price"}


def test_part_type_header_is_not_required_when_oe_numbers_are_given():
    table = read_feed(feed("sku,oe_number,price", "A1,31100-RAA-A01,10"))

    assert table.rows_total == 1


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("AssetID", "sku"), ("StockNo", "sku"), ("PartNumber", "oe_number"), ("OEM", "oe_number"),
        ("CarMake", "donor_make"), ("CarModel", "donor_model"), ("CarYear", "donor_year"),
        ("Mileage", "donor_mileage"), ("Odometer", "donor_mileage"), ("Grade", "grade"),
        ("Condition", "condition"), ("Qty", "quantity"), ("SalePrice", "price"),
        ("Part Type", "part_type"), ("PART-TYPE", "part_type"), ("donor_vin", "donor_vin"),
        ("VIN", "donor_vin"), ("Core", "core_charge"), ("Notes", "description"),
        ("InterchangeNumber", None), ("Colour", None),
    ],
)  # fmt: skip
def test_headers_match_our_names_and_yard_export_aliases(header, column):
    assert canonical_column(header) == column


def test_yard_export_with_semicolons_is_read():
    validation = checked(
        "AssetID;PartName;PartNumber;CarMake;CarModel;CarYear;Mileage;Grade;Condition;Qty;Price",
        "Y-1;Alternator;;HONDA;accord;2003;154,000;b;Used;2;$1,234.50",
    )

    row = validation.rows[0]
    assert (row.sku, row.part_type_id, row.condition, row.grade) == ("Y-1", 1, "recycled", "B")
    assert (row.price, row.quantity_on_hand, row.donor_mileage) == (Decimal("1234.50"), 2, 154000)
    assert row.donor_vehicle_id == 900


def test_line_numbers_are_physical_lines_across_blank_lines_and_quoted_newlines():
    validation = checked(
        "sku,part_type,price,description",
        'A1,alternator,10,"two',
        'lines"',
        "",
        "A2,alternator,oops,x",
    )

    assert validation.rows[0].description == "two\nlines"
    assert reasons(validation) == [(5, "price")]


def test_overlong_field_fails_the_file_as_malformed():
    with pytest.raises(FeedUnreadable) as refused:
        read_feed(feed("sku,part_type,price,description", f"A1,alternator,10,{'x' * 200_000}"))

    assert refused.value.code == "malformed_csv"


# Checking rows


def test_good_row_becomes_a_typed_listing_row_with_a_built_title():
    validation = checked(HEADER, "A1,alternator,,recycled,A,89,1,2003,Honda,Accord")

    row = validation.rows[0]
    assert row.line == 2
    assert row.price == Decimal("89.00") and str(row.price) == "89.00"
    assert row.title == "Alternator - 2003 Honda Accord"
    assert (row.status, row.location_id, row.currency, row.core_charge) == (
        "active",
        7,
        "USD",
        Decimal("0.00"),
    )
    assert validation.problems == ()


def test_title_leaves_out_missing_donor_pieces():
    validation = checked("sku,part_type,price,donor_make", "A1,Starter Motor,10,Ford")

    assert validation.rows[0].title == "Starter motor - Ford"
    assert validation.rows[0].part_type_id == STARTER.id


@pytest.mark.parametrize(
    ("word", "condition"),
    [("used", "recycled"), ("Reman", "remanufactured"), ("new", "new_oem"),
     ("refurb", "refurbished"), ("New OEM", "new_oem"), ("aftermarket", "aftermarket"),
     ("", "recycled")],
)  # fmt: skip
def test_condition_accepts_categories_and_common_words(word, condition):
    validation = checked("sku,part_type,price,condition", f"A1,alternator,10,{word}")

    assert validation.rows[0].condition == condition


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        ("A1,alternator,remanufactured,A,10,,,1", "grade"),
        ("A1,alternator,recycled,,10,25,,1", "core_charge"),
        ("A1,alternator,recycled,,12.345,,,1", "price"),
        ("A1,alternator,recycled,,-1,,,1", "price"),
        ("A1,alternator,recycled,,ten,,,1", "price"),
        ("A1,alternator,recycled,,,,,1", "price"),
        ("A1,alternator,recycled,,10,,XYZ,1", "currency"),
        ("A1,alternator,recycled,,10,,,-2", "quantity"),
        ("A1,alternator,recycled,,10,,,1.5", "quantity"),
        ("A1,alternator,salvage,,10,,,1", "condition"),
        ("A1,alternator,recycled,D,10,,,1", "grade"),
        ("A1,wiper,recycled,,10,,,1", "part_type"),
        (",alternator,recycled,,10,,,1", "sku"),
        (f"{'S' * 65},alternator,recycled,,10,,,1", "sku"),
    ],
)
def test_bad_cell_rejects_the_row_naming_its_column(cells, column):
    validation = checked("sku,part_type,condition,grade,price,core_charge,currency,quantity", cells)

    assert validation.rows == ()
    assert validation.rejected_rows == 1
    assert [problem.column for problem in validation.problems] == [column]


def test_row_with_several_problems_counts_once():
    validation = checked(HEADER, "A1,wiper,,recycled,Z,free,-1,1850,Honda,Accord")

    assert validation.rejected_rows == 1
    assert {p.column for p in validation.problems} == {
        "part_type", "grade", "price", "quantity", "donor_year",
    }  # fmt: skip


def test_quantity_zero_is_sold_out_and_whole_floats_are_whole_numbers():
    validation = checked("sku,part_type,price,quantity", "A1,alternator,10,0", "A2,starter,5,2.0")

    assert [(r.status, r.quantity_on_hand) for r in validation.rows] == [
        ("sold_out", 0), ("active", 2),
    ]  # fmt: skip


def test_catalogued_number_gives_the_part_and_its_part_type():
    validation = checked("sku,oe_number,price", "A1,31100 raa a01,10")

    row = validation.rows[0]
    assert (row.part_id, row.part_type_id) == (50, ALTERNATOR.id)
    assert [(n.number, n.normalised) for n in validation.part_numbers] == [
        ("31100 raa a01", "31100RAAA01")
    ]


def test_unknown_number_without_part_type_is_rejected_naming_part_type():
    validation = checked("sku,part_type,oe_number,price", "A1,,99999-XYZ,10")

    assert [(p.column, p.reason) for p in validation.problems] == [
        ("part_type", "Give a part type: part number 99999-XYZ is not in the catalog.")
    ]


def test_unknown_number_with_a_part_type_is_kept_without_a_part():
    validation = checked("sku,part_type,oe_number,price", "A1,starter,99999-XYZ,10")

    assert validation.rows[0].part_id is None
    assert validation.part_numbers[0].normalised == "99999XYZ"


def test_part_type_contradicting_the_catalogued_part_is_rejected():
    validation = checked("sku,part_type,oe_number,price", "A1,starter,31100-RAA-A01,10")

    assert reasons(validation) == [(2, "part_type")]


def test_location_is_matched_by_name_without_case():
    validation = checked(
        "sku,part_type,price,location", "A1,alternator,1,BACK LOT", "A2,alternator,1,Attic"
    )

    assert validation.rows[0].location_id == 8
    assert reasons(validation) == [(3, "location")]


def test_donor_vin_is_upper_cased_and_checked():
    validation = checked(
        "sku,part_type,price,donor_vin",
        "A1,alternator,1,1hgcm82633a004352",
        "A2,alternator,1,1HGCM82633A00435",
        "A3,alternator,1,1HGCM82633A00435O",
    )

    assert validation.rows[0].donor_vin == "1HGCM82633A004352"
    assert reasons(validation) == [(3, "donor_vin"), (4, "donor_vin")]


def test_unknown_donor_vehicle_is_not_an_error():
    validation = checked(HEADER, "A1,alternator,,,,10,1,2003,Honda,Civic")

    assert validation.rows[0].donor_vehicle_id is None
    assert validation.rows[0].donor_model == "Civic"


def test_later_rows_of_a_sku_add_alternative_numbers_and_nothing_else():
    validation = checked(
        "sku,part_type,oe_number,price",
        "A1,alternator,31100-RAA-A01,10",
        "A1,starter,31100RAAA01,99",
        "A1,starter,104210-3640,99",
        "A1,,,",
    )

    assert len(validation.rows) == 1
    assert (validation.rows[0].price, validation.rows[0].part_type_id) == (Decimal("10.00"), 1)
    assert [n.normalised for n in validation.part_numbers] == ["31100RAAA01", "1042103640"]
    assert validation.problems == ()


def test_rows_of_a_sku_whose_first_row_was_rejected_are_rejected_too():
    validation = checked(
        "sku,part_type,oe_number,price", "A1,alternator,,oops", "A1,alternator,31100-RAA-A01,10"
    )

    assert validation.rows == ()
    assert validation.rejected_rows == 2
    assert validation.problems[1].reason.startswith("The first row of this SKU (line 2)")
    assert validation.rejected_skus == {"A1"}


def test_later_row_with_an_unreadable_number_is_rejected_alone():
    validation = checked("sku,part_type,oe_number,price", "A1,alternator,,10", "A1,,---,")

    assert len(validation.rows) == 1
    assert reasons(validation) == [(3, "oe_number")]


def test_short_rows_are_padded_and_extra_values_reject_the_row():
    validation = checked(
        "sku,part_type,price,grade", "A1,alternator,10", "A2,alternator,10,,,", "A3,starter,1,,x"
    )

    assert [row.sku for row in validation.rows] == ["A1", "A2"]
    assert reasons(validation) == [(4, "")]


def test_rejected_value_is_truncated():
    validation = checked("sku,part_type,price", f"A1,alternator,{'9' * 500}")

    assert len(validation.problems[0].value) == 200


def test_progress_is_reported_up_to_the_row_count():
    seen = []
    rows = [f"A{i},alternator,1" for i in range(2500)]

    validate_feed(read_feed(feed("sku,part_type,price", *rows)), REFERENCE, progress=seen.append)

    assert seen == [1000, 2000, 2500]


@pytest.mark.parametrize("amount", ["0", "0.5", "12.50", "12.505", "-0.01", "9999999999.99",
                                    "10000000000", "1e3"])  # fmt: skip
def test_money_column_agrees_with_the_listing_rules(amount):
    """The feed checks amounts itself for speed; it must refuse exactly what the rules refuse."""
    try:
        money(None)(amount)
        feed_refuses = False
    except Exception:
        feed_refuses = True
    if amount == "1e3":
        assert feed_refuses  # not how a yard writes an amount
        return
    terms = ListingTerms("recycled", "", Decimal(amount), Decimal(0), 1, 0)

    assert feed_refuses == bool(listing_terms_errors(terms))


def test_nul_characters_are_refused_where_text_is_kept():
    validation = checked(
        "sku,part_type,price,description,oe_number",
        "A1,alternator,1,bad\x00byte,",
        "A2,alternator,1,,555\x00-1",
    )

    assert reasons(validation) == [(2, "description"), (3, "oe_number")]


@pytest.mark.parametrize(
    ("word", "size"),
    [("", "medium"), ("small", "small"), ("L", "large"), ("Freight only", "freight"),
     ("bulky", "freight")],
)  # fmt: skip
def test_size_class_accepts_sizes_and_freight_words(word, size):
    validation = checked("sku,part_type,price,size", f"A1,alternator,10,{word}")

    assert validation.rows[0].size_class == size


def test_an_unknown_size_class_rejects_the_row_naming_the_column():
    validation = checked("sku,part_type,price,shipping_size", "A1,alternator,10,huge")

    assert [problem.column for problem in validation.problems] == ["size_class"]
