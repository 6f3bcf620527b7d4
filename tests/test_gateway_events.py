"""The event stream over a real socket: ids, replay on reconnect, resync, filtering, pings, slow clients."""

from __future__ import annotations

import json

import anyio
import httpx
import pytest

from smallclaw_core.app import App
from smallclaw_core.gateway.security import ensure_token
from smallclaw_core.gateway.server import run_http
from smallclaw_core.gateway.stream import parse_last_id

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


def load(tmp_path, **gateway):
    return App.load(tmp_path / "home", only=["gateway"],
                    overrides={"store": {"durable": False}, "gateway": {"port": 0, **gateway}})


class Server:
    """``run_http`` on a free port in this event loop, so tests publish between reads deterministically."""

    def __init__(self, core, **options):
        self.core = core
        self.options = options
        self.url = None
        self.token = ensure_token(core.home)

    async def __aenter__(self):
        self._tg = anyio.create_task_group()
        await self._tg.__aenter__()
        ready = anyio.Event()

        def on_ready(url):
            self.url = url.split("/?")[0]
            ready.set()

        self._tg.start_soon(lambda: run_http(self.core, host="127.0.0.1", port=0, on_ready=on_ready,
                                                  **self.options))
        await ready.wait()
        self.client = httpx.AsyncClient(base_url=self.url, headers={"Authorization": f"Bearer {self.token}"},
                                        timeout=10)
        return self

    async def __aexit__(self, *exc):
        await self.client.aclose()
        self._tg.cancel_scope.cancel()
        await self._tg.__aexit__(*exc)


class Reader:
    """Reads SSE frames from a streaming response: (id, event, data) or ("comment", text)."""

    def __init__(self, response):
        self.lines = response.aiter_lines()

    async def next(self, timeout=10.0):
        frame = {}
        with anyio.fail_after(timeout):
            async for line in self.lines:
                if line == "":
                    if frame:
                        return frame
                    continue
                if line.startswith(":"):
                    return {"comment": line[1:].strip()}
                field, _, value = line.partition(":")
                frame[field] = value[1:] if value.startswith(" ") else value
        return None  # the stream ended

    async def event(self, timeout=10.0):
        """The next real event (retry hints and pings skipped)."""
        while True:
            frame = await self.next(timeout)
            if frame is None or "event" in frame:
                if frame is not None:
                    frame["data"] = json.loads(frame["data"])
                return frame


async def test_a_first_connection_gets_ready_then_live_events_with_ids(tmp_path):
    core = load(tmp_path)
    async with Server(core) as server:
        async with server.client.stream("GET", "/api/events") as r:
            assert r.headers["content-type"].startswith("text/event-stream")
            reader = Reader(r)
            ready = await reader.event()
            assert ready["event"] == "ready" and int(ready["id"]) == core.bus.last_id
            task = core.tasks.create("live goal", ["one"])
            events = [await reader.event() for _ in range(3)]
    kinds = [e["event"] for e in events]
    assert kinds == ["journal", "journal", "task"]
    assert all(e["data"]["task_id"] == task.id for e in events)
    ids = [int(e["id"]) for e in events]
    assert ids == sorted(ids) and ids[0] > int(ready["id"]) and len(set(ids)) == 3
    assert events[2]["data"]["data"]["task"]["title"] == "live goal"


@pytest.mark.parametrize("how", ["header", "query"])
async def test_a_reconnect_replays_what_was_missed_without_gap_or_duplicate(tmp_path, how):
    core = load(tmp_path)
    async with Server(core) as server:
        task = core.tasks.create("replay goal", ["one"])
        seen = []
        async with server.client.stream("GET", "/api/events") as r:
            reader = Reader(r)
            await reader.event()  # ready
            for i in range(3):
                core.tasks.journal(task.id, "note", {"text": f"before {i}"})
            for _ in range(3):
                seen.append(await reader.event())
        # disconnected: these happen while nobody listens
        for i in range(5):
            core.tasks.journal(task.id, "note", {"text": f"missed {i}"})
        last = seen[-1]["id"]
        params, headers = ({}, {"Last-Event-ID": last}) if how == "header" else ({"last_event_id": last}, {})
        async with server.client.stream("GET", "/api/events", params=params, headers=headers) as r:
            reader = Reader(r)
            replayed = [await reader.event() for _ in range(5)]
            core.tasks.journal(task.id, "note", {"text": "after"})
            live = await reader.event()
    texts = [e["data"]["data"]["entry"]["data"]["text"] for e in seen + replayed + [live]]
    assert texts == [f"before {i}" for i in range(3)] + [f"missed {i}" for i in range(5)] + ["after"]
    ids = [int(e["id"]) for e in seen + replayed + [live]]
    assert ids == list(range(ids[0], ids[0] + len(ids)))  # consecutive: no gap, no duplicate


