"""Search benchmark: the search API at a fixed arrival rate, next to the floor of its own SQL.

`python -m tests.bench search [--n N]` (DEFAULT_N = 1,000,000 listings), in four steps:

1. Build a catalog in a PostgreSQL database of its own (fixed seed, dropped at the end): the vPIC
   vehicles and the part-type taxonomy through the reference loaders; a few hundred sellers with
   yards in US cities and a few thousand individuals; a few thousand catalogued parts with OE
   numbers, interchange groups and fitment; then N listings, their part numbers and photos, and
   their search rows, generated here and COPYed in. The search rows mirror
   `catalog.search.indexing.search_row`; a sample is rewritten by `search_rows_write` and must
   come out identical. Makes, models and part types are weighted by popularity, so that a make
   or a common part name matches a few percent of the catalog, as real frequent terms do.
2. Serve the API with gunicorn (2 workers, persistent database connections as in
   `.env.example`) on that database.
3. Send a rotation of 50+ different searches (text, mistyped part numbers, interchange, fitment,
   filters, facets, distance and price sorts, deep pages) from a separate process at a fixed
   arrival rate: open loop, latency counted from each request's scheduled send time.
4. The floor: the SQL each search ran (captured once in-process through the same view), executed
   directly with psycopg, same parameters, same rotation, one request after another.

One JSON line goes to standard output; progress and a per-query breakdown to standard error.
Environment: SEARCH_BENCH_RATE (requests per second, default 20), SEARCH_BENCH_REQUESTS (400),
SEARCH_BENCH_SECONDS (stop sending after this long, 120), SEARCH_BENCH_EXPLAIN (print EXPLAIN
ANALYZE of this many of the slowest statements, default 0).
"""

import http.client
import math
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from multiprocessing import get_context
from pathlib import Path
from urllib.parse import quote, urlencode

import psycopg
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections

BENCH = "search"
DEFAULT_N = 1_000_000
SEED = 20_241_124
DATABASE = "marketplace_bench_search"
RATE = float(os.environ.get("SEARCH_BENCH_RATE", "20"))
REQUESTS = int(os.environ.get("SEARCH_BENCH_REQUESTS", "400"))
SECONDS = float(os.environ.get("SEARCH_BENCH_SECONDS", "120"))
EXPLAIN = int(os.environ.get("SEARCH_BENCH_EXPLAIN", "0"))
SEARCH_PATH = "/api/v1/search/"
ORGANISATIONS = 300
INDIVIDUALS = 2_000
CATALOGUED_PARTS = 5_000
CHUNK = 25_000
VERIFY_SAMPLE = 200
FIRST_YEAR = 1985
NOW = datetime(2026, 11, 1, tzinfo=UTC)

