"""The load: gunicorn serving the benchmark's database, and an open-loop sender in a process of
its own."""

import math
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing import get_context

from .. import common
from ..common import http_get
from .database import DATABASE
from .floor import Captured


@contextmanager
def gunicorn(workers: int = 2) -> Iterator[int]:
    """Serve the project with gunicorn on the benchmark's database; yields the port."""
    with common.gunicorn(DATABASE, workers=workers) as port:
        yield port


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


def warm_up(port: int, captured: list[Captured]) -> None:
    """Each query twice, two at a time, so that both workers have run every kind of search
    (the first VIN a worker decodes opens the vPIC database, for one)."""
    paths = [item.query.path for item in captured] * 2
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda path: http_get(port, path, 120), paths))
