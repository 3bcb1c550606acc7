"""Listings: generated one id after another, with the rows COPY writes for each of them."""

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from .parts import PART_TYPE_WEIGHTS, PartRef, fitment_tokens, normalise, oe_number
from .reference import PartTypeRef, Vehicles, cumulative
from .sellers import ORGANISATIONS, LocationRef, Seller

NOW = datetime(2026, 11, 1, tzinfo=UTC)
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


@dataclass(frozen=True)
class Weighted:
    """Values with weights, ready for `random.choices` with cumulative weights."""

    values: tuple
    cumulative: tuple[float, ...]

    @classmethod
    def of(cls, pairs) -> "Weighted":
        return cls(tuple(v for v, _ in pairs), tuple(cumulative(w for _, w in pairs)))

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
        self.type_cumulative = cumulative(PART_TYPE_WEIGHTS.get(t.code, 1) for t in part_types)
        self.sellers = sellers
        weights = [1 / (rank + 1) ** 0.7 for rank in range(ORGANISATIONS)]
        individual = sum(weights) * 0.03 / 0.97 / (len(sellers) - ORGANISATIONS)
        self.seller_cumulative = cumulative(weights + [individual] * (len(sellers) - len(weights)))
        self.part_weights = [rng.paretovariate(1.5) for _ in parts]
        self.part_cumulative = cumulative(self.part_weights)
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
            bool(location and location.pickup), None, d.created, d.title, d.part_type.name,
            d.seller.name, photo_name(d.id, 0) if d.photos else "",
        )  # fmt: skip


def photo_name(listing_id: int, position: int) -> str:
    return f"listings/{listing_id}/photo-{position + 1}.jpg"


def price_band(price: Decimal) -> str:
    from catalog.search.query import price_band as band

    return band(price)


GRADE_RANK = {"A": 1, "B": 2, "C": 3, "": 4}  # documents.GRADE_RANK, checked by _check_columns