# Share of the US parts market by make (roughly the vehicles on the road); other makes share 1.
MAKE_WEIGHTS = {
    "Ford": 14, "Chevrolet": 13, "Toyota": 12, "Honda": 9, "Nissan": 7, "Jeep": 4, "Dodge": 4,
    "Hyundai": 4, "Ram": 3, "GMC": 3, "Kia": 3, "Subaru": 3, "BMW": 2.5, "Mercedes-Benz": 2.5,
    "Volkswagen": 2.5, "Mazda": 2, "Lexus": 2, "Chrysler": 1.5, "Buick": 1.5, "Audi": 1.5,
    "Cadillac": 1, "Acura": 1, "Volvo": 0.8, "Mitsubishi": 0.8, "Lincoln": 0.8, "Tesla": 0.6,
    "Infiniti": 0.6, "Pontiac": 0.6, "Mercury": 0.4, "Saturn": 0.3, "MINI": 0.3, "Land Rover": 0.3,
    "Porsche": 0.2, "Jaguar": 0.2, "Fiat": 0.2, "Genesis": 0.2, "Oldsmobile": 0.2, "Suzuki": 0.2,
    "Isuzu": 0.2, "Plymouth": 0.1, "Hummer": 0.1,
}  # fmt: skip
OTHER_MAKES_WEIGHT = 1.0
BESTSELLERS = {
    ("Ford", "F-150"), ("Ford", "Escape"), ("Ford", "Explorer"), ("Ford", "Focus"),
    ("Ford", "Fusion"), ("Ford", "Mustang"), ("Chevrolet", "Silverado"), ("Chevrolet", "Equinox"),
    ("Chevrolet", "Malibu"), ("Chevrolet", "Impala"), ("Ram", "1500"), ("Toyota", "Camry"),
    ("Toyota", "Corolla"), ("Toyota", "RAV4"), ("Toyota", "Tacoma"), ("Toyota", "Tundra"),
    ("Honda", "Accord"), ("Honda", "Civic"), ("Honda", "CR-V"), ("Honda", "Odyssey"),
    ("Honda", "Pilot"), ("Nissan", "Altima"), ("Nissan", "Rogue"), ("Nissan", "Sentra"),
    ("Jeep", "Wrangler"), ("Jeep", "Grand Cherokee"), ("GMC", "Sierra"), ("Hyundai", "Elantra"),
    ("Hyundai", "Sonata"), ("Subaru", "Outback"), ("Subaru", "Forester"),
    ("Volkswagen", "Jetta"), ("Dodge", "Grand Caravan"), ("Dodge", "Charger"),
}  # fmt: skip
PASSENGER_TYPES = {"Passenger Car", "Multipurpose Passenger Vehicle (MPV)"}
# How often each part type is listed relative to the others (1 when not named).
PART_TYPE_WEIGHTS = {
    "engine": 9, "transmission": 8, "alternator": 8, "starter": 6, "ac_compressor": 5,
    "radiator": 4, "headlamp_left": 6, "headlamp_right": 6, "tail_lamp_left": 4,
    "tail_lamp_right": 4, "mirror_left": 4, "mirror_right": 4, "door_front_left": 4,
    "door_front_right": 4, "door_rear_left": 2, "door_rear_right": 2, "bumper_front": 5,
    "bumper_rear": 4, "hood": 3, "fender_front_left": 3, "fender_front_right": 3, "wheel": 6,
    "engine_control_module": 4, "abs_pump": 3, "power_steering_pump": 3, "steering_rack": 3,
    "fuel_pump": 3, "turbocharger": 2, "catalytic_converter": 4, "instrument_cluster": 3,
    "radio": 3, "seat_front_left": 2, "window_regulator": 3, "brake_caliper": 3,
    "strut_front_left": 2, "strut_front_right": 2, "tailgate": 2, "grille": 2,
}  # fmt: skip
PRICE_RANGES = {
    "engine_drivetrain": (120, 600), "transmission_driveline": (100, 500),
    "electrical": (35, 180), "fuel_air": (35, 220), "cooling_heating": (45, 260),
    "steering_suspension": (35, 260), "brakes": (25, 160), "body_exterior": (60, 420),
    "lighting": (40, 320), "interior": (30, 320), "glass_mirrors": (40, 260),
    "wheels_tyres": (40, 260), "exhaust_emissions": (40, 420), "safety_restraints": (60, 320),
    "modules_sensors": (30, 260), "hybrid_electric": (500, 3500),
    "engine": (700, 3800), "engine_long_block": (900, 3200), "transmission": (450, 2600),
    "catalytic_converter": (150, 1300), "traction_battery": (1500, 6500),
    "front_subframe": (200, 900), "truck_bed": (500, 2200),
}  # fmt: skip
CONDITION_FACTORS = {
    "recycled": Decimal("1"), "refurbished": Decimal("1.15"), "remanufactured": Decimal("1.4"),
    "aftermarket": Decimal("0.8"), "new_oem": Decimal("2.1"),
}  # fmt: skip
GRADE_FACTORS = {"A": Decimal("1.15"), "B": Decimal("1"), "C": Decimal("0.75"), "": Decimal("1")}
CORE_TYPES = {
    "alternator", "starter", "ac_compressor", "engine", "engine_long_block", "cylinder_head",
    "transmission", "torque_converter", "turbocharger", "steering_rack", "steering_gearbox",
    "power_steering_pump", "brake_caliper", "brake_master_cylinder", "abs_pump",
    "engine_control_module", "transmission_control_module", "high_pressure_fuel_pump",
    "fuel_injector", "water_pump", "drive_shaft", "cv_axle_front_left", "cv_axle_front_right",
}  # fmt: skip
CONDITIONS_BY_ROLE = {
    "dismantler": (("recycled", 78), ("refurbished", 12), ("aftermarket", 6), ("new_oem", 4)),
    "remanufacturer": (("remanufactured", 70), ("new_oem", 15), ("aftermarket", 15)),
    "individual": (("recycled", 85), ("aftermarket", 10), ("new_oem", 5)),
}  # fmt: skip
WARRANTIES = {
    "recycled": ((0, 15), (30, 40), (90, 30), (180, 15)),
    "refurbished": ((90, 30), (180, 40), (365, 30)),
    "remanufactured": ((365, 50), (730, 30), (1095, 20)),
    "aftermarket": ((90, 30), (365, 60), (730, 10)),
    "new_oem": ((365, 80), (730, 20)),
}  # fmt: skip
GRADED = ("recycled", "refurbished")
# (city, latitude, longitude): where the yards are.
CITIES = (
    ("New York", 40.7128, -74.0060), ("Los Angeles", 34.0522, -118.2437),
    ("Chicago", 41.8781, -87.6298), ("Houston", 29.7604, -95.3698),
    ("Phoenix", 33.4484, -112.0740), ("Philadelphia", 39.9526, -75.1652),
    ("San Antonio", 29.4241, -98.4936), ("San Diego", 32.7157, -117.1611),
    ("Dallas", 32.7767, -96.7970), ("Jacksonville", 30.3322, -81.6557),
    ("Austin", 30.2672, -97.7431), ("Columbus", 39.9612, -82.9988),
    ("Charlotte", 35.2271, -80.8431), ("Indianapolis", 39.7684, -86.1581),
    ("Seattle", 47.6062, -122.3321), ("Denver", 39.7392, -104.9903),
    ("Nashville", 36.1627, -86.7816), ("Oklahoma City", 35.4676, -97.5164),
    ("El Paso", 31.7619, -106.4850), ("Boston", 42.3601, -71.0589),
    ("Portland", 45.5152, -122.6784), ("Las Vegas", 36.1699, -115.1398),
    ("Detroit", 42.3314, -83.0458), ("Memphis", 35.1495, -90.0490),
    ("Louisville", 38.2527, -85.7585), ("Baltimore", 39.2904, -76.6122),
    ("Milwaukee", 43.0389, -87.9065), ("Albuquerque", 35.0844, -106.6504),
    ("Tucson", 32.2226, -110.9747), ("Fresno", 36.7378, -119.7871),
    ("Sacramento", 38.5816, -121.4944), ("Kansas City", 39.0997, -94.5786),
    ("Atlanta", 33.7490, -84.3880), ("Omaha", 41.2565, -95.9345),
    ("Raleigh", 35.7796, -78.6382), ("Miami", 25.7617, -80.1918),
    ("Minneapolis", 44.9778, -93.2650), ("Tulsa", 36.1540, -95.9928),
    ("Cleveland", 41.4993, -81.6944), ("Tampa", 27.9506, -82.4572),
    ("New Orleans", 29.9511, -90.0715), ("Pittsburgh", 40.4406, -79.9959),
    ("Cincinnati", 39.1031, -84.5120), ("St. Louis", 38.6270, -90.1994),
    ("Salt Lake City", 40.7608, -111.8910), ("Birmingham", 33.5186, -86.8104),
    ("Buffalo", 42.8864, -78.8784), ("Boise", 43.6150, -116.2023),
    ("Spokane", 47.6588, -117.4260), ("Billings", 45.7833, -108.5007),
    ("Little Rock", 34.7465, -92.2896), ("Des Moines", 41.5868, -93.6250),
    ("Richmond", 37.5407, -77.4360), ("Orlando", 28.5383, -81.3792),
    ("Hartford", 41.7658, -72.6734), ("Evanston", 42.0451, -87.6877),
)  # fmt: skip
YARD_WORDS = (
    "North", "South", "East", "West", "Valley", "Interstate", "Midwest", "Sunbelt", "Eagle",
    "Liberty", "Pioneer", "Tri-County", "Frontier", "Lakeside", "Route 66", "Summit", "Bayou",
    "Keystone", "Redwood", "Prairie",
)  # fmt: skip
YARD_KINDS = ("Auto Recyclers", "Used Auto Parts", "Salvage", "Dismantlers", "Auto Wrecking")
COLOURS = (
    ("black", 25), ("white", 20), ("silver", 15), ("gray", 15), ("red", 8), ("blue", 8),
    ("green", 3), ("beige", 3), ("gold", 2), ("brown", 1),
)  # fmt: skip
COLOURED_GROUPS = {"body_exterior", "glass_mirrors", "interior", "wheels_tyres"}
FEATURES = {
    "lighting": (("Xenon", 0.2), ("LED", 0.15)),
    "glass_mirrors": (("Heated", 0.3), ("Power folding", 0.1), ("Blind spot", 0.1)),
    "engine_drivetrain": (("Turbo", 0.1), ("Diesel", 0.06), ("Hybrid", 0.04)),
    "transmission_driveline": (("Automatic", 0.6), ("Manual", 0.15), ("AWD", 0.15)),
    "interior": (("Leather", 0.3), ("Heated", 0.15)),
    "wheels_tyres": (("Alloy", 0.6), ("Steel", 0.2)),
    "hybrid_electric": (("Hybrid", 0.5),),
}  # fmt: skip
WEAR = {
    "A": (("Excellent condition.", 8), ("Like new.", 2)),
    "B": (("Light scratches.", 5), ("Minor wear.", 4), ("Small scuff.", 2)),
    "C": (("Heavy wear.", 5), ("Cracked housing.", 3), ("Dented.", 3), ("Hail damage.", 0.2)),
}  # fmt: skip
VIN_CHARACTERS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
# The listing columns COPY fills, in this order (`listing_row`).
LISTING_COLUMNS = (
    "id", "seller_organisation_id", "seller_user_id", "seller_sku", "part_type_id", "part_id",
    "title", "description", "condition", "grade", "damage_notes", "price", "currency",
    "core_charge", "quantity_on_hand", "warranty_days", "location_id", "donor_vin",
    "donor_vehicle_id", "donor_year", "donor_make", "donor_model", "donor_mileage", "status",
    "created_at", "updated_at", "search_dirty",
)  # fmt: skip
# Every column of `ListingSearch` but the generated tsvectors (`search_row_values`).
SEARCH_COLUMNS = (
    "listing_id", "document", "part_numbers", "fitment", "interchange_group", "make",
    "part_type", "part_type_group", "condition", "grade", "grade_rank", "seller_kind", "price",
    "price_with_core", "core_charge", "price_band", "currency", "warranty_days", "donor_mileage",
    "latitude", "longitude", "pickup_available", "certified", "created_at", "title",
    "part_type_name", "seller_name", "photo",
)  # fmt: skip
PART_NUMBER_COLUMNS = ("listing_id", "number", "normalised")
PHOTO_COLUMNS = ("listing_id", "image", "width", "height", "position", "created_at")
BULK_TABLES = (
    "catalog_listing", "catalog_listingpartnumber", "catalog_listingphoto",
    "catalog_listingsearch",
)  # fmt: skip
# Real VINs that decode offline (tests/catalog/test_vin.py) to vehicles of the reference data.
VINS = ("1HGCM82633A004352", "1FTRX12W28FB34687", "5NPEB4AC9DH571382", "JF2SH62689G711814")


