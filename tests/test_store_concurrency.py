"""Several processes on one task at once: no lost update, no duplicate or missing journal seq."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from smallclaw_core.store import TaskStore
from smallclaw_core.tasks import Task

WORKER = Path(__file__).parent / "fixtures" / "store_worker.py"
PROCESSES = 4
EACH = 250


def run_workers(root: str, action: str) -> None:
    procs = [subprocess.Popen([sys.executable, str(WORKER), root, "t1", action, str(EACH), f"w{i}"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i in range(PROCESSES)]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err


def open_store(tmp_path: Path, store_url: str):
    """The store under test (every test here runs on the file store and on PostgreSQL), and where
    a worker process finds it."""
    if not store_url:
        return TaskStore(tmp_path), str(tmp_path)
    from smallclaw_postgres.tasks import PostgresTaskStore

    return PostgresTaskStore(store_url, host="here"), store_url


def test_four_processes_updating_one_task_lose_no_update(tmp_path, store_url):
    store, where = open_store(tmp_path, store_url)
    store.create(Task(id="t1", title="counter", goal="count"))
    store.get("t1")  # this process holds a cached copy while the others write
    run_workers(where, "update")
    task = store.get("t1")
    assert task.rounds == PROCESSES * EACH
    assert task.loop_state == {f"w{i}": EACH for i in range(PROCESSES)}
    assert open_store(tmp_path, store_url)[0].get("t1").rounds == PROCESSES * EACH


def test_four_processes_appending_get_unique_contiguous_seqs(tmp_path, store_url):
    store, where = open_store(tmp_path, store_url)
    store.create(Task(id="t1", title="journal", goal="append"))
    run_workers(where, "append")
    entries = store.journal("t1")
    assert [e.seq for e in entries] == list(range(1, PROCESSES * EACH + 1))
    for i in range(PROCESSES):
        # each writer's own entries are in the order it wrote them
        assert [e.data["n"] for e in entries if e.data["worker"] == f"w{i}"] == list(range(EACH))


def test_threads_of_one_process_lose_no_update(tmp_path):
    import threading

    store = TaskStore(tmp_path, durable=False)
    store.create(Task(id="t1", title="counter", goal="count"))

    def bump(task: Task) -> None:
        task.rounds += 1

    def work() -> None:
        for _ in range(100):
            store.update("t1", bump)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.get("t1").rounds == 400
