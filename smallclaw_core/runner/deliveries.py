"""Deliveries: what a task owes the user (complete, needs you, failed), to the chat it came from and every notifier.

A task's ``pending_deliveries`` lists each ``Delivery`` until every target has it.
Each target is journaled when done (a notifier also when it starts and when it
fails), so after a crash a delivery is neither lost nor made twice to the session,
and at most once more to a notifier. A notifier that fails is retried later with the
runner's retry policy, never holding up tasks or other deliveries.
"""

from __future__ import annotations

import time
from typing import Any

from smallclaw_core.errors import TaskNotFound
from smallclaw_core.models import Message
from smallclaw_core.notifications import Notification
from smallclaw_core.tasks import COMPLETE, NEEDS_ASSISTANCE, Delivery, Task

from .retry import RetryPolicy

SESSION = "session"


def notification(task: Task, delivery: Delivery) -> Notification:
    """What the user is told about ``task`` for ``delivery``."""
    if delivery.kind == COMPLETE:
        text = f"Task complete: {task.title}\n\n{task.summary or ''}".strip()
    elif delivery.kind == NEEDS_ASSISTANCE:
        text = (f"Task needs you: {task.title}\n{task.pause_reason or ''}\n\n"
                f"Resume it with a note: smallclaw task resume {task.id} --note \"...\"")
        if task.awaiting_approval:
            text += " (approve the command with --approve, refuse with --refuse)"
    else:
        text = f"Task failed: {task.title}\n{task.error or task.pause_reason or ''}"
    return Notification(kind=delivery.kind, task_id=task.id, title=task.title, text=text, origin=task.origin,
                        key=f"{task.id}:{delivery}")


class Deliveries:
    """Makes every pending delivery of a task, once per target; remembers when to try a failed one again."""

    def __init__(self, app: Any, cfg: Any, owner: str):
        self.app = app
        self.owner = owner
        self.lease_seconds = cfg.lease_seconds
        self.policy = RetryPolicy(10**9, cfg.transport_backoff, max(cfg.transport_backoff_cap, 60))
        #: (task id, delivery, target) -> (failed attempts, when to try again)
        self.retry_at: dict[tuple[str, Delivery, str], tuple[int, float]] = {}
        #: tasks whose deliveries are being made right now (one pass per task at a time)
        self.busy: set[str] = set()

    def waiting(self, task_id: str) -> bool:
        """True while a failed target of the task waits for its next try."""
        now = time.time()
        return any(due > now for (tid, _, _), (_, due) in self.retry_at.items() if tid == task_id)

    def due(self, tasks: list[Task], skip: set[str] = frozenset()) -> list[str]:
        """Tasks with a delivery to make now."""
        return [t.id for t in tasks if t.pending_deliveries and t.id not in skip and t.id not in self.busy
                and not self.waiting(t.id)]

    def waiting_ids(self) -> set[str]:
        """Tasks with a failed target waiting for its next try."""
        now = time.time()
        return {tid for (tid, _, _), (_, due) in self.retry_at.items() if due > now}

    async def deliver(self, task_id: str, *, held: bool = False) -> None:
        """Make the task's pending deliveries under its lease (``held``: already taken), then let
        go; one pass, and a second caller for the same task returns at once. A task whose lease
        another runner holds is that runner's to deliver."""
        if task_id in self.busy:
            return
        self.busy.add(task_id)
        try:
            if not held and not self.app.tasks.hold_for_delivery(task_id, self.owner, self.lease_seconds):
                return
            try:
                await self._deliver(task_id)
            finally:
                self.app.tasks.release(task_id, self.owner)
        finally:
            self.busy.discard(task_id)

    async def _deliver(self, task_id: str) -> None:
        app = self.app
        try:
            task = app.store.get(task_id)
        except TaskNotFound:
            return
        if not task.pending_deliveries:
            return
        journal = [e for e in app.store.journal(task_id) if e.kind == "delivery"]
        targets = ([SESSION] if task.origin.session else []) + [f"notifier:{n}" for n in app.notifiers.names()]
        for delivery in list(task.pending_deliveries):
            key = str(delivery)
            done = {e.data.get("target") for e in journal if e.data.get("key") == key and e.data.get("phase") == "done"}
            complete = True
            for target in targets:
                if target in done:
                    continue
                _, due = self.retry_at.get((task_id, delivery, target), (0, 0.0))
                if due > time.time() or not await self._one(task, delivery, target):
                    complete = False
            if complete:
                app.tasks.delivered(task_id, delivery)

    async def _one(self, task: Task, delivery: Delivery, target: str) -> bool:
        app = self.app
        note = notification(task, delivery)
        key = str(delivery)
        if target == SESSION:
            session = task.origin.session
            if not app.sessions.has_delivery(session, note.key):
                app.sessions.append(session, Message("assistant", note.text), delivery=note.key, task_id=task.id)
                app.bus.publish("session_message", task.id, session=session,
                                message={"role": "assistant", "content": note.text, "task_id": task.id,
                                         "kind": note.kind})
            app.tasks.journal(task.id, "delivery", {"key": key, "target": target, "phase": "done"})
            return True
        notifier = app.notifiers.get(target.split(":", 1)[1])
        if notifier is None:
            return True
        app.tasks.journal(task.id, "delivery", {"key": key, "target": target, "phase": "start"})
        try:
            await notifier.notify(note)
        except Exception as exc:  # TransportError or a notifier bug: retry later, never block
            attempts = self.retry_at.get((task.id, delivery, target), (0, 0.0))[0] + 1
            delay = self.policy.delay(attempts)
            self.retry_at[(task.id, delivery, target)] = (attempts, time.time() + delay)
            app.tasks.journal(task.id, "delivery", {"key": key, "target": target, "phase": "failed",
                                                    "message": str(exc), "retry_in": round(delay, 2)})
            return False
        self.retry_at.pop((task.id, delivery, target), None)
        app.tasks.journal(task.id, "delivery", {"key": key, "target": target, "phase": "done"})
        return True
