"""``smallclaw doctor`` for the PostgreSQL store: the connection, the schema version, the clocks of the hosts."""

from __future__ import annotations

from typing import Any

import psycopg

from smallclaw_core import DoctorCheck

from . import schema
from .clocks import recent_offsets, record_offset
from .database import StoreUnavailable, first_line

#: a skew below this is not worth a word
NEGLIGIBLE = 1.0


def store_checks(app: Any) -> list[DoctorCheck]:
    from .tasks import PostgresTaskStore

    store = app.store
    if not isinstance(store, PostgresTaskStore):
        return [DoctorCheck("task store", True, f"not in use ({store.describe()})")]
    try:
        conn = store.db.connect()  # not through the pool: doctor looks, it does not migrate
    except StoreUnavailable as exc:
        return [DoctorCheck("connection", False, str(exc),
                            fix="check [store] url (or $SMALLCLAW_STORE_URL), the server, and pg_hba.conf")]
    try:
        with conn:
            return [connection_check(conn, store), schema_check(conn), *clock_checks(conn, store, app)]
    except psycopg.Error as exc:
        return [DoctorCheck("task store", False, first_line(exc))]


def connection_check(conn: psycopg.Connection, store: Any) -> DoctorCheck:
    version = conn.info.server_version
    text = f"PostgreSQL {version // 10000}.{version % 10000} at {store.db.where}"
    if version < 150000:
        return DoctorCheck("connection", False, text, fix="SmallClaw is tested with PostgreSQL 15 and later")
    return DoctorCheck("connection", True, text)


def schema_check(conn: psycopg.Connection) -> DoctorCheck:
    found = schema.version_of(conn)
    if found == schema.VERSION:
        return DoctorCheck("schema", True, f"version {found}")
    if found < schema.VERSION:
        return DoctorCheck("schema", True, f"version {found}; this version of smallclaw-postgres migrates it to "
                                           f"{schema.VERSION} when it starts", warning=True,
                           fix="smallclaw store migrate")
    return DoctorCheck("schema", False, f"version {found}, newer than this smallclaw-postgres knows ({schema.VERSION})",
                       fix="upgrade smallclaw-postgres on this machine")


def clock_checks(conn: psycopg.Connection, store: Any, app: Any) -> list[DoctorCheck]:
    if schema.version_of(conn) < 1:
        return []
    mine = record_offset(conn, store.host)
    offsets = recent_offsets(conn)
    spread = max(offsets.values()) - min(offsets.values())
    shown = ", ".join(f"{host} {offset:+.3f} s" for host, offset in offsets.items())
    runner = app.config.sections.get("runner")
    limit = (runner.lease_seconds if runner is not None else 30.0) / 3
    detail = f"this host {mine:+.3f} s from the database's clock; hosts seen in the last day: {shown}"
    if spread <= NEGLIGIBLE:
        return [DoctorCheck("clock skew", True, f"{spread:.3f} s between hosts ({detail})")]
    fix = "run NTP (chrony or systemd-timesyncd) on every host"
    if spread <= limit:
        return [DoctorCheck("clock skew", True, f"{spread:.3f} s between hosts ({detail})", fix=fix, warning=True)]
    return [DoctorCheck("clock skew", False, f"{spread:.3f} s between hosts, more than a third of [runner] "
                                             f"lease_seconds: a runner may take over a live runner's task ({detail})",
                        fix=fix)]