def _say(message: str) -> None:
    print(f"[search] {message}", file=sys.stderr, flush=True)


def _cumulative(weights: Iterable[float]) -> list[float]:
    total, cumulative = 0.0, []
    for weight in weights:
        total += weight
        cumulative.append(total)
    return cumulative


def _weighted(rng: random.Random, pairs) -> str:
    """One value of `((value, weight), ...)`."""
    return rng.choices([value for value, _ in pairs], [weight for _, weight in pairs])[0]


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (`share` in 0..100) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share / 100 * len(ordered)) - 1)]


# --- the database of the benchmark -------------------------------------------------------------


def _connect(dbname: str) -> psycopg.Connection:
    params = connection.settings_dict
    return psycopg.connect(
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        user=params["USER"],
        password=params["PASSWORD"],
        dbname=dbname,
        autocommit=True,
    )


@contextmanager
def bench_database() -> Iterator[None]:
    """Point Django at a fresh database of its own for the duration, and drop it after."""
    if connection.vendor != "postgresql":
        raise SystemExit("The search benchmark needs PostgreSQL: set DATABASE_URL.")
    default = connections["default"]
    original = default.settings_dict["NAME"]
    with _connect(original) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {DATABASE}")
    default.close()
    default.settings_dict["NAME"] = DATABASE
    try:
        yield
    finally:
        default.close()
        default.settings_dict["NAME"] = original
        with _connect(original) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


def _database_url(name: str) -> str:
    params = connection.settings_dict
    user, password = quote(params["USER"], safe=""), quote(params["PASSWORD"] or "", safe="")
    host, port = params["HOST"] or "127.0.0.1", params["PORT"] or "5432"
    return f"postgres://{user}:{password}@{host}:{port}/{name}"


# --- reference data: vehicles, part types ------------------------------------------------------


@dataclass(frozen=True)
class PartTypeRef:
    id: int
    code: str
    name: str
    group: str
    freight_only: bool


@dataclass
class Vehicles:
    """The vPIC vehicles as loaded, and a popularity-weighted way to pick a model year."""

    makes: dict[int, str]
    models: dict[int, tuple[int, str]]  # model id: (make id, name)
    ids: dict[tuple[int, int], int]  # (model id, year): a vehicle id
    years: dict[int, tuple[int, int]]  # model id: (first, last) model year
    make_ids: list[int] = field(default_factory=list)
    make_cumulative: list[float] = field(default_factory=list)
    pairs: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # make: (model, year)
    pair_cumulative: dict[int, list[float]] = field(default_factory=dict)

    def pick(self, rng: random.Random, make_id: int | None = None) -> tuple[int, int, int]:
        """(make id, model id, year) of a popular vehicle, of `make_id` if given."""
        if make_id is None:
            make_id = rng.choices(self.make_ids, cum_weights=self.make_cumulative)[0]
        pairs = self.pairs[make_id]
        model_id, year = rng.choices(pairs, cum_weights=self.pair_cumulative[make_id])[0]
        return make_id, model_id, year

    def name(self, model_id: int) -> str:
        make_id, model = self.models[model_id]
        return f"{self.makes[make_id]} {model}"


def _year_weight(year: int) -> float:
    return math.exp(-(((year - 2011) / 7) ** 2))


def _vehicles() -> Vehicles:
    """Read the loaded vehicles back, with popularity weights by make, model and year."""
    from catalog.models import Vehicle

    rows = Vehicle.objects.filter(year__gte=FIRST_YEAR).order_by("id").values_list(
        "id", "model_id", "year", "vehicle_type", "model__name", "model__make_id",
        "model__make__name",
    )  # fmt: skip
    vehicles = Vehicles(makes={}, models={}, ids={}, years={})
    types: dict[tuple[int, int], set[str]] = defaultdict(set)
    for vehicle_id, model_id, year, kind, model, make_id, make in rows:
        vehicles.makes[make_id] = make
        vehicles.models[model_id] = (make_id, model)
        vehicles.ids.setdefault((model_id, year), vehicle_id)
        first, last = vehicles.years.get(model_id, (year, year))
        vehicles.years[model_id] = (min(first, year), max(last, year))
        types[model_id, year].add(kind)
    _weigh(vehicles, types)
    return vehicles


def _weigh(vehicles: Vehicles, types: dict[tuple[int, int], set[str]]) -> None:
    others = len(set(vehicles.makes.values()) - MAKE_WEIGHTS.keys())
    by_make: dict[int, list[tuple[tuple[int, int], float]]] = defaultdict(list)
    for (model_id, year), kinds in sorted(types.items()):
        make_id, model = vehicles.models[model_id]
        weight = _year_weight(year) * (1.0 if kinds & PASSENGER_TYPES else 0.25)
        if (vehicles.makes[make_id], model) in BESTSELLERS:
            weight *= 8
        by_make[make_id].append(((model_id, year), weight))
    for make_id, pairs in sorted(by_make.items()):
        name = vehicles.makes[make_id]
        vehicles.make_ids.append(make_id)
        vehicles.make_cumulative.append(MAKE_WEIGHTS.get(name, OTHER_MAKES_WEIGHT / others))
        vehicles.pairs[make_id] = [pair for pair, _ in pairs]
        vehicles.pair_cumulative[make_id] = _cumulative(weight for _, weight in pairs)
    vehicles.make_cumulative = _cumulative(vehicles.make_cumulative)


def _part_types() -> list[PartTypeRef]:
    from catalog.models import PartType

    rows = PartType.objects.order_by("id").values_list(
        "id", "code", "name", "group__code", "freight_only"
    )
    return [PartTypeRef(*row) for row in rows]


# --- sellers -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LocationRef:
    id: int
    latitude: float
    longitude: float
    pickup: bool


@dataclass(frozen=True)
class Seller:
    organisation_id: int | None
    user_id: int | None
    name: str
    role: str  # dismantler, remanufacturer or individual
    locations: tuple[LocationRef, ...]

    @property
    def kind(self) -> str:
        return "individual" if self.organisation_id is None else "business"


def _coordinates(rng: random.Random, city: tuple[str, float, float]) -> tuple[Decimal, Decimal]:
    _, latitude, longitude = city
    jitter = 0.25
    return (
        Decimal(f"{latitude + rng.uniform(-jitter, jitter):.6f}"),
        Decimal(f"{longitude + rng.uniform(-jitter, jitter):.6f}"),
    )


def _location_refs(locations) -> dict[int, list[LocationRef]]:
    """Locations by owner id (organisation or user), as the search document reads them."""
    by_owner: dict[int, list[LocationRef]] = defaultdict(list)
    for location in locations:
        owner = location.organisation_id or location.user_id
        by_owner[owner].append(
            LocationRef(
                location.id,
                float(location.latitude),
                float(location.longitude),
                location.pickup_available,
            )
        )
    return by_owner


