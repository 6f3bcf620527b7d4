"""The shell mode as ``smallclaw doctor`` and the board show it."""

from __future__ import annotations

import math
from pathlib import Path

from smallclaw_core import DoctorCheck, ToolError

from . import sandbox
from .config import shell_config
from .confinement import confinement_for, protected_places, readable_paths, shell_mode


def shell_status(app) -> dict[str, object]:
    """The mode in force and the limits, for ``GET /api/shell``."""
    config = shell_config(app)
    mode = shell_mode(config)
    cpu = config.cpu_limit if config.cpu_limit > 0 else config.timeout
    return {**mode.as_dict(), "memory_limit_mib": config.memory_limit, "cpu_limit_seconds": math.ceil(cpu),
            "timeout": config.timeout}


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
    if not mode.confined:
        return checks
    if not config.network:
        if mode.landlock < 4:
            checks.append(DoctorCheck("network", False, f"Landlock ABI {mode.landlock} cannot deny TCP (ABI 4 can)",
                                      warning=True))
        if not sandbox.socket_filter_supported():
            checks.append(DoctorCheck("network", False, "sockets other than TCP are not filtered on this "
                                                        "architecture", warning=True))
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
