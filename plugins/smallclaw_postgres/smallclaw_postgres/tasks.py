"""Tasks and their journals in PostgreSQL, behind the same contract as the file store.

Each write is a transaction on the task's row: ``update`` reads it ``FOR UPDATE``, applies
the change and writes the document back with the columns the queue reads; ``claim``
takes work with ``FOR UPDATE SKIP LOCKED``, so runners on several machines never take
one task; a journal append is one call of ``append_entry``, which numbers the entry
under the same row lock. A runner's write names its lease, and the statement that locks
the row only matches while that lease is the task's (``lease_owner`` and ``lease_epoch``
in its ``WHERE``): otherwise ``LeaseLost``, and nothing is written. Parsed documents are
cached by their version: a read sends the version it has, and the database sends the
document back only when it changed.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import os
import threading
from typing import Any, Callable, Iterable

import psycopg

from smallclaw_core import (
    Claim, DocumentError, JournalEntry, Lease, LeaseLost, StoreProblem, Task, TaskNotFound, copy_document,
    stamp, task_from_dict, task_to_json, unstructure,
)

from . import schema
from .database import Database, StoreUnavailable
from .feed import ListenFeed

COLUMNS = "status, created_at, updated_at, lease_owner, lease_host, lease_expires, lease_epoch, host, owed, doc"
#: what ``append_entry`` raises when the runner's lease is no longer the task's
LEASE_LOST = "SC001"
#: a runner's write: the row only while the lease is still the task's
FENCE = " AND lease_owner = %s AND lease_epoch = %s"

CLAIM = """
SELECT id, version, doc FROM smallclaw.tasks
WHERE NOT (id = ANY(%(skip)s))
  AND (lease_owner IS NULL OR lease_expires < %(now)s OR lease_owner = %(owner)s OR lease_host = %(host)s)
  AND {what}
ORDER BY created_at, id
LIMIT %(limit)s
FOR UPDATE SKIP LOCKED
"""
#: what each kind of claim looks for (the rest of the rule is ``Claim.takes``, in Python)
CLAIM_RUN = CLAIM.format(what="status IN ('queued', 'running') AND (host IS NULL OR host = %(host)s OR %(shared)s)")
CLAIM_DELIVER = CLAIM.format(what="owed > 0")
#: rows locked beyond the limit: a candidate leased by a live process on this host is only
#: known to be one in Python, and must not hide the next
SLACK = 8


def json_text(value: Any) -> str:
    """JSON for a jsonb parameter: jsonb holds no NUL character, so one in a tool's output
    becomes U+FFFD (the file store keeps it)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("\\u0000", "\ufffd") if "\\u0000" in text else text


def valid_id(task_id: str) -> bool:
    # the file store's rule, so an id means the same in either store
    return bool(task_id) and "/" not in task_id and "\\" not in task_id and not task_id.startswith(".")


