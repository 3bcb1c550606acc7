"""The load: gunicorn serving the benchmark's database, and an open-loop sender in a process of
its own."""

import http.client
import math
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from django.conf import settings

from .database import DATABASE, database_url
from .floor import Captured
from .queries import SEARCH_PATH


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "ELASTICSEARCH_URL"}
    env.update(
        DATABASE_URL=database_url(DATABASE),
        DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY") or "bench-only-secret",
        DJANGO_SETTINGS_MODULE="marketplace.settings",
        DJANGO_DEBUG="false",
        CELERY_BROKER_URL="",
        DATABASE_CONN_MAX_AGE="60",
        LOG_LEVEL="WARNING",
    )
    return env


def http_get(port: int, path: str, timeout: float) -> int:
    """GET `path` on 127.0.0.1; the status, or 0 when no response came."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException):
        return 0
    finally:
        conn.close()


@contextmanager
def gunicorn(workers: int = 2) -> Iterator[int]:
    """Serve the project with gunicorn on the benchmark's database; yields the port."""
    port = _free_port()
    command = [
        str(Path(sys.executable).with_name("gunicorn")), "marketplace.wsgi", "-w", str(workers),
        "-b", f"127.0.0.1:{port}",
    ]  # fmt: skip
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=_server_environment(), stdout=log, stderr=log
        )
        try:
            _wait_until_up(server, port, log)
            yield port
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _wait_until_up(server: subprocess.Popen, port: int, log) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is None and http_get(port, f"{SEARCH_PATH}suggest/?q=al", 5) == 200:
            return
        if server.poll() is not None:
            break
        time.sleep(0.2)
    log.seek(0)
    raise RuntimeError(f"gunicorn did not answer:\n{log.read().decode()[-3000:]}")


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
