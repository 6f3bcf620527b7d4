"""SmallClaw plugin: shell and file tools confined to the task's workspace, and evidence checks.

Contributes the tools ``run_shell``, ``read_file``, ``write_file``, ``edit_file``,
``list_files`` and ``search_files``, the ``[shell]`` configuration section (the
command policy and the sandbox), the check kinds (``file_exists``, ``file_equals_output``...)
with the ``checks`` step verifier that runs them, the rules that derive checks from a
step's words (``derivers.py``), a ``shell`` check for
``smallclaw doctor`` and ``GET /api/shell`` (the mode in force, for the board).
Imports stay light: only the standard library and ``smallclaw_core``.
"""

from __future__ import annotations

from smallclaw_core import hookimpl

from .checks import EvidenceChecks
from .config import ShellConfig
from .derivers import DERIVERS
from .kinds import KINDS
from .report import doctor_checks, shell_status
from .tools import TOOLS


@hookimpl
def register_config_sections(register):
    register("shell", ShellConfig)


@hookimpl
def register_tools(register):
    for t in TOOLS:
        register(t)


@hookimpl
def register_verifiers(register):
    register(EvidenceChecks())


@hookimpl
def register_check_kinds(register):
    for kind in KINDS:
        register(kind)


@hookimpl
def register_check_derivers(register):
    for d in DERIVERS:
        register(d)


@hookimpl
def register_doctor_checks(register):
    register("shell", doctor_checks)


@hookimpl
def register_routes(register, app):
    from litestar import get  # heavy imports inside the hook

    @get("/api/shell", sync_to_thread=False, summary="How commands run: the shell mode in force, Landlock, limits")
    def shell() -> dict:
        return shell_status(app)

    register(shell)