class PostgresTaskStore:
    """Tasks in the ``smallclaw`` schema. Safe to use from several threads, processes and machines."""

    def __init__(self, url: str, *, durable: bool = True, host: str = ""):
        self.host = host
        self.db = Database(url, durable=durable, on_connect=self._first_connection)
        self.durable = durable
        self.problems: list[StoreProblem] = []
        self.writer = f"{host}:{os.getpid()}"
        self._cache: dict[str, tuple[int, Task]] = {}
        self._cache_lock = threading.Lock()

    def _first_connection(self, conn: psycopg.Connection) -> None:
        schema.ensure(conn)
        from .clocks import record_offset

        record_offset(conn, self.host)

    # --- tasks ------------------------------------------------------------------------

    def _parse(self, task_id: str, version: int, doc: Any) -> Task:
        """The cached task when ``doc`` is None (the database had nothing newer), else ``doc`` parsed and cached.

        ``KeyError`` when the cache no longer holds ``version``: another thread (the lease keeper's
        renewals) replaced it between the question and the answer, and the caller reads the row whole.
        """
        if doc is None:
            with self._cache_lock:
                cached = self._cache.get(task_id)
            if cached is None or cached[0] != version:
                raise KeyError(task_id)
            return cached[1]
        task = task_from_dict(doc, f"task {task_id} in {self.db.where}")
        self._keep(task_id, version, task)
        return task

    def _keep(self, task_id: str, version: int, task: Task) -> None:
        """Cache ``task`` as ``version`` unless a newer version is cached (threads finish in any order)."""
        with self._cache_lock:
            cached = self._cache.get(task_id)
            if cached is None or cached[0] <= version:
                self._cache[task_id] = (version, task)

    def _cached_version(self, task_id: str) -> int:
        with self._cache_lock:
            cached = self._cache.get(task_id)
        return cached[0] if cached else -1

    def _row(self, conn: psycopg.Connection, task_id: str, *, lock: bool = False, lease: Lease | None = None) -> Task:
        """The task; with ``lease``, only while it is the task's lease (else ``LeaseLost``)."""
        sql = ("SELECT version, CASE WHEN version = %s THEN NULL ELSE doc END FROM smallclaw.tasks WHERE id = %s"
               + (FENCE if lease else "") + (" FOR UPDATE" if lock else ""))
        params = (self._cached_version(task_id), task_id) + ((lease.owner, lease.epoch) if lease else ())
        row = conn.execute(sql, params).fetchone()
        if row is None:
            if lease is not None:
                self._refuse(conn, task_id, lease)
            raise TaskNotFound(task_id)
        try:
            return self._parse(task_id, row[0], row[1])
        except KeyError:  # the cached copy changed meanwhile: the row as it is (still locked, if it was)
            row = conn.execute("SELECT version, doc FROM smallclaw.tasks WHERE id = %s", (task_id,)).fetchone()
            if row is None:
                raise TaskNotFound(task_id) from None
            return self._parse(task_id, row[0], row[1])

    def _refuse(self, conn: psycopg.Connection, task_id: str, lease: Lease) -> None:
        """Raise ``LeaseLost`` naming the lease held now, if the task exists."""
        held = conn.execute("SELECT lease_epoch, lease_expires, lease_owner FROM smallclaw.tasks WHERE id = %s",
                            (task_id,)).fetchone()
        if held is not None:
            epoch, expires, owner = held
            raise LeaseLost(task_id, lease, Lease(owner, float(expires), int(epoch)) if owner else None, int(epoch))

    def ids(self) -> list[str]:
        return self.db.run(lambda c: [r[0] for r in c.execute("SELECT id FROM smallclaw.tasks ORDER BY id")])

    def create(self, task: Task) -> Task:
        if not valid_id(task.id):
            raise TaskNotFound(task.id)
        values = self._values(task)
        with self.db.connection() as conn:
            try:
                conn.execute(f"INSERT INTO smallclaw.tasks (id, {COLUMNS}) VALUES (%s, {', '.join(['%s'] * 10)})",
                             (task.id, *values))
            except psycopg.errors.UniqueViolation:
                raise FileExistsError(f"task {task.id} exists already") from None
        with self._cache_lock:
            self._cache[task.id] = (1, copy_document(task))
        return task

    def get(self, task_id: str) -> Task:
        if not valid_id(task_id):
            raise TaskNotFound(task_id)
        try:
            return copy_document(self.db.run(lambda c: self._row(c, task_id)))
        except TaskNotFound:
            raise self._not_found(task_id) from None

    def resolve_id(self, task_id: str) -> str:
        if valid_id(task_id):
            found = self.db.run(lambda c: [r[0] for r in c.execute(
                "SELECT id FROM smallclaw.tasks WHERE starts_with(id, %s) ORDER BY id <> %s, id LIMIT 2",
                (task_id, task_id))])
            if found and (found[0] == task_id or len(found) == 1):
                return found[0]
        raise self._not_found(task_id)

    def list(self, status: str | Iterable[str] | None = None) -> list[Task]:
        """Readable tasks, oldest first; only documents whose version changed are sent and parsed."""
        wanted = [status] if isinstance(status, str) else list(status) if status else None
        with self._cache_lock:
            known = list(self._cache.items())
        where = "WHERE t.status = ANY(%s)" if wanted is not None else ""
        sql = ("SELECT t.id, t.version, CASE WHEN c.version = t.version THEN NULL ELSE t.doc END "
               "FROM smallclaw.tasks t LEFT JOIN unnest(%s::text[], %s::bigint[]) AS c(id, version) ON c.id = t.id "
               f"{where} ORDER BY t.created_at, t.id")
        params: list[Any] = [[k for k, _ in known], [v for _, (v, _) in known]]
        if wanted is not None:
            params.append(wanted)
        rows = self.db.run(lambda c: c.execute(sql, params).fetchall())
        tasks, problems = [], []
        for task_id, version, doc in rows:
            try:
                tasks.append(self._parse(task_id, version, doc))
            except DocumentError as exc:
                problems.append(StoreProblem(task_id, str(exc)))
            except KeyError:  # dropped from the cache meanwhile: read it alone
                tasks.append(self.db.run(lambda c, i=task_id: self._row(c, i)))
        self.problems = problems
        return tasks

    def update(self, task_id: str, change: Callable[[Task], object], *, lease: Lease | None = None) -> Task:
        """Apply ``change`` to the task under its row lock and write it; an exception writes nothing.
        With ``lease``, the row is locked only while that lease is the task's, else ``LeaseLost``."""
        if not valid_id(task_id):
            raise TaskNotFound(task_id)
        with self._writing() as written, self.db.connection() as conn, conn.transaction():
            try:
                task = copy_document(self._row(conn, task_id, lock=True, lease=lease))
            except TaskNotFound:
                raise self._not_found(task_id) from None
            change(task)
            return self._write(conn, task, written)

    def save(self, task: Task) -> Task:
        """Write a whole task; prefer ``update`` for read-modify-write."""
        with self._writing() as written, self.db.connection() as conn:
            return self._write(conn, task, written)

    @contextlib.contextmanager
    def _writing(self):
        """Collect what a transaction writes; the cache takes it once the transaction committed."""
        written: list[tuple[int, Task]] = []
        yield written
        for version, task in written:
            self._keep(task.id, version, copy_document(task))

    def _write(self, conn: psycopg.Connection, task: Task, written: list[tuple[int, Task]]) -> Task:
        stamp(task)
        row = conn.execute(
            f"UPDATE smallclaw.tasks SET ({COLUMNS}, version) = ({', '.join(['%s'] * 10)}, version + 1) "
            "WHERE id = %s RETURNING version", (*self._values(task), task.id)).fetchone()
        if row is None:
            raise self._not_found(task.id)
        written.append((row[0], task))
        return task

    def _values(self, task: Task) -> tuple[Any, ...]:
        lease = task.lease
        doc = task_to_json(task).decode()
        if "\\u0000" in doc:
            doc = doc.replace("\\u0000", "\ufffd")
        return (task.status, task.created_at, task.updated_at, lease.owner if lease else None,
                lease.owner.partition(":")[0] if lease else None, lease.expires if lease else None,
                lease.epoch if lease else task.lease_epoch, task.host, len(task.pending_deliveries), doc)

    def claim(self, claim: Claim, take: Callable[[Task], bool]) -> list[Task]:
        """Up to ``claim.limit`` candidates, each locked at once or skipped (``FOR UPDATE SKIP LOCKED``)."""
        sql = CLAIM_RUN if claim.kind == "run" else CLAIM_DELIVER
        params = {"skip": list(claim.skip), "now": claim.now, "owner": claim.owner, "host": claim.host,
                  "shared": claim.shared, "limit": claim.limit + SLACK}
        taken: list[Task] = []
        with self._writing() as written, self.db.connection() as conn, conn.transaction():
            for task_id, version, doc in conn.execute(sql, params).fetchall():
                if len(taken) >= claim.limit:
                    break
                try:
                    task = copy_document(self._parse(task_id, version, doc))
                except DocumentError:
                    continue
                if take(task):
                    taken.append(self._write(conn, task, written))
        return taken

    def delete(self, task_id: str) -> None:
        if not valid_id(task_id):
            raise TaskNotFound(task_id)
        with self.db.connection() as conn:
            gone = conn.execute("DELETE FROM smallclaw.tasks WHERE id = %s", (task_id,)).rowcount
        with self._cache_lock:
            self._cache.pop(task_id, None)
        if not gone:
            raise self._not_found(task_id)

    def _not_found(self, task_id: str) -> TaskNotFound:
        ids = self.ids()
        close = [i for i in ids if i.startswith(task_id)][:3] if task_id else []
        close = close or difflib.get_close_matches(task_id, ids, n=3, cutoff=0.6)
        return TaskNotFound(task_id, close)

    # --- the journal --------------------------------------------------------------------

    def append(self, task_id: str, entry: JournalEntry, *, sync: bool = True,
               lease: Lease | None = None) -> JournalEntry:
        """Number the entry after the task's last one and store it; ``sync=False`` commits without
        waiting for the disk (a model call's timing: the next synced commit makes it durable).
        With ``lease``, ``append_entry`` refuses it unless that lease is the task's (``LeaseLost``)."""
        try:
            data = json_text(entry.data)
        except (TypeError, ValueError):  # attrs values, tuples and the like
            data = json_text(unstructure(entry.data))
        with self.db.connection() as conn:
            try:
                row = conn.execute("SELECT smallclaw.append_entry(%s, %s, %s, %s, %s, %s::jsonb, %s, %s, %s, %s)",
                                   (task_id, entry.kind, entry.ts, entry.step, entry.round, data, self.writer,
                                    sync and self.durable, lease.owner if lease else None,
                                    lease.epoch if lease else None)).fetchone()
            except psycopg.errors.NoDataFound:
                raise self._not_found(task_id) from None
            except psycopg.Error as exc:
                if lease is None or exc.sqlstate != LEASE_LOST:
                    raise
                row = None
            if row is None:  # refused: the lease is no longer the task's
                self._refuse(conn, task_id, lease)
                raise self._not_found(task_id)
        entry.seq = row[0]
        return entry

    def journal(self, task_id: str, *, after: int = 0, limit: int | None = None) -> list[JournalEntry]:
        """Entries with ``seq > after``, oldest first."""
        sql = ("SELECT seq, kind, ts, step, round, data FROM smallclaw.journal WHERE task_id = %s AND seq > %s "
               "ORDER BY seq" + (" LIMIT %s" if limit is not None else ""))
        params = (task_id, after, limit) if limit is not None else (task_id, after)
        rows = self.db.run(lambda c: c.execute(sql, params).fetchall())
        if not rows:
            self._must_exist(task_id)
        return [JournalEntry(kind=k, data=d, seq=s, ts=ts, step=st, round=r) for s, k, ts, st, r, d in rows]

    def journal_tail(self, task_id: str, count: int) -> list[JournalEntry]:
        """The last ``count`` entries."""
        rows = self.db.run(lambda c: c.execute(
            "SELECT seq, kind, ts, step, round, data FROM smallclaw.journal WHERE task_id = %s "
            "ORDER BY seq DESC LIMIT %s", (task_id, max(0, count))).fetchall()) if count else []
        if not rows:
            self._must_exist(task_id)
        return [JournalEntry(kind=k, data=d, seq=s, ts=ts, step=st, round=r) for s, k, ts, st, r, d in reversed(rows)]

    def _must_exist(self, task_id: str) -> None:
        found = self.db.run(lambda c: c.execute("SELECT 1 FROM smallclaw.tasks WHERE id = %s", (task_id,)).fetchone())
        if found is None:
            raise self._not_found(task_id)

    # --- upkeep, changes, schema ----------------------------------------------------------

    def recover(self) -> list[StoreProblem]:
        """Nothing is left half-written in a database; unreadable documents are reported."""
        self.list()
        return self.problems

    def changes_stamp(self) -> int:
        return int(self.db.run(lambda c: c.execute(
            "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM smallclaw.changes").fetchone()[0]))

    def watch(self, interval: float) -> ListenFeed:
        return ListenFeed(self.db, interval)

    def migrate(self) -> list[str]:
        conn = self.db.connect()
        try:
            return schema.migrate(conn)
        except psycopg.Error as exc:
            raise StoreUnavailable(f"migrating the task store at {self.db.where} failed: {exc}") from None
        finally:
            conn.close()

    def describe(self) -> str:
        return f"PostgreSQL at {self.db.where}"

    def close(self) -> None:
        self.db.close()
