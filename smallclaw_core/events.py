"""The in-process event bus: every state change and journal entry, with increasing ids.

The gateway turns events into server-sent events; ``since()`` serves reconnecting
clients from a bounded replay buffer. Subscribers get bounded queues: a subscriber
that falls too far behind is dropped (``Subscription.dropped``) instead of growing
the server's memory. Ids start from the start-up time in milliseconds, so ids of an
earlier server process are always older than any id of this one.
"""

from __future__ import annotations

import asyncio
import collections
import threading
import time
from typing import Any, Callable

import attrs


@attrs.define
class Event:
    id: int
    type: str
    task_id: str | None = None
    data: dict[str, Any] = attrs.field(factory=dict)
    ts: float = attrs.field(factory=time.time)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "task_id": self.task_id, "data": self.data, "ts": self.ts}


class Subscription:
    """A subscriber's bounded queue; iterate it with ``async for``."""

    def __init__(self, bus: "EventBus", max_queue: int, task_id: str | None):
        self.bus = bus
        self.task_id = task_id
        self.max_queue = max_queue
        self.dropped = False
        self._queue: collections.deque[Event] = collections.deque()
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()

    def _offer(self, event: Event) -> None:
        # called with the bus lock held, from any thread
        if self.dropped or (self.task_id and event.task_id != self.task_id):
            return
        if len(self._queue) >= self.max_queue:
            self.dropped = True
            self._queue.clear()
        else:
            self._queue.append(event)
        self._loop.call_soon_threadsafe(self._wake.set)

    async def get(self, timeout: float | None = None) -> Event | None:
        """The next event, or ``None`` on timeout; raises ``SlowSubscriber`` once dropped."""
        while not self._queue:
            if self.dropped:
                raise SlowSubscriber()
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout)
            except asyncio.TimeoutError:
                return None
        if self.dropped:
            raise SlowSubscriber()
        return self._queue.popleft()

    def close(self) -> None:
        self.bus.unsubscribe(self)

    def __aiter__(self) -> "Subscription":
        return self

    async def __anext__(self) -> Event:
        event = await self.get()
        assert event is not None
        return event


class SlowSubscriber(Exception):
    """The subscriber fell too far behind and was dropped."""


class EventBus:
    def __init__(self, buffer: int = 2000, on_publish: Callable[[Event], None] | None = None):
        self._lock = threading.Lock()
        self._buffer: collections.deque[Event] = collections.deque(maxlen=buffer)
        self._subscribers: list[Subscription] = []
        self._next_id = int(time.time() * 1000)
        self.on_publish = on_publish

    @property
    def last_id(self) -> int:
        return self._next_id - 1

    def publish(self, type: str, task_id: str | None = None, **data: Any) -> Event:
        with self._lock:
            event = Event(id=self._next_id, type=type, task_id=task_id, data=data)
            self._next_id += 1
            self._buffer.append(event)
            for sub in self._subscribers:
                sub._offer(event)
        if self.on_publish is not None:
            self.on_publish(event)
        return event

    def since(self, last_id: int, task_id: str | None = None) -> list[Event] | None:
        """Events after ``last_id``, or ``None`` when the buffer no longer reaches back that far."""
        with self._lock:
            if last_id >= self._next_id:
                return None  # an id this bus never issued: a different server process
            if self._buffer and last_id < self._buffer[0].id - 1:
                return None
            if not self._buffer and last_id < self._next_id - 1:
                return None
            return [e for e in self._buffer if e.id > last_id and (task_id is None or e.task_id == task_id)]

    def subscribe(self, *, max_queue: int = 1000, task_id: str | None = None,
                  last_id: int | None = None) -> tuple[Subscription, list[Event] | None]:
        """Subscribe, atomically with the replay of what came after ``last_id``."""
        sub = Subscription(self, max_queue, task_id)
        with self._lock:
            replay = None
            if last_id is not None:
                if last_id >= self._next_id or (self._buffer and last_id < self._buffer[0].id - 1) \
                        or (not self._buffer and last_id < self._next_id - 1):
                    replay = None
                else:
                    replay = [e for e in self._buffer if e.id > last_id and (task_id is None or e.task_id == task_id)]
            self._subscribers.append(sub)
        return sub, replay

    def unsubscribe(self, sub: Subscription) -> None:
        with self._lock:
            if sub in self._subscribers:
                self._subscribers.remove(sub)

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)
