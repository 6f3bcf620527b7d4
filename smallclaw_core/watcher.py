"""Noticing what other processes change in the store, so this one can show it and act on it.

The CLI adds a task, a runner in another process (or on another machine) finishes one,
a user cancels one from another terminal: the store's feed reports it, and the watcher
announces every task whose version this process has not announced itself (a ``task``
event and its new journal entries, read from the journal after the last one this
process announced), and ``task_deleted`` for tasks that are gone. The file store's feed
only says that something changed (its change stamp moved), so every task is looked at;
a feed that names the tasks (PostgreSQL's LISTEN/NOTIFY) makes the look cost one read
per changed task, and a feed that was cut off says so, so everything is looked at again
and what was missed is replayed from the journal. Listeners (the runner) are told which
tasks changed, to wake up or stop a cancelled task's round.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from .documents import unstructure
from .errors import SmallClawError, TaskNotFound
from .storage import Change
from .tasks import Task

Listener = Callable[[list[Task]], None]

log = logging.getLogger("smallclaw.watcher")


class ChangeWatcher:
    def __init__(self, app: Any, interval: float = 0.5):
        self.app = app
        self.interval = interval
        self.listeners: list[Listener] = []
        self.running = False
        self._stamp: int | None = None
        self._known: dict[str, tuple[float, str]] = {}

    def listen(self, listener: Listener) -> None:
        """Call ``listener(changed_tasks)`` after every change seen (also changes of this process)."""
        self.listeners.append(listener)

    def reset(self) -> None:
        """Take the store as it is now as the starting point."""
        self._stamp = self.app.store.changes_stamp()
        self._known = {t.id: (t.updated_at, t.status) for t in self.app.store.list()}

    def check(self, changes: list[Change] | None = None) -> list[Task]:
        """Look once: announce other processes' changes, tell the listeners; returns the changed tasks.

        ``changes`` from a feed names what changed; None looks at every task when the
        store's change stamp moved.
        """
        if self._stamp is None:
            self.reset()
            return []
        if changes is not None:
            return self._check_named(changes)
        stamp = self.app.store.changes_stamp()
        if stamp == self._stamp:
            return []
        self._stamp = stamp
        tasks = {t.id: t for t in self.app.store.list()}
        changed = [t for t in tasks.values() if self._seen(t)]
        for task_id in [k for k in self._known if k not in tasks]:
            self._gone(task_id)
        return self._tell(changed)

    def _check_named(self, changes: list[Change]) -> list[Task]:
        tasks = self.app.tasks
        ids: dict[str, bool] = {}
        for c in changes:
            if c.deleted:
                ids[c.task_id] = True
            elif c.updated_at is not None and c.updated_at != tasks.announced.get(c.task_id):
                ids.setdefault(c.task_id, False)
            elif c.seq is not None and c.seq > tasks.announced_seq.get(c.task_id, 0):
                ids.setdefault(c.task_id, False)
        changed = []
        for task_id in ids:
            try:
                task = self.app.store.get(task_id)
            except TaskNotFound:
                if task_id in self._known:
                    self._gone(task_id)
                continue
            if self._seen(task, journal=True):
                changed.append(task)
        return self._tell(changed)

    def _seen(self, t: Task, *, journal: bool = False) -> bool:
        """Announce ``t`` if this process has not; with ``journal``, its new entries in any case."""
        known = self._known.get(t.id)
        self._known[t.id] = (t.updated_at, t.status)
        if known is not None and known[0] == t.updated_at:
            if journal:
                self._announce_journal(t.id, new=False)
            return False
        if self.app.tasks.announced.get(t.id) != t.updated_at:
            self.app.tasks.announce(t, known[1] if known else None)
            self._announce_journal(t.id, new=known is None)
        elif journal:
            self._announce_journal(t.id, new=known is None)
        return True

    def _gone(self, task_id: str) -> None:
        self._known.pop(task_id, None)
        self.app.bus.publish("task_deleted", task_id)

    def _tell(self, changed: list[Task]) -> list[Task]:
        for listener in self.listeners:
            listener(changed)
        return changed

    async def run(self) -> None:
        """Follow the store's feed until cancelled."""
        self.running = True
        try:
            async with self.app.store.watch(self.interval) as feed:
                # the feed listens before the store is read, so nothing falls between
                if self._stamp is None:
                    self.reset()
                while True:
                    changes = await feed.wait()
                    try:
                        self.check(changes)
                    except SmallClawError as exc:  # the store is out of reach: look again later
                        log.warning("could not look for changes: %s", exc)
                        if self._stamp is not None:
                            self._stamp = -1  # then look at everything
        finally:
            self.running = False

    def _announce_journal(self, task_id: str, *, new: bool) -> None:
        """Entries after the last one announced; for a task seen for the first time, all of a new
        task's (it appeared while watching) or the last 20 of one that was there before."""
        seen = self.app.tasks.announced_seq.get(task_id, 0)
        try:
            if seen or new:
                entries = self.app.store.journal(task_id, after=seen)
            else:
                entries = self.app.store.journal_tail(task_id, 20)
        except TaskNotFound:
            return
        for e in entries:
            self.app.bus.publish("journal", task_id, entry=unstructure(e))
            seen = max(e.seq, seen)
        self.app.tasks.announced_seq[task_id] = seen
