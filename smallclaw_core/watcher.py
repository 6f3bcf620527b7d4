"""Noticing what other processes change in the store, so this one can show it and act on it.

The CLI adds a task, a runner in another process finishes one, a user cancels one
from another terminal: the store's change stamp moves, and the watcher announces
every task whose version this process has not announced itself (a ``task`` event and
its new journal entries), and ``task_deleted`` for tasks that are gone. Listeners (the
runner) are told which tasks changed, to wake up or stop a cancelled task's round.
"""

from __future__ import annotations

from typing import Any, Callable

import anyio

from .documents import unstructure
from .errors import TaskNotFound
from .tasks import Task

Listener = Callable[[list[Task]], None]


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

    def check(self) -> list[Task]:
        """Look once: announce other processes' changes, tell the listeners; returns the changed tasks."""
        if self._stamp is None:
            self.reset()
            return []
        stamp = self.app.store.changes_stamp()
        if stamp == self._stamp:
            return []
        self._stamp = stamp
        tasks = {t.id: t for t in self.app.store.list()}
        announced = self.app.tasks.announced
        changed = []
        for task_id, t in tasks.items():
            known = self._known.get(task_id)
            if known is None or known[0] != t.updated_at:
                changed.append(t)
                if announced.get(task_id) != t.updated_at:
                    self.app.tasks.announce(t, known[1] if known else None)
                    self._announce_journal(task_id)
            self._known[task_id] = (t.updated_at, t.status)
        for task_id in [k for k in self._known if k not in tasks]:
            del self._known[task_id]
            self.app.bus.publish("task_deleted", task_id)
        for listener in self.listeners:
            listener(changed)
        return changed

    async def run(self) -> None:
        """Look every ``interval`` seconds until cancelled."""
        self.running = True
        try:
            while True:
                await anyio.sleep(self.interval)
                self.check()
        finally:
            self.running = False

    def _announce_journal(self, task_id: str) -> None:
        seen = self.app.tasks.announced_seq.get(task_id, 0)
        try:
            entries = self.app.store.journal(task_id, after=seen) if seen else \
                self.app.store.journal_tail(task_id, 20)
        except TaskNotFound:
            return
        for e in entries:
            self.app.bus.publish("journal", task_id, entry=unstructure(e))
            self.app.tasks.announced_seq[task_id] = max(e.seq, seen)
