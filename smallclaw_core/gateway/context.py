"""``Gateway``: what the HTTP handlers share (the SmallClaw app, the token, the request policy).

Its own module so the app factory, the API and the event stream all import it and
none of them imports another.
"""

from __future__ import annotations

from typing import Any

import anyio
import attrs

#: events a stream may fall behind by before it is dropped (the client reconnects and replays)
SSE_QUEUE = 1000


@attrs.define(eq=False)
class Gateway:
    """What the handlers share: the SmallClaw app, the token and the request policy."""

    #: the SmallClaw ``App`` (typed Any: Litestar inspects dependency types at runtime)
    core: Any
    token: str
    hosts: frozenset[str]
    origins: frozenset[str]
    ping_interval: float = 15.0
    sse_queue: int = SSE_QUEUE
    #: background chat turns run here, for the lifetime of the server
    jobs: Any = None
    chat_locks: dict[str, Any] = attrs.field(factory=dict)

    def chat_lock(self, session: str) -> anyio.Lock:
        """One turn at a time per session, so replies keep their order."""
        return self.chat_locks.setdefault(session, anyio.Lock())
