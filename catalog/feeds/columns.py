"""The columns of an inventory feed: our names, the yard-export names we accept, and what each
column's cells may hold. Pure: no database access.

This is the one place that says which header means what. A header is matched after `header_key`
(case, spaces, underscores and dashes ignored), so `Part Type`, `part_type` and `PART-TYPE` are
the same column. Interchange numbers are deliberately not an alias of `oe_number`: an interchange
code names a group of parts, not a manufacturer's part.
"""

import re
from collections.abc import Callable, Mapping
from decimal import Decimal

from catalog.models.listings import Condition, Currency, SizeClass
from catalog.part_numbers import normalise_part_number
from catalog.rules import MAX_PRICE

COLUMNS = (
    "sku", "part_type", "oe_number", "title", "description", "condition", "grade",
    "damage_notes", "price", "currency", "core_charge", "quantity", "warranty_days", "location",
    "donor_vin", "donor_year", "donor_make", "donor_model", "donor_mileage", "size_class",
)  # fmt: skip

ALIASES = {
    "sku": ("AssetID", "SKU", "StockNumber", "StockNo"),
    "oe_number": ("PartNumber", "OEM", "OENumber"),
    "part_type": ("PartType", "PartName", "PartCode"),
    "donor_make": ("CarMake", "Make"),
    "donor_model": ("CarModel", "Model"),
    "donor_year": ("CarYear", "Year"),
    "donor_mileage": ("Mileage", "Miles", "Odometer"),
    "donor_vin": ("VIN",),
    "quantity": ("Qty", "Quantity"),
    "price": ("Price", "SalePrice"),
    "core_charge": ("CoreCharge", "Core"),
    "warranty_days": ("Warranty", "WarrantyDays"),
    "size_class": ("Size", "ShippingSize", "ShippingClass"),
    "grade": ("Grade",),
    "condition": ("Condition",),
    "description": ("Description", "Notes"),
}

# Words sellers write for a condition category, keyed like headers (`New OEM` == `new_oem`).
CONDITION_WORDS = {
    word: condition.value
    for condition, words in (
        (Condition.NEW_OEM, ("newoem", "new", "oem")),
        (Condition.AFTERMARKET, ("aftermarket",)),
        (Condition.RECYCLED, ("recycled", "used")),
        (Condition.REFURBISHED, ("refurbished", "refurb")),
        (Condition.REMANUFACTURED, ("remanufactured", "reman")),
    )
    for word in words
}

# Words for how a part ships; bulky parts (engines, doors) go by freight only.
SIZE_WORDS = {
    word: size.value
    for size, words in (
        (SizeClass.SMALL, ("small", "s", "parcel")),
        (SizeClass.MEDIUM, ("medium", "m")),
        (SizeClass.LARGE, ("large", "l")),
        (SizeClass.FREIGHT, ("freight", "freightonly", "bulky", "ltl")),
    )
    for word in words
}

MAX_INTEGER = 2_147_483_647
CENT = Decimal("0.01")
_IGNORED_IN_KEYS = re.compile(r"[\s_\-]+")
_THOUSANDS = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d*)?")
_DECIMAL = re.compile(r"-?(\d+(\.\d*)?|\.\d+)")
_INTEGER = re.compile(r"-?\d+(\.0*)?")
_VIN = re.compile(r"[A-HJ-NPR-Z0-9]{17}")
_GRADES = {"A": "A", "B": "B", "C": "C"}
_CURRENCIES = {code: code for code in Currency.values}


def header_key(name: str) -> str:
    """A header or word in the form we compare: lower case, no spaces, underscores or dashes."""
    return _IGNORED_IN_KEYS.sub("", name).lower()


def _header_table() -> dict[str, str]:
    table = {header_key(column): column for column in COLUMNS}
    for column, aliases in ALIASES.items():
        for alias in aliases:
            table.setdefault(header_key(alias), column)
    return table


HEADERS = _header_table()


def canonical_column(header: str) -> str | None:
    """Our column name for a header as a seller wrote it, or None for a column we do not read."""
    return HEADERS.get(header_key(header))


def missing_required(columns: set[str]) -> list[str]:
    """The required columns a header lacks: sku, price, and part_type unless oe_number is there.

    A feed that has oe_number but no part_type is allowed: each row's part type then comes from
    the catalogued part with that number, and a row whose number is unknown is rejected.
    """
    required = ["sku", "price"]
    if "oe_number" not in columns:
        required.insert(1, "part_type")
    return [column for column in required if column not in columns]


# What a cell may hold. Each parser takes the cell as written and returns the value, or raises
# InvalidCell with the reason in plain words. An empty cell means the column's default.


