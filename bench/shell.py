"""What a shell command costs: the time of ``run_shell true``, as a task calls it, beside a bare ``/bin/sh``.

``true`` does nothing, so what is measured is SmallClaw's own cost per command: the
policy, the launcher (Python startup, namespaces, Landlock, seccomp), the report, the
temporary directory. Each variant runs ``--runs`` times, the variants interleaved so a
noisy neighbour hurts them alike; medians are reported: wall time, and the CPU time of
the processes each call started (launcher, init, shell), which a loaded machine changes
less than the wall time.

    python bench/shell.py [--runs 60]
    python bench/compare.py --before main -- bench/shell.py

Variants: the default ``[shell]`` (``sandbox``: Landlock where the kernel has it, no
network), the same with ``network = true``, ``run_command`` with no confinement at all
(the launcher alone), and ``/bin/sh -c true`` started the same way without the launcher.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from smallclaw_core import ToolContext
from smallclaw_core.app import App
from smallclaw_shell_tools.confinement import kernel_landlock
from smallclaw_shell_tools.shell import run_command
from smallclaw_shell_tools.tools import run_shell


async def bare_sh(workspace: Path) -> None:
    process = await asyncio.create_subprocess_exec("/bin/sh", "-c", "true", cwd=str(workspace),
                                                   stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    await process.communicate()


async def measure(runs: int, warmup: int) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory(prefix="smallclaw-bench-shell-") as tmp:
        home = Path(tmp) / ".localclaw"
        apps = {
            "sandbox": App.load(home, only=["shell_tools"],
                                overrides={"workspace": {"root": f"{tmp}/workspaces"}, "store": {"durable": False}}),
            "network": App.load(home, only=["shell_tools"],
                                overrides={"workspace": {"root": f"{tmp}/workspaces"}, "store": {"durable": False},
                                           "shell": {"network": True}}),
        }
        contexts = {name: ToolContext(workspace=app.workspace_for("bench"), task_id="bench", app=app)
                    for name, app in apps.items()}
        workspace = contexts["sandbox"].workspace

        async def one(variant: str) -> None:
            if variant in contexts:
                result = await run_shell.call({"command": "true"}, contexts[variant])
                assert result.startswith("exit code 0"), result
            elif variant == "launcher":
                result = await run_command("true", workspace)
                assert result.exit_code == 0, result.render()
            else:
                await bare_sh(workspace)

        variants = ["sandbox", "network", "launcher", "bare_sh"]
        times: dict[str, list[float]] = {v: [] for v in variants}
        for n in range(warmup + runs):
            for variant in variants:
                cpu = _children_cpu()
                started = time.perf_counter()
                await one(variant)
                if n >= warmup:
                    times[variant].append(time.perf_counter() - started)
                    times.setdefault(f"{variant}_cpu", []).append(_children_cpu() - cpu)
        return times


def _children_cpu() -> float:
    """CPU seconds (user and system) of this process's ended children, their own children included."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--out", type=Path, help="write the JSON here (default: bench/results/shell-<time>.json)")
    args = parser.parse_args()
    times = asyncio.run(measure(args.runs, args.warmup))
    result = {"runs": args.runs, "landlock_abi": kernel_landlock()[0]}
    for variant, values in times.items():
        if variant.endswith("_cpu"):
            result[f"{variant[:-4]}_true_cpu_ms_median"] = round(statistics.median(values) * 1000, 2)
            continue
        result[f"{variant}_true_ms_median"] = round(statistics.median(values) * 1000, 2)
        result[f"{variant}_true_ms_p90"] = round(sorted(values)[int(len(values) * 0.9)] * 1000, 2)
    for variant, what in (("sandbox", "run_shell true, default [shell] (sandbox, no network)"),
                          ("network", "run_shell true, network = true"),
                          ("launcher", "run_command true, no confinement (the launcher alone)"),
                          ("bare_sh", "/bin/sh -c true, no launcher")):
        print(f"{what:55} {result[f'{variant}_true_ms_median']:7.2f} ms median (p90 "
              f"{result[f'{variant}_true_ms_p90']:.2f}), CPU {result[f'{variant}_true_cpu_ms_median']:.2f} ms")
    out = args.out or Path(__file__).parent / "results" / f"shell-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