def _organisations(rng: random.Random) -> list[Seller]:
    """Dismantlers and remanufacturers, each with one to three yards around a US city."""
    from catalog.models import Location
    from marketplace.models import Organisation

    cities = rng.choices(
        CITIES, [1 / math.sqrt(i + 1) for i in range(len(CITIES))], k=ORGANISATIONS
    )
    organisations = []
    for index, city in enumerate(cities):
        role = "remanufacturer" if index % 7 == 3 else "dismantler"
        words = rng.choice(YARD_WORDS)
        suffix = "Remanufacturing" if role == "remanufacturer" else rng.choice(YARD_KINDS)
        organisations.append(
            Organisation(
                name=f"{words} {suffix} of {city[0]}", slug=f"bench-{index}", kind=role,
                status="approved", city=city[0],
            )
        )  # fmt: skip
    Organisation.objects.bulk_create(organisations)
    locations = []
    for organisation, city in zip(organisations, cities, strict=True):
        for number in range(rng.choice((1, 1, 2, 3))):
            latitude, longitude = _coordinates(rng, city)
            pickup = rng.random() < (0.7 if organisation.kind == "dismantler" else 0.2)
            locations.append(
                Location(
                    organisation=organisation, name=f"Yard {number + 1}", city=city[0],
                    latitude=latitude, longitude=longitude, pickup_available=pickup,
                )
            )  # fmt: skip
    by_owner = _location_refs(Location.objects.bulk_create(locations))
    return [
        Seller(org.id, None, org.name, org.kind, tuple(by_owner[org.id])) for org in organisations
    ]


def _individuals(rng: random.Random) -> list[Seller]:
    """Private sellers (C2C); six in ten have a place to pick up from."""
    from catalog.models import Location
    from marketplace.models import User

    users = User.objects.bulk_create(
        User(username=f"seller{index:05d}", email=f"seller{index:05d}@bench.example", password="!")
        for index in range(INDIVIDUALS)
    )
    locations = []
    for user in users:
        if rng.random() < 0.6:
            city = rng.choice(CITIES)
            latitude, longitude = _coordinates(rng, city)
            locations.append(
                Location(
                    user=user, name="Home", city=city[0], latitude=latitude, longitude=longitude,
                    pickup_available=rng.random() < 0.9,
                )
            )  # fmt: skip
    by_owner = _location_refs(Location.objects.bulk_create(locations))
    return [
        Seller(None, user.id, user.username, "individual", tuple(by_owner[user.id]))
        for user in users
    ]


# --- catalogued parts --------------------------------------------------------------------------


@dataclass(frozen=True)
class PartRef:
    """A catalogued part, with what the search rows of its listings need precomputed."""

    id: int
    oe_number: str
    normalised: str
    part_type: PartTypeRef
    group: str  # interchange group code, or ""
    fitments: tuple[tuple[int, int, int], ...]  # (model id, first year, last year)
    fits: frozenset[tuple[int, int, int]]  # (make id, model id, year)
    tokens: frozenset[str]
    names: frozenset[str]
    siblings: tuple[str, ...]  # OE numbers of the other parts of its group
    token_text: str  # the search row's `fitment` for a listing of this part with no donor
    name_list: tuple[str, ...]  # sorted "make model" names
    first: tuple[int, int, int]  # the smallest (make, model, year): its make names the facet


def _digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(count))


def _alnum(rng: random.Random, count: int) -> str:
    return "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(count))


def _letters(rng: random.Random, count: int) -> str:
    return "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(count))


def oe_number(rng: random.Random, make: str) -> str:
    """An OE number in the style of the make's manufacturer."""
    style = {
        "Honda": "honda", "Acura": "honda", "Toyota": "toyota", "Lexus": "toyota",
        "Nissan": "toyota", "Infiniti": "toyota", "Hyundai": "toyota", "Kia": "toyota",
        "Ford": "ford", "Lincoln": "ford", "Mercury": "ford", "Volkswagen": "vw", "Audi": "vw",
        "Chevrolet": "gm", "GMC": "gm", "Buick": "gm", "Cadillac": "gm", "Pontiac": "gm",
        "Saturn": "gm", "Oldsmobile": "gm", "Hummer": "gm", "Dodge": "mopar", "Jeep": "mopar",
        "Ram": "mopar", "Chrysler": "mopar", "Plymouth": "mopar", "BMW": "bmw", "MINI": "bmw",
        "Mercedes-Benz": "mercedes",
    }.get(make, "other")  # fmt: skip
    if style == "honda":
        return f"{_digits(rng, 5)}-{_letters(rng, 3)}-{_letters(rng, 1)}{_digits(rng, 2)}"
    if style == "toyota":
        return f"{_digits(rng, 5)}-{_alnum(rng, 5)}"
    if style == "ford":
        return f"{_letters(rng, 2)}{_digits(rng, 1)}Z-{_digits(rng, 5)}-{_letters(rng, 1)}"
    if style == "vw":
        return f"{_digits(rng, 1)}{_letters(rng, 1)}0 {_digits(rng, 3)} {_digits(rng, 3)} {_letters(rng, 1)}"  # noqa: E501
    if style == "gm":
        return _digits(rng, 8)
    if style == "mopar":
        return f"{_digits(rng, 8)}{_letters(rng, 2)}"
    if style == "bmw":
        return f"{_digits(rng, 2)} {_digits(rng, 2)} {_digits(rng, 1)} {_digits(rng, 3)} {_digits(rng, 3)}"  # noqa: E501
    if style == "mercedes":
        return f"A {_digits(rng, 3)} {_digits(rng, 3)} {_digits(rng, 2)} {_digits(rng, 2)}"
    return f"{_letters(rng, 3)}-{_digits(rng, 6)}"


def _part_fitments(rng: random.Random, vehicles: Vehicles, make_id: int) -> list[tuple]:
    """One to three models of a make, each over a few model years around a popular one."""
    fitments, seen = [], set()
    for _ in range(rng.choice((1, 1, 2, 3))):
        _, model_id, year = vehicles.pick(rng, make_id)
        if model_id in seen:
            continue
        seen.add(model_id)
        first, last = vehicles.years[model_id]
        year_from = max(first, year - rng.randint(0, 3))
        year_to = min(last, year + rng.randint(0, 3))
        fitments.append((model_id, year_from, year_to))
    return fitments


def fitment_keys(vehicles: Vehicles, fitments) -> frozenset[tuple[int, int, int]]:
    return frozenset(
        (vehicles.models[model_id][0], model_id, year)
        for model_id, year_from, year_to in fitments
        for year in range(year_from, year_to + 1)
    )


def fitment_tokens(keys: Iterable[tuple[int, int, int]]) -> set[str]:
    """`m<make>`, `m<make>x<model>`, `m<make>x<model>y<year>`, as indexing.py writes them."""
    tokens = set()
    for make_id, model_id, year in keys:
        tokens.update((f"m{make_id}", f"m{make_id}x{model_id}", f"m{make_id}x{model_id}y{year}"))
    return tokens


@dataclass
class PartSpec:
    oe_number: str
    part_type: PartTypeRef
    make_id: int
    fitments: list[tuple]
    group: str = ""


def _part_specs(rng: random.Random, vehicles: Vehicles, part_types) -> list[PartSpec]:
    type_weights = [PART_TYPE_WEIGHTS.get(t.code, 1) for t in part_types]
    specs, numbers = [], set()
    while len(specs) < CATALOGUED_PARTS:
        make_id, _, _ = vehicles.pick(rng)
        number = oe_number(rng, vehicles.makes[make_id])
        normalised = normalise(number)
        if normalised in numbers:
            continue
        numbers.add(normalised)
        part_type = rng.choices(part_types, type_weights)[0]
        fitments = _part_fitments(rng, vehicles, make_id)
        specs.append(PartSpec(number, part_type, make_id, fitments))
    _group(rng, specs)
    return specs


def _group(rng: random.Random, specs: list[PartSpec]) -> None:
    """Put six in ten parts into Hollander-style interchange groups of two to five parts of one
    part type and make."""
    by_kind: dict[tuple[str, int], list[PartSpec]] = defaultdict(list)
    for spec in specs:
        if rng.random() < 0.6:
            by_kind[spec.part_type.code, spec.make_id].append(spec)
    serial = 0
    for (code, _), members in sorted(by_kind.items()):
        while len(members) >= 2:
            size = min(len(members), rng.randint(2, 5))
            serial += 1
            for spec in members[:size]:
                spec.group = f"{100 + sum(map(ord, code)) % 900}-{serial:05d}"
            members = members[size:]


