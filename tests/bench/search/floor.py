"""The floor: the SQL each search ran, captured once in-process through the API view, then
executed directly with psycopg in the same rotation, one request after another."""

import time
from dataclasses import dataclass, field

from django.db import connection

from .database import DATABASE, connect
from .queries import Query
from .report import percentile, say


@dataclass
class Captured:
    query: Query
    statements: tuple[str, ...]
    total: int


def _capture_one(client, query: Query) -> Captured:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        response = client.get(query.path)
    if response.status_code != 200:
        raise RuntimeError(f"{query.label}: HTTP {response.status_code} {response.content[:300]}")
    statements = tuple(item["sql"] for item in context.captured_queries)
    return Captured(query, statements, response.json()["total"])


def capture(queries: list[Query]) -> list[Captured]:
    """Run every query once in-process through the API view, keeping the SQL it ran."""
    from django.test import Client

    client = Client()
    captured = [_capture_one(client, query) for query in queries]
    for item in captured:
        if item.total == 0 and "certified" not in item.query.label:
            say(f"warning: no hits for {item.query.label}")
    return captured


def page_size_constant(queries: list[Query]) -> bool:
    """The number of queries per request is the same for page sizes 5 and 50."""
    from django.test import Client

    client = Client()
    for query in queries:
        small = _capture_one(client, query.with_page_size(5))
        large = _capture_one(client, query.with_page_size(50))
        if len(small.statements) != len(large.statements):
            say(f"{query.label}: {len(small.statements)} vs {len(large.statements)} queries")
            return False
    return True


@dataclass
class Floor:
    per_request: list[float] = field(default_factory=list)  # ms, in rotation order
    per_statement: dict[tuple[int, int], list[float]] = field(default_factory=dict)


def floor(captured: list[Captured], rotation: list[int]) -> Floor:
    """Execute each request's captured SQL directly, one request after another."""
    result = Floor()
    with connect(DATABASE) as conn, conn.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'UTC'")
        for query_index in rotation:
            started = time.perf_counter()
            for number, sql in enumerate(captured[query_index].statements):
                began = time.perf_counter()
                cursor.execute(sql)
                if cursor.description is not None:
                    cursor.fetchall()
                took = (time.perf_counter() - began) * 1000
                result.per_statement.setdefault((query_index, number), []).append(took)
            result.per_request.append((time.perf_counter() - started) * 1000)
    return result


def explain(captured: list[Captured], result: Floor, count: int) -> None:
    """EXPLAIN ANALYZE the slowest statements (by median time) to standard error."""
    medians = {key: percentile(times, 50) for key, times in result.per_statement.items()}
    slowest = sorted(medians, key=medians.get, reverse=True)[:count]
    with connect(DATABASE) as conn, conn.cursor() as cursor:
        for query_index, number in slowest:
            sql = captured[query_index].statements[number]
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            label = captured[query_index].query.label
            say(f"{label}, statement {number} ({medians[query_index, number]:.1f} ms):\n"
                 f"{sql}\n{plan}\n")  # fmt: skip
