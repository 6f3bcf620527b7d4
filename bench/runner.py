"""Runner overhead: rounds per second with an instant scripted model and a no-op tool.

Each round is a step message, a model call asking for a tool, the tool, a model call
answering, the verifier's call and the journal and state writes. The scripted model
(a test double) answers instantly, so what is measured is SmallClaw's own cost:
with durable writes (fsync) as shipped, and without them, beside the raw fsync rate
of this disk measured in the same run.

    python bench/runner.py [--rounds 200]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import anyio

from smallclaw_core import hookimpl, tool
from smallclaw_core.app import App
from smallclaw_core.runner import Runner
from smallclaw_core.testing import ScriptedModel, ScriptedModelPlugin, call, request_kind, verdict


@tool
def noop() -> str:
    """Do nothing."""
    return "ok"


class NoopTool:
    @hookimpl
    def register_tools(self, register):
        register(noop)


def responder(request):
    kind = request_kind(request)
    if kind == "verifier":
        return verdict(True)
    if kind == "summarizer":
        return "done"
    return "step done" if request.messages[-1].role == "tool" else call("noop")


def round_durations(app, task_id) -> list[float]:
    """Seconds from each round's start record to its step's completion, from the journal.

    Read from the journal rather than from runner internals, so the same script times
    any version of the runner (run it with another checkout on PYTHONPATH to compare).
    """
    out, start = [], None
    for e in app.store.journal(task_id):
        if e.kind == "round":
            start = e.ts
        elif e.kind == "step_done" and start is not None:
            out.append(e.ts - start)
            start = None
    return out


def fsync_rate(directory: Path, n: int = 200) -> float:
    """Median seconds for one small append + fsync on this disk."""
    path = directory / "fsync-probe"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    times = []
    try:
        for _ in range(n):
            start = time.perf_counter()
            os.write(fd, b"x" * 200 + b"\n")
            os.fsync(fd)
            times.append(time.perf_counter() - start)
    finally:
        os.close(fd)
    return statistics.median(times)


def measure(rounds: int, durable: bool) -> tuple[list[float], int, int]:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / ".localclaw"
        model = ScriptedModel(responder)
        app = App.load(home, only=["runner"], extra_plugins=[ScriptedModelPlugin(model), NoopTool()],
                       overrides={"models": {"executor": "scripted:test"}, "store": {"durable": durable},
                                  "runner": {"max_rounds": rounds + 10}})
        per_task = 20  # the longest plan a task may have
        tasks = [app.tasks.create(f"benchmark {n}", [f"step {i}" for i in range(per_task)])
                 for n in range(max(1, rounds // per_task))]
        runner = Runner(app)
        started = time.perf_counter()
        anyio.run(lambda: runner.run_until_idle(600))
        wall = time.perf_counter() - started
        journal_lines, durations = 0, []
        for task in tasks:
            assert app.store.get(task.id).status == "complete", app.store.get(task.id).pause_reason
            journal_lines += len(app.store.journal(task.id))
            durations += round_durations(app, task.id)
        return durations, journal_lines, len(model.history), wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--out", type=Path, help="write the JSON here (default: bench/results/runner-<time>.json)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        fsync = fsync_rate(Path(tmp))
    durable, lines, calls, wall_durable = measure(args.rounds, durable=True)
    fast, _, _, wall_fast = measure(args.rounds, durable=False)
    med_d, med_f = statistics.median(durable), statistics.median(fast)
    p90 = lambda xs: sorted(xs)[int(len(xs) * 0.9)]  # noqa: E731
    writes_per_round = (lines / len(durable)) + 2  # journal lines plus about two task.json replaces
    result = {
        "rounds": args.rounds,
        "raw_fsync_ms_median": round(fsync * 1000, 3),
        "round_ms_median_durable": round(med_d * 1000, 3),
        "round_ms_p90_durable": round(p90(durable) * 1000, 3),
        "round_ms_median_no_fsync": round(med_f * 1000, 3),
        # the journal's timestamps are in whole milliseconds, so medians move in steps of 1 ms;
        # the mean of 200 rounds resolves finer
        "round_ms_mean_durable": round(statistics.fmean(durable) * 1000, 3),
        "round_ms_mean_no_fsync": round(statistics.fmean(fast) * 1000, 3),
        "round_ms_p90_no_fsync": round(p90(fast) * 1000, 3),
        "rounds_per_second_durable": round(1 / med_d, 1),
        "rounds_per_second_no_fsync": round(1 / med_f, 1),
        "whole_run_ms_per_round_durable": round(wall_durable / len(durable) * 1000, 3),
        "whole_run_ms_per_round_no_fsync": round(wall_fast / len(fast) * 1000, 3),
        "journal_entries_per_round": round(lines / len(durable), 2),
        "model_calls_per_round": round(calls / len(durable), 2),
        "durable_round_in_fsyncs": round(med_d / fsync, 1) if fsync else None,
        "approx_writes_per_round": round(writes_per_round, 1),
    }
    print(f"raw fsync (append + fsync), median:      {result['raw_fsync_ms_median']:8.3f} ms")
    print(f"round, durable writes, median (p90):      {result['round_ms_median_durable']:8.3f} ms "
          f"({result['round_ms_p90_durable']:.3f})  -> {result['rounds_per_second_durable']} rounds/s")
    print(f"round, no fsync (framework only), median: {result['round_ms_median_no_fsync']:8.3f} ms "
          f"({result['round_ms_p90_no_fsync']:.3f})  -> {result['rounds_per_second_no_fsync']} rounds/s")
    print(f"round, mean: {result['round_ms_mean_durable']:.3f} ms durable, {result['round_ms_mean_no_fsync']:.3f} ms "
          "without fsync")
    print(f"whole run per round (planning, summaries, deliveries included): "
          f"{result['whole_run_ms_per_round_durable']:.3f} ms durable, {result['whole_run_ms_per_round_no_fsync']:.3f} ms "
          "without fsync")
    print(f"journal entries per round: {result['journal_entries_per_round']}, "
          f"model calls per round: {result['model_calls_per_round']}, "
          f"durable round = {result['durable_round_in_fsyncs']} x raw fsync")
    out = args.out or Path(__file__).parent / "results" / f"runner-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    target = 5.0
    print(f"target: framework overhead per round under {target} ms median: "
          f"{'met' if result['round_ms_median_no_fsync'] < target else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
