"""Several runner hosts and a gateway on one PostgreSQL database, as real processes.

Each "machine" is a process with its own data directory and ``[workspace] host``; they
share the database (and, where a test says so, the workspace root). The model is the
scripted responder of ``tests/scripted_worker.py`` (a test double), the database is real.
"""

from __future__ import annotations

import collections
import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import psycopg
import pytest

from smallclaw_core import Origin
from smallclaw_core.app import App

TESTS = Path(__file__).resolve().parents[3] / "tests"


def machine(tmp_path: Path, name: str, url: str, *, shared: bool, lease: float = 2.0, plugins: str = "runner,postgres",
            delay: str = "0.15") -> tuple[Path, dict[str, str]]:
    """A data directory for one host and the environment its processes run with."""
    home = tmp_path / name
    home.mkdir()
    (home / "config.toml").write_text(
        '[models]\nexecutor = "scripted:test"\n'
        f"[runner]\nlease_seconds = {lease}\npoll_interval = 0.2\ntransport_backoff = 0.01\n"
        "max_concurrent_per_backend = 2\n"
        f'[store]\nurl = "{url}"\n'
        f'[workspace]\nhost = "{name}"\nroot = "{tmp_path / "workspace"}"\nshared = {str(shared).lower()}\n'
        "[gateway]\nevent_buffer = 20000\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMALLCLAW_")}
    env.update(SMALLCLAW_HOME=str(home), SMALLCLAW_PLUGINS=plugins,
               SMALLCLAW_EXTRA_PLUGINS="smallclaw_core.testing,scripted_worker",
               SMALLCLAW_SCRIPT="scripted_worker:respond", SCRIPTED_DELAY=delay,
               SCRIPTED_DELIVERIES=str(tmp_path / "deliveries.txt"),
               PYTHONPATH=str(TESTS) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return home, env


def start(env: dict[str, str], *args: str, log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "smallclaw_core.cli", *args], env=env,
                            stdout=open(log, "a"), stderr=subprocess.STDOUT)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_for(predicate, limit: float, what: str):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"not within {limit} s: {what}")


class EventStream:
    """The board's view: ``/api/events`` read in a thread, reconnecting with Last-Event-ID if dropped."""

    def __init__(self, base: str, token: str):
        self.base, self.token = base, token
        self.events: list[dict] = []
        self.ready = threading.Event()
        self.closing = False
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        last_id = None
        while not self.closing:
            headers = {"Last-Event-ID": str(last_id)} if last_id is not None else {}
            try:
                with httpx.stream("GET", f"{self.base}/api/events", params={"token": self.token}, headers=headers,
                                  timeout=httpx.Timeout(5.0, read=None)) as response:
                    kind = None
                    for line in response.iter_lines():
                        if line.startswith("event: "):
                            kind = line[7:]
                        elif line.startswith("id: "):
                            last_id = int(line[4:])
                        elif line.startswith("data: "):
                            if kind == "ready":
                                self.ready.set()
                            elif kind not in ("dropped", "resync"):
                                self.events.append(json.loads(line[6:]))
                            if self.closing:
                                return
            except httpx.HTTPError:
                time.sleep(0.1)

    def seen(self) -> tuple[set[tuple[str, int]], dict[str, set[str]]]:
        """(task id, seq) of every journal event, and the statuses of every task event, by task."""
        entries, statuses = set(), collections.defaultdict(set)
        for e in list(self.events):
            if e["type"] == "journal":
                entries.add((e["task_id"], e["data"]["entry"]["seq"]))
            elif e["type"] == "task":
                statuses[e["task_id"]].add(e["data"]["task"]["status"])
        return entries, statuses


def start_gateway(tmp_path: Path, url: str) -> tuple[subprocess.Popen, EventStream]:
    _, env = machine(tmp_path, "board", url, shared=True, plugins="gateway,postgres")
    log = tmp_path / "board.log"
    proc = start(env, "serve", "--no-runner", "--port", "0", log=log)
    board = wait_for(lambda: next((line.split("board: ", 1)[1] for line in log.read_text().splitlines()
                                   if line.startswith("board: ")), None) or (proc.poll() is not None and "exited"),
                     60, "the gateway prints its address")
    assert board != "exited", log.read_text()
    base, token = board.split("/?token=")
    stream = EventStream(base, token)
    assert stream.ready.wait(15), "the event stream says ready"
    return proc, stream


def mid_round(url: str, host_pid: str) -> str | None:
    """A task whose last journal entry is a round that ``host_pid`` began: its model call is under way."""
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT t.id FROM smallclaw.tasks t JOIN LATERAL (SELECT kind, writer FROM smallclaw.journal j "
            "WHERE j.task_id = t.id ORDER BY seq DESC LIMIT 1) last ON true "
            "WHERE t.status = 'running' AND last.kind = 'round' AND last.writer = %s LIMIT 1", (host_pid,)).fetchone()
    return row[0] if row else None


