"""The data, built through the ORM in the benchmark's own database: dismantlers with a shipping
option each, garages with tokens and invoice terms, listings with realistic titles and prices
from the reference data, and carts drawn by popularity; then what the database says afterwards."""

import random
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .load import (
    API,
    DATABASE,
    SHIP_TO,
    THREADS,
    WORKERS,
    BuyerRef,
    CartPlan,
    LoadPlan,
    say,
)  # fmt: skip

SELLERS = 10
LINES = ((1, 40), (2, 30), (3, 20), (4, 10))  # lines per cart, weight
UNITS = ((1, 80), (2, 15), (3, 5))  # units per line, weight
SIZES = (("small", 40), ("medium", 45), ("large", 15))
CREDIT_LIMIT = Decimal("100000000.00")  # never the reason a checkout is refused
# Lines in orders of these statuses hold or took their stock (and in no others).
TAKEN = ("accepted", "paid", "ready_for_pickup", "shipped", "delivered", "collected", "completed")


def _pick(rng: random.Random, weighted: tuple) -> object:
    return rng.choices([value for value, _ in weighted], [weight for _, weight in weighted])[0]


@dataclass
class World:
    """Sellers and what every listing made here started with."""

    rng: random.Random
    sellers: list[tuple[int, int]]  # (organisation id, its shipping option id)
    part_types: list = field(default_factory=list)
    vehicles: list[tuple[str, str, str]] = field(default_factory=list)  # year, make, model
    initial: dict[int, int] = field(default_factory=dict)  # listing id: quantity on hand
    option_of: dict[int, int] = field(default_factory=dict)  # listing id: delivery option id

    def cart(self, lines: tuple[tuple[int, int], ...]) -> CartPlan:
        return CartPlan(lines, tuple(sorted({self.option_of[i] for i, _ in lines})))


def _vehicles() -> list[tuple[str, str, str]]:
    """Model years of the best-selling models, from the vPIC reference file."""
    import csv

    from django.conf import settings

    from ..search.reference import BESTSELLERS

    with Path(settings.VEHICLE_REFERENCE_CSV).open(newline="", encoding="utf-8") as stream:
        rows = {
            (r["year"], r["make"], r["model"])
            for r in csv.DictReader(stream)
            if (r["make"], r["model"]) in BESTSELLERS and "2004" < r["year"] < "2022"
        }
    return sorted(rows)


def _sellers_create(rng: random.Random) -> list[tuple[int, int]]:
    """Approved dismantlers with a yard each and one active shipping option."""
    from catalog.models import Location
    from marketplace.models import Organisation
    from orders.models import DeliveryOption

    from ..search.sellers import CITIES, YARD_KINDS, YARD_WORDS

    cities = rng.sample(CITIES, SELLERS)
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"{rng.choice(YARD_WORDS)} {rng.choice(YARD_KINDS)} of {city}", city=city,
            slug=f"bench-seller-{i}", kind="dismantler", status="approved",
        )
        for i, (city, _, _) in enumerate(cities)
    )  # fmt: skip
    Location.objects.bulk_create(
        Location(organisation=org, name="Yard", city=city, latitude=Decimal(f"{lat:.6f}"),
                 longitude=Decimal(f"{lon:.6f}"))
        for org, (city, lat, lon) in zip(organisations, cities, strict=True)
    )  # fmt: skip
    options = DeliveryOption.objects.bulk_create(
        DeliveryOption(
            seller_organisation=org, kind="shipping", name="Ground shipping",
            price=Decimal("24.95"), price_small=Decimal("9.95"), price_medium=Decimal("19.95"),
            price_large=Decimal("49.95"), free_over=Decimal("750.00"),
        )
        for org in organisations
    )  # fmt: skip
    return [(org.pk, option.pk) for org, option in zip(organisations, options, strict=True)]


def world_build(rng: random.Random) -> World:
    from django.core.management import call_command

    from catalog.reference import part_types_load

    from ..search.reference import part_types_read

    say(f"migrating {DATABASE}")
    call_command("migrate", verbosity=0)
    part_types_load()
    part_types = [p for p in part_types_read() if not p.freight_only]
    return World(rng, _sellers_create(rng), part_types, _vehicles())


