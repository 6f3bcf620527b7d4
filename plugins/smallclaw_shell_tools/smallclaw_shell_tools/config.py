"""The ``[shell]`` configuration section: command policy, allow-list, limits."""

from __future__ import annotations

from typing import Literal

import attrs

POLICIES = ("allow", "ask", "open")
Policy = Literal["allow", "ask", "open"]

#: Programs that run without asking under the default ``ask`` policy. Each only reads
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
    """``[shell]``: how ``run_shell`` and ``command_succeeds`` checks decide what may run.

    ``policy``: ``allow`` runs only allow-listed programs and refuses the rest; ``ask``
    (the default) runs allow-listed programs and pauses the task to ask the user about
    anything else; ``open`` runs every command (trusted setups only).
    """

    policy: Policy = "ask"
    #: programs that may run without asking (bare names, looked up on PATH)
    allow: list[str] = attrs.field(factory=lambda: list(DEFAULT_ALLOW))
    #: seconds a command may run before it and everything it started are stopped
    timeout: float = 60.0
    #: characters of command output kept (head and tail), the rest is cut with a note
    output_limit: int = 8000
    #: extra environment variable names passed to commands (secret-looking names never are)
    env: list[str] = attrs.field(factory=list)


def shell_config(app) -> ShellConfig:
    """The ``[shell]`` section of ``app``, or the defaults when there is no app (tests, tools run alone)."""
    if app is None:
        return ShellConfig()
    try:
        return app.config.section("shell")
    except (AttributeError, KeyError):
        return ShellConfig()
