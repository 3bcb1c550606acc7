"""What the benchmarks share: a PostgreSQL database of their own, gunicorn serving it, plain
HTTP from the load process, and nearest-rank percentiles."""

import http.client
import math
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import psycopg
from django.conf import settings
from django.db import connection, connections

READY_PATH = "/api/v1/search/suggest/?q=al"


def connect(dbname: str) -> psycopg.Connection:
    """An autocommit connection to `dbname` on Django's server, as Django's role."""
    params = connection.settings_dict
    return psycopg.connect(
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        user=params["USER"],
        password=params["PASSWORD"],
        dbname=dbname,
        autocommit=True,
    )


@contextmanager
def bench_database(name: str, *, keep: bool = False) -> Iterator[None]:
    """Point Django at a fresh database `name` for the duration, and drop it after (unless
    `keep`, for inspection)."""
    if connection.vendor != "postgresql":
        raise SystemExit("The benchmarks need PostgreSQL: set DATABASE_URL.")
    default = connections["default"]
    original = default.settings_dict["NAME"]
    with connect(original) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")
    default.close()
    default.settings_dict["NAME"] = name
    try:
        yield
    finally:
        default.close()
        default.settings_dict["NAME"] = original
        if not keep:
            with connect(original) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def database_url(name: str) -> str:
    params = connection.settings_dict
    user, password = quote(params["USER"], safe=""), quote(params["PASSWORD"] or "", safe="")
    host, port = params["HOST"] or "127.0.0.1", params["PORT"] or "5432"
    return f"postgres://{user}:{password}@{host}:{port}/{name}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_environment(database: str) -> dict[str, str]:
    """The server's environment: the benchmark's database, persistent connections as in
    `.env.example`, no Elasticsearch, and tasks run in the server's own process (no broker),
    so that nothing a benchmark does reaches a queue other processes read."""
    env = {k: v for k, v in os.environ.items() if k != "ELASTICSEARCH_URL"}
    env.update(
        DATABASE_URL=database_url(database),
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
def gunicorn(
    database: str,
    *,
    workers: int = 2,
    threads: int = 1,
    log_path: Path | None = None,
    environment: dict[str, str] | None = None,
) -> Iterator[int]:
    """Serve the project with gunicorn on `database` (sync workers, or gthread ones when
    `threads` > 1); yields the port. The server's output goes to `log_path` when given;
    `environment` overrides `server_environment`'s variables."""
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("gunicorn")), "marketplace.wsgi", "-w", str(workers),
        "-b", f"127.0.0.1:{port}",
    ]  # fmt: skip
    if threads > 1:
        command += ["--threads", str(threads)]
    with log_path.open("w+b") if log_path else tempfile.TemporaryFile() as log:
        server = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env={**server_environment(database), **(environment or {})},
            stdout=log,
            stderr=log,
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
        if server.poll() is None and http_get(port, READY_PATH, 5) == 200:
            return
        if server.poll() is not None:
            break
        time.sleep(0.2)
    log.seek(0)
    raise RuntimeError(f"gunicorn did not answer:\n{log.read().decode()[-3000:]}")


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (`share` in 0..100) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share / 100 * len(ordered)) - 1)]


def stats(prefix: str, values: list[float]) -> dict[str, float]:
    return {f"{prefix}p{p}_ms": round(percentile(values, p), 1) for p in (50, 95, 99)}