def buyers_create(prefix: str, count: int) -> list[BuyerRef]:
    """Approved garages, each with an owner, a token and invoice terms it will not exhaust."""
    from rest_framework.authtoken.models import Token

    from marketplace.models import Membership, Organisation, User
    from orders.models import InvoiceTerms

    from ..search.sellers import CITIES

    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"{CITIES[i % len(CITIES)][0]} Auto Repair {prefix} {i}",
                     slug=f"{prefix}-garage-{i}", kind="garage", status="approved",
                     city=CITIES[i % len(CITIES)][0])
        for i in range(count)
    )  # fmt: skip
    users = User.objects.bulk_create(
        User(username=f"{prefix}-{i}", email=f"{prefix}-{i}@garage.example", password="!")
        for i in range(count)
    )
    pairs = list(zip(organisations, users, strict=True))
    Membership.objects.bulk_create(
        Membership(user=u, organisation=o, role="owner") for o, u in pairs
    )
    InvoiceTerms.objects.bulk_create(
        InvoiceTerms(organisation=o, credit_limit=CREDIT_LIMIT) for o, _ in pairs
    )
    tokens = Token.objects.bulk_create(Token(key=Token.generate_key(), user=u) for _, u in pairs)
    return [BuyerRef(t.key, o.slug) for (o, _), t in zip(pairs, tokens, strict=True)]


def _listing(world: World, sku: str, quantity: int):
    from catalog.models import Listing

    from ..search.listings import PRICE_RANGES

    rng = world.rng
    part_type = rng.choice(world.part_types)
    year, make, model = rng.choice(world.vehicles)
    low, high = PRICE_RANGES.get(part_type.code) or PRICE_RANGES.get(part_type.group, (40, 300))
    return Listing(
        seller_organisation_id=rng.choice(world.sellers)[0], seller_sku=sku,
        part_type_id=part_type.id, title=f"{part_type.name}, {make} {model} {year}",
        condition="recycled", grade=rng.choice("ABC"), price=Decimal(rng.randint(low, high)),
        quantity_on_hand=quantity, size_class=_pick(rng, SIZES), status="active",
        donor_year=int(year), donor_make=make, donor_model=model, warranty_days=90,
    )  # fmt: skip


def listings_create(world: World, prefix: str, quantities: list[int]) -> list[int]:
    """One active listing per quantity, of a random seller; their ids, in order."""
    from catalog.models import Listing

    rows = [_listing(world, f"{prefix}-{i:05d}", q) for i, q in enumerate(quantities)]
    return _remember(world, Listing.objects.bulk_create(rows))


def listings_twin(world: World, prefix: str, ids: list[int]) -> dict[int, int]:
    """Copies of the listings (same seller, price, stock); {original id: twin id}."""
    from catalog.models import Listing

    originals = Listing.objects.in_bulk(ids)
    rows = []
    for number, listing_id in enumerate(ids):
        row = originals[listing_id]
        row.pk, row.seller_sku = None, f"{prefix}-{number:05d}"
        rows.append(row)
    twins = _remember(world, Listing.objects.bulk_create(rows))
    return dict(zip(ids, twins, strict=True))


def _remember(world: World, listings) -> list[int]:
    options = dict(world.sellers)
    for listing in listings:
        world.initial[listing.pk] = listing.quantity_on_hand
        world.option_of[listing.pk] = options[listing.seller_organisation_id]
    return [listing.pk for listing in listings]


def carts_draw(world: World, ids: list[int], count: int) -> list[tuple[tuple[int, int], ...]]:
    """`count` carts of 1 to 4 distinct listings, the popular ones (Zipf-like) more often."""
    rng = world.rng
    by_popularity = rng.sample(ids, len(ids))
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(ids))]
    carts = []
    for _ in range(count):
        size = _pick(rng, LINES)
        chosen: set[int] = set()
        while len(chosen) < size:
            chosen.add(rng.choices(by_popularity, weights)[0])
        carts.append(tuple((i, _pick(rng, UNITS)) for i in sorted(chosen)))
    return carts


def warm_up_plan(world: World, prefix: str) -> LoadPlan:
    """Checkouts through every server thread before anything is timed, on listings of their own
    with plenty of stock."""
    ids = listings_create(world, prefix, [100_000] * 4)
    buyers = buyers_create(prefix, WORKERS * THREADS)
    turns = tuple(((b, world.cart(((ids[i % 4], 1),))),) * 3 for i, b in enumerate(buyers))
    return LoadPlan(turns)


