"""The leases a runner holds on the tasks it drives: renewed from a thread, timed on the monotonic clock.

A lease is renewed at a third of its length, counted from the moment the claim or the last
renewal was asked for, on the monotonic clock: the store's expiry is at least that late, so
the runner never believes in a lease longer than the store does, and a wall clock set back or
forward changes nothing. Renewals run in a thread of their own, so a busy event loop (a loaded
machine, a long synchronous stretch of a round) does not let the lease of a live runner lapse.

A lease is lost when a renewal is refused (``LeaseLost``: another runner took the task over),
or when none went through before it ran out (the store out of reach, or the whole process
stalled). The thread only records it; the runner's event loop looks at ``Held.lost()`` and
stops driving the task at once. What the runner writes meanwhile is fenced by the store.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import attrs

from smallclaw_core.errors import LeaseLost, TaskNotFound
from smallclaw_core.tasks import Lease

log = logging.getLogger("smallclaw.runner")


@attrs.define
class Held:
    """A lease this runner holds, as the keeper sees it (times on the monotonic clock)."""

    task_id: str
    lease: Lease
    #: until when the lease certainly holds: the store's expiry is no earlier
    valid_until: float
    #: when the next renewal is asked for
    due: float
    #: why the lease is lost, once it is (set by the keeper's thread)
    refused: str | None = None
    #: the task stopped running meanwhile (the user cancelled it): nothing was lost to anyone
    stopped: bool = False

    def lost(self, now: float | None = None) -> str | None:
        """Why the lease no longer holds, or None while it does."""
        if self.refused:
            return self.refused
        if not self.stopped and (time.monotonic() if now is None else now) >= self.valid_until:
            return "it ran out before a renewal went through"
        return None


class LeaseKeeper:
    """Renews the leases of ``tasks`` (``app.tasks``) that ``hold`` was given, until ``drop``."""

    def __init__(self, tasks: Any, seconds: float):
        self.tasks = tasks
        self.seconds = seconds
        self._held: dict[str, Held] = {}
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None
        self._stopping = False

    def hold(self, task_id: str, lease: Lease, asked_at: float) -> Held:
        """Keep ``lease``, which was asked for at ``asked_at`` (monotonic)."""
        held = Held(task_id, lease, asked_at + self.seconds, asked_at + self.seconds / 3)
        with self._wake:
            self._held[task_id] = held
            self._stopping = False
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="smallclaw-leases", daemon=True)
                self._thread.start()
            self._wake.notify()
        return held

    def drop(self, task_id: str) -> None:
        with self._wake:
            self._held.pop(task_id, None)

    def stop(self) -> None:
        """Stop the thread (the leases themselves are let go by the runner)."""
        with self._wake:
            self._stopping = True
            self._held.clear()
            self._wake.notify()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            with self._wake:
                if self._stopping:
                    return
                now = time.monotonic()
                waiting = [h for h in self._held.values() if not h.refused and not h.stopped]
                due = [h for h in waiting if h.due <= now]
                if not due:
                    self._wake.wait(min((h.due for h in waiting), default=now + 60) - now)
                    continue
            for held in due:
                self.renew(held)

    def renew(self, held: Held) -> None:
        """Ask the store once; record what came of it in ``held``."""
        asked = time.monotonic()
        try:
            running = self.tasks.renew(held.task_id, held.lease, self.seconds)
        except LeaseLost as exc:
            if exc.taken_over:
                held.refused = str(exc)
            else:
                held.stopped = True  # let go: the task was stopped (cancelled, finished), not taken over
            return
        except TaskNotFound:
            held.stopped = True
            return
        except Exception as exc:  # the store out of reach: try again soon, while the lease lasts
            held.due = asked + min(1.0, self.seconds / 6)
            log.warning("task %s: could not renew its lease: %s", held.task_id, exc)
            return
        if not running:
            held.stopped = True
            return
        held.valid_until = asked + self.seconds
        held.due = asked + self.seconds / 3
