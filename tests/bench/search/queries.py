"""The query set: 50-odd searches of every kind, some made from the generated catalog."""

from dataclasses import dataclass
from urllib.parse import urlencode

from .catalog import Catalog
from .parts import normalise

SEARCH_PATH = "/api/v1/search/"
# Real VINs that decode offline (tests/catalog/test_vin.py) to vehicles of the reference data.
VINS = ("1HGCM82633A004352", "1FTRX12W28FB34687", "5NPEB4AC9DH571382", "JF2SH62689G711814")


@dataclass(frozen=True)
class Query:
    label: str
    kind: str  # text, part_number, interchange, fitment, filters, distance, sort, page
    params: tuple[tuple[str, str], ...]

    @property
    def path(self) -> str:
        return f"{SEARCH_PATH}?{urlencode(self.params)}"

    def with_page_size(self, size: int) -> "Query":
        params = tuple(p for p in self.params if p[0] != "page_size")
        return Query(self.label, self.kind, (*params, ("page_size", str(size))))


def _q(label: str, kind: str, **params) -> Query:
    """A query; a list value repeats the parameter (`grade=["A", "B"]`)."""
    pairs = []
    for name, value in params.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((name, str(item)))
    return Query(label, kind, tuple(pairs))


CHICAGO, PHOENIX, DALLAS = (41.8781, -87.6298), (33.4484, -112.0740), (32.7767, -96.7970)
ATLANTA, LOS_ANGELES = (33.7490, -84.3880), (34.0522, -118.2437)
FIXED_QUERIES = (
    _q("text: alternator", "text", q="alternator"),
    _q("text: ford", "text", q="ford"),
    _q("text: toyota camry", "text", q="toyota camry"),
    _q("text: headlamp", "text", q="headlamp"),
    _q("text: door", "text", q="door"),
    _q("text: front bumper", "text", q="front bumper"),
    _q("text: transmission", "text", q="transmission"),
    _q("text: engine", "text", q="engine"),
    _q("text: silver mirror", "text", q="silver mirror"),
    _q("text: xenon headlamp", "text", q="xenon headlamp"),
    _q("text: hail", "text", q="hail"),
    _q("text: honda accord alternator", "text", q="honda accord alternator"),
    _q("text: abs pump", "text", q="abs pump"),
    _q("text: low miles", "text", q="low miles"),
    _q("text: supercharger", "text", q="supercharger"),
    _q("text: leather seat", "text", q="leather seat"),
    _q("fitment: Ford", "fitment", make="Ford"),
    _q("fitment: Subaru", "fitment", make="Subaru"),
    _q("fitment: Honda Accord", "fitment", make="Honda", model="Accord"),
    _q("fitment: Ford F-150", "fitment", make="Ford", model="F-150"),
    _q("fitment: Toyota Camry 2009", "fitment", make="Toyota", model="Camry", year=2009),
    _q("fitment: Chevrolet Silverado 2012", "fitment", make="Chevrolet", model="Silverado",
       year=2012),
    _q("fitment: Jeep Wrangler 2015", "fitment", make="Jeep", model="Wrangler", year=2015),
    _q("fitment: Nissan Altima 2010", "fitment", make="Nissan", model="Altima", year=2010),
    _q("fitment: Ram 1500 2019", "fitment", make="Ram", model="1500", year=2019),
    *(_q(f"fitment: VIN {vin}", "fitment", vin=vin) for vin in VINS),
    _q("filters: alternator, recycled, grade A or B", "filters", q="alternator",
       condition="recycled", grade=["A", "B"]),
    _q("filters: Toyota alternator or starter, <= $150", "filters", make="Toyota",
       part_type=["alternator", "starter"], price_max=150),
    _q("filters: brakes, reman, warranty >= 1 y", "filters", part_type_group="brakes",
       condition="remanufactured", warranty_days_min=365),
    _q("filters: mirror from individuals", "filters", q="mirror", seller_kind="individual"),
    _q("filters: Honda Civic, certified only", "filters", make="Honda", model="Civic",
       certified="true"),
    _q("filters: radiator, pickup within 150 km of Dallas", "filters", q="radiator",
       pickup="true", lat=DALLAS[0], lng=DALLAS[1], within_km=150),
    _q("filters: engine $500-2000 recycled", "filters", part_type="engine", price_min=500,
       price_max=2000, condition="recycled"),
    _q("filters: alternator for a Honda Accord", "filters", q="alternator", make="Honda",
       model="Accord"),
    _q("distance: alternator near Chicago", "distance", q="alternator", lat=CHICAGO[0],
       lng=CHICAGO[1], sort="distance"),
    _q("distance: F-150 within 300 km of Phoenix", "distance", make="Ford", model="F-150",
       lat=PHOENIX[0], lng=PHOENIX[1], within_km=300, sort="distance"),
    _q("distance: transmission within 200 km of Atlanta", "distance", part_type="transmission",
       lat=ATLANTA[0], lng=ATLANTA[1], within_km=200, sort="distance"),
    _q("distance: anything within 50 km of Los Angeles", "distance", lat=LOS_ANGELES[0],
       lng=LOS_ANGELES[1], within_km=50, sort="distance"),
    _q("sort: headlamp by price", "sort", q="headlamp", sort="price"),
    _q("sort: Chevrolet reman by price with core", "sort", make="Chevrolet",
       condition="remanufactured", sort="price_with_core"),
    _q("sort: A/C compressors by price", "sort", part_type="ac_compressor", sort="price"),
    _q("sort: door, newest", "sort", q="door", sort="newest"),
    _q("sort: BMW by grade", "sort", make="BMW", sort="grade"),
    _q("sort: engine by donor mileage", "sort", q="engine", sort="donor_mileage"),
    _q("page 2: alternator", "page", q="alternator", page=2),
    _q("page 3: Honda Accord", "page", make="Honda", model="Accord", page=3),
    _q("page 5: ford by price", "page", q="ford", sort="price", page=5),
    _q("page 4 of 50: headlamp", "page", q="headlamp", page=4, page_size=50),
)  # fmt: skip


