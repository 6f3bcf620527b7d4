"""Benchmark of the task store: journal appends at 10 vs 10,000 entries, and listing 1,000 tasks.

    python bench/store.py [--samples N] [--tasks N] [--dir PATH]

Prints a table and writes the figures as JSON to ``bench/results/store-<time>.json``.
What it checks:

* appending a journal entry costs the same at 10 existing entries as at 10,000
  (the ratio of the medians should stay under 1.5); measured with fsync (the default
  store) and without (the CPU cost alone). Samples alternate between the two
  journals, and each journal is cut back to its size after every sample, so both
  are measured at exactly 10 and 10,000 entries under the same conditions;
* ``task list`` over 1,000 tasks in process: cold (a new store, so every
  ``task.json`` is read and parsed; the OS page cache is warm) and warm (the same
  store again, served from its cache; the target, under 50 ms); and the whole
  ``smallclaw task list`` command as a user runs it, for information.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from smallclaw_core.app import App
from smallclaw_core.store import JOURNAL_FILE, RACY_NS, TaskStore
from smallclaw_core.tasks import JournalEntry, Step, Task

RESULTS = Path(__file__).parent / "results"
LIST_TARGET_MS = 50.0
RATIO_LIMIT = 1.5


def entry(n: int) -> JournalEntry:
    # about the size of a real tool_result entry
    return JournalEntry(kind="tool_result", data={"name": "read_file", "result": "line of output " * 20, "n": n})


def fill(store: TaskStore, task_id: str, count: int) -> int:
    for n in range(count):
        store.append(task_id, entry(n))
    return os.path.getsize(store.task_dir(task_id) / JOURNAL_FILE)


def bench_append(root: Path, samples: int, durable: bool) -> dict:
    filler = TaskStore(root / ("durable" if durable else "fast"), durable=False)
    store = TaskStore(filler.root.parent, durable=durable)
    sizes = {}
    for task_id, count in (("small", 10), ("large", 10_000)):
        filler.create(Task(id=task_id, title=task_id, goal="benchmark"))
        sizes[task_id] = fill(filler, task_id, count)
    times: dict[str, list[float]] = {"small": [], "large": []}
    for i in range(samples):
        for task_id in ("small", "large") if i % 2 == 0 else ("large", "small"):
            start = time.perf_counter()
            store.append(task_id, entry(i))
            times[task_id].append(time.perf_counter() - start)
            # back to exactly 10 / 10,000 entries for the next sample
            os.truncate(store.task_dir(task_id) / JOURNAL_FILE, sizes[task_id])
    small, large = statistics.median(times["small"]) * 1e6, statistics.median(times["large"]) * 1e6
    return {"durable": durable, "samples": samples, "median_us_at_10": round(small, 1),
            "median_us_at_10000": round(large, 1), "ratio": round(large / small, 3)}


def make_tasks(home: Path, count: int) -> None:
    store = TaskStore(home, durable=False)
    for i in range(count):
        store.create(Task(id=f"t{i:05d}", title=f"Task number {i}", goal=f"Do thing {i} " * 5,
                          steps=[Step(f"step {k}", notes=["a note"]) for k in range(4)],
                          status=("queued", "paused", "complete", "running")[i % 4]))
        store.append(f"t{i:05d}", entry(0))


def bench_list(home: Path, count: int, samples: int) -> dict:
    make_tasks(home, count)
    # files written less than RACY_NS ago are never cached; let them age as real tasks do
    time.sleep(RACY_NS / 1e9 + 0.1)
    app = App.load(home, only=[])
    cold = []
    for _ in range(samples):
        store = TaskStore(home)
        start = time.perf_counter()
        tasks = store.list()
        cold.append(time.perf_counter() - start)
        assert len(tasks) == count, len(tasks)
    app.tasks.list()
    warm = []
    for _ in range(samples):
        start = time.perf_counter()
        tasks = app.tasks.list()
        warm.append(time.perf_counter() - start)
        assert len(tasks) == count
    env = {**os.environ, "SMALLCLAW_HOME": str(home)}
    command = []
    for _ in range(max(3, samples // 4)):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "smallclaw_core.cli", "task", "list", "--json"], env=env,
                       check=True, stdout=subprocess.DEVNULL)
        command.append(time.perf_counter() - start)
    return {"tasks": count, "samples": samples,
            "cold_median_ms": round(statistics.median(cold) * 1e3, 2),
            "warm_median_ms": round(statistics.median(warm) * 1e3, 2),
            "command_median_ms": round(statistics.median(command) * 1e3, 1),
            "target_ms": LIST_TARGET_MS}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=300, help="appends per journal size (default 300)")
    parser.add_argument("--tasks", type=int, default=1000, help="tasks to list (default 1000)")
    parser.add_argument("--dir", help="where to put the data (default: a temporary directory)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        root = Path(tmp)
        appends = [bench_append(root / "append", args.samples, durable) for durable in (True, False)]
        listing = bench_list(root / "list", args.tasks, samples=20)
    print(f"{'journal append':<34}{'at 10':>12}{'at 10,000':>12}{'ratio':>8}")
    for a in appends:
        label = "with fsync (default)" if a["durable"] else "without fsync"
        print(f"  {label:<32}{a['median_us_at_10']:>10.1f}us{a['median_us_at_10000']:>10.1f}us{a['ratio']:>8.2f}")
    print(f"{'task list, ' + str(listing['tasks']) + ' tasks':<34}{'median':>12}")
    print(f"  {'in process, cold':<32}{listing['cold_median_ms']:>10.2f}ms")
    print(f"  {'in process, warm':<32}{listing['warm_median_ms']:>10.2f}ms")
    print(f"  {'smallclaw task list --json':<32}{listing['command_median_ms']:>10.1f}ms")
    ok_ratio = all(a["ratio"] < RATIO_LIMIT for a in appends)
    # the server and the runner list again and again from one store: the warm figure is the
    # target; the cold one (a fresh `smallclaw task list`) is reported beside it
    ok_list = listing["warm_median_ms"] < LIST_TARGET_MS
    ok_cold = listing["cold_median_ms"] < LIST_TARGET_MS
    print(f"append ratio under {RATIO_LIMIT}: {'yes' if ok_ratio else 'NO'}; "
          f"list under {LIST_TARGET_MS:.0f} ms: warm {'yes' if ok_list else 'NO'}, cold {'yes' if ok_cold else 'no'}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"store-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps({"when": time.time(), "python": platform.python_version(),
                               "machine": platform.machine(), "cpus": os.cpu_count(),
                               "journal_append": appends, "task_list": listing,
                               "ratio_ok": ok_ratio, "list_ok": ok_list, "cold_list_ok": ok_cold,
                               "load_average": os.getloadavg()}, indent=2))
    print(f"wrote {out}")
    return 0 if ok_ratio and ok_list else 1


if __name__ == "__main__":
    sys.exit(main())
