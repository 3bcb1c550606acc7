"""Progress lines, percentiles and the per-query breakdown of the search benchmark."""

import sys
from collections import defaultdict
from typing import TYPE_CHECKING

from ..common import percentile, stats

__all__ = ["breakdown", "percentile", "say", "stats"]

if TYPE_CHECKING:
    from .floor import Captured, Floor


def say(message: str) -> None:
    print(f"[search] {message}", file=sys.stderr, flush=True)


def breakdown(captured: "list[Captured]", rotation, results, result: "Floor") -> list[dict]:
    """Per query: hits, SQL statements, API and SQL latency; slowest API p95 first."""
    api, sql = defaultdict(list), defaultdict(list)
    for index, _, ms in results:
        api[rotation[index]].append(ms)
    for position, ms in enumerate(result.per_request):
        sql[rotation[position]].append(ms)
    rows = [
        {"query": item.query.label, "kind": item.query.kind, "total": item.total,
         "statements": len(item.statements), "api_p50_ms": round(percentile(api[i], 50), 1),
         "api_p95_ms": round(percentile(api[i], 95), 1),
         "sql_p50_ms": round(percentile(sql[i], 50), 1)}
        for i, item in enumerate(captured) if api[i]
    ]  # fmt: skip
    rows.sort(key=lambda row: -row["api_p95_ms"])
    for row in rows:
        say(
            f"API p50 {row['api_p50_ms']:>8.1f} p95 {row['api_p95_ms']:>8.1f} ms, "
            f"SQL p50 {row['sql_p50_ms']:>7.1f} ms, "
            f"{row['statements']:>3} stmts {row['total']:>9,} hits  {row['query']}"
        )
    return rows