def _parts(rng: random.Random, vehicles: Vehicles, part_types) -> list[PartRef]:
    """Create the catalogued parts, their interchange groups and fitment."""
    from catalog.models import Fitment, InterchangeGroup, Part

    specs = _part_specs(rng, vehicles, part_types)
    groups = {spec.group: spec.part_type.id for spec in specs if spec.group}
    rows = InterchangeGroup.objects.bulk_create(
        InterchangeGroup(code=code, part_type_id=type_id) for code, type_id in groups.items()
    )
    group_ids = {group.code: group.id for group in rows}
    parts = Part.objects.bulk_create(
        Part(
            oe_number=spec.oe_number,
            oe_number_normalised=normalise(spec.oe_number),
            part_type_id=spec.part_type.id,
            brand=vehicles.makes[spec.make_id],
            interchange_group_id=group_ids.get(spec.group),
        )
        for spec in specs
    )
    Fitment.objects.bulk_create(
        Fitment(part=part, vehicle_model_id=model_id, year_from=first, year_to=last)
        for part, spec in zip(parts, specs, strict=True)
        for model_id, first, last in spec.fitments
    )
    return _part_refs(vehicles, parts, specs)


def _part_refs(vehicles: Vehicles, parts, specs) -> list[PartRef]:
    members: dict[str, list[str]] = defaultdict(list)
    for spec in specs:
        if spec.group:
            members[spec.group].append(spec.oe_number)
    refs = []
    for part, spec in zip(parts, specs, strict=True):
        keys = fitment_keys(vehicles, spec.fitments)
        refs.append(
            PartRef(
                id=part.id, oe_number=part.oe_number, normalised=part.oe_number_normalised,
                part_type=spec.part_type, group=spec.group, fitments=tuple(spec.fitments),
                fits=keys, tokens=frozenset(fitment_tokens(keys)),
                names=frozenset(vehicles.name(model_id) for _, model_id, _ in keys),
                siblings=tuple(n for n in members.get(spec.group, ()) if n != part.oe_number),
                token_text=" ".join(sorted(fitment_tokens(keys))),
                name_list=tuple(sorted({vehicles.name(model_id) for _, model_id, _ in keys})),
                first=min(keys),
            )
        )  # fmt: skip
    return refs


# --- listings and their search rows ------------------------------------------------------------


@dataclass(frozen=True)
class Weighted:
    """Values with weights, ready for `random.choices` with cumulative weights."""

    values: tuple
    cumulative: tuple[float, ...]

    @classmethod
    def of(cls, pairs) -> "Weighted":
        return cls(tuple(v for v, _ in pairs), tuple(_cumulative(w for _, w in pairs)))

    def pick(self, rng: random.Random):
        return rng.choices(self.values, cum_weights=self.cumulative)[0]


CONDITIONS = {role: Weighted.of(pairs) for role, pairs in CONDITIONS_BY_ROLE.items()}
WARRANTY = {condition: Weighted.of(pairs) for condition, pairs in WARRANTIES.items()}
WEAR_NOTES = {grade: Weighted.of(pairs) for grade, pairs in WEAR.items()}
GRADES = Weighted.of((("A", 35), ("B", 45), ("C", 20)))
COLOUR = Weighted.of(COLOURS)
CENTS = Weighted.of(((Decimal("0.00"), 4), (Decimal("0.99"), 3), (Decimal("0.95"), 2)))
PHOTOS = Weighted.of(((0, 15), (1, 45), (2, 40)))
ORIGINS = {
    "refurbished": "Cleaned, inspected and refurbished OEM part.",
    "remanufactured": "Remanufactured to OEM specifications, all wear items replaced.",
    "new_oem": "New genuine OEM part in original packaging.",
    "aftermarket": "New aftermarket replacement, direct fit.",
}


@dataclass(slots=True)
class Draft:
    """One generated listing, before it becomes rows."""

    id: int
    seller: Seller
    condition: str
    part_type: PartTypeRef
    part: PartRef | None
    donor: tuple[int, int, int] | None = None  # (make id, model id, year)
    donor_vehicle_id: int | None = None
    mileage: int | None = None
    vin: str = ""
    grade: str = ""
    price: Decimal = Decimal("0")
    core: Decimal = Decimal("0")
    warranty: int = 0
    status: str = "active"
    quantity: int = 1
    location: LocationRef | None = None
    created: datetime = NOW
    photos: int = 0
    numbers: dict[str, str] = field(default_factory=dict)  # normalised: as written
    title: str = ""
    description: str = ""

    @property
    def searchable(self) -> bool:
        return self.status == "active" and self.quantity > 0


