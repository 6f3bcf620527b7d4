"""``GET /api/events``: the event bus as server-sent events.

Every event carries the bus id as its SSE ``id``. A client reconnecting with
``Last-Event-ID`` (the browser does it by itself) gets what it missed from the bus's
bounded replay buffer, atomically with its new subscription, so nothing is lost or
repeated. When the buffer no longer reaches back that far, or on a first connection,
the stream starts with a ``resync`` (or ``ready``) event: the client reloads its state
and continues from that event's id. A client that falls ``sse_queue`` events behind is
dropped with a ``dropped`` event instead of growing the server's memory; it
reconnects and catches up the same way.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, AsyncIterator

from litestar import Request, get
from litestar.params import Parameter
from litestar.response import Stream

from ..events import Event, SlowSubscriber
from .context import Gateway
from .schema import TOKEN_OR_QUERY, errors


def frame(event_type: str, data: Any, event_id: int | None = None) -> bytes:
    """One SSE frame. JSON never contains a raw newline, so one ``data:`` line suffices."""
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {event_type}\ndata: {json.dumps(data, ensure_ascii=False, default=str)}\n\n".encode()


def event_frame(event: Event) -> bytes:
    return frame(event.type, event.to_dict(), event.id)


def parse_last_id(header: str | None, query: str | None) -> tuple[bool, int | None]:
    """(given, id): a reconnect names the last event it saw; an id that is not a number is too old."""
    raw = header if header not in (None, "") else query
    if raw in (None, ""):
        return False, None
    try:
        return True, int(str(raw).strip())
    except ValueError:
        return True, None


async def stream_events(gateway: Gateway, task: str | None, last_id: int | None) -> AsyncIterator[bytes]:
    """The frames for one client: replay or a fresh start, then live events and pings.

    The subscription is made here, when the stream starts, so a client that goes away
    before that leaves nothing behind.
    """
    bus = gateway.core.bus
    reconnect = last_id is not None
    sub, replay = bus.subscribe(max_queue=gateway.sse_queue, task_id=task, last_id=last_id)
    try:
        # retry: how soon the browser reconnects after the stream ends
        yield b"retry: 2000\n\n"
        skip_upto = 0
        if replay is None:
            # Everything published up to ``mark`` happened before the client reloads
            # (it reloads after receiving this event), so it must not be sent again.
            mark = bus.last_id
            skip_upto = mark
            kind = "resync" if reconnect else "ready"
            yield frame(kind, {"last_id": mark, "reason": "the event id is too old" if reconnect else "connected"},
                        mark)
        else:
            for event in replay:
                yield event_frame(event)
        while True:
            try:
                event = await sub.get(timeout=gateway.ping_interval)
            except SlowSubscriber:
                yield frame("dropped", {"reason": f"more than {sub.max_queue} events behind; reconnect to catch up"})
                return
            if event is None:
                yield b": ping\n\n"
                continue
            if event.id <= skip_upto:
                continue
            yield event_frame(event)
    finally:
        sub.close()


@get("/api/events", summary="The live event stream (server-sent events)", media_type="text/event-stream",
     security=TOKEN_OR_QUERY, responses=errors(400))
async def events(
    gateway: Gateway,
    request: Request[Any, Any, Any],
    task: Annotated[str | None, Parameter(description="only this task's events", max_length=64)] = None,
    last_event_id: Annotated[str | None, Parameter(description="resume after this event id", max_length=32)] = None,
) -> Stream:
    given, last_id = parse_last_id(request.headers.get("last-event-id"), last_event_id)
    if given and last_id is None:
        last_id = -1  # unparseable: treat it as too old
    return Stream(
        stream_events(gateway, task or None, last_id),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
