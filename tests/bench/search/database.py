"""The benchmark's own PostgreSQL database: created fresh, pointed at, dropped after (kept for
inspection with SEARCH_BENCH_KEEP=1)."""

import os
from collections.abc import Iterator
from contextlib import contextmanager

from .. import common
from ..common import connect, database_url

DATABASE = "marketplace_bench_search"

__all__ = ["DATABASE", "bench_database", "connect", "database_url"]


@contextmanager
def bench_database() -> Iterator[None]:
    """Point Django at a fresh database of its own for the duration, and drop it after."""
    with common.bench_database(DATABASE, keep=bool(os.environ.get("SEARCH_BENCH_KEEP"))):
        yield
