"""Benchmark of the PostgreSQL store: tasks settled per second by 1, 2 and 4 runner processes, and journal appends.

    python bench/postgres.py [--url postgresql://...] [--tasks N] [--repeats N] [--appends N]

Without ``--url`` it starts a throwaway PostgreSQL server (``smallclaw_postgres.testing``)
with its default, durable settings (fsync on), as the file store it is compared with is.
Prints a table and writes the figures as JSON to ``bench/results/postgres-<time>.json``.
What it measures, in one run:

* throughput: N ``smallclaw run`` processes (each its own host name, one shared
  database) settle a batch of one-step tasks against the scripted responder
  (``tests/scripted_worker.py``, no model time), timed from the first task created to the
  last one complete with its delivery made; the runners are started and connected before
  the clock starts. Runs for 1, 2 and 4 processes are interleaved, ``--repeats`` times
  each; medians, and each count's ratio to one process. The machine's cores bound it: the
  runners, the database and this script share them;
* journal append latency, p50 and p99, of a typical entry (a tool result of about 300
  bytes), durable (``sync=True``) and not (``sync=False``, as a model call's timing is),
  on PostgreSQL and on the file store, samples alternating between the two.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

from smallclaw_core.app import App
from smallclaw_core.store import TaskStore
from smallclaw_core.tasks import JournalEntry, Task

RESULTS = Path(__file__).parent / "results"
TESTS = Path(__file__).resolve().parent.parent / "tests"
COUNTS = (1, 2, 4)


def fresh_schema(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS smallclaw CASCADE")


def runner_home(root: Path, name: str, url: str) -> tuple[Path, dict[str, str]]:
    home = root / name
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(
        '[models]\nexecutor = "scripted:test"\n'
        "[runner]\nlease_seconds = 10.0\npoll_interval = 0.2\ntransport_backoff = 0.01\n"
        f'[store]\nurl = "{url}"\n'
        f'[workspace]\nhost = "{name}"\nroot = "{root / "workspace"}"\nshared = true\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMALLCLAW_")}
    env.update(SMALLCLAW_HOME=str(home), SMALLCLAW_PLUGINS="runner,postgres",
               SMALLCLAW_EXTRA_PLUGINS="smallclaw_core.testing,scripted_worker",
               SMALLCLAW_SCRIPT="scripted_worker:respond", SMALLCLAW_STORE_URL=url,
               PYTHONPATH=str(TESTS) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return home, env


def settle(url: str, processes: int, tasks: int) -> float:
    """Seconds for ``processes`` runners to settle ``tasks`` one-step tasks."""
    fresh_schema(url)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        creator, _ = runner_home(root, "creator", url)
        app = App.load(creator, only=["postgres"], overrides={"store": {"url": url}})
        app.store.migrate()
        procs = []
        for n in range(processes):
            _, env = runner_home(root, f"runner{n}", url)
            procs.append(subprocess.Popen([sys.executable, "-m", "smallclaw_core.cli", "run"], env=env,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        try:
            wait(lambda: count_hosts(url) >= processes, 60)  # every runner has connected
            time.sleep(0.5)
            started = time.perf_counter()
            for i in range(tasks):
                app.tasks.create(f"task {i}", ["record a note"])
            wait(lambda: all(t.status == "complete" and not t.pending_deliveries for t in app.store.list())
                 and len(app.store.ids()) == tasks, 600, poll=0.02)
            return time.perf_counter() - started
        finally:
            for p in procs:
                p.send_signal(signal.SIGTERM)
            for p in procs:
                try:
                    p.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    p.kill()
            app.store.close()


def count_hosts(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        if conn.execute("SELECT to_regclass('smallclaw.hosts')").fetchone()[0] is None:
            return 0
        return conn.execute("SELECT count(*) FROM smallclaw.hosts WHERE host LIKE 'runner%'").fetchone()[0]


def wait(predicate, limit: float, poll: float = 0.1) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(poll)
    raise SystemExit(f"gave up after {limit} s")


def entry() -> JournalEntry:
    return JournalEntry(kind="tool_result", data={"id": "call_1", "name": "read_file", "error": False,
                                                  "result": "line of the file with some words in it\n" * 7},
                        step=1, round=3)


def append_latencies(url: str, count: int) -> dict[str, dict[str, float]]:
    """p50/p99 in ms of one append, by store and durability; samples alternate between the stores."""
    from smallclaw_postgres.tasks import PostgresTaskStore

    fresh_schema(url)
    with tempfile.TemporaryDirectory() as tmp:
        stores = {"postgres": PostgresTaskStore(url, host="bench"), "file": TaskStore(Path(tmp))}
        for store in stores.values():
            store.create(Task(id="t1", title="bench", goal="append"))
            for _ in range(50):  # warm: connections, prepared statements, the page cache
                store.append("t1", entry())
        samples: dict[tuple[str, bool], list[float]] = {(n, s): [] for n in stores for s in (True, False)}
        for i in range(count):
            for sync in (True, False):
                for name, store in (stores.items() if i % 2 else reversed(stores.items())):
                    e = entry()
                    started = time.perf_counter()
                    store.append("t1", e, sync=sync)
                    samples[(name, sync)].append((time.perf_counter() - started) * 1000)
        stores["postgres"].close()
    out: dict[str, dict[str, float]] = {}
    for (name, sync), values in samples.items():
        values.sort()
        out[f"{name} {'durable' if sync else 'sync=False'}"] = {
            "p50_ms": round(statistics.median(values), 4), "p99_ms": round(values[int(len(values) * 0.99) - 1], 4)}
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a database to use (its smallclaw schema is dropped); default: a throwaway server")
    parser.add_argument("--tasks", type=int, default=40, help="tasks per throughput run (default 40)")
    parser.add_argument("--repeats", type=int, default=3, help="throughput runs per process count (default 3)")
    parser.add_argument("--appends", type=int, default=2000, help="append samples per store and mode (default 2000)")
    args = parser.parse_args()
    server = None
    url = args.url
    if url is None:
        from smallclaw_postgres.testing import TemporaryPostgres, unavailable

        reason = unavailable()
        if reason:
            print(f"skipped: {reason}")
            return 0
        server = TemporaryPostgres(durable=True).start()
        url = server.create_database("bench")
    try:
        seconds: dict[int, list[float]] = {n: [] for n in COUNTS}
        for _ in range(args.repeats):
            for n in COUNTS:
                seconds[n].append(settle(url, n, args.tasks))
                print(f"  {n} runner(s): {args.tasks / seconds[n][-1]:.2f} tasks/s", flush=True)
        rate = {n: args.tasks / statistics.median(s) for n, s in seconds.items()}
        latencies = append_latencies(url, args.appends)
    finally:
        if server is not None:
            server.stop()
    print(f"\ntasks settled per second ({args.tasks} one-step tasks, median of {args.repeats}, "
          f"{os.cpu_count()} cores):")
    for n in COUNTS:
        print(f"  {n} runner process(es): {rate[n]:6.2f} tasks/s   x{rate[n] / rate[1]:.2f} of one")
    print("\njournal append, ms:")
    for name, figures in latencies.items():
        print(f"  {name:22} p50 {figures['p50_ms']:8.3f}   p99 {figures['p99_ms']:8.3f}")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"postgres-{int(time.time())}.json"
    out.write_text(json.dumps({
        "when": time.time(), "python": platform.python_version(), "cores": os.cpu_count(), "tasks": args.tasks,
        "seconds": {str(n): s for n, s in seconds.items()}, "tasks_per_second": {str(n): rate[n] for n in COUNTS},
        "ratio_to_one": {str(n): rate[n] / rate[1] for n in COUNTS}, "append": latencies}, indent=2))
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
