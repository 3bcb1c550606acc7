"""The benchmark's own PostgreSQL database: created fresh, pointed at, dropped after (kept for
inspection with SEARCH_BENCH_KEEP=1)."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import psycopg
from django.db import connection, connections

DATABASE = "marketplace_bench_search"


def connect(dbname: str) -> psycopg.Connection:
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
def bench_database() -> Iterator[None]:
    """Point Django at a fresh database of its own for the duration, and drop it after."""
    if connection.vendor != "postgresql":
        raise SystemExit("The search benchmark needs PostgreSQL: set DATABASE_URL.")
    default = connections["default"]
    original = default.settings_dict["NAME"]
    with connect(original) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {DATABASE}")
    default.close()
    default.settings_dict["NAME"] = DATABASE
    try:
        yield
    finally:
        default.close()
        default.settings_dict["NAME"] = original
        if not os.environ.get("SEARCH_BENCH_KEEP"):
            with connect(original) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


def database_url(name: str) -> str:
    params = connection.settings_dict
    user, password = quote(params["USER"], safe=""), quote(params["PASSWORD"] or "", safe="")
    host, port = params["HOST"] or "127.0.0.1", params["PORT"] or "5432"
    return f"postgres://{user}:{password}@{host}:{port}/{name}"