@contextmanager
def _tasks_in_process():
    """Run tasks started in this process at once, so that none reaches the broker (which
    other processes read) with an id from the benchmark's database; mail they send stays in
    memory (the console backend would write it among the JSON lines)."""
    from django.test import override_settings

    from marketplace.celery import app

    # The app reads Django's settings under its namespace, which shadows the plain key.
    key = f"{app.namespace}_TASK_ALWAYS_EAGER" if app.namespace else "task_always_eager"
    eager = app.conf[key]
    app.conf[key] = True
    if not app.conf.task_always_eager:
        raise RuntimeError("Could not make Celery run tasks in-process.")
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            yield
    finally:
        app.conf[key] = eager


def queries_per_checkout(world: World, prefix: str, sellers: int) -> int | None:
    """SQL statements of one checkout POST (on-commit work included) of a cart with one line
    from each of `sellers` sellers, run in-process; None if it did not succeed."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    by_seller = {}
    while len(by_seller) < sellers:
        listing_id = listings_create(world, f"{prefix}-{len(world.initial)}", [5])[0]
        by_seller.setdefault(world.option_of[listing_id], listing_id)
    buyer = buyers_create(prefix, 1)[0]
    client = Client(
        HTTP_AUTHORIZATION=f"Token {buyer.token}", HTTP_X_ORGANISATION=buyer.organisation
    )
    cart = world.cart(tuple((i, 1) for i in by_seller.values()))
    with _tasks_in_process():
        for listing_id, quantity in cart.lines:
            client.put(f"{API}cart/lines/{listing_id}/", {"quantity": quantity}, "application/json")
        body = {
            "payment_method": "invoice", "delivery_options": list(cart.options), "ship_to": SHIP_TO
        }  # fmt: skip
        with CaptureQueriesContext(connection) as context, _queries_in_tasks(context) as tasks:
            response = client.post(f"{API}checkouts/", body, "application/json")
    if response.status_code != 201:
        say(f"in-process checkout: HTTP {response.status_code} {response.content[:300]!r}")
        return None
    # The order emails' queries run in a worker in production, not in the request.
    return len(context.captured_queries) - sum(tasks)


@contextmanager
def _queries_in_tasks(context):
    """Counts the queries each task run in-process makes, to leave them out of the request's."""
    from celery.signals import task_postrun, task_prerun

    counts: list[int] = []

    def started(**kwargs):
        counts.append(-len(context.captured_queries))

    def finished(**kwargs):
        counts[-1] += len(context.captured_queries)

    task_prerun.connect(started, weak=False)
    task_postrun.connect(finished, weak=False)
    try:
        yield counts
    finally:
        task_prerun.disconnect(started)
        task_postrun.disconnect(finished)


def holding_lines(ids: list[int]):
    """Order lines of these listings that hold stock (a live reservation) or took it."""
    from django.db.models import Q
    from django.utils import timezone

    from orders.models import OrderLine

    live = Q(reserved_until__gt=timezone.now()) | Q(order__status__in=TAKEN)
    return OrderLine.objects.filter(live, listing_id__in=ids)


def oversold(world: World, ids: list[int]) -> tuple[int, int]:
    """(units sold beyond the initial stock, listings sold out), over these listings."""
    from django.db.models import Sum

    rows = holding_lines(ids).values("listing_id").annotate(units=Sum("quantity"))
    units = dict(rows.values_list("listing_id", "units"))
    over = sum(max(0, units.get(i, 0) - world.initial[i]) for i in ids)
    return over, sum(units.get(i, 0) >= world.initial[i] for i in ids)


def winners(ids: list[int]) -> list[int]:
    """Per listing, in order: how many orders hold or took it."""
    from django.db.models import Count

    rows = holding_lines(ids).values("listing_id").annotate(orders=Count("order", distinct=True))
    counts = dict(rows.values_list("listing_id", "orders"))
    return [counts.get(i, 0) for i in ids]


def checkouts_recorded(prefix: str) -> int:
    """Checkouts in the database of the garages `buyers_create(prefix, ...)` made."""
    from orders.models import Checkout

    return Checkout.objects.filter(buyer_organisation__slug__startswith=f"{prefix}-garage-").count()