@pytest.mark.parametrize("last_id", ["1", "not-a-number"])
async def test_a_too_old_id_gets_a_resync(tmp_path, last_id):
    core = load(tmp_path, event_buffer=5)
    async with Server(core) as server:
        for i in range(20):
            core.bus.publish("note", None, n=i)
        async with server.client.stream("GET", "/api/events", headers={"Last-Event-ID": last_id}) as r:
            reader = Reader(r)
            resync = await reader.event()
            assert resync["event"] == "resync" and int(resync["id"]) == core.bus.last_id
            core.bus.publish("note", None, n="after")
            after = await reader.event()
    assert after["data"]["data"] == {"n": "after"} and int(after["id"]) == int(resync["id"]) + 1


async def test_an_id_from_an_earlier_server_process_gets_a_resync(tmp_path):
    core = load(tmp_path)
    async with Server(core) as server:
        future = str(core.bus.last_id + 1000)
        async with server.client.stream("GET", "/api/events", headers={"Last-Event-ID": future}) as r:
            assert (await Reader(r).event())["event"] == "resync"


async def test_the_task_filter(tmp_path):
    core = load(tmp_path)
    async with Server(core) as server:
        a = core.tasks.create("task a")
        b = core.tasks.create("task b")
        async with server.client.stream("GET", "/api/events", params={"task": b.id}) as r:
            reader = Reader(r)
            await reader.event()
            core.tasks.journal(a.id, "note", {"text": "for a"})
            core.tasks.journal(b.id, "note", {"text": "for b"})
            got = await reader.event()
    assert got["data"]["task_id"] == b.id and got["data"]["data"]["entry"]["data"]["text"] == "for b"


async def test_pings_keep_an_idle_stream_alive(tmp_path):
    core = load(tmp_path, ping_interval=0.05)
    async with Server(core) as server:
        async with server.client.stream("GET", "/api/events") as r:
            reader = Reader(r)
            await reader.event()
            frame = await reader.next()
    assert frame == {"comment": "ping"}


async def test_a_slow_client_is_dropped_and_forgotten(tmp_path):
    core = load(tmp_path)
    async with Server(core, sse_queue=5) as server:
        async with server.client.stream("GET", "/api/events") as r:
            reader = Reader(r)
            await reader.event()
            assert core.bus.subscriber_count == 1
            # published without yielding to the loop: the client cannot keep up
            for i in range(50):
                core.bus.publish("note", None, n=i)
            dropped = await reader.event()
            assert dropped["event"] == "dropped" and "behind" in dropped["data"]["reason"]
            assert await reader.next() is None  # the server ended the stream
        with anyio.fail_after(5):
            while core.bus.subscriber_count:
                await anyio.sleep(0.01)


async def test_a_client_that_goes_away_is_unsubscribed(tmp_path):
    core = load(tmp_path)
    async with Server(core) as server:
        async with server.client.stream("GET", "/api/events") as r:
            await Reader(r).event()
            assert core.bus.subscriber_count == 1
        with anyio.fail_after(5):
            while core.bus.subscriber_count:
                core.bus.publish("note", None)  # a write to a closed socket is how the server notices
                await anyio.sleep(0.02)


async def test_the_stream_needs_the_token(tmp_path):
    core = load(tmp_path)
    async with Server(core) as server:
        r = await server.client.get("/api/events", headers={"Authorization": "Bearer wrong"})
        assert r.status_code == 401
        async with server.client.stream("GET", "/api/events", params={"token": server.token},
                                        headers={"Authorization": ""}) as r:
            assert r.status_code == 200
            assert (await Reader(r).event())["event"] == "ready"


def test_parse_last_id():
    assert parse_last_id("12", None) == (True, 12)
    assert parse_last_id(None, "7") == (True, 7)
    assert parse_last_id("12", "7") == (True, 12)  # the browser's header wins
    assert parse_last_id("x", None) == (True, None)
    assert parse_last_id(None, None) == (False, None)
