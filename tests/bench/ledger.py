"""Ledger benchmark: concurrent posters calling `ledger_post`, next to a floor.

DEFAULT_N = 100,000 postings by POSTERS (8) threads, each calling `ledger_post` directly (not
HTTP) for BUYERS (1,000) garages' buyer credit in USD. Every garage belongs to one poster (so
each poster's plan is deterministic: fixed seed, a model of its garages' balances), but every
posting also moves the platform's side (goodwill for grants, credit applied for spends), so all
posters contend for those two rows as real traffic would. A plan mixes grants (core credit and
goodwill amounts, 20 to 400 USD), spends at checkout that the balance covers, about 2% of spends
larger than the balance (refused with InsufficientCredit: `refused`), and REPLAY_SHARE (10%)
replays of an earlier key of the same poster with the same content.

The floor: the same plan by the same number of threads, each posting inserting its transaction
row and its two entry rows into bare tables shaped like the ledger's (no indexes, keys, checks,
triggers, locks or balance updates), one commit per posting, over plain psycopg.

Afterwards the database is asked: `imbalance` counts currencies whose entries do not sum to
zero, accounts whose cached balance differs from the sum of their entries or from the posters'
model, and customers' balances below zero; `duplicate_effects` counts replays that returned
another transaction and transactions beyond one per distinct key posted. Both must be 0.
"""

import random
import sys
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.management import call_command
from django.db import connection

from . import common

BENCH = "ledger"
DEFAULT_N = 100_000
SEED = 20_241_224
DATABASE = "marketplace_bench_ledger"
POSTERS = 8
BUYERS = 1_000
REPLAY_SHARE = 0.10
OVERDRAFT_SHARE = 0.02
FLOOR = "the same postings' rows inserted into bare tables, no checks, locks or balance updates"


def say(message: str) -> None:
    print(f"[ledger] {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Step:
    """One posting of a plan: `amount` moves to the buyer (grant) or from it (spend)."""

    key: str
    kind: str
    buyer: int
    amount: Decimal
    expect: str  # "posted", "replayed" or "refused"


def _cents(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low * 100, high * 100)) / 100


def _next_step(rng, poster: int, index: int, balances: dict, posted: list[Step]) -> Step:
    if posted and rng.random() < REPLAY_SHARE:
        earlier = rng.choice(posted)
        return Step(earlier.key, earlier.kind, earlier.buyer, earlier.amount, "replayed")
    buyer = rng.choice(list(balances))
    key = f"bench:{poster}:{index}"
    if rng.random() < OVERDRAFT_SHARE:
        return Step(key, "credit_spent", buyer, balances[buyer] + _cents(rng, 1, 50), "refused")
    if balances[buyer] >= 5 and rng.random() < 0.5:
        amount = min(balances[buyer], _cents(rng, 5, 300))
        return Step(key, "credit_spent", buyer, amount, "posted")
    kind = rng.choice(["core_credit", "goodwill"])
    return Step(key, kind, buyer, _cents(rng, 20, 400), "posted")


def plans_draw(n: int) -> tuple[list[list[Step]], dict[int, Decimal]]:
    """Each poster's steps, and the balance each buyer should end with."""
    rng = random.Random(SEED)
    plans, expected = [], {}
    for poster in range(POSTERS):
        balances = {buyer: Decimal("0.00") for buyer in range(poster, BUYERS, POSTERS)}
        steps: list[Step] = []
        posted: list[Step] = []
        for index in range(n // POSTERS + (poster < n % POSTERS)):
            step = _next_step(rng, poster, index, balances, posted)
            steps.append(step)
            if step.expect == "posted":
                posted.append(step)
                sign = -1 if step.kind == "credit_spent" else 1
                balances[step.buyer] += sign * step.amount
        plans.append(steps)
        expected.update(balances)
    return plans, expected


def world_build() -> tuple[list, dict]:
    """BUYERS garages with a USD buyer-credit account each, and the platform's accounts."""
    from marketplace.models import Organisation
    from orders.models import AccountKind, LedgerAccount
    from orders.services.ledger import platform_account

    garages = Organisation.objects.bulk_create(
        Organisation(name=f"Bench Garage {i}", slug=f"bench-garage-{i}", kind="garage")
        for i in range(BUYERS)
    )
    accounts = LedgerAccount.objects.bulk_create(
        LedgerAccount(kind=AccountKind.BUYER_CREDIT, organisation=garage, currency="USD")
        for garage in garages
    )
    platform = {
        kind: platform_account(kind, "USD")
        for kind in (AccountKind.GOODWILL, AccountKind.CREDIT_APPLIED)
    }
    return accounts, platform


@dataclass
class Tally:
    outcomes: dict = field(default_factory=dict)  # key -> transaction id
    refused: int = 0
    errors: int = 0
    duplicate_effects: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def _post(step: Step, accounts: list, platform: dict):
    from orders.models import AccountKind
    from orders.services.ledger import Posting, ledger_post

    buyer = accounts[step.buyer]
    if step.kind == "credit_spent":
        other = platform[AccountKind.CREDIT_APPLIED]
        postings = [Posting(buyer, -step.amount), Posting(other, step.amount)]
    else:
        other = platform[AccountKind.GOODWILL]
        postings = [Posting(buyer, step.amount), Posting(other, -step.amount)]
    return ledger_post(
        idempotency_key=step.key, kind=step.kind, description=f"Bench {step.kind}",
        postings=postings,
    )  # fmt: skip


def _record(tally: Tally, step: Step, outcome) -> None:
    from orders.services.ledger import InsufficientCredit

    with tally.lock:
        if isinstance(outcome, InsufficientCredit):
            tally.refused += 1
            tally.errors += step.expect != "refused"
        elif isinstance(outcome, Exception) or step.expect == "refused":
            tally.errors += 1
            say(f"{step.key}: unexpected {outcome!r}")
        elif step.expect == "replayed":
            tally.duplicate_effects += tally.outcomes.get(step.key) != outcome.pk
        else:
            tally.outcomes[step.key] = outcome.pk


def _poster(steps: list[Step], accounts, platform, tally: Tally, start: threading.Barrier):
    try:
        start.wait()
        for index, step in enumerate(steps, 1):
            try:
                outcome = _post(step, accounts, platform)
            except Exception as error:  # noqa: BLE001 - counted and reported, never hidden
                outcome = error
            _record(tally, step, outcome)
            if index % 5_000 == 0:
                say(f"a poster is at {index} of {len(steps)}")
    finally:
        connection.close()


def _run_threads(target, plans: list[list[Step]], *extra) -> float:
    start = threading.Barrier(len(plans) + 1)
    threads = [threading.Thread(target=target, args=(plan, *extra, start)) for plan in plans]
    for thread in threads:
        thread.start()
    start.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


FLOOR_TABLES = """
CREATE TABLE bench_floor_transaction (
    id bigserial, idempotency_key varchar(120), kind varchar(30), description varchar(300),
    fingerprint varchar(64), created_at timestamptz);
CREATE TABLE bench_floor_entry (
    transaction_id bigint, account_id bigint, amount numeric(14, 2), currency varchar(3),
    balance_after numeric(14, 2));
"""
FLOOR_INSERT = """
WITH t AS (
    INSERT INTO bench_floor_transaction (idempotency_key, kind, description, fingerprint,
        created_at) VALUES (%s, %s, %s, '', now()) RETURNING id)
INSERT INTO bench_floor_entry (transaction_id, account_id, amount, currency, balance_after)
SELECT t.id, v.account, v.amount, 'USD', 0 FROM t,
    (VALUES (%s::bigint, %s::numeric), (%s::bigint, %s::numeric)) AS v (account, amount)
"""


def _floor_poster(steps: list[Step], accounts, platform, start: threading.Barrier) -> None:
    from orders.models import AccountKind

    other = platform[AccountKind.GOODWILL].pk
    with common.connect(DATABASE) as floor:
        start.wait()
        for step in steps:
            buyer = accounts[step.buyer].pk
            floor.execute(
                FLOOR_INSERT,
                [step.key, step.kind, "Bench floor", buyer, step.amount, other, -step.amount],
            )


def floor_seconds(plans, accounts, platform) -> float:
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_TABLES)
    return _run_threads(_floor_poster, plans, accounts, platform)


