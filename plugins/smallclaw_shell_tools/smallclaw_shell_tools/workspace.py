"""Confinement: every path a tool touches is resolved inside the task's workspace.

A path is refused when it leaves the workspace by any route: ``..``, an absolute path
elsewhere, ``~``, a symlink pointing outside (followed to its real target), or a
magic link such as ``/proc/self/root``. Paths are resolved with ``os.path.realpath``,
so what is checked is the file that would actually be opened.
"""

from __future__ import annotations

import os
from pathlib import Path

from smallclaw_core import ToolError

RULE = ("paths are relative to the task's workspace; '..', '~', absolute paths elsewhere "
        "and symlinks leading out of it are not allowed")


class OutsideWorkspace(ToolError):
    """A path that would leave the workspace."""

    def __init__(self, path: str):
        self.path = path
        super().__init__(f"{path!r} is outside the workspace: {RULE}")


def inside(workspace: Path, path: str | os.PathLike[str]) -> Path:
    """Resolve ``path`` against ``workspace``; raise ``OutsideWorkspace`` when it escapes."""
    text = os.fspath(path)
    if "\x00" in text:
        raise ToolError("a path cannot contain a NUL character")
    root = Path(os.path.realpath(workspace))
    if text.startswith("~"):
        raise OutsideWorkspace(text)
    candidate = Path(text) if os.path.isabs(text) else root / text
    resolved = Path(os.path.realpath(candidate))
    if resolved != root and not resolved.is_relative_to(root):
        raise OutsideWorkspace(text)
    return resolved


def is_inside(workspace: Path, path: str) -> bool:
    """True when ``path`` stays inside ``workspace`` (see ``inside``)."""
    try:
        inside(workspace, path)
    except ToolError:
        return False
    return True


def shown(workspace: Path, path: Path) -> str:
    """A resolved path as the model should see it: relative to the workspace."""
    root = Path(os.path.realpath(workspace))
    try:
        rel = path.relative_to(root)
    except ValueError:
        return str(path)
    return str(rel) if str(rel) != "." else "."
