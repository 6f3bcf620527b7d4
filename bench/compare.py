"""Before and after in the same run: one benchmark script against two versions of SmallClaw.

The script given after ``--`` runs alternately with an older version on ``PYTHONPATH``
(a git commit, exported to a temporary directory, or a directory holding a checkout)
and with this checkout, ``--repeats`` times each, interleaved so that a noisy neighbour
hurts both sides alike. Each run writes its JSON to a file given by ``--out``; every
number in it is reported as the median per side and the ratio after/before.

    python bench/compare.py --before 778c608 -- bench/runner.py --rounds 200
    python bench/compare.py --before 778c608 --repeats 1 -- bench/prompt_cache.py

The script is always this checkout's copy, so what is measured is the same for both
versions; only the code it imports differs. The script must accept ``--out FILE``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def python_path(tree: Path) -> str:
    """The core and every bundled plugin of a checkout, first on the import path."""
    return os.pathsep.join([str(tree)] + [str(p) for p in sorted((tree / "plugins").glob("*/")) if p.is_dir()])


def export(ref: str, into: Path) -> Path:
    """A commit's tree written out to a directory (nothing in this checkout changes)."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", ref],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def flatten(value: Any, prefix: str = "") -> dict[str, float]:
    """Every number in a JSON document, keyed by its dotted path."""
    out: dict[str, float] = {}
    if isinstance(value, bool):
        return out
    if isinstance(value, (int, float)):
        out[prefix] = float(value)
    elif isinstance(value, dict):
        for k, v in value.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            key = v.get("layout") or v.get("name") or i if isinstance(v, dict) else i
            out.update(flatten(v, f"{prefix}.{key}" if prefix else str(key)))
    return out


def run_once(tree: Path, script: list[str], out: Path) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=python_path(tree))
    proc = subprocess.run([sys.executable, *script, "--out", str(out)], env=env, cwd=ROOT,
                          capture_output=True, text=True)
    if proc.returncode != 0 or not out.exists():
        sys.exit(f"{' '.join(script)} failed with {tree} first on the path:\n{proc.stdout[-2000:]}{proc.stderr[-4000:]}")
    return flatten(json.loads(out.read_text()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="a git commit or a directory holding an older checkout")
    parser.add_argument("--repeats", type=int, default=3, help="runs per side (default 3)")
    parser.add_argument("--keys", nargs="*", help="report only keys containing one of these words")
    parser.add_argument("script", nargs=argparse.REMAINDER, help="-- script.py [its arguments]")
    args = parser.parse_args()
    script = args.script[1:] if args.script[:1] == ["--"] else args.script
    if not script:
        parser.error("give the benchmark script after --")
    with tempfile.TemporaryDirectory(prefix="smallclaw-compare-") as tmp:
        tmp_path = Path(tmp)
        before = Path(args.before)
        if not before.is_dir():
            before = export(args.before, Path(tempfile.mkdtemp(dir=tmp_path, prefix="before-")))
        sides: dict[str, list[dict[str, float]]] = {"before": [], "after": []}
        for i in range(args.repeats):
            for side, tree in (("before", before), ("after", ROOT)):
                print(f"run {i + 1}/{args.repeats} {side}...", flush=True)
                sides[side].append(run_once(tree, script, tmp_path / f"{side}-{i}.json"))
    keys = [k for k in sides["after"][0] if all(k in r for r in sides["before"] + sides["after"])]
    if args.keys:
        keys = [k for k in keys if any(w in k for w in args.keys)]
    rows = []
    for k in keys:
        b = statistics.median(r[k] for r in sides["before"])
        a = statistics.median(r[k] for r in sides["after"])
        rows.append({"key": k, "before": b, "after": a, "ratio": a / b if b else None})
    width = max((len(r["key"]) for r in rows), default=10)
    print(f"\nmedians of {args.repeats} run(s) per side; before = {args.before}, after = this checkout")
    print(f"{'':{width}} {'before':>12} {'after':>12} {'after/before':>13}")
    for r in rows:
        ratio = f"{r['ratio']:.2f}" if r["ratio"] is not None else "-"
        print(f"{r['key']:{width}} {r['before']:12.4g} {r['after']:12.4g} {ratio:>13}")
    out = ROOT / "bench" / "results" / f"compare-{Path(script[0]).stem}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"before": args.before, "script": script, "repeats": args.repeats,
                               "rows": rows, "runs": sides}, indent=2))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
