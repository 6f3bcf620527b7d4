"""The worker loop: find runnable tasks, take their leases, hand each to a driver, make deliveries.

A lease (renewed while the task runs, ``leases.py``) keeps two runner processes off the same
task, on this machine or another sharing the store: leases are taken with ``app.tasks.claim``,
which skips tasks another process has locked. A task is driven inside ``app.tasks.driving``,
so everything written for it carries the lease, and a runner that lost the lease (a refused
renewal or write, a lease that ran out, a takeover seen in the store) stops driving the task
at once: its round is cancelled, model call and tools with it, and the log says so. A lease
held by a dead process on this machine is free at once, so a restarted server resumes its
tasks without waiting. A task stays on the host that started it (its workspace is there)
unless ``[workspace] shared``. Tasks left ``running`` by a crash are picked up again.
Deliveries run beside the scheduler, so a slow notifier never holds up tasks. Stopping lets
running rounds finish for a grace period (a safe point: the task resumes from its journal at
the next start).
"""

from __future__ import annotations

import logging
import os
import secrets
import time
from typing import Any

import anyio

from smallclaw_core.errors import IllegalTransition, LeaseLost, SmallClawError, TaskNotFound
from smallclaw_core.storage import DELIVER, RUN, Claim, owner_is_dead, this_host  # noqa: F401
from smallclaw_core.tasks import FAILED, NEEDS_ASSISTANCE, QUEUED, RUNNING, CANCELLED, Task

from .deliveries import Deliveries
from .driver import TaskDriver
from .leases import Held, LeaseKeeper

log = logging.getLogger("smallclaw.runner")

#: seconds to wait before looking for a model again after none was available
NO_MODEL_WAIT = 10.0


