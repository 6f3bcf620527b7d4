"""Fixtures for the shell tools' tests: a workspace, a place outside it, tool contexts."""

from __future__ import annotations

import types
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