IMBALANCE_SQL = """
SELECT
  (SELECT count(*) FROM (SELECT currency FROM orders_ledgerentry GROUP BY currency
                         HAVING sum(amount) <> 0) c)
+ (SELECT count(*) FROM orders_ledgeraccount a
   LEFT JOIN (SELECT account_id, sum(amount) AS total FROM orders_ledgerentry
              GROUP BY account_id) e ON e.account_id = a.id
   WHERE a.kind IN ('buyer_credit', 'seller_receivable')
     AND a.balance <> coalesce(e.total, 0))
+ (SELECT count(*) FROM orders_ledgeraccount
   WHERE kind IN ('buyer_credit', 'seller_receivable') AND balance < 0)
"""


def imbalance(accounts, expected: dict[int, Decimal]) -> int:
    """Broken invariants, plus buyers whose balance is not what their poster's model says."""
    from orders.models import LedgerAccount

    with connection.cursor() as cursor:
        cursor.execute(IMBALANCE_SQL)
        (broken,) = cursor.fetchone()
    balances = dict(LedgerAccount.objects.values_list("pk", "balance"))
    off_model = sum(balances[accounts[b].pk] != amount for b, amount in expected.items())
    return broken + off_model


def duplicate_transactions(tally: Tally) -> int:
    """Transactions beyond one per distinct key, and transactions without exactly two entries."""
    from django.db.models import Count

    from orders.models import LedgerTransaction

    extra = LedgerTransaction.objects.count() - len(tally.outcomes)
    misshapen = (
        LedgerTransaction.objects.annotate(entries_count=Count("entries"))
        .exclude(entries_count=2)
        .count()
    )
    return abs(extra) + misshapen


def run(*, n: int = DEFAULT_N) -> dict:
    """Build the accounts, post the plans concurrently, time the floor, then audit."""
    plans, expected = plans_draw(n)
    with common.bench_database(DATABASE):
        say(f"migrating {DATABASE}")
        call_command("migrate", verbosity=0)
        accounts, platform = world_build()
        say(f"{n} postings by {POSTERS} posters over {BUYERS} buyers; timing the floor")
        floor = floor_seconds(plans, accounts, platform)
        say(f"floor: {n / floor:.0f}/s; timing ledger_post")
        tally = Tally()
        seconds = _run_threads(_poster, plans, accounts, platform, tally)
        say(f"posted: {n / seconds:.0f}/s; auditing")
        broken = imbalance(accounts, expected)
        duplicates = tally.duplicate_effects + duplicate_transactions(tally)
    per_s, floor_per_s = n / seconds, n / floor
    return {
        "bench": BENCH, "n": n, "per_s": round(per_s), "floor_per_s": round(floor_per_s),
        "floor": FLOOR, "ratio": round(per_s / floor_per_s, 3), "posters": POSTERS,
        "buyers": BUYERS, "transactions": len(tally.outcomes),
        "replays": sum(s.expect == "replayed" for plan in plans for s in plan),
        "refused": tally.refused, "seconds": round(seconds, 3), "floor_seconds": round(floor, 3),
        "imbalance": broken, "duplicate_effects": duplicates, "errors": tally.errors,
    }  # fmt: skip
