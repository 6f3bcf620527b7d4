"""Chat sessions in PostgreSQL: one row per record, read in the order written.

The same contract as the file store's ``SessionStore``: a position for ``read_from`` is
the last row's id rather than a byte offset, and ``sync`` has nothing to do, since an
append commits (``sync=False`` commits without waiting for the disk, as the file store
skips its fsync).
"""

from __future__ import annotations

import re
import time
from typing import Any

from smallclaw_core import Message, structure, unstructure

from .database import Database
from .tasks import json_text

_KEY = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")


def _key(key: str) -> str:
    if not _KEY.match(key):
        raise ValueError(f"invalid session key {key!r}")
    # the file store names its files so: both stores then list the same keys
    return key.replace(":", "_")


class PostgresSessionStore:
    def __init__(self, db: Database):
        self.db = db

    def append(self, key: str, message: Message, *, sync: bool = True, **meta: Any) -> None:
        self.append_record(key, {"message": unstructure(message), **meta}, sync=sync)

    def append_record(self, key: str, record: dict[str, Any], *, sync: bool = True) -> None:
        key = _key(key)
        with self.db.connection() as conn:
            if sync or not self.db.durable:
                conn.execute("INSERT INTO smallclaw.sessions (key, at, record) VALUES (%s, %s, %s::jsonb)",
                             (key, time.time(), json_text(record)))
                return
            with conn.transaction():
                conn.execute("SET LOCAL synchronous_commit TO off")
                conn.execute("INSERT INTO smallclaw.sessions (key, at, record) VALUES (%s, %s, %s::jsonb)",
                             (key, time.time(), json_text(record)))

    def sync(self, key: str) -> None:
        """Every record appended so far is durable: each was committed (see the module)."""

    def records(self, key: str) -> list[dict[str, Any]]:
        key = _key(key)
        return self.db.run(lambda c: [r[0] for r in c.execute(
            "SELECT record FROM smallclaw.sessions WHERE key = %s ORDER BY id", (key,))])

    def read_from(self, key: str, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
        """Records after position ``offset`` (0 at first), and the position to read from next time."""
        key = _key(key)
        rows = self.db.run(lambda c: c.execute(
            "SELECT id, record FROM smallclaw.sessions WHERE key = %s AND id > %s ORDER BY id", (key, offset)).fetchall())
        return [r for _, r in rows], (rows[-1][0] if rows else offset)

    def history(self, key: str) -> list[Message]:
        return [structure(r["message"], Message) for r in self.records(key) if "message" in r]

    def exists(self, key: str) -> bool:
        key = _key(key)
        return self.db.run(lambda c: c.execute(
            "SELECT 1 FROM smallclaw.sessions WHERE key = %s LIMIT 1", (key,)).fetchone()) is not None

    def keys(self) -> list[str]:
        return self.db.run(lambda c: [r[0] for r in c.execute(
            "SELECT DISTINCT key FROM smallclaw.sessions ORDER BY key")])

    def summaries(self, prefix: str | None = None) -> list[dict[str, Any]]:
        """``{"key", "updated_at", "bytes"}`` per session, most recent first."""
        rows = self.db.run(lambda c: c.execute(
            "SELECT key, max(at), sum(octet_length(record::text)) FROM smallclaw.sessions "
            "WHERE starts_with(key, %s) GROUP BY key ORDER BY max(at) DESC", (prefix or "",)).fetchall())
        return [{"key": k, "updated_at": at, "bytes": int(size)} for k, at, size in rows]

    def has_delivery(self, key: str, delivery_key: str) -> bool:
        key = _key(key)
        return self.db.run(lambda c: c.execute(
            "SELECT 1 FROM smallclaw.sessions WHERE key = %s AND record->>'delivery' = %s LIMIT 1",
            (key, delivery_key)).fetchone()) is not None
