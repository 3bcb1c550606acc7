"""Catalogued parts: OE numbers in each maker's style, interchange groups and fitment."""

import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from .reference import PartTypeRef, Vehicles

CATALOGUED_PARTS = 5_000
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


def parts_create(rng: random.Random, vehicles: Vehicles, part_types) -> list[PartRef]:
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


def normalise(number: str) -> str:
    from catalog.part_numbers import normalise_part_number

    return normalise_part_number(number)
