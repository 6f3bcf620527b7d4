"""SmallClaw plugin: shell and file tools confined to the task's workspace, and evidence checks.

Contributes the tools ``run_shell``, ``read_file``, ``write_file``, ``edit_file``,
``list_files`` and ``search_files``, the ``[shell]`` configuration section (the
command policy) and the ``checks`` step verifier. Imports stay light: only the
standard library and ``smallclaw_core``.
"""

from __future__ import annotations

from smallclaw_core import hookimpl

from .checks import EvidenceChecks
from .config import ShellConfig
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
