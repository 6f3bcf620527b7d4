"""How far each host's clock is from the database's: leases expire by the runners' clocks.

A lease is written with its owner's clock (``time.time() + lease_seconds``) and judged
expired by another host's. A host whose clock runs ahead by more than the time between
renewals (a third of ``lease_seconds``) can take over a task whose runner is alive. Every
process records its offset from the database's clock when it first connects; ``doctor``
compares the hosts seen in the last day.
"""

from __future__ import annotations

import time

import psycopg

#: hosts seen longer ago than this are not compared
RECENT = "1 day"


def measure_offset(conn: psycopg.Connection) -> float:
    """This host's clock minus the database's, in seconds (the round trip halved)."""
    best: tuple[float, float] | None = None
    for _ in range(3):
        before = time.time()
        server = conn.execute("SELECT extract(epoch FROM clock_timestamp())::float8").fetchone()[0]
        after = time.time()
        trip = after - before
        if best is None or trip < best[0]:
            best = (trip, (before + after) / 2 - server)
    assert best is not None
    return best[1]


def record_offset(conn: psycopg.Connection, host: str) -> float:
    offset = measure_offset(conn)
    conn.execute("INSERT INTO smallclaw.hosts (host, clock_offset) VALUES (%s, %s) "
                 "ON CONFLICT (host) DO UPDATE SET clock_offset = EXCLUDED.clock_offset, seen_at = now()",
                 (host, offset))
    return offset


def recent_offsets(conn: psycopg.Connection) -> dict[str, float]:
    rows = conn.execute(f"SELECT host, clock_offset FROM smallclaw.hosts WHERE seen_at > now() - interval '{RECENT}' "
                        "ORDER BY host").fetchall()
    return {host: offset for host, offset in rows}