class ListingFactory:
    """Generates listings one id after another, and the rows COPY writes for each of them:
    the listing, its part numbers, its photos and (when searchable) its search row."""

    def __init__(self, rng: random.Random, vehicles: Vehicles, part_types, sellers, parts):
        self.rng, self.vehicles, self.parts = rng, vehicles, parts
        self.part_types = part_types
        self.type_cumulative = _cumulative(PART_TYPE_WEIGHTS.get(t.code, 1) for t in part_types)
        self.sellers = sellers
        weights = [1 / (rank + 1) ** 0.7 for rank in range(ORGANISATIONS)]
        individual = sum(weights) * 0.03 / 0.97 / (len(sellers) - ORGANISATIONS)
        self.seller_cumulative = _cumulative(weights + [individual] * (len(sellers) - len(weights)))
        self.part_weights = [rng.paretovariate(1.5) for _ in parts]
        self.part_cumulative = _cumulative(self.part_weights)
        self.seller_numbers: list[str] = []  # a few OE numbers sellers gave, for the queries

    def draft(self, listing_id: int) -> Draft:
        rng = self.rng
        seller = rng.choices(self.sellers, cum_weights=self.seller_cumulative)[0]
        part = None
        if rng.random() < 0.35:
            part = rng.choices(self.parts, cum_weights=self.part_cumulative)[0]
            part_type = part.part_type
        else:
            part_type = rng.choices(self.part_types, cum_weights=self.type_cumulative)[0]
        draft = Draft(listing_id, seller, CONDITIONS[seller.role].pick(rng), part_type, part)
        self._donor(draft)
        self._terms(draft)
        self._stock(draft)
        self._numbers(draft)
        draft.title = self._title(draft)
        draft.description = self._description(draft)
        return draft

    def _donor(self, d: Draft) -> None:
        """Used parts mostly come from a donor vehicle: one the part fits, if catalogued."""
        rng, vehicles = self.rng, self.vehicles
        if d.condition not in GRADED or rng.random() < 0.1:
            return
        vehicle_id = None
        if d.part is not None:
            model_id, first, last = rng.choice(d.part.fitments)
            year = rng.randint(first, last)
            make_id = vehicles.models[model_id][0]
            vehicle_id = vehicles.ids.get((model_id, year))
        if vehicle_id is None:
            make_id, model_id, year = vehicles.pick(rng)
            vehicle_id = vehicles.ids[model_id, year]
        d.donor, d.donor_vehicle_id = (make_id, model_id, year), vehicle_id
        age = max(1, NOW.year - year)
        d.mileage = min(320_000, int(age * rng.uniform(6_000, 15_000)))
        d.vin = "".join(rng.choices(VIN_CHARACTERS, k=17))

    def _terms(self, d: Draft) -> None:
        rng = self.rng
        d.grade = GRADES.pick(rng) if d.condition in GRADED else ""
        low, high = PRICE_RANGES.get(d.part_type.code) or PRICE_RANGES[d.part_type.group]
        base = math.exp(rng.uniform(math.log(low), math.log(high)))
        factor = CONDITION_FACTORS[d.condition] * GRADE_FACTORS[d.grade]
        d.price = Decimal(max(5, round(base * float(factor)))) + CENTS.pick(rng)
        if d.condition in ("remanufactured", "refurbished") and d.part_type.code in CORE_TYPES:
            d.core = Decimal(int(d.price / 4)) + Decimal("0.00")
        else:
            d.core = Decimal("0.00")
        d.warranty = WARRANTY[d.condition].pick(rng)

    def _stock(self, d: Draft) -> None:
        """Status and stock (one in twenty listings is not searchable), place, age, photos."""
        rng = self.rng
        chance = rng.random()
        if chance < 0.03:
            d.status, d.quantity = "sold_out", 0
        elif chance < 0.05:
            d.status = "withdrawn" if chance < 0.04 else "draft"
        elif d.condition not in GRADED:
            d.quantity = rng.randint(1, 6)
        d.location = rng.choice(d.seller.locations) if d.seller.locations else None
        d.created = NOW - timedelta(seconds=rng.randrange(730 * 86_400))
        d.photos = PHOTOS.pick(rng)

    def _numbers(self, d: Draft) -> None:
        """The part's OE number (and sometimes an interchangeable one), or one the seller gives."""
        rng = self.rng
        numbers = []
        if d.part is not None:
            numbers.append(d.part.oe_number)
            if d.part.siblings and rng.random() < 0.1:
                numbers.append(rng.choice(d.part.siblings))
        elif rng.random() < 0.25:
            make_id = d.donor[0] if d.donor else self.vehicles.pick(rng)[0]
            numbers.append(oe_number(rng, self.vehicles.makes[make_id]))
            if len(self.seller_numbers) < 20 and d.searchable:
                self.seller_numbers.append(numbers[-1])
        for number in numbers:
            d.numbers.setdefault(normalise(number), number)

    def _title(self, d: Draft) -> str:
        """`<part type> - <year> <make> <model>` as feeds write it, from the donor or the part."""
        name = d.part_type.name
        if d.donor is not None:
            make_id, model_id, year = d.donor
            return f"{name} - {year} {self.vehicles.name(model_id)}"[:200]
        if d.part is not None:
            return f"{name} - {self.vehicles.name(d.part.fitments[0][0])}"[:200]
        return name

    def _description(self, d: Draft) -> str:
        rng = self.rng
        if d.condition != "recycled":
            lines = [ORIGINS[d.condition]]
        elif d.donor is not None:
            _, model_id, year = d.donor
            vehicle = self.vehicles.name(model_id)
            lines = [f"Used OEM part removed from a {year} {vehicle}, {d.mileage:,} miles."]
        else:
            lines = ["Used OEM part."]
        group = d.part_type.group
        if group in COLOURED_GROUPS:
            lines.append(f"Color: {COLOUR.pick(rng)}.")
        lines.extend(f"{word}." for word, share in FEATURES.get(group, ()) if rng.random() < share)
        if d.grade:
            lines.append(WEAR_NOTES[d.grade].pick(rng))
        lines.extend(self._selling_points(d))
        return " ".join(lines)

    def _selling_points(self, d: Draft) -> Iterator[str]:
        rng = self.rng
        if d.condition in GRADED and rng.random() < 0.35:
            yield "Tested and working."
        if d.mileage is not None and d.mileage < 70_000:
            yield "Low miles."
        if d.core:
            yield "Core charge refunded when your old unit is returned."
        if d.part_type.freight_only:
            yield "Ships by freight."
        elif rng.random() < 0.3:
            yield "Ships within 24 hours."
        if d.location is not None and d.location.pickup:
            yield "Local pickup available."
        if d.part is not None and d.part.group and rng.random() < 0.5:
            yield f"Interchange {d.part.group}."

    def listing_row(self, d: Draft) -> tuple:
        seller, donor = d.seller, d.donor
        make, model = "", ""
        if donor is not None:
            make, model = self.vehicles.makes[donor[0]], self.vehicles.models[donor[1]][1]
        return (
            d.id, seller.organisation_id, seller.user_id, f"BS-{d.id:08d}", d.part_type.id,
            d.part.id if d.part else None, d.title, d.description, d.condition, d.grade, "",
            d.price, "USD", d.core, d.quantity, d.warranty, d.location.id if d.location else None,
            d.vin, d.donor_vehicle_id, donor[2] if donor else None, make, model, d.mileage,
            d.status, d.created, d.created, False,
        )  # fmt: skip

    @staticmethod
    def part_number_rows(d: Draft) -> Iterator[tuple]:
        for normalised, number in d.numbers.items():
            yield d.id, number, normalised

    @staticmethod
    def photo_rows(d: Draft) -> Iterator[tuple]:
        for position in range(d.photos):
            yield d.id, photo_name(d.id, position), 1600, 1200, position, d.created

    def _fitment(self, d: Draft) -> tuple[str, tuple[str, ...], str]:
        """(fitment tokens, "make model" names, make of the first fitment) of a listing."""
        part, donor, vehicles = d.part, d.donor, self.vehicles
        if part is None:
            if donor is None:
                return "", (), ""
            tokens = " ".join(sorted(fitment_tokens([donor])))
            return tokens, (vehicles.name(donor[1]),), vehicles.makes[donor[0]]
        if donor is None or donor in part.fits:
            return part.token_text, part.name_list, vehicles.makes[part.first[0]]
        tokens = " ".join(sorted(part.tokens | fitment_tokens([donor])))
        names = tuple(sorted(part.names | {vehicles.name(donor[1])}))
        return tokens, names, vehicles.makes[min(part.first, donor)[0]]

    def search_row(self, d: Draft) -> tuple:
        """What `search_row(search_document(listing))` holds for this listing, in SEARCH_COLUMNS
        order (see catalog/search/indexing.py and documents.py)."""
        tokens, names, make = self._fitment(d)
        numbers = sorted(d.numbers)
        words = (d.title, d.part_type.name, d.description, *numbers, *names)
        location = d.location
        return (
            d.id, " ".join(w for w in words if w), " ".join(numbers), tokens,
            d.part.group if d.part else "", make, d.part_type.code, d.part_type.group,
            d.condition, d.grade, GRADE_RANK[d.grade], d.seller.kind, d.price, d.price + d.core,
            d.core, price_band(d.price), "USD", d.warranty, d.mileage,
            location.latitude if location else None, location.longitude if location else None,
            bool(location and location.pickup), False, d.created, d.title, d.part_type.name,
            d.seller.name, photo_name(d.id, 0) if d.photos else "",
        )  # fmt: skip


def photo_name(listing_id: int, position: int) -> str:
    return f"listings/{listing_id}/photo-{position + 1}.jpg"


def normalise(number: str) -> str:
    from catalog.part_numbers import normalise_part_number

    return normalise_part_number(number)


def price_band(price: Decimal) -> str:
    from catalog.search.query import price_band as band

    return band(price)


GRADE_RANK = {"A": 1, "B": 2, "C": 3, "": 4}  # documents.GRADE_RANK, checked by _check_columns


# --- bulk loading ------------------------------------------------------------------------------


def _copy(cursor, table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _schema(cursor) -> tuple[list[tuple], list[tuple]]:
    """Secondary indexes and foreign keys of the bulk-loaded tables, as definitions."""
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
        "AND tablename = ANY(%s) AND indexname NOT IN (SELECT conindid::regclass::text "
        "FROM pg_constraint WHERE contype IN ('p', 'u', 'x')) ORDER BY indexname",
        [list(BULK_TABLES)],
    )
    indexes = cursor.fetchall()
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s) ORDER BY conname",
        [list(BULK_TABLES)],
    )
    return indexes, cursor.fetchall()


