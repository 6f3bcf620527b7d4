"""What seeing a step's change costs: snapshot and diff of a 1,000-file / 50 MB workspace with 10 files changed.

Every time is a median of ``--repeats`` runs, beside a plain ``os.walk`` + ``lstat`` of
the same tree measured in the same run (the least any look at every file can cost),
and given as a ratio to it:

- ``snapshot``: a step's snapshot as the runner takes it (lazy, from the state the last
  step left: a walk, no file read);
- ``change``: the change after 10 files were rewritten (a walk, those 10 read, kept and
  diffed);
- ``snapshot + change``: the two together, what a step costs;
- ``first snapshot``: a task's first step, every file under ``keep_bytes`` read and kept
  (what the first command of a task costs, once);
- ``copy``: a throwaway copy of the workspace with its snapshot (for independent attempts).

The last two write the whole tree once, so they are also given as a ratio to
``shutil.copytree`` of it, measured in the same run.

    python bench/changes.py [--files 1000] [--megabytes 50] [--changed 10] [--repeats 9]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from smallclaw_core import Workspace
from smallclaw_core.kept import KeptInFolder
from smallclaw_core.snapshots import Snapshot, copy_workspace


def make_tree(root: Path, files: int, total: int) -> list[Path]:
    """``files`` files in 20 folders, ``total`` bytes in all: text, mostly, and some binary."""
    size = total // files
    paths = []
    for i in range(files):
        path = root / f"dir{i % 20:02}" / f"file{i:04}.{'bin' if i % 10 == 0 else 'txt'}"
        path.parent.mkdir(parents=True, exist_ok=True)
        if i % 10 == 0:
            path.write_bytes(os.urandom(size))
        else:
            text = "".join(f"line {n} of file {i}: the quick brown fox jumps over the lazy dog\n"
                           for n in range(size // 40))
            path.write_bytes(text.encode()[:size])
        paths.append(path)
    return paths


def walk_stat(root: Path) -> int:
    count = 0
    for folder, dirs, names in os.walk(root):
        for name in dirs + names:
            os.lstat(os.path.join(folder, name))
            count += 1
    return count


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def rewrite(paths: list[Path], round_no: int) -> None:
    for path in paths:
        data = bytearray(path.read_bytes())
        data[:32] = f"changed in round {round_no:>5}  ".encode().ljust(32)[:32]
        path.write_bytes(bytes(data) + b"one more line\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--megabytes", type=float, default=50)
    parser.add_argument("--changed", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--out", type=Path, help="write the JSON here (default: bench/results/changes-<time>.json)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ws"
        paths = make_tree(root, args.files, int(args.megabytes * 2**20))
        kept_dir = Path(tmp) / "kept"
        ws = Workspace(root)
        time.sleep(1.1)  # past the racy second: the tree is as a task would find it
        walks, snaps, diffs, firsts, copies = [], [], [], [], []
        for n in range(args.repeats):
            walks.append(timed(lambda: walk_stat(root))[0])
            shutil.rmtree(kept_dir, ignore_errors=True)
            seconds, first = timed(lambda: Snapshot.take(ws, kept=KeptInFolder(kept_dir)))
            firsts.append(seconds)
        time.sleep(1.1)
        base = Snapshot.take(ws, kept=KeptInFolder(kept_dir), base=first)
        for n in range(args.repeats):
            walks.append(timed(lambda: walk_stat(root))[0])
            seconds, snapshot = timed(lambda: Snapshot.take(ws, kept=base.kept, base=base, lazy=True))
            snaps.append(seconds)
            snapshot.keep()  # what a command in the step does first: nothing left to read here
            changed = paths[n * args.changed % len(paths):][: args.changed]
            rewrite(changed, n)
            seconds, change = timed(lambda: snapshot.change())
            assert len(change.files) == len(changed), change.files
            diffs.append(seconds)
            base = change.after
            time.sleep(1.1)  # the next step starts later; its files are past the racy second
        copytrees = []
        for n in range(max(3, args.repeats // 3)):
            target = Path(tmp) / f"copy{n}"
            copytrees.append(timed(lambda: shutil.copytree(root, target))[0])
            shutil.rmtree(target)
            copies.append(timed(lambda: copy_workspace(base, target))[0])
            shutil.rmtree(target)
        entries = walk_stat(root)
    walk = statistics.median(walks)
    med = {name: statistics.median(xs) for name, xs in
           (("snapshot", snaps), ("change", diffs), ("first_snapshot", firsts), ("copy", copies))}
    med["snapshot_plus_change"] = statistics.median([a + b for a, b in zip(snaps, diffs)])
    result = {"files": args.files, "megabytes": args.megabytes, "changed": args.changed, "entries": entries,
              "repeats": args.repeats, "walk_stat_ms": round(walk * 1000, 3)}
    copytree = statistics.median(copytrees)
    result["copytree_ms"] = round(copytree * 1000, 3)
    for name, value in med.items():
        result[f"{name}_ms"] = round(value * 1000, 3)
        result[f"{name}_ratio_to_walk"] = round(value / walk, 2)
    for name in ("first_snapshot", "copy"):
        result[f"{name}_ratio_to_copytree"] = round(med[name] / copytree, 2)
    print(f"{args.files} files, {args.megabytes:g} MB, {args.changed} changed; medians of {args.repeats}:")
    print(f"  os.walk + lstat                {result['walk_stat_ms']:9.2f} ms")
    for name, label in (("snapshot", "snapshot (a step's start)"), ("change", "change (10 files read, diffed)"),
                        ("snapshot_plus_change", "snapshot + change"), ("first_snapshot", "first snapshot (all kept)"),
                        ("copy", "throwaway copy + snapshot")):
        print(f"  {label:<30} {result[name + '_ms']:9.2f} ms   x{result[name + '_ratio_to_walk']} walk"
              + (f", x{result[name + '_ratio_to_copytree']} copytree" if name in ("first_snapshot", "copy") else ""))
    print(f"  shutil.copytree                {result['copytree_ms']:9.2f} ms")
    out = args.out or Path(__file__).parent / "results" / f"changes-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
