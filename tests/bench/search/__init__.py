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
ANALYZE of this many of the slowest statements, default 0), SEARCH_BENCH_KEEP (keep the
database afterwards, for inspection).
"""

import os
import random
import time

from .catalog import build
from .database import bench_database
from .floor import Captured, Floor, capture, explain, floor, page_size_constant
from .load import LoadPlan, gunicorn, run_load, warm_up
from .queries import build_queries
from .report import breakdown, percentile, say, stats

BENCH = "search"
DEFAULT_N = 1_000_000
SEED = 20_241_124
RATE = float(os.environ.get("SEARCH_BENCH_RATE", "20"))
REQUESTS = int(os.environ.get("SEARCH_BENCH_REQUESTS", "400"))
SECONDS = float(os.environ.get("SEARCH_BENCH_SECONDS", "120"))
EXPLAIN = int(os.environ.get("SEARCH_BENCH_EXPLAIN", "0"))


def _measure(captured: list[Captured], rotation: list[int]) -> tuple[list, Floor]:
    paths = tuple(captured[i].query.path for i in rotation)
    with gunicorn() as port:
        say(f"gunicorn on port {port}; warming up")
        warm_up(port, captured)
        say(f"{len(paths)} requests at {RATE:g}/s from a separate process")
        results = run_load(LoadPlan(port, paths, RATE, SECONDS))
    say("the floor: the same SQL, directly, same rotation")
    return results, floor(captured, rotation[: len(results)])


def run(*, n: int = DEFAULT_N) -> dict:
    """Build the catalog, load the API at a fixed rate, time the floor; one JSON-able dict."""
    rng = random.Random(SEED)
    with bench_database():
        started = time.perf_counter()
        catalog = build(n, rng)
        build_seconds = time.perf_counter() - started
        say(f"catalog of {n:,} listings built in {build_seconds:.0f} s")
        queries = build_queries(catalog)
        captured = capture(queries)
        counts = [len(item.statements) for item in captured]
        kinds = ("text", "fitment", "part_number", "distance")
        constant = page_size_constant([next(q for q in queries if q.kind == k) for k in kinds])
        order = list(range(len(queries)))
        rng.shuffle(order)
        rotation = [order[i % len(order)] for i in range(REQUESTS)]
        results, result = _measure(captured, rotation)
        breakdown(captured, rotation, results, result)
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
        "queries": len(queries), **stats("", latencies), **stats("floor_", result.per_request),
        "floor": "the identical SQL run directly on the same database, same parameters, "
                 "same rotation",
        "ratio": round(percentile(latencies, 95) / percentile(result.per_request, 95), 2),
        "fitment_sql_p95_ms": round(percentile(fitment, 95), 1),
        "queries_per_request": max(counts), "queries_per_request_min": min(counts),
        "queries_constant_over_page_size": constant,
        "errors": sum(1 for _, status, _ in results if status != 200),
        "build_seconds": round(build_seconds, 1),
    }  # fmt: skip