class Runner:
    """The ``runner`` service: runs queued tasks until cancelled (or until idle, for scripts and tests)."""

    def __init__(self, app: Any, *, owner: str | None = None):
        self.app = app
        self.cfg = app.config.section("runner")
        self.host = this_host(app)
        self.owner = owner or f"{self.host}:{os.getpid()}:{secrets.token_hex(3)}"
        self.active: dict[str, anyio.CancelScope] = {}
        self.round_scopes: dict[str, anyio.CancelScope] = {}
        self.leases = LeaseKeeper(app.tasks, self.cfg.lease_seconds)
        self.held: dict[str, Held] = {}
        self.stopping = False
        self.deliveries = Deliveries(app, self.cfg, self.owner)
        self._wake = anyio.Event()
        self._no_model_until = 0.0
        self.detectors = list(app.loop_detectors.values())
        for d in self.detectors:
            configure = getattr(d, "configure", None)
            if configure:
                configure(app.config.section("loop"))
        app.watcher.listen(self._changed)

    # --- the service --------------------------------------------------------------

    async def run(self) -> None:
        """Run until cancelled (the ``runner`` service of ``smallclaw serve``)."""
        await self._loop(until_idle=False)

    async def run_until_idle(self, timeout: float = 30.0) -> None:
        """Run until no task is runnable and no delivery is due (for tests and scripts)."""
        with anyio.fail_after(timeout):
            await self._loop(until_idle=True)

    async def _loop(self, *, until_idle: bool) -> None:
        self.recover()
        try:
            async with anyio.create_task_group() as tg:
                if not self.app.watcher.running:
                    tg.start_soon(self.app.watcher.run)
                while True:
                    started = await self._schedule(tg)
                    self._start_deliveries(tg)
                    if until_idle and not started and not self.active and not self.deliveries.busy \
                            and not self._runnable_ids() and not self.deliveries.due(self.app.store.list()):
                        tg.cancel_scope.cancel()
                        break
                    with anyio.move_on_after(0.05 if until_idle else self.cfg.poll_interval):
                        await self._wake.wait()
                    self._wake = anyio.Event()
        finally:
            self.leases.stop()
            with anyio.CancelScope(shield=True):
                for task_id in list(self.active):
                    self.app.tasks.release(task_id, self.owner)

    def wake(self) -> None:
        self._wake.set()

    async def shutdown(self, grace: float | None = None) -> None:
        """Stop at a safe point: let running rounds finish for up to ``grace`` seconds, then cancel them."""
        self.stopping = True
        with anyio.move_on_after(self.cfg.shutdown_grace if grace is None else grace):
            while self.active:
                await anyio.sleep(0.05)
        for scope in list(self.round_scopes.values()):
            scope.cancel()

    # --- recovery and other processes' changes ------------------------------------------

    def recover(self) -> None:
        """Quarantine unreadable task files (saying so) and take the store as it is now."""
        for p in self.app.store.recover():
            log.warning("task %s: %s%s", p.task_id, p.message, f" (moved to {p.moved_to})" if p.moved_to else "")
        self.app.watcher.reset()

    def watch_once(self) -> None:
        """Look once for changes made by other processes (the watcher runs this every half second)."""
        self.app.watcher.check()

    def _changed(self, tasks: list[Task]) -> None:
        for t in tasks:
            if t.id in self.active and t.status in (FAILED, CANCELLED):
                scope = self.round_scopes.get(t.id)
                if scope is not None:
                    scope.cancel()  # cancel stops at once, abandoning the model call
            held = self.held.get(t.id)
            if held is not None and t.lease_epoch > held.lease.epoch and t.lease is not None:
                held.refused = f"{t.lease.owner} took it over (lease {t.lease.epoch})"
                self._lose(t.id, held)
        if tasks:
            self.wake()

    # --- scheduling and leases ------------------------------------------------------

    def _claim(self, kind: str = RUN, limit: int = 1, skip: set[str] = frozenset()) -> Claim:
        return Claim(self.owner, self.host, self.cfg.lease_seconds, kind, self.app.config.workspace.shared,
                     frozenset(self.active) | frozenset(skip), limit)

    def _runnable(self, t: Task, now: float) -> bool:
        # a task left running by a crash or a stopped runner is runnable again
        return self._claim().takes(t)

    def _runnable_ids(self) -> list[str]:
        claim = self._claim()
        return [t.id for t in self.app.store.list((QUEUED, RUNNING)) if claim.takes(t)]

    async def _schedule(self, tg: anyio.abc.TaskGroup) -> bool:
        if self.stopping:
            return False
        capacity = max(1, self.cfg.max_concurrent_per_backend)
        if len(self.active) >= capacity or time.monotonic() < self._no_model_until:
            return False
        runnable = self._runnable_ids()
        if not runnable:
            return False
        try:
            ref = await self.app.model_for("executor")
        except SmallClawError as exc:
            # queued tasks wait for a model; look again later rather than on every poll
            self._no_model_until = time.monotonic() + NO_MODEL_WAIT
            for task_id in runnable:
                self._pause_quietly(task_id, f"no model is available: {exc}")
            return False
        started = False
        asked_at = time.monotonic()  # the store's expiry is counted from later than this
        for task in self.app.tasks.claim(self._claim(RUN, capacity - len(self.active))):
            scope = anyio.CancelScope()
            self.active[task.id] = scope
            self.held[task.id] = self.leases.hold(task.id, task.lease, asked_at)
            tg.start_soon(self._run_task, task.id, scope, ref)
            started = True
        return started

    async def _keep_lease(self, task_id: str, held: Held, scope: anyio.CancelScope) -> None:
        """Act on what the keeper's thread found: a lost lease stops the drive at once."""
        while held.lost() is None and not held.stopped:
            await anyio.sleep(min(1.0, self.cfg.lease_seconds / 10))
        if held.stopped:
            scope.cancel()  # the task stopped running (cancelled): the round ends at its boundary
        else:
            self._lose(task_id, held)

    def _lose(self, task_id: str, held: Held, reason: str | None = None) -> None:
        """The lease is no longer ours: cancel the round (model call, tools) and the drive, say so once."""
        if self.held.get(task_id) is held:
            del self.held[task_id]
            log.warning("task %s: lost its lease (%s); this runner stopped driving it",
                        task_id, reason or held.lost() or "taken over")
        for scope in (self.round_scopes.get(task_id), self.active.get(task_id)):
            if scope is not None:
                scope.cancel()

    def _pause_quietly(self, task_id: str, reason: str) -> None:
        try:
            self.app.tasks.stop_running(task_id, NEEDS_ASSISTANCE, reason)
        except (TaskNotFound, IllegalTransition, LeaseLost):
            pass

    # --- one task ------------------------------------------------------------------

    async def _run_task(self, task_id: str, scope: anyio.CancelScope, ref: Any) -> None:
        def scope_for(round_scope: anyio.CancelScope | None) -> None:
            if round_scope is None:
                self.round_scopes.pop(task_id, None)
            else:
                self.round_scopes[task_id] = round_scope

        driver = TaskDriver(self.app, self.cfg, self.owner, ref, self.detectors,
                            stopping=lambda: self.stopping, scope_for=scope_for)
        held = self.held[task_id]
        try:
            with scope, self.app.tasks.driving(task_id, held.lease):
                async with anyio.create_task_group() as inner:
                    inner.start_soon(self._keep_lease, task_id, held, scope)
                    try:
                        await driver.drive(task_id)
                    except TaskNotFound:
                        pass  # deleted while running
                    except LeaseLost as exc:  # a write refused: the lease is no longer ours
                        if exc.taken_over:
                            self._lose(task_id, held, str(exc))
                    except Exception as exc:  # a bug must pause the task, not kill the runner
                        self._pause_quietly(task_id, f"internal error: {type(exc).__name__}: {exc}")
                        log.exception("task %s: internal error", task_id)
                    inner.cancel_scope.cancel()
        finally:
            self.leases.drop(task_id)
            self.held.pop(task_id, None)
            self.active.pop(task_id, None)
            self.round_scopes.pop(task_id, None)
            with anyio.CancelScope(shield=True):
                self.app.tasks.release(task_id, self.owner)
                await self.deliveries.deliver(task_id)
            self.wake()

    # --- deliveries -------------------------------------------------------------------

    def _start_deliveries(self, tg: anyio.abc.TaskGroup) -> None:
        """Deliveries run beside the scheduler, so a slow notifier never holds up tasks; each
        under the task's lease, so one runner makes them, whichever machine it is on."""
        if not self.deliveries.due(self.app.store.list(), skip=set(self.active)):
            return
        skip = self.deliveries.busy | self.deliveries.waiting_ids()
        for task in self.app.tasks.claim(self._claim(DELIVER, limit=8, skip=skip)):
            self.deliveries.busy.add(task.id)
            tg.start_soon(self._deliver, task.id)

    async def _deliver(self, task_id: str) -> None:
        self.deliveries.busy.discard(task_id)
        try:
            await self.deliveries.deliver(task_id, held=True)
        finally:
            self.wake()
