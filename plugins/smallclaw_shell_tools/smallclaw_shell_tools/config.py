"""The ``[shell]`` configuration section: command policy, allow-list, limits."""

from __future__ import annotations

from typing import Literal

import attrs

from smallclaw_core import above, at_least

POLICIES = ("sandbox", "allow", "ask", "open")
Policy = Literal["sandbox", "allow", "ask", "open"]

#: Programs that run without asking under the ``allow`` and ``ask`` policies. Each only reads
#: or writes the paths it is given (and paths are checked against the workspace).
#: Interpreters (python, sh), program launchers (env, xargs, timeout) and programs
#: with a built-in way to run commands (sed's ``e``, awk's ``system()``) are left out
#: on purpose: allowing one of them lets the model run anything it writes.
DEFAULT_ALLOW = [
    "ls", "cat", "echo", "printf", "grep", "wc", "head", "tail", "sort", "uniq", "cut", "tr",
    "diff", "cmp", "date", "true", "false", "pwd", "mkdir", "touch", "cp", "mv", "find",
    "basename", "dirname", "stat", "du", "seq", "nl", "tee",
]


@attrs.define
class ShellConfig:
    """``[shell]``: how ``run_shell`` and ``command_succeeds`` checks decide what may run, and where.

    ``policy``: ``sandbox`` (the default) runs every command without asking, confined
    by the kernel (Landlock) to the workspace, and falls back to ``ask`` where the
    kernel has no Landlock; ``allow`` runs only allow-listed programs and refuses the
    rest; ``ask`` runs allow-listed programs and pauses the task to ask the user about
    anything else; ``open`` runs every command without reading it. Where Landlock is
    available, commands are confined under every policy.
    """

    policy: Policy = "sandbox"
    #: programs that may run without asking (bare names, looked up on PATH)
    allow: list[str] = attrs.field(factory=lambda: list(DEFAULT_ALLOW))
    #: seconds a command may run before it and everything it started are stopped
    timeout: float = attrs.field(default=60.0, validator=above(0))
    #: characters of command output kept (head and tail), the rest is cut with a note
    output_limit: int = attrs.field(default=8000, validator=at_least(100))
    #: extra environment variable names passed to commands (secret-looking names never are)
    env: list[str] = attrs.field(factory=list)
    #: let confined commands open TCP connections, listen, and use other sockets
    network: bool = False
    #: more directories confined commands may read and run programs from (``~`` is expanded)
    read_only: list[str] = attrs.field(factory=list)
    #: MiB of address space a command's process may map (RLIMIT_AS); 0: no limit
    memory_limit: int = attrs.field(default=4096, validator=at_least(0))
    #: seconds of CPU time a command's process may use (RLIMIT_CPU); 0: the timeout
    cpu_limit: float = attrs.field(default=0.0, validator=at_least(0))
    #: bytes the file tools and the checks read of one file at most; a bigger file is refused, not read
    max_read_bytes: int = attrs.field(default=16 * 2**20, validator=at_least(1))


def shell_config(app) -> ShellConfig:
    """The ``[shell]`` section of ``app``, or the defaults when there is no app (tests, tools run alone)."""
    if app is None:
        return ShellConfig()
    try:
        return app.config.section("shell")
    except (AttributeError, KeyError):
        return ShellConfig()
