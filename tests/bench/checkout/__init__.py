"""Checkout benchmarks: garages racing for the last unit, and busy multi-seller carts, over HTTP.

`python -m tests.bench checkout [--n N]` prints two lines (`checkout_race` and `checkout_mixed`
can also be named alone). DEFAULT_N = 500 checkout attempts in each:

- checkout_race: N / 50 rounds, one listing of quantity 1 each. In a round 50 garages (fresh
  ones: organisation, owner, token, approved invoice terms) put the listing in their carts, wait
  at a barrier, and POST their checkouts at the same moment. Exactly one may win.
- checkout_mixed: 50 garages place N carts of 1 to 4 lines (1 to 3 units each), drawn by
  popularity from 100 listings (stock 5 to 50) of 10 dismantlers; each garage places its own
  carts one after the other, and empties its cart when a checkout is refused for stock.
- The floor: the same checkouts by one buyer, one at a time, on twin listings (same sellers,
  prices and stock): one-line carts of a quantity-1 listing for the race, the first 200 carts in
  the same order for the mixed.

gunicorn serves the benchmark's own database (2 workers x 8 threads, so that up to 16
checkouts meet in PostgreSQL; tasks are queued to a Redis database of its own, as they would
be for a worker, and dropped); the load runs in a spawned
process, one thread per buyer. Latency is the checkout POST's, seen by the client. Afterwards
the database is asked: units held or taken per listing against its initial stock (`oversold`),
orders per raced listing (`winners_per_listing_*`), checkouts recorded, and pg_stat_database's
deadlock count over the serve (added to the responses that were 5xx or mention a deadlock, in
`deadlocks`). While the load runs, the database's active sessions are sampled every 50 ms
(`db_sessions_active_avg`, `db_sessions_waiting_for_locks_avg`; the statements most waited on go
to standard error), to tell waiting for row locks from queueing for the CPU.
Environment: CHECKOUT_BENCH_KEEP=1 keeps the database afterwards.
"""

import os
import random
from collections import Counter

from .. import common
from .data import (
    SELLERS,
    World,
    buyers_create,
    carts_draw,
    checkouts_recorded,
    listings_create,
    listings_twin,
    oversold,
    queries_per_checkout,
    warm_up_plan,
    winners,
    world_build,
)
from .load import API, DATABASE, Attempt, LoadPlan, Measured, say, serve

BENCH = "checkout"
PARTS = ("checkout_race", "checkout_mixed")
DEFAULT_N = 500
SEED = 20_241_201
BUYERS = 50
POPULAR = 100
STOCK = (5, 50)
RACE_FLOOR = 50
MIXED_FLOOR = 200
FLOOR = "the same checkout by one buyer, no contention"


def _counts(attempts: list[Attempt]) -> dict[str, int]:
    successes = sum(a.status in (200, 201) for a in attempts)
    refused = sum(a.status == 409 and a.code == "insufficient_stock" for a in attempts)
    errors = sum(a.status >= 500 or a.status == 0 for a in attempts)
    unexpected = len(attempts) - successes - refused - errors
    return {"successes": successes, "refused": refused, "errors": errors, "unexpected": unexpected}


def _success_p95(attempts: list[Attempt]) -> float | None:
    won = [a.ms for a in attempts if a.status in (200, 201)]
    return round(common.percentile(won, 95), 1) if won else None


def _report(name: str, measured: Measured, extra: dict) -> dict:
    """The JSON line: latency against the floor's, throughput, and the correctness counters."""
    attempts, floor = measured.result.attempts, measured.floor.attempts
    latencies, floor_latencies = [a.ms for a in attempts], [a.ms for a in floor]
    counts, floor_counts, sessions = _counts(attempts), _counts(floor), measured.sessions
    suspicious = sum(a.status >= 500 or a.deadlock for a in attempts + floor)
    ratio = common.percentile(latencies, 95) / common.percentile(floor_latencies, 95)
    if measured.server_errors:
        say(f"the server logged errors; the last one:\n{measured.server_errors}")
    return {
        "bench": name, "n": len(attempts), **common.stats("", latencies),
        "per_s": round(counts["successes"] / measured.result.seconds, 1),
        **common.stats("floor_", floor_latencies), "floor": FLOOR, "ratio": round(ratio, 2),
        **extra, **counts, "deadlocks": suspicious + measured.pg_deadlocks,
        "pg_deadlocks": measured.pg_deadlocks, "success_p95_ms": _success_p95(attempts),
        "floor_success_p95_ms": _success_p95(floor), "floor_n": len(floor),
        "floor_successes": floor_counts["successes"], "floor_refused": floor_counts["refused"],
        "floor_errors": floor_counts["errors"] + floor_counts["unexpected"],
        "cart_failures": measured.result.cart_failures + measured.floor.cart_failures,
        "seconds": round(measured.result.seconds, 1),
        "db_sessions_active_avg": round(sessions.active / max(1, sessions.ticks), 2),
        "db_sessions_waiting_for_locks_avg": round(sessions.waiting / max(1, sessions.ticks), 2),
    }  # fmt: skip


