"""Connections to the database: a few synchronous ones reused, the URL shown without its password, one-line errors.

The store's API is synchronous (the runner, the CLI and the gateway's worker threads call
it as they call the file store), so it uses psycopg's synchronous connections: a call is
one round trip on a connection taken from a small pool, with no event loop or thread in
between. Each thread takes its own connection for the length of a call, so the gateway's
worker threads and the runner's event loop never share one. Only the change feed, which
waits for notifications on the event loop, uses an async connection (``feed.py``).
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any, Callable, Iterator, TypeVar

import psycopg
from psycopg import pq

from smallclaw_core import SmallClawError

T = TypeVar("T")

#: idle connections kept for the next call; more are opened when threads need them at once
KEEP_IDLE = 4


class StoreUnavailable(SmallClawError):
    """The database cannot be reached, or refused what was asked."""


def describe_url(url: str) -> str:
    """``user@host:port/dbname``: enough to tell databases apart, never the password."""
    try:
        info = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        raise StoreUnavailable(f"[store] url is not a PostgreSQL URL: {first_line(exc)}") from None
    host = str(info.get("host") or "localhost")
    port = f":{info['port']}" if info.get("port") else ""
    user = f"{info['user']}@" if info.get("user") else ""
    return f"{user}{host}{port}/{info.get('dbname') or info.get('user') or ''}"


def first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


class Database:
    """The URL, how connections are opened, and the idle ones."""

    def __init__(self, url: str, *, durable: bool = True, on_connect: Callable[[psycopg.Connection], None] | None = None):
        self.url = url
        self.where = describe_url(url)
        self.durable = durable
        #: run once, on the first connection of this process (the schema check)
        self.on_connect = on_connect
        self._ready = False
        self._idle: list[psycopg.Connection] = []
        self._lock = threading.Lock()

    def options(self) -> dict[str, Any]:
        # not durable: commits return before the WAL reaches the disk (the file store's
        # durable = false skips fsync alike)
        options = {} if self.durable else {"options": "-c synchronous_commit=off"}
        return {"autocommit": True, "application_name": "smallclaw", "connect_timeout": 10, **options}

    def connect(self) -> psycopg.Connection:
        try:
            return psycopg.connect(self.url, **self.options())
        except psycopg.Error as exc:
            raise StoreUnavailable(f"cannot reach the task store at {self.where}: {first_line(exc)}") from None

    @contextlib.contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        """A connection for one call, returned to the pool afterwards if it is still sound."""
        with self._lock:
            conn = self._idle.pop() if self._idle else None
        if conn is None:
            conn = self.connect()
            if not self._ready:
                try:
                    self._prepare(conn)
                except BaseException:
                    conn.close()
                    raise
        try:
            yield conn
        except psycopg.OperationalError as exc:
            conn.close()
            raise StoreUnavailable(f"the task store at {self.where} failed: {first_line(exc)}") from None
        finally:
            if not conn.closed and conn.info.transaction_status == pq.TransactionStatus.IDLE:
                with self._lock:
                    if len(self._idle) < KEEP_IDLE:
                        self._idle.append(conn)
                        conn = None
            if conn is not None:
                conn.close()

    def run(self, read: Callable[[psycopg.Connection], T]) -> T:
        """Run a read; once more on a fresh connection when an idle one was cut (a restarted server)."""
        try:
            with self.connection() as conn:
                return read(conn)
        except StoreUnavailable:
            with self.connection() as conn:
                return read(conn)

    def _prepare(self, conn: psycopg.Connection) -> None:
        with self._lock:
            if self._ready:
                return
            if self.on_connect is not None:
                self.on_connect(conn)
            self._ready = True

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()
