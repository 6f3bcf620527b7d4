"""Oracle and adversary replays: how often SmallClaw itself makes a right answer wrong or a wrong one right.

Every case of ``bench/replay_cases.py`` (each task of ``bench/tasks.py``, each wording, in
explicit and planned mode) runs through the real runner with a scripted model behind
Ollama's API whose verifier always says YES (``bench/replaying.py``), so only SmallClaw's
own evidence decides. Two rates come out, with no model noise in them:

- false failures: oracles (the calls a competent model makes) that did not end
  ``complete`` with files the task's judge passes;
- false successes: adversaries (the wrong answers small models give) that ended ``complete``.

A task that cannot be done here must pause, and when the calls showed what is missing,
with a reason that names it; its failures count with the others of their kind.

    python bench/replays.py                          # everything (about 20 minutes on 2 cores)
    python bench/replays.py --set held-out-2 --mode explicit
    python bench/replays.py --only count_lines,json_edit --case oracle
    python bench/replays.py --kind edit --wordings 0

Prints the rates per task kind, per case kind, per wording and per mode, with totals, and
writes JSON to ``bench/results/``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from replay_cases import cases_for, failure_line, in_suite, set_of  # noqa: E402
from replaying import (  # noqa: E402
    ADVERSARY, MODES, ORACLE, Replayer, case_id, check_corpus, modes_for, remove, scratch,
)
from tasks import SETS, checkout_commit  # noqa: E402


HEADER = """\
# Replays that fail today (tests/replays/test_replays.py expects them to fail, strictly).
# One case a line: its id, then the reason the run gave. Delete the line of a case that passes.
# Written by: bench/replays.py --write-failures tests/replays/known_failures.txt
"""


def select(args: argparse.Namespace) -> list[tuple[Any, int, str]]:
    """(case, wording, mode) for every case the arguments choose."""
    tasks = SETS[args.set]
    if args.only:
        names = {n.strip() for n in args.only.split(",")}
        every = {t.name: t for chosen_set in SETS.values() for t in chosen_set}  # sets outside all too
        unknown = names - set(every)
        if unknown:
            raise SystemExit(f"replays: unknown task(s): {', '.join(sorted(unknown))}")
        tasks = [t for name, t in every.items() if name in names]
    if args.kind:
        tasks = [t for t in tasks if t.kind in args.kind.split(",")]
    chosen = []
    for task in tasks:
        wordings = range(len(task.goals)) if args.wordings == "all" else \
            [int(w) for w in args.wordings.split(",") if int(w) < len(task.goals)]
        for w in wordings:
            for case in cases_for(task, w):
                if args.case and not ({case.kind, case.name} & set(args.case.split(","))):
                    continue
                for mode in modes_for(task, w):
                    if args.mode in ("all", mode) and (not args.suite or in_suite(case, w, mode)):
                        chosen.append((case, w, mode))
    return chosen


def rates(rows: list[dict[str, Any]]) -> str:
    """'false failures a/b (r%)   false successes c/d (s%)' for some rows."""
    oracles = [r for r in rows if r["case_kind"] == ORACLE]
    adversaries = [r for r in rows if r["case_kind"] == ADVERSARY]
    parts = []
    for label, part, bad in (("false failures", oracles, [r for r in oracles if not r["passed"]]),
                             ("false successes", adversaries,
                              [r for r in adversaries if r["status"] == "complete" and not r["passed"]])):
        if part:
            parts.append(f"{label} {len(bad):>3}/{len(part):<4} ({100 * len(bad) / len(part):3.0f}%)")
        else:
            parts.append(f"{label} {'-':>3}/{'-':<4}       ")
    return "   ".join(parts)


def table(rows: list[dict[str, Any]], key: str, title: str) -> None:
    print(f"{title}:")
    for value in sorted({str(r[key]) for r in rows}):
        part = [r for r in rows if str(r[key]) == value]
        print(f"  {value:<18} {rates(part)}")


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    oracles = [r for r in rows if r["case_kind"] == ORACLE]
    adversaries = [r for r in rows if r["case_kind"] == ADVERSARY]
    return {"cases": len(rows), "oracles": len(oracles), "false_failures": sum(1 for r in oracles if not r["passed"]),
            "adversaries": len(adversaries),
            "false_successes": sum(1 for r in adversaries if r["status"] == "complete" and not r["passed"]),
            "stopped": sum(1 for r in adversaries if r.get("stopped")),
            "unnamed_pauses": sum(1 for r in adversaries if not r["passed"] and r["status"] != "complete")}


def print_report(rows: list[dict[str, Any]]) -> None:
    print("False failures: oracles that did not end complete and right (for a task that cannot be done here:")
    print("that did not pause naming what is missing). False successes: adversaries that ended complete with")
    print("files the task's judge fails (or, for a task that cannot be done here, complete at all).\n")
    table(rows, "kind", "per task kind")
    table(rows, "case", "per case kind")
    table(rows, "mode", "per mode")
    table(rows, "wording", "per wording")
    table(rows, "set", "per set")
    s = summary(rows)
    print(f"\ntotal: {rates(rows)}   ({s['cases']} cases)")
    print(f"besides: {s['stopped']} adversaries ended complete with files the judge passes (their wrong part was "
          f"stopped); {s['unnamed_pauses']} of tasks that cannot be done here paused without naming what their "
          "calls showed missing")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=sorted(SETS), default="all", help="which tasks (default: all)")
    parser.add_argument("--only", help="comma-separated task names (from any set)")
    parser.add_argument("--kind", help="comma-separated task kinds (write, count, edit, infeasible, ...)")
    parser.add_argument("--case", help="comma-separated case kinds or names (oracle, adversary, placeholder, ...)")
    parser.add_argument("--mode", choices=("all", *MODES), default="all")
    parser.add_argument("--wordings", default="all", help="all (the default), or numbers like 0,2")
    parser.add_argument("--at-once", type=int, default=4, help="cases run at the same time")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds one case may take")
    parser.add_argument("--suite", action="store_true", help="only the cases the test suite runs")
    parser.add_argument("--failures", action="store_true", help="list every case that did not go as it must")
    parser.add_argument("--write-failures", metavar="FILE",
                        help="write the cases of the test suite that failed to FILE, in the format of "
                             "tests/replays/known_failures.txt")
    parser.add_argument("--label", default="", help="a label stored in the results file")
    args = parser.parse_args()
    chosen = select(args)
    if not chosen:
        parser.error("no case matches")
    root = scratch("smallclaw-replays-")
    started, cpu = time.perf_counter(), os.times()
    try:
        tasks = {c.task.name: c.task for c, _, _ in chosen}
        kept = check_corpus({name: [c for w in range(len(t.goals)) for c in cases_for(t, w)]
                             for name, t in tasks.items()}, root / "honest", args.at_once)
        dishonest = {name: why for name, why in kept.items() if isinstance(why, str)}
        if dishonest:
            raise SystemExit("replays: the corpus is not what it claims:\n" + "\n".join(dishonest.values()))
        print(f"{len(chosen)} cases (the corpus checked in {time.perf_counter() - started:.0f} s); "
              f"{args.at_once} at a time", flush=True)
        count = [0]

        def done(row: dict[str, Any]) -> None:
            count[0] += 1
            if args.failures and not row["passed"]:
                print(f"  {row['id']}: {row['why'][:150]}", flush=True)
            if count[0] % 100 == 0:
                print(f"  {count[0]}/{len(chosen)} in {time.perf_counter() - started:.0f} s", flush=True)

        with Replayer(root / "runs", timeout=args.timeout) as replayer:
            rows = replayer.run_all([(c, w, m, kept[c.task.name]) for c, w, m in chosen], args.at_once, done)
    finally:
        remove(root)
    seconds = time.perf_counter() - started
    after = os.times()
    cpu_seconds = sum(getattr(after, f) - getattr(cpu, f)
                      for f in ("user", "system", "children_user", "children_system"))
    sets = {c.task.name: set_of(c.task) for c, _, _ in chosen}
    for row in rows:
        row["set"] = sets[row["task"]]
    print()
    print_report(rows)
    print(f"{seconds:.0f} s ({cpu_seconds:.0f} s of CPU) for {len(rows)} cases")
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    path = out / f"replays-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"label": args.label, "commit": checkout_commit(), "machine": platform.machine(),
                                "cpus": os.cpu_count(), "seconds": round(seconds, 1),
                                "cpu_seconds": round(cpu_seconds, 1), "summary": summary(rows), "rows": rows},
                               indent=2), encoding="utf-8")
    print(f"wrote {path}")
    if args.write_failures:
        suite = {case_id(c, w, m) for c, w, m in chosen if in_suite(c, w, m)}
        failed = sorted(failure_line(r) for r in rows if not r["passed"] and r["id"] in suite)
        Path(args.write_failures).write_text(HEADER + "".join(f"{line}\n" for line in failed), encoding="utf-8")
        print(f"wrote {len(failed)} failures to {args.write_failures}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
