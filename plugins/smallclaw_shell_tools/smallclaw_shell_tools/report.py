"""The shell mode as ``smallclaw doctor`` and the board show it."""

from __future__ import annotations

import math
from pathlib import Path

from smallclaw_core import DoctorCheck, ToolError

from . import confinement, sandbox
from .config import ShellConfig, shell_config
from .confinement import ShellMode, confinement_for, protected_places, readable_paths, shell_mode


def shell_status(app) -> dict[str, object]:
    """The mode in force and the limits, for ``GET /api/shell``."""
    config = shell_config(app)
    mode = shell_mode(config)
    cpu = config.cpu_limit if config.cpu_limit > 0 else config.timeout
    namespaces, _, why = confinement.kernel_namespaces()
    return {**mode.as_dict(), "memory_limit_mib": config.memory_limit, "cpu_limit_seconds": math.ceil(cpu),
            "timeout": config.timeout, "namespaces": namespaces, "namespaces_missing": why,
            "not_protected": not_protected(mode, config)}


def not_protected(mode: ShellMode, config: ShellConfig) -> str:
    """What the mode in force does not protect against, in one line."""
    if not mode.confined and mode.policy == "open":
        return ("anything your user can do: without Landlock, commands run unread and unconfined, reading and "
                "writing every file you can (the home directory, the data directory with the gateway token, "
                "other tasks' workspaces); only the namespaces, the limits and the dropped capabilities apply")
    if not mode.confined:
        return ("without Landlock, a command you approve (or an allow-listed one) runs as your user: it reads and "
                "writes every file you can (the home directory, the data directory with the gateway token, other "
                "tasks' workspaces). The command reading is a guard against a misled model, not a sandbox: it "
                "refuses what it cannot read with certainty (line continuations, comments, $( ), backticks, "
                "variables, date -s), and only allow-listed programs run unasked")
    gaps = ["metadata of files outside the workspace (stat; chmod and touch of files your user owns)",
            "the CPU and memory of a group of processes (the limits are per process; the timeout ends it)",
            "bugs in the kernel itself"]
    if config.network:
        gaps.insert(0, "the network (network = true: commands reach the internet and local services)")
    return "; ".join(gaps)


def doctor_checks(app) -> list[DoctorCheck]:
    """What doctor says about ``run_shell``: Landlock, the mode in force, what commands may read, the limits."""
    config = shell_config(app)
    mode = shell_mode(config)
    checks: list[DoctorCheck] = []
    if mode.confined:
        checks.append(DoctorCheck("Landlock", True, f"ABI {mode.landlock}"))
    else:
        fallback = "sandbox works as ask" if config.policy == "sandbox" else "commands run unconfined"
        checks.append(DoctorCheck(
            "Landlock", False, f"not available: {mode.missing}; {fallback}", warning=True,
            fix="run on Linux 5.13 or later with Landlock enabled (most distributions' kernels have it)"))
    checks.append(DoctorCheck("shell mode", True, mode.describe()))
    checks.extend(_isolation_checks(mode, config))
    checks.append(DoctorCheck("not protected against", mode.confined, not_protected(mode, config),
                              warning=not mode.confined,
                              fix="" if mode.confined else "run on a kernel with Landlock (Linux 5.13 or later)"))
    if not mode.confined:
        return checks
    workspace = Path(app.workspace_root) / "task" if hasattr(app, "workspace_root") else Path.cwd() / "workspace"
    try:
        confinement_for(config, workspace, app, mode)
    except ToolError as exc:
        checks.append(DoctorCheck("workspace", False, str(exc), fix="set [workspace] root"))
    places = protected_places(app, workspace)
    readable, left_out = readable_paths(config, places)
    etc = [p for p in readable if p.startswith("/etc/")]
    shown = [p for p in readable if not p.startswith("/etc/")] + ([f"{len(etc)} entries of /etc"] if etc else [])
    checks.append(DoctorCheck("commands may read", True, ", ".join(shown)))
    for entry in left_out:
        checks.append(DoctorCheck("left out of the sandbox", False, entry, warning=True,
                                  fix="list a narrower directory in [shell] read_only"))
    cpu = config.cpu_limit if config.cpu_limit > 0 else config.timeout
    memory = f"{config.memory_limit} MiB of address space" if config.memory_limit else "no memory limit"
    checks.append(DoctorCheck("limits per process", True, f"{memory}, {math.ceil(cpu)} s of CPU"))
    return checks


def _isolation_checks(mode: ShellMode, config: ShellConfig) -> list[DoctorCheck]:
    """What keeps a command's processes together, and its network shut, on this kernel."""
    namespaces, user, why = confinement.kernel_namespaces()
    checks = []
    if namespaces:
        how = " (in a user namespace: SmallClaw has no privilege to make them otherwise)" if user else ""
        checks.append(DoctorCheck("processes", True, f"each command runs in a PID namespace of its own{how}: "
                                                     "nothing it starts outlives it"))
    else:
        checks.append(DoctorCheck(
            "processes", False, f"no PID namespaces ({why}): the launcher stops what a command leaves by walking "
            "/proc, and says when something could not be stopped", warning=True,
            fix="allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1, or "
                "user.max_user_namespaces above 0)"))
    if config.network:
        return checks
    filtered = sandbox.socket_filter_supported()
    parts = ["an empty network namespace (no route; its loopback is down)" if namespaces else None,
             "seccomp refuses listening, accepting and sockets other than TCP" if filtered else None,
             f"Landlock (ABI {mode.landlock}) refuses TCP bind and connect" if mode.landlock >= 4 else None]
    held = [p for p in parts if p]
    if not namespaces and mode.landlock < 4 and filtered:
        held.append("and every TCP socket")
    complete = namespaces or filtered
    checks.append(DoctorCheck("network", complete, "network = false: " + "; ".join(held or ["nothing enforces it"]),
                              warning=not complete))
    return checks
