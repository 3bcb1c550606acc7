"""Sellers: dismantlers and remanufacturers with yards in US cities, and private sellers."""

import math
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

ORGANISATIONS = 300
INDIVIDUALS = 2_000
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


def organisations_create(rng: random.Random) -> list[Seller]:
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


def individuals_create(rng: random.Random) -> list[Seller]:
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
