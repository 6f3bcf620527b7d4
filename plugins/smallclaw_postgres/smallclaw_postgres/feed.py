"""The change feed: LISTEN on the ``smallclaw`` channel, on an async connection of its own.

The schema's triggers announce every task write (``t <id> <updated_at>``), deletion
(``d <id>``) and journal entry (``j <id> <seq>``), whichever machine made it. ``wait``
returns them as ``Change`` values as soon as the first arrives (with those that came in
the same few milliseconds), so a gateway's board and a runner's scheduler hear of
another machine's change at once, and skip their own without reading anything. A lost
connection is opened again; notifications sent meanwhile are gone, so the first
``wait`` after it returns None: the watcher then looks at every task and replays what
it missed from the journal.
"""

from __future__ import annotations

import logging
from typing import Any

import anyio
import psycopg

from smallclaw_core import Change

from .database import Database, first_line
from .schema import CHANNEL

log = logging.getLogger("smallclaw.postgres")

#: how long after the first notification the feed waits for the rest of a burst
GATHER = 0.005


def parse(payload: str) -> Change | None:
    """``t <id> <updated_at>``, ``j <id> <seq>`` or ``d <id>`` as a ``Change``; None for anything else."""
    kind, _, rest = payload.partition(" ")
    try:
        if kind == "d":
            return Change(rest, deleted=True)
        task_id, _, value = rest.rpartition(" ")
        if kind == "t":
            return Change(task_id, updated_at=float(value))
        if kind == "j":
            return Change(task_id, seq=int(value))
    except ValueError:
        pass
    return None


class ListenFeed:
    """``async with store.watch(interval) as feed: await feed.wait()``."""

    def __init__(self, db: Database, interval: float):
        self.db = db
        self.interval = interval
        self.conn: psycopg.AsyncConnection | None = None

    async def __aenter__(self) -> "ListenFeed":
        await self._listen()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        if self.conn is not None:
            with anyio.CancelScope(shield=True):
                await self.conn.close()
            self.conn = None

    async def _listen(self) -> bool:
        try:
            self.conn = await psycopg.AsyncConnection.connect(self.db.url, **self.db.options())
            await self.conn.execute(f"LISTEN {CHANNEL}")
            return True
        except psycopg.Error as exc:
            log.warning("cannot listen for changes at %s: %s; trying again", self.db.where, first_line(exc))
            self.conn = None
            return False

    async def wait(self) -> list[Change] | None:
        """The changes announced since the last call (waiting up to the interval for the first),
        or None after the connection was lost and opened again."""
        if self.conn is None or self.conn.closed:
            if not await self._listen():
                await anyio.sleep(self.interval)
                return []
            return None
        changes: list[Change] = []
        try:
            async for note in self.conn.notifies(timeout=self.interval, stop_after=1):
                changes.append(parse(note.payload))
            if changes:
                async for note in self.conn.notifies(timeout=GATHER):
                    changes.append(parse(note.payload))
        except psycopg.OperationalError as exc:
            log.warning("lost the change feed from %s: %s", self.db.where, first_line(exc))
            await self.conn.close()
            await self._listen()  # at once: what happens from now on is heard
            return None
        return [c for c in changes if c is not None]