def race(world: World, n: int) -> dict:
    """Rounds of BUYERS garages checking out the same single unit at the same moment."""
    rounds = max(1, n // BUYERS)
    ids = listings_create(world, "race", [1] * rounds)
    floor_ids = listings_create(world, "race-floor", [1] * RACE_FLOOR)
    buyers, floor_buyer = buyers_create("race", rounds * BUYERS), buyers_create("race-floor", 1)[0]
    carts = [world.cart(((i, 1),)) for i in ids]
    turns = tuple(
        tuple((buyers[r * BUYERS + t], carts[r]) for r in range(rounds)) for t in range(BUYERS)
    )
    floor = LoadPlan((tuple((floor_buyer, world.cart(((i, 1),))) for i in floor_ids),))
    queries = queries_per_checkout(world, "race-queries", 1)
    measured = serve(LoadPlan(turns, together=True), floor, warm_up_plan(world, "race-warm"))
    won = winners(ids)
    by_round = Counter(a.turn for a in measured.result.attempts if a.status in (200, 201))
    http_won = [by_round.get(r, 0) for r in range(rounds)]
    over, _ = oversold(world, ids + floor_ids)
    return _report("checkout_race", measured, {
        "listings": rounds, "buyers_per_listing": BUYERS, "oversold": over,
        "winners_per_listing_min": min(won), "winners_per_listing_max": max(won),
        "http_winners_per_round_min": min(http_won), "http_winners_per_round_max": max(http_won),
        "checkouts_recorded": checkouts_recorded("race"), "queries_per_request": queries,
    })  # fmt: skip


def mixed(world: World, n: int) -> dict:
    """BUYERS garages placing `n` multi-seller carts over POPULAR listings, closed loop."""
    stock = [world.rng.randint(*STOCK) for _ in range(POPULAR)]
    ids = listings_create(world, "popular", stock)
    twins = listings_twin(world, "popular-floor", ids)
    carts = carts_draw(world, ids, n)
    buyers, floor_buyer = buyers_create("mixed", BUYERS), buyers_create("mixed-floor", 1)[0]
    turns = tuple(tuple((b, world.cart(c)) for c in carts[t::BUYERS]) for t, b in enumerate(buyers))
    floor_carts = [world.cart(tuple((twins[i], q) for i, q in c)) for c in carts[:MIXED_FLOOR]]
    floor = LoadPlan((tuple((floor_buyer, c) for c in floor_carts),), empty_refused=True)
    queries = queries_per_checkout(world, "mixed-queries", 4)
    queries_one = queries_per_checkout(world, "mixed-queries-one", 1)
    plan = LoadPlan(turns, empty_refused=True)
    measured = serve(plan, floor, warm_up_plan(world, "mixed-warm"))
    over, sold_out = oversold(world, ids + list(twins.values()))
    return _report("checkout_mixed", measured, {
        "listings": POPULAR, "sellers": SELLERS, "buyers": BUYERS, "units_in_stock": sum(stock),
        "units_in_carts": sum(q for c in carts for _, q in c), "oversold": over,
        "sold_out_listings": sold_out, "checkouts_recorded": checkouts_recorded("mixed"),
        "queries_per_request": queries, "queries_per_request_one_line": queries_one,
    })  # fmt: skip


MEASURES = {"checkout_race": race, "checkout_mixed": mixed}


def _require_api() -> None:
    from django.urls import Resolver404, resolve

    try:
        resolve(f"{API}checkouts/")
        resolve(f"{API}cart/lines/1/")
    except Resolver404:
        raise SystemExit(
            "The checkout benchmarks need the ordering API (cart, checkouts)."
        ) from None


def run(*, n: int = DEFAULT_N, parts: tuple[str, ...] = PARTS) -> list[dict]:
    """Build the data, then measure each part asked for (its own gunicorn); one dict each."""
    _require_api()
    results = []
    with common.bench_database(DATABASE, keep=bool(os.environ.get("CHECKOUT_BENCH_KEEP"))):
        world = world_build(random.Random(SEED))
        for part in PARTS:
            if part in parts:
                # Each part draws from a seed of its own, so it is the same run alone or not.
                world.rng = random.Random(f"{SEED}-{part}")
                results.append(MEASURES[part](world, n))
    return results
