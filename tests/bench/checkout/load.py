"""The load: buyers' carts and checkouts over HTTP from a spawned process, one thread per buyer,
against gunicorn serving the benchmark's database."""

import http.client
import json
import os
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from multiprocessing import get_context
from pathlib import Path

from .. import common

DATABASE = "marketplace_bench_checkout"
API = "/api/v1/"
# Up to 16 checkouts in the database at once: enough to meet on the same rows.
WORKERS, THREADS = 2, 8
TIMEOUT = 120.0
# Every bench order is shipped, to the garage's workshop.
SHIP_TO = {"name": "Bench Garage", "address": "1 Workshop Lane", "city": "Chicago",
           "postcode": "60601", "country": "US"}  # fmt: skip


def say(message: str) -> None:
    print(f"[checkout] {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class BuyerRef:
    token: str
    organisation: str  # slug, for the X-Organisation header


@dataclass(frozen=True)
class CartPlan:
    lines: tuple[tuple[int, int], ...]  # (listing id, quantity)
    options: tuple[int, ...]  # one delivery option per seller in the cart


@dataclass(frozen=True)
class LoadPlan:
    turns: tuple[tuple[tuple[BuyerRef, CartPlan], ...], ...]  # per client thread, in order
    together: bool = False  # every thread sends its turn's checkout at the same moment
    empty_refused: bool = False  # a buyer refused for stock empties its cart
    port: int = 0


@dataclass(frozen=True)
class Attempt:
    turn: int
    status: int
    ms: float
    code: str  # the error code of a refusal
    deadlock: bool  # the response mentions a deadlock


@dataclass
class LoadResult:
    attempts: list[Attempt]
    seconds: float
    cart_failures: int  # cart PUTs that did not succeed


def _request(port: int, method: str, path: str, buyer: BuyerRef, body: dict) -> tuple[int, bytes]:
    """One request as `buyer`; (status, body), or (0, the error) when no response came."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    headers = {
        "Authorization": f"Token {buyer.token}",
        "X-Organisation": buyer.organisation,
        "Content-Type": "application/json",
    }
    try:
        conn.request(method, path, body=json.dumps(body), headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    except (OSError, http.client.HTTPException) as error:
        return 0, repr(error).encode()
    finally:
        conn.close()


def _cart_put(port: int, buyer: BuyerRef, lines: tuple[tuple[int, int], ...]) -> int:
    """Set the cart's lines; the number of PUTs that failed."""
    failures = 0
    for listing_id, quantity in lines:
        path = f"{API}cart/lines/{listing_id}/"
        status, _ = _request(port, "PUT", path, buyer, {"quantity": quantity})
        failures += not 200 <= status < 300
    return failures


def _error_code(content: bytes) -> str:
    try:
        return str(json.loads(content)["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return ""


def _checkout(port: int, buyer: BuyerRef, cart: CartPlan, turn: int, key: str) -> Attempt:
    body = {"payment_method": "invoice", "delivery_options": list(cart.options), "ship_to": SHIP_TO}
    started = time.perf_counter()
    status, content = _request(
        port, "POST", f"{API}checkouts/", buyer, body | {"idempotency_key": key}
    )
    ms = (time.perf_counter() - started) * 1000
    return Attempt(turn, status, ms, _error_code(content), b"deadlock" in content.lower())


def _client(plan: LoadPlan, index: int, barrier, attempts: list[Attempt]) -> int:
    """One buyer thread: fill the cart, (wait for the others,) check out; per turn."""
    failures = 0
    for turn, (buyer, cart) in enumerate(plan.turns[index]):
        failures += _cart_put(plan.port, buyer, cart.lines)
        if barrier is not None:
            barrier.wait()
        attempt = _checkout(plan.port, buyer, cart, turn, f"bench-{index}-{turn}")
        attempts.append(attempt)
        if barrier is not None:
            barrier.wait()
        if attempt.status == 409 and plan.empty_refused:
            failures += _cart_put(plan.port, buyer, tuple((i, 0) for i, _ in cart.lines))
    return failures


def load(plan: LoadPlan) -> LoadResult:
    """Every thread's turns, closed loop. Runs in a process of its own."""
    threads = len(plan.turns)
    barrier = threading.Barrier(threads, timeout=TIMEOUT) if plan.together else None
    attempts: list[Attempt] = []
    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        futures = [pool.submit(_client, plan, i, barrier, attempts) for i in range(threads)]
        failures = sum(future.result() for future in futures)
    return LoadResult(attempts, time.perf_counter() - started, failures)


def run_load(plan: LoadPlan) -> LoadResult:
    """Run `load` in a separate process (spawned: no state shared with this one)."""
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        return pool.submit(load, plan).result()


@dataclass
class Measured:
    result: LoadResult
    floor: LoadResult
    pg_deadlocks: int  # pg_stat_database's count for the database, during the whole serve
    server_errors: str  # the last traceback the server logged, if any
    sessions: "Sessions"  # the database's sessions during the load


SESSIONS_SQL = (
    "SELECT wait_event_type = 'Lock', wait_event, "
    "left(regexp_replace(query, '\\s+', ' ', 'g'), 90) "
    "FROM pg_stat_activity WHERE datname = %s AND state = 'active' AND pid <> pg_backend_pid()"
)


@dataclass
class Sessions:
    """The database's active sessions, sampled every 50 ms: whether the time goes to waiting
    for row locks, or to queueing for the CPU."""

    ticks: int = 0
    active: int = 0
    waiting: int = 0
    waits: Counter = field(default_factory=Counter)  # (lock kind, statement): samples

    def add(self, rows: list[tuple[bool, str, str]]) -> None:
        self.ticks += 1
        self.active += len(rows)
        for locked, event, statement in rows:
            if locked:
                self.waiting += 1
                self.waits[event, statement] += 1


@contextmanager
def sessions_sampled(sessions: Sessions) -> Iterator[None]:
    stop = threading.Event()

    def sample() -> None:
        with common.connect(DATABASE) as conn:
            while not stop.wait(0.05):
                sessions.add(conn.execute(SESSIONS_SQL, [DATABASE]).fetchall())

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
    for (event, statement), count in sessions.waits.most_common(4):
        say(f"waiting for a lock ({event}) in {count / sessions.ticks:.2f} sessions: {statement}")


def _pg_deadlocks() -> int:
    with common.connect(DATABASE) as conn:
        row = conn.execute(
            "SELECT deadlocks FROM pg_stat_database WHERE datname = %s", [DATABASE]
        ).fetchone()
    return row[0]


def _last_traceback(log: Path) -> str:
    text = log.read_text(errors="replace")
    start = text.rfind("Traceback (most recent call last)")
    return text[start : start + 4000] if start >= 0 else ""


BENCH_BROKER_DB = 15


@contextmanager
def task_queue_of_its_own():
    """As in production, the server queues its tasks (the order emails) for a worker instead of
    running them inside the checkout request: to a Redis database of the benchmark's own, which
    no worker reads and which is emptied afterwards."""
    from urllib.parse import urlsplit

    import redis

    broker = urlsplit(os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/0")
    url = f"redis://{broker.hostname or '127.0.0.1'}:{broker.port or 6379}/{BENCH_BROKER_DB}"
    queue = redis.Redis.from_url(url)
    queue.flushdb()
    try:
        yield {"CELERY_BROKER_URL": url}
    finally:
        queue.flushdb()


def serve(plan: LoadPlan, floor_plan: LoadPlan, warm_up: LoadPlan) -> Measured:
    """Start gunicorn, warm it up, run the floor, then the load; stop it and read the deadlock
    count once its database sessions have ended (they report their statistics as they exit)."""
    before = _pg_deadlocks()
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "gunicorn.log"
        with (
            task_queue_of_its_own() as environment,
            common.gunicorn(
                DATABASE, workers=WORKERS, threads=THREADS, log_path=log, environment=environment
            ) as port,
        ):
            say(f"gunicorn ({WORKERS} workers x {THREADS} threads) on port {port}; warming up")
            run_load(replace(warm_up, port=port))
            say(f"floor: {sum(map(len, floor_plan.turns))} checkouts by one buyer, in turn")
            floor = run_load(replace(floor_plan, port=port))
            say(f"load: {sum(map(len, plan.turns))} checkouts by {len(plan.turns)} buyers")
            sessions = Sessions()
            with sessions_sampled(sessions):
                result = run_load(replace(plan, port=port))
        time.sleep(1.5)
        server_errors = _last_traceback(log)
    return Measured(result, floor, _pg_deadlocks() - before, server_errors, sessions)