def _run_parallel(statements: list[str], workers: int = 2) -> None:
    """Run independent DDL on `workers` connections at once (index builds use both cores)."""

    def run(statement: str) -> None:
        with _connect(DATABASE) as conn:
            conn.execute("SET maintenance_work_mem = '1GB'")
            conn.execute(statement)

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(run, statements))


@contextmanager
def bulk_load_mode() -> Iterator[None]:
    """Drop the secondary indexes and foreign keys of the bulk-loaded tables, and put them back
    after (indexes built in one pass, keys validated in one join each): the schema ends exactly
    as the migrations made it, which is checked."""
    with connection.cursor() as cursor:
        indexes, keys = _schema(cursor)
        for table, name, _ in keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    yield
    started = time.perf_counter()
    # GIN indexes first: they take longest.
    _run_parallel([d for _, d in sorted(indexes, key=lambda i: "USING gin" not in i[1])])
    _say(f"indexes built in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        for table, name, definition in keys:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        if _schema(cursor) != (indexes, keys):
            raise RuntimeError("The bulk load did not restore the indexes and keys it dropped.")


def _fill(n: int, factory: ListingFactory) -> None:
    """COPY the listings, their part numbers and photos, then their search rows, by chunks."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for first in range(1, n + 1, CHUNK):
            drafts = [factory.draft(i) for i in range(first, min(n, first + CHUNK - 1) + 1)]
            _copy(cursor, "catalog_listing", LISTING_COLUMNS, map(factory.listing_row, drafts))
            numbers = (row for d in drafts for row in factory.part_number_rows(d))
            _copy(cursor, "catalog_listingpartnumber", PART_NUMBER_COLUMNS, numbers)
            photos = (row for d in drafts for row in factory.photo_rows(d))
            _copy(cursor, "catalog_listingphoto", PHOTO_COLUMNS, photos)
            rows = (factory.search_row(d) for d in drafts if d.searchable)
            _copy(cursor, "catalog_listingsearch", SEARCH_COLUMNS, rows)
            done = drafts[-1].id
            rate = done / (time.perf_counter() - started)
            _say(f"{done:,} / {n:,} listings copied ({rate:,.0f}/s)")
        cursor.execute("SELECT setval(pg_get_serial_sequence('catalog_listing', 'id'), %s)", [n])


def _check_columns() -> None:
    """Fail loudly if the search table or the document grew a field this mirror lacks."""
    from catalog.models import ListingSearch
    from catalog.search.documents import GRADE_RANK as RANKS

    columns = {f.column for f in ListingSearch._meta.concrete_fields}
    if columns != set(SEARCH_COLUMNS) or RANKS != GRADE_RANK:
        raise RuntimeError(
            f"ListingSearch changed: {sorted(columns ^ set(SEARCH_COLUMNS))}; update SEARCH_COLUMNS"
            " and ListingFactory.search_row to mirror catalog/search/indexing.py."
        )


def verify_sample(n: int, rng: random.Random) -> None:
    """Rewrite a sample of listings with `search_rows_write`: every row must stay as copied."""
    from catalog.models import ListingSearch
    from catalog.search.indexing import search_rows_write

    ids = sorted(rng.sample(range(1, n + 1), min(VERIFY_SAMPLE, n)))
    fields = [f.attname for f in ListingSearch._meta.concrete_fields]

    def rows() -> dict[int, dict]:
        found = ListingSearch.objects.filter(listing_id__in=ids).values(*fields)
        return {row["listing_id"]: row for row in found}

    copied = rows()
    search_rows_write(ids)
    written = rows()
    if copied != written:
        listing_id = min(
            set(copied) ^ set(written) or {i for i in copied if copied[i] != written[i]}
        )
        before, after = copied.get(listing_id, {}), written.get(listing_id, {})
        diff = {k: (before.get(k), after.get(k)) for k in fields if before.get(k) != after.get(k)}
        raise RuntimeError(f"Copied search row of listing {listing_id} differs: {diff}")
    _say(
        f"{len(ids)} sampled listings: search_rows_write leaves their {len(copied)} rows as copied"
    )


def _vacuum_analyze() -> None:
    """VACUUM ANALYZE the two big tables at once, then the rest of the database."""
    _run_parallel(["VACUUM ANALYZE catalog_listing", "VACUUM ANALYZE catalog_listingsearch"])
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


@dataclass
class Catalog:
    """What the queries are made from: the parts by popularity and numbers sellers gave."""

    parts: list[PartRef]
    part_weights: list[float]
    seller_numbers: list[str]


def build(n: int, rng: random.Random) -> Catalog:
    """Reference data, sellers, parts, then `n` listings and their search rows."""
    from catalog.reference import part_types_load, vehicles_load

    _check_columns()
    call_command("migrate", verbosity=0)
    vehicles_load(csv_path=settings.VEHICLE_REFERENCE_CSV)
    part_types_load()
    vehicles, part_types = _vehicles(), _part_types()
    sellers = _organisations(rng) + _individuals(rng)
    parts = _parts(rng, vehicles, part_types)
    _say(f"{len(vehicles.ids):,} model years, {len(sellers):,} sellers, {len(parts):,} parts")
    factory = ListingFactory(rng, vehicles, part_types, sellers, parts)
    with bulk_load_mode():
        _fill(n, factory)
    verify_sample(n, rng)
    _vacuum_analyze()
    return Catalog(parts, factory.part_weights, factory.seller_numbers)


# --- the queries -------------------------------------------------------------------------------


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


# --- capturing the SQL of each query -----------------------------------------------------------


@dataclass
class Captured:
    query: Query
    statements: tuple[str, ...]
    total: int


def _capture_one(client, query: Query) -> Captured:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        response = client.get(query.path)
    if response.status_code != 200:
        raise RuntimeError(f"{query.label}: HTTP {response.status_code} {response.content[:300]}")
    statements = tuple(item["sql"] for item in context.captured_queries)
    return Captured(query, statements, response.json()["total"])


def capture(queries: list[Query]) -> list[Captured]:
    """Run every query once in-process through the API view, keeping the SQL it ran."""
    from django.test import Client

    client = Client()
    captured = [_capture_one(client, query) for query in queries]
    for item in captured:
        if item.total == 0 and "certified" not in item.query.label:
            _say(f"warning: no hits for {item.query.label}")
    return captured


def page_size_constant(queries: list[Query]) -> bool:
    """The number of queries per request is the same for page sizes 5 and 50."""
    from django.test import Client

    client = Client()
    for query in queries:
        small = _capture_one(client, query.with_page_size(5))
        large = _capture_one(client, query.with_page_size(50))
        if len(small.statements) != len(large.statements):
            _say(f"{query.label}: {len(small.statements)} vs {len(large.statements)} queries")
            return False
    return True


# --- the server and the load -------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "ELASTICSEARCH_URL"}
    env.update(
        DATABASE_URL=_database_url(DATABASE),
        DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY") or "bench-only-secret",
        DJANGO_SETTINGS_MODULE="marketplace.settings",
        DJANGO_DEBUG="false",
        CELERY_BROKER_URL="",
        DATABASE_CONN_MAX_AGE="60",
        LOG_LEVEL="WARNING",
    )
    return env


def http_get(port: int, path: str, timeout: float) -> int:
    """GET `path` on 127.0.0.1; the status, or 0 when no response came."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException):
        return 0
    finally:
        conn.close()


@contextmanager
def gunicorn(workers: int = 2) -> Iterator[int]:
    """Serve the project with gunicorn on the benchmark's database; yields the port."""
    port = _free_port()
    command = [
        str(Path(sys.executable).with_name("gunicorn")), "marketplace.wsgi", "-w", str(workers),
        "-b", f"127.0.0.1:{port}",
    ]  # fmt: skip
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=_server_environment(), stdout=log, stderr=log
        )
        try:
            _wait_until_up(server, port, log)
            yield port
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _wait_until_up(server: subprocess.Popen, port: int, log) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is None and http_get(port, f"{SEARCH_PATH}suggest/?q=al", 5) == 200:
            return
        if server.poll() is not None:
            break
        time.sleep(0.2)
    log.seek(0)
    raise RuntimeError(f"gunicorn did not answer:\n{log.read().decode()[-3000:]}")


