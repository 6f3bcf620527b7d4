"""Fixtures for the shell tools' tests: a workspace, a place outside it, tool contexts."""

from __future__ import annotations

import os
import signal
import time
import types
import uuid
from pathlib import Path

import pytest

from smallclaw_core import ToolContext
from smallclaw_shell_tools.config import ShellConfig

SECRET = "SECRET-KEY-MATERIAL-0451"


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    path = tmp_path / "workspace"
    path.mkdir()
    return path


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A directory beside the workspace holding a secret the tools must never reach."""
    path = tmp_path / "home"
    (path / ".ssh").mkdir(parents=True)
    (path / ".ssh" / "id_rsa").write_text(SECRET + "\n")
    return path


def stand_in_app(**shell: object) -> types.SimpleNamespace:
    """A stand-in for the app that only answers ``config.section("shell")``."""
    config = ShellConfig(**shell)
    return types.SimpleNamespace(config=types.SimpleNamespace(section=lambda name: config))


def _context(workspace: Path, approvals: tuple[str, ...] = (), **shell: object) -> ToolContext:
    return ToolContext(workspace=workspace, task_id="t1", app=stand_in_app(**shell),
                       approvals=frozenset(approvals))


@pytest.fixture
def context():
    """Builds a ToolContext: ``context(workspace, approvals=(...), policy="allow", ...)``."""
    return _context


@pytest.fixture
def secret() -> str:
    return SECRET


@pytest.fixture
def stand_in():
    """Builds a stand-in app with a given ``[shell]`` section: ``stand_in(policy="allow")``."""
    return stand_in_app


@pytest.fixture
def without_landlock(monkeypatch):
    """The Landlock probe reports no support, as on a kernel without it: commands run unconfined."""
    from smallclaw_shell_tools import confinement

    monkeypatch.setattr(confinement, "kernel_landlock", lambda: (0, "the probe reports no Landlock support"))


@pytest.fixture
def without_namespaces(monkeypatch):
    """The namespace probe reports none, as where the kernel refuses them: the launcher walks the process tree."""
    from smallclaw_shell_tools import confinement

    monkeypatch.setattr(confinement, "kernel_namespaces", lambda: (False, False, "the probe reports no namespaces"))


class Marked:
    """A word put in the command line of every process a test starts, and a ``ps``-style look for them in /proc."""

    def __init__(self, word: str):
        self.word = word

    def alive(self) -> list[int]:
        """Pids of processes with a live thread whose command line holds the word.

        A process whose main thread has ended shows as a zombie with an empty command
        line; its other threads still have both, so every thread is looked at.
        """
        found = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                tasks = os.listdir(f"/proc/{pid}/task")
            except OSError:
                continue
            for tid in tasks:
                try:
                    with open(f"/proc/{pid}/task/{tid}/cmdline", "rb") as fh:
                        cmdline = fh.read()
                    with open(f"/proc/{pid}/task/{tid}/stat", "rb") as fh:
                        state = fh.read().rsplit(b")", 1)[1].split()[0]
                except (OSError, IndexError):
                    continue
                if self.word.encode() in cmdline and state not in (b"Z", b"X"):
                    found.append(int(pid))
                    break
        return found

    def survivors(self, seconds: float = 1.0) -> list[int]:
        """What still runs once ``seconds`` have passed (a dying process may take a moment)."""
        deadline = time.monotonic() + seconds
        while (left := self.alive()) and time.monotonic() < deadline:
            time.sleep(0.05)
        return left


@pytest.fixture
def marked():
    """A ``Marked`` word for the processes a test starts; whatever still has it at the end is killed by pid."""
    found = Marked(f"marked-{uuid.uuid4().hex[:12]}")
    yield found
    for pid in found.alive():
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