class InvalidCell(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _no_nul(value: str) -> str:
    # PostgreSQL text cannot hold NUL; one would fail the whole feed's write.
    if "\x00" in value:
        raise InvalidCell("Contains a NUL character.")
    return value


def text(limit: int | None, *, required: bool = False) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        value = _no_nul(raw.strip())
        if required and not value:
            raise InvalidCell("Is required.")
        if limit is not None and len(value) > limit:
            raise InvalidCell(f"Is longer than {limit} characters.")
        return value

    return parse


def _plain_number(raw: str) -> str:
    """`$1,234.50` as `1234.50`: a leading dollar sign and thousands separators are dropped."""
    value = raw.strip()
    if value.startswith("$"):
        value = value[1:].lstrip()
    if "," in value and _THOUSANDS.fullmatch(value):
        value = value.replace(",", "")
    return value


def money(default: Decimal | None) -> Callable[[str], Decimal]:
    """An amount with at most two decimals between 0 and catalog.rules.MAX_PRICE (the bounds
    `listing_terms_errors` applies), returned with exactly two decimals."""

    def parse(raw: str) -> Decimal:
        value = _plain_number(raw)
        if not value:
            if default is None:
                raise InvalidCell("Is required.")
            return default
        if not _DECIMAL.fullmatch(value):
            raise InvalidCell("Is not an amount such as 12.50.")
        amount = Decimal(value)
        if amount < 0 or amount > MAX_PRICE:
            raise InvalidCell(f"Must be between 0 and {MAX_PRICE}.")
        if amount != amount.quantize(CENT):
            raise InvalidCell("At most two decimal places.")
        return amount.quantize(CENT)

    return parse


def integer(default: int | None, *, low: int = 0, high: int = MAX_INTEGER):
    def parse(raw: str) -> int | None:
        value = _plain_number(raw)
        if not value:
            return default
        if not _INTEGER.fullmatch(value):
            raise InvalidCell("Is not a whole number.")
        number = int(value.split(".", 1)[0])
        if number < 0 and low == 0:
            raise InvalidCell("Cannot be negative.")
        if number < low or number > high:
            raise InvalidCell(f"Must be between {low} and {high}.")
        return number

    return parse


def choice(words: Mapping[str, str], default: str, reason: str, key=str.upper):
    def parse(raw: str) -> str:
        value = raw.strip()
        if not value:
            return default
        chosen = words.get(key(value))
        if chosen is None:
            raise InvalidCell(reason)
        return chosen

    return parse


def lookup(table: Mapping[str, object], default, reason: str):
    """A name looked up without regard to case (part types, locations)."""

    def parse(raw: str):
        value = raw.strip()
        if not value:
            return default
        found = table.get(value.lower())
        if found is None:
            raise InvalidCell(reason)
        return found

    return parse


def vin(raw: str) -> str:
    value = raw.strip().upper()
    if value and not _VIN.fullmatch(value):
        raise InvalidCell("Is not a 17-character VIN (the letters I, O and Q are never used).")
    return value


def oe_number(raw: str) -> tuple[str, str] | None:
    """(number as written, normalised), or None for an empty cell."""
    value = _no_nul(raw.strip())
    if not value:
        return None
    if len(value) > 60:
        raise InvalidCell("Is longer than 60 characters.")
    normalised = normalise_part_number(value)
    if not normalised:
        raise InvalidCell("Has no letters or digits.")
    return value, normalised


_CONDITION_REASON = (
    "Is not a condition: use new_oem, aftermarket, recycled, refurbished or remanufactured."
)


_SIZE_REASON = "Is not a size class: use small, medium, large or freight."


def cell_parsers(
    *, part_types: Mapping, locations: Mapping, default_location_id, default_condition: str
) -> dict[str, Callable[[str], object]]:
    """Every column's parser; part types and locations resolve through the given lookups
    (keyed by lower-case code or name)."""
    return {
        "sku": text(64, required=True),
        "part_type": lookup(part_types, None, "Is not a known part type code or name."),
        "oe_number": oe_number,
        "title": text(200),
        "description": text(None),
        "condition": choice(CONDITION_WORDS, default_condition, _CONDITION_REASON, key=header_key),
        "grade": choice(_GRADES, "", "Is not a grade: use A, B or C."),
        "damage_notes": text(None),
        "price": money(None),
        "currency": choice(_CURRENCIES, Currency.USD.value, "Is not a currency we accept."),
        "core_charge": money(Decimal("0.00")),
        "quantity": integer(1),
        "warranty_days": integer(0),
        "location": lookup(
            locations, default_location_id, "Is not the name of one of your locations."
        ),
        "donor_vin": vin,
        "donor_year": integer(None, low=1900, high=2100),
        "donor_make": text(100),
        "donor_model": text(150),
        "donor_mileage": integer(None),
        "size_class": choice(SIZE_WORDS, SizeClass.MEDIUM.value, _SIZE_REASON, key=header_key),
    }
