"""Sharing one local model between chat and background work.

A local model serves one request at a time. Each backend gets a ``ModelGate``: at
most N requests hold it at once (one by default; the runner sets its
``max_concurrent_per_backend``), and an interactive chat request that is waiting
goes before the next background round. Background work yields only at round boundaries: a task is never failed or
paused because a chat came in.
"""

from __future__ import annotations

import contextlib
from typing import AsyncIterator

import anyio


class ModelGate:
    def __init__(self, capacity: int = 1):
        self.capacity = max(1, capacity)
        self._busy = 0
        self._chat_waiting = 0
        self._changed = anyio.Condition()

    @contextlib.asynccontextmanager
    async def interactive(self) -> AsyncIterator[None]:
        """Hold the model for a chat request; it overtakes waiting background rounds."""
        async with self._changed:
            self._chat_waiting += 1
            try:
                while self._busy >= self.capacity:
                    await self._changed.wait()
            finally:
                self._chat_waiting -= 1
            self._busy += 1
        async with self._held():
            yield

    @contextlib.asynccontextmanager
    async def background(self) -> AsyncIterator[None]:
        """Hold the model for one background round, after any waiting chat."""
        async with self._changed:
            while self._busy >= self.capacity or self._chat_waiting:
                await self._changed.wait()
            self._busy += 1
        async with self._held():
            yield

    @contextlib.asynccontextmanager
    async def _held(self) -> AsyncIterator[None]:
        """The holder's turn: on the way out, free the slot and wake the waiters."""
        try:
            yield
        finally:
            # shielded: a cancelled round (a lost lease, a cancelled task) must still free its slot,
            # and taking the condition's lock is a checkpoint a cancelled scope would refuse
            with anyio.CancelScope(shield=True):
                async with self._changed:
                    self._busy -= 1
                    self._changed.notify_all()

    @property
    def chat_waiting(self) -> int:
        return self._chat_waiting


def gate_for(app, backend_name: str, capacity: int | None = None) -> ModelGate:
    """The gate of ``backend_name`` in ``app``; ``capacity`` (when given) sets how many may hold it."""
    gates = app.__dict__.setdefault("_model_gates", {})
    if backend_name not in gates:
        gates[backend_name] = ModelGate(capacity or 1)
    elif capacity:
        gates[backend_name].capacity = max(1, capacity)
    return gates[backend_name]
