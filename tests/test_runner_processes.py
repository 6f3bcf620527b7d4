"""The runner as real processes: killed with SIGKILL at random moments, and two at once on one store."""

from __future__ import annotations

import collections
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from smallclaw_core.app import App

HERE = Path(__file__).parent


def runner_env(home: Path, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "SMALLCLAW_HOME": str(home),
        "SMALLCLAW_EXTRA_PLUGINS": "smallclaw_core.testing,scripted_worker",
        "SMALLCLAW_SCRIPT": "scripted_worker:respond",
        "SMALLCLAW_PLUGINS": "runner",
        "PYTHONPATH": str(HERE) + os.pathsep + env.get("PYTHONPATH", ""),
        "SCRIPTED_NOTES": str(tmp_path / "notes.jsonl"),
        "SCRIPTED_DELIVERIES": str(tmp_path / "deliveries.txt"),
    })
    env.update(extra)
    return env


def write_config(home: Path, lease: float = 2.0) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(
        '[models]\nexecutor = "scripted:test"\n'
        f"[runner]\nlease_seconds = {lease}\npoll_interval = 0.05\ntransport_backoff = 0.01\n"
    )


def start_runner(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "smallclaw_core.cli", "run", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
def test_sigkill_at_random_moments_then_restart(tmp_path):
    home = tmp_path / "home"
    write_config(home, lease=0.5)
    env = runner_env(home, tmp_path, SCRIPTED_DELAY="0.02")
    app = App.load(home, only=[])
    ids = [app.tasks.create(f"task {i}", [f"step {j}" for j in range(3)],
                            origin=__import__("smallclaw_core").Origin("web", f"web_{i}")).id for i in range(4)]
    rng = random.Random(1234)
    for _ in range(50):
        proc = start_runner(env)
        time.sleep(rng.uniform(0.4, 1.2))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        # every task file parses at every moment between runs
        for task_id in ids:
            app.store.get(task_id)
    time.sleep(0.6)  # the dead runner's leases expire
    final = start_runner(env, "--until-idle", "--timeout", "120")
    out, err = final.communicate(timeout=180)
    assert final.returncode == 0, err
    deliveries = collections.Counter((tmp_path / "deliveries.txt").read_text().split()) \
        if (tmp_path / "deliveries.txt").exists() else collections.Counter()
    for i, task_id in enumerate(ids):
        task = app.store.get(task_id)
        assert task.status in ("complete", "needs_assistance"), (task.status, task.pause_reason)
        journal = app.store.journal(task_id)
        seqs = [e.seq for e in journal]
        assert seqs == list(range(1, len(seqs) + 1))  # no gap, no duplicate, no torn line
        done = [e.data["step"] for e in journal if e.kind == "step_done"]
        assert done == sorted(set(done))  # no step advanced twice
        assert task.steps_done == len(done)
        if task.status == "complete":
            assert task.steps_done == 3 and task.summary
            key = f"{task_id}:complete:{task.rounds}"
            assert 1 <= deliveries[key] <= 2  # never lost, at most once more
            in_session = [r for r in app.sessions.records(f"web_{i}") if r.get("delivery") == key]
            assert len(in_session) == 1  # the chat gets it exactly once
        assert not task.pending_deliveries


@pytest.mark.slow
def test_two_runner_processes_never_run_the_same_task(tmp_path):
    home = tmp_path / "home"
    write_config(home, lease=3.0)
    env = runner_env(home, tmp_path, SCRIPTED_DELAY="0.2")
    app = App.load(home, only=[])
    ids = [app.tasks.create(f"task {i}", ["a", "b"]).id for i in range(6)]
    procs = [start_runner(env, "--until-idle", "--timeout", "90") for _ in range(2)]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    notes = [json.loads(line) for line in (tmp_path / "notes.jsonl").read_text().splitlines()]
    by_task = collections.defaultdict(set)
    for n in notes:
        by_task[n["task"]].add(n["pid"])
    assert set(by_task) == set(ids)
    assert all(len(pids) == 1 for pids in by_task.values()), by_task
    assert len({pid for pids in by_task.values() for pid in pids}) == 2  # both runners worked
    for task_id in ids:
        assert app.store.get(task_id).status == "complete"


def _cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "smallclaw_core.cli", *args], env=env, capture_output=True,
                          text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _wait_for(predicate, limit: float) -> float:
    start = time.monotonic()
    while time.monotonic() - start < limit:
        if predicate():
            return time.monotonic() - start
        time.sleep(0.05)
    raise AssertionError(f"not within {limit} s")


@pytest.mark.slow
def test_cli_changes_reach_a_running_runner_within_two_seconds(tmp_path):
    home = tmp_path / "home"
    write_config(home, lease=5.0)
    env = runner_env(home, tmp_path, SCRIPTED_DELAY="3")
    runner = start_runner(env)
    try:
        app = App.load(home, only=[])
        time.sleep(1.0)  # the runner is up
        task_id = _cli(env, "task", "add", "slow one", "--step", "a", "--step", "b", "--json")
        task_id = json.loads(task_id)["id"]
        _wait_for(lambda: app.store.get(task_id).status == "running", 2.0)
        _cli(env, "task", "pause", task_id)  # a running task pauses at its next round boundary
        _wait_for(lambda: app.store.get(task_id).status == "paused", 10.0)
        _cli(env, "task", "resume", task_id, "--note", "carry on")
        _wait_for(lambda: app.store.get(task_id).status == "running", 2.0)
        _cli(env, "task", "cancel", task_id)  # cancel abandons the in-flight (slow) model call
        assert app.store.get(task_id).status == "cancelled"
        # the runner lets go of it at once: no further journal entries from the abandoned round
        time.sleep(1.0)
        count = len(app.store.journal(task_id))
        time.sleep(3.5)
        assert len(app.store.journal(task_id)) == count
    finally:
        runner.send_signal(signal.SIGTERM)
        try:
            runner.wait(timeout=10)
        except subprocess.TimeoutExpired:
            runner.kill()


@pytest.mark.slow
def test_a_restarted_runner_takes_over_a_dead_runners_task_at_once(tmp_path):
    home = tmp_path / "home"
    write_config(home, lease=300.0)  # far longer than this test: only a dead owner frees it
    env = runner_env(home, tmp_path, SCRIPTED_DELAY="0.5")
    app = App.load(home, only=[])
    task_id = app.tasks.create("long one", ["a", "b", "c"]).id
    first = start_runner(env)
    _wait_for(lambda: app.store.get(task_id).status == "running", 10.0)
    first.send_signal(signal.SIGKILL)
    first.wait()
    assert app.store.get(task_id).lease is not None  # left behind by the dead process
    second = start_runner(env, "--until-idle", "--timeout", "60")
    out, err = second.communicate(timeout=90)
    assert second.returncode == 0, err
    task = app.store.get(task_id)
    assert task.status == "complete", (task.status, task.pause_reason)
    assert any(e.kind == "status" and "picked up again" in e.data.get("message", "")
               for e in app.store.journal(task_id))