@pytest.mark.slow
def test_three_runner_hosts_and_a_board_share_one_queue(tmp_path, postgres_url):
    url = postgres_url
    gateway, stream = start_gateway(tmp_path, url)
    runners: dict[str, subprocess.Popen] = {}
    envs = {}
    try:
        app = App.load(tmp_path / "board", only=["postgres"])
        ids = [app.tasks.create(f"task {i}", ["record the first note", "record the second note"],
                                origin=Origin("web", f"web_{i}")).id for i in range(60)]
        for name in ("alpha", "beta", "gamma"):
            _, envs[name] = machine(tmp_path, name, url, shared=True)
            runners[name] = start(envs[name], "run", log=tmp_path / f"{name}.log")
        killed = []
        for _ in range(2):
            time.sleep(1.5)  # let alpha take tasks and run for a while
            victim = runners["alpha"]
            task_id = wait_for(lambda: mid_round(url, f"alpha:{victim.pid}"), 30, "alpha is in the middle of a round")
            victim.send_signal(signal.SIGKILL)
            victim.wait()
            killed.append((victim.pid, task_id))
            time.sleep(0.5)
            runners["alpha"] = start(envs["alpha"], "run", log=tmp_path / "alpha.log")

        def settled() -> bool:
            tasks = app.store.list()
            return all(t.status in ("complete", "needs_assistance") and not t.pending_deliveries for t in tasks)

        wait_for(settled, 150, "every task settles")
        time.sleep(1.0)  # the last events reach the board
    finally:
        for proc in runners.values():
            stop(proc)
        stream.closing = True
        stop(gateway)

    tasks = {t.id: t for t in app.store.list()}
    assert sorted(tasks) == sorted(ids)
    assert all(t.status == "complete" for t in tasks.values()), \
        collections.Counter((t.status, t.pause_reason) for t in tasks.values())
    # the journal proves no round ran twice at once: the processes that wrote a task's entries
    # take turns (a dead runner's part ends where the next one's begins), never interleave
    writers_seen = set()
    for task_id in ids:
        journal = app.store.journal(task_id)
        assert [e.seq for e in journal] == list(range(1, len(journal) + 1))
        with psycopg.connect(url, autocommit=True) as conn:
            writers = [w for (w,) in conn.execute(
                "SELECT writer FROM smallclaw.journal WHERE task_id = %s ORDER BY seq", (task_id,))]
        turns = [w for w, _ in itertools.groupby(writers)]
        assert len(turns) == len(set(turns)), (task_id, turns)
        writers_seen.update(w.partition(":")[0] for w in writers)
        done = [e.data["step"] for e in journal if e.kind == "step_done"]
        assert done == [0, 1], (task_id, done)
    assert {"alpha", "beta", "gamma"} <= writers_seen
    for pid, task_id in killed:  # a killed runner's round was finished by another process
        with psycopg.connect(url, autocommit=True) as conn:
            after = conn.execute("SELECT count(*) FROM smallclaw.journal WHERE task_id = %s AND writer <> %s "
                                 "AND seq > (SELECT max(seq) FROM smallclaw.journal WHERE task_id = %s AND writer = %s)",
                                 (task_id, f"alpha:{pid}", task_id, f"alpha:{pid}")).fetchone()[0]
        assert after > 0
    # every result delivered exactly once: to its chat session and to the notifier
    notified = collections.Counter((tmp_path / "deliveries.txt").read_text().split())
    for i, task_id in enumerate(ids):
        key = f"{task_id}:complete:{tasks[task_id].rounds}"
        assert notified[key] == 1, (key, notified[key])
        in_session = [r for r in app.sessions.records(f"web_{i}") if r.get("delivery") == key]
        assert len(in_session) == 1
    assert sum(notified.values()) == len(ids)
    # the board's event stream saw every task's events, whichever host ran it
    entries, statuses = stream.seen()
    with psycopg.connect(url, autocommit=True) as conn:
        journal = set(conn.execute("SELECT task_id, seq FROM smallclaw.journal").fetchall())
    assert journal - entries == set()
    assert all("complete" in statuses[task_id] for task_id in ids)


@pytest.mark.slow
def test_a_task_stays_on_its_host_unless_the_workspace_is_shared(tmp_path, postgres_url):
    url = postgres_url
    _, alpha_env = machine(tmp_path, "alpha", url, shared=False, lease=1.0, delay="0.4")
    _, beta_env = machine(tmp_path, "beta", url, shared=False, lease=1.0, delay="0.4")
    app = App.load(tmp_path / "alpha", only=["postgres"], overrides={"workspace": {"host": "test"}})
    task_id = app.tasks.create("long one", ["one", "two", "three"]).id
    alpha = start(alpha_env, "run", log=tmp_path / "alpha.log")
    beta = None
    try:
        wait_for(lambda: app.store.get(task_id).host == "alpha", 30, "alpha takes the task")
        alpha.send_signal(signal.SIGKILL)
        alpha.wait()
        beta = start(beta_env, "run", log=tmp_path / "beta.log")
        time.sleep(4.0)  # alpha's lease is long expired: beta still leaves the task alone
        task = app.store.get(task_id)
        assert task.status == "running" and task.host == "alpha" and task.lease.owner.startswith("alpha:")
        alpha = start(alpha_env, "run", log=tmp_path / "alpha.log")
        wait_for(lambda: app.store.get(task_id).status == "complete", 60, "alpha, back, finishes it")
    finally:
        for proc in (alpha, beta):
            if proc is not None:
                stop(proc)
    with psycopg.connect(url, autocommit=True) as conn:
        # beta may make the deliveries (they need no workspace), but ran no part of the task
        hosts = {w.partition(":")[0] for (w,) in conn.execute(
            "SELECT writer FROM smallclaw.journal WHERE task_id = %s AND kind <> 'delivery'", (task_id,))}
    assert hosts == {"alpha", "test"}