def _alnum_positions(number: str) -> list[int]:
    return [i for i, c in enumerate(number) if c.isalnum()]


def typos(number: str) -> dict[str, str]:
    """Ways people mistype an OE number: a character missing, two swapped, one wrong, other
    spacing, lower case without separators."""
    positions = _alnum_positions(number)
    middle = positions[len(positions) // 2]
    after = positions[len(positions) // 2 + 1]
    last = positions[-1]
    compact = normalise(number)
    return {
        "missing": number[:middle] + number[middle + 1 :],
        "swapped": number[:middle] + number[after] + number[middle + 1 : after] + number[middle]
        + number[after + 1 :],
        "wrong": number[:last] + ("7" if number[last] != "7" else "8") + number[last + 1 :],
        "spacing": " ".join(compact[i : i + 3] for i in range(0, len(compact), 3)),
        "lower": compact.lower(),
    }  # fmt: skip


def _number_queries(catalog: Catalog) -> list[Query]:
    """Mistyped OE numbers of popular and rarer parts, exact OE numbers of parts with an
    interchange group, and numbers only a seller gave."""
    ranked = [
        p
        for _, p in sorted(
            zip(catalog.part_weights, catalog.parts, strict=True), key=lambda x: -x[0]
        )
    ]
    queries = []
    for rank, kind in ((0, "missing"), (5, "swapped"), (30, "spacing"), (100, "lower"),
                       (300, "wrong")):  # fmt: skip
        number = typos(ranked[rank].oe_number)[kind]
        queries.append(_q(f"part number ({kind}): {number}", "part_number", q=number))
    grouped = [p for p in ranked if p.group]
    for part in (grouped[0], grouped[1], grouped[10], grouped[len(grouped) // 2]):
        queries.append(_q(f"interchange: {part.oe_number}", "interchange", q=part.oe_number))
    given = catalog.seller_numbers
    queries.append(_q(f"seller's number: {given[0]}", "part_number", q=given[0]))
    wrong = typos(given[1])["wrong"]
    queries.append(_q(f"seller's number (wrong): {wrong}", "part_number", q=wrong))
    return queries


def build_queries(catalog: Catalog) -> list[Query]:
    return [*FIXED_QUERIES, *_number_queries(catalog)]
