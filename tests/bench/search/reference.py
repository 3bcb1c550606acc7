"""Reference data as loaded: the vPIC vehicles weighted by popularity, and the part types."""

import math
import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

FIRST_YEAR = 1985
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


def cumulative(weights: Iterable[float]) -> list[float]:
    total, cumulative = 0.0, []
    for weight in weights:
        total += weight
        cumulative.append(total)
    return cumulative


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


def vehicles_read() -> Vehicles:
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
        vehicles.pair_cumulative[make_id] = cumulative(weight for _, weight in pairs)
    vehicles.make_cumulative = cumulative(vehicles.make_cumulative)


def part_types_read() -> list[PartTypeRef]:
    from catalog.models import PartType

    rows = PartType.objects.order_by("id").values_list(
        "id", "code", "name", "group__code", "freight_only"
    )
    return [PartTypeRef(*row) for row in rows]
