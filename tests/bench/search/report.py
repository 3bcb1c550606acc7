"""Progress lines, percentiles and the per-query breakdown of the search benchmark."""

import math
import sys
from collections import defaultdict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .floor import Captured, Floor


def say(message: str) -> None:
    print(f"[search] {message}", file=sys.stderr, flush=True)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (`share` in 0..100) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share / 100 * len(ordered)) - 1)]


def stats(prefix: str, values: list[float]) -> dict[str, float]:
    return {f"{prefix}p{p}_ms": round(percentile(values, p), 1) for p in (50, 95, 99)}


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
