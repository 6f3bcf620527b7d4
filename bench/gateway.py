"""Gateway benchmark: task listing, event delivery to many streams, idle memory of ``smallclaw serve``.

    .venv/bin/python bench/gateway.py [--tasks 1000] [--clients 100] [--events 50]

1. ``GET /api/tasks`` with 1,000 tasks in the store, over a real socket (p50/p99).
2. Publish-to-receive latency of bus events to 100 connected SSE clients (p50/p99;
   target p99 < 100 ms). The server runs on its own thread and event loop, the
   clients on another; latency is measured with one monotonic clock.
3. Resident memory of an idle ``smallclaw serve`` subprocess (target < 120 MB).

Results are printed and written to bench/results/gateway-<time>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from smallclaw_core.app import App  # noqa: E402
from smallclaw_core.gateway.security import ensure_token  # noqa: E402
from smallclaw_core.gateway.server import run_http  # noqa: E402


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def summary(values: list[float]) -> dict[str, float]:
    return {"n": len(values), "p50_ms": round(percentile(values, 50) * 1000, 2),
            "p99_ms": round(percentile(values, 99) * 1000, 2), "max_ms": round(max(values) * 1000, 2),
            "mean_ms": round(statistics.fmean(values) * 1000, 2)}


class ServerThread:
    """The gateway on its own thread and event loop, as in ``smallclaw serve``."""

    def __init__(self, core: App, **options):
        self.core, self.options = core, options
        self.url: str | None = None
        self.ready = threading.Event()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        self.loop = asyncio.new_event_loop()

        def on_ready(url: str) -> None:
            self.url = url.split("/?")[0]
            self.ready.set()

        self.task = self.loop.create_task(run_http(self.core, host="127.0.0.1", port=0, on_ready=on_ready,
                                                   **self.options))
        try:
            self.loop.run_until_complete(self.task)
        except asyncio.CancelledError:
            pass

    def __enter__(self) -> "ServerThread":
        self.thread.start()
        self.ready.wait(30)
        return self

    def __exit__(self, *exc) -> None:
        self.loop.call_soon_threadsafe(self.task.cancel)
        self.thread.join(15)


def bench_list(core: App, token: str, tasks: int, requests: int) -> dict:
    for i in range(tasks - len(core.store.ids())):
        core.tasks.create(f"benchmark task {i}", [f"step {j}" for j in range(3)])
    out = {}
    with ServerThread(core) as server, httpx.Client(base_url=server.url,
                                                    headers={"Authorization": f"Bearer {token}"}) as client:
        for label, params in (("default page (200)", {}), ("all 1000", {"limit": 1000})):
            for _ in range(20):  # warm the store's cache and the interpreter
                client.get("/api/tasks", params=params)
            times = []
            for _ in range(requests):
                start = time.perf_counter()
                r = client.get("/api/tasks", params=params)
                times.append(time.perf_counter() - start)
                assert r.status_code == 200
            out[label] = summary(times)
            out[label]["bytes"] = len(r.content)
    return out


async def sse_client(url: str, token: str, ready: asyncio.Event, counter: list[int], clients: int,
                     latencies: list[float], expected: int) -> None:
    host, port = url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write((f"GET /api/events HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: Bearer {token}\r\n"
                  "Accept: text/event-stream\r\n\r\n").encode())
    await writer.drain()
    got = 0
    while got < expected:
        line = await reader.readline()
        if not line:
            break
        if line.startswith(b"event: ready"):
            counter[0] += 1
            if counter[0] == clients:
                ready.set()
        elif line.startswith(b"data: ") and b'"bench"' in line:
            now = time.perf_counter()
            # the chunked encoding may split nothing here: one frame is one line of JSON
            sent = json.loads(line[6:])["data"]["sent"]
            latencies.append(now - sent)
            got += 1
    writer.close()


def bench_sse(core: App, token: str, clients: int, events: int) -> dict:
    latencies: list[float] = []

    async def main(server: ServerThread) -> None:
        ready = asyncio.Event()
        counter = [0]
        tasks = [asyncio.create_task(sse_client(server.url, token, ready, counter, clients, latencies, events))
                 for _ in range(clients)]
        await asyncio.wait_for(ready.wait(), 60)
        for _ in range(events):
            core.bus.publish("bench", None, sent=time.perf_counter())
            await asyncio.sleep(0.05)
        await asyncio.wait_for(asyncio.gather(*tasks), 60)

    with ServerThread(core, sse_queue=1000) as server:
        asyncio.run(main(server))
    result = summary(latencies)
    result.update(clients=clients, events=events, expected=clients * events)
    return result


def rss_of_idle_serve(extra_env: dict[str, str], label: str) -> dict:
    home = Path(tempfile.mkdtemp(prefix="smallclaw-bench-rss-"))
    (home / "config.toml").write_text('[models]\nexecutor = "scripted:test"\n')
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "SMALLCLAW_EXTRA_PLUGINS": "smallclaw_core.testing",
           "SMALLCLAW_SCRIPT": "smallclaw_core.testing:call", **extra_env}
    proc = subprocess.Popen([sys.executable, "-m", "smallclaw_core.cli", "--home", str(home), "serve",
                             "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/health").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        time.sleep(3)  # idle
        status = Path(f"/proc/{proc.pid}/status").read_text()
        rss_kb = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS")))
    finally:
        proc.send_signal(2)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
    return {"label": label, "rss_mb": round(rss_kb / 1024, 1), "plugins": extra_env.get("SMALLCLAW_PLUGINS", "all installed")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--events", type=int, default=50)
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="smallclaw-bench-gateway-"))
    core = App.load(home, only=["gateway"], overrides={"store": {"durable": False}})
    token = ensure_token(home)
    results: dict = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                                 "platform": platform.platform()}}

    print(f"GET /api/tasks with {args.tasks} tasks, {args.requests} requests each:")
    results["list_tasks"] = bench_list(core, token, args.tasks, args.requests)
    for label, r in results["list_tasks"].items():
        print(f"  {label}: p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms ({r['bytes']} bytes)")

    print(f"SSE: {args.events} events to {args.clients} clients:")
    results["sse_latency"] = r = bench_sse(core, token, args.clients, args.events)
    print(f"  received {r['n']}/{r['expected']}: p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms, max {r['max_ms']} ms"
          f" (target p99 < 100 ms: {'met' if r['p99_ms'] < 100 else 'MISSED'})")

    print("RSS of an idle smallclaw serve:")
    results["idle_rss"] = []
    for env, label in (({"SMALLCLAW_PLUGINS": "gateway,kanban,runner"}, "gateway, board and runner"),
                       ({}, "every installed plugin")):
        row = rss_of_idle_serve(env, label)
        results["idle_rss"].append(row)
        print(f"  {label}: {row['rss_mb']} MB (target < 120 MB: {'met' if row['rss_mb'] < 120 else 'MISSED'})")

    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"gateway-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(results, indent=2))
    print(f"written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