@dataclass(frozen=True)
class LoadPlan:
    port: int
    paths: tuple[str, ...]  # one per request, in sending order
    rate: float  # requests per second
    seconds: float  # nothing is sent after this long
    timeout: float = 60.0
    threads: int = 64


def load(plan: LoadPlan) -> list[tuple[int, int, float]]:
    """Open-loop load: request i is due at start + i / rate and sent then by one of a pool of
    threads; its latency runs from that due time, so queueing anywhere counts. Returns
    (index, status, milliseconds) of every request sent. Runs in a process of its own."""
    lock = threading.Lock()
    indexes = iter(range(len(plan.paths)))
    results: list[tuple[int, int, float]] = []
    start = time.perf_counter() + 0.2

    def send() -> None:
        while True:
            with lock:
                index = next(indexes, None)
            due = start + index / plan.rate if index is not None else math.inf
            if due > start + plan.seconds:
                return
            time.sleep(max(0.0, due - time.perf_counter()))
            status = http_get(plan.port, plan.paths[index], plan.timeout)
            elapsed = (time.perf_counter() - due) * 1000
            with lock:
                results.append((index, status, elapsed))

    threads = [threading.Thread(target=send) for _ in range(plan.threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(results)


def run_load(plan: LoadPlan) -> list[tuple[int, int, float]]:
    """Run `load` in a separate process (spawned: no state shared with this one)."""
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        return pool.submit(load, plan).result()


# --- the floor ---------------------------------------------------------------------------------


@dataclass
class Floor:
    per_request: list[float] = field(default_factory=list)  # ms, in rotation order
    per_statement: dict[tuple[int, int], list[float]] = field(default_factory=dict)


def floor(captured: list[Captured], rotation: list[int]) -> Floor:
    """Execute each request's captured SQL directly, one request after another."""
    result = Floor()
    with _connect(DATABASE) as conn, conn.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'UTC'")
        for query_index in rotation:
            started = time.perf_counter()
            for number, sql in enumerate(captured[query_index].statements):
                began = time.perf_counter()
                cursor.execute(sql)
                if cursor.description is not None:
                    cursor.fetchall()
                took = (time.perf_counter() - began) * 1000
                result.per_statement.setdefault((query_index, number), []).append(took)
            result.per_request.append((time.perf_counter() - started) * 1000)
    return result


def explain(captured: list[Captured], result: Floor, count: int) -> None:
    """EXPLAIN ANALYZE the slowest statements (by median time) to standard error."""
    medians = {key: percentile(times, 50) for key, times in result.per_statement.items()}
    slowest = sorted(medians, key=medians.get, reverse=True)[:count]
    with _connect(DATABASE) as conn, conn.cursor() as cursor:
        for query_index, number in slowest:
            sql = captured[query_index].statements[number]
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            label = captured[query_index].query.label
            _say(f"{label}, statement {number} ({medians[query_index, number]:.1f} ms):\n"
                 f"{sql}\n{plan}\n")  # fmt: skip


# --- the run -----------------------------------------------------------------------------------


def _stats(prefix: str, values: list[float]) -> dict[str, float]:
    return {f"{prefix}p{p}_ms": round(percentile(values, p), 1) for p in (50, 95, 99)}


def _breakdown(captured: list[Captured], rotation, results, result: Floor) -> list[dict]:
    """Per query: hits, SQL statements, API and SQL latency; slowest API p95 first."""
    api, sql = defaultdict(list), defaultdict(list)
    for index, _, ms in results:
        api[rotation[index]].append(ms)
    for position, ms in enumerate(result.per_request):
        sql[rotation[position]].append(ms)
    rows = [
        {"query": item.query.label, "kind": item.query.kind, "total": item.total,
         "statements": len(item.statements), "api_p50_ms": round(percentile(api[i], 50), 1),
         "api_p95_ms": round(percentile(api[i], 95), 1),
         "sql_p50_ms": round(percentile(sql[i], 50), 1)}
        for i, item in enumerate(captured) if api[i]
    ]  # fmt: skip
    rows.sort(key=lambda row: -row["api_p95_ms"])
    for row in rows:
        _say(
            f"API p50 {row['api_p50_ms']:>8.1f} p95 {row['api_p95_ms']:>8.1f} ms, "
            f"SQL p50 {row['sql_p50_ms']:>7.1f} ms, "
            f"{row['statements']:>3} stmts {row['total']:>9,} hits  {row['query']}"
        )
    return rows


def _warm_up(port: int, captured: list[Captured]) -> None:
    """Each query twice, two at a time, so that both workers have run every kind of search
    (the first VIN a worker decodes opens the vPIC database, for one)."""
    paths = [item.query.path for item in captured] * 2
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda path: http_get(port, path, 120), paths))


def _measure(captured: list[Captured], rotation: list[int]) -> tuple[list, Floor]:
    paths = tuple(captured[i].query.path for i in rotation)
    with gunicorn() as port:
        _say(f"gunicorn on port {port}; warming up")
        _warm_up(port, captured)
        _say(f"{len(paths)} requests at {RATE:g}/s from a separate process")
        results = run_load(LoadPlan(port, paths, RATE, SECONDS))
    _say("the floor: the same SQL, directly, same rotation")
    return results, floor(captured, rotation[: len(results)])


def run(*, n: int = DEFAULT_N) -> dict:
    """Build the catalog, load the API at a fixed rate, time the floor; one JSON-able dict."""
    rng = random.Random(SEED)
    with bench_database():
        started = time.perf_counter()
        catalog = build(n, rng)
        build_seconds = time.perf_counter() - started
        _say(f"catalog of {n:,} listings built in {build_seconds:.0f} s")
        queries = build_queries(catalog)
        captured = capture(queries)
        counts = [len(item.statements) for item in captured]
        kinds = ("text", "fitment", "part_number", "distance")
        constant = page_size_constant([next(q for q in queries if q.kind == k) for k in kinds])
        order = list(range(len(queries)))
        rng.shuffle(order)
        rotation = [order[i % len(order)] for i in range(REQUESTS)]
        results, result = _measure(captured, rotation)
        _breakdown(captured, rotation, results, result)
        if EXPLAIN:
            explain(captured, result, EXPLAIN)
    latencies = [ms for _, _, ms in results]
    fitment = [
        ms for i, ms in zip(rotation, result.per_request, strict=False)
        if captured[i].query.kind == "fitment"
    ]  # fmt: skip
    return {
        "bench": BENCH, "n": n, "requests": len(results), "rate_per_s": RATE,
        "per_s": round(len(results) / max(i / RATE + ms / 1000 for i, _, ms in results), 1),
        "queries": len(queries), **_stats("", latencies), **_stats("floor_", result.per_request),
        "floor": "the identical SQL run directly on the same database, same parameters, "
                 "same rotation",
        "ratio": round(percentile(latencies, 95) / percentile(result.per_request, 95), 2),
        "fitment_sql_p95_ms": round(percentile(fitment, 95), 1),
        "queries_per_request": max(counts), "queries_per_request_min": min(counts),
        "queries_constant_over_page_size": constant,
        "errors": sum(1 for _, status, _ in results if status != 200),
        "build_seconds": round(build_seconds, 1),
    }  # fmt: skip
