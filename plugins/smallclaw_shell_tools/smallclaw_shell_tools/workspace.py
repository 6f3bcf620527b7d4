"""Confinement: every path a tool or a check touches is resolved inside the task's workspace.

The file tools and the checks open files through ``smallclaw_core.Workspace`` (``workspace_files``):
no symlink is followed anywhere on the way, only regular files are opened (a FIFO
or a device is refused at once), and reads stop at ``[shell] max_read_bytes``.
``refused`` turns what it refuses into the sentences the model reads.

``inside`` answers a different question, for the command policy: where would a shell
end up with this path (``os.path.realpath``, links followed)? A command follows links,
and the kernel (Landlock) confines what it reaches; nothing is opened here.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from smallclaw_core import OutsideWorkspace as Outside
from smallclaw_core import ThroughLink, TooLarge, ToolError, Workspace, WorkspaceError

from .config import shell_config

RULE = ("paths are relative to the task's workspace; '..', '~', absolute paths elsewhere "
        "and symlinks leading out of it are not allowed")


class OutsideWorkspace(ToolError):
    """A path that would leave the workspace (or goes through a symlink, which could)."""

    def __init__(self, path: str, why: str = "is outside the workspace"):
        self.path = path
        super().__init__(f"{path!r} {why}: {RULE}")


def workspace_files(workspace: Path, app: Any = None) -> Workspace:
    """The workspace as the tools and checks open it, reads capped at ``[shell] max_read_bytes``."""
    return Workspace(workspace, max_read=shell_config(app).max_read_bytes)


def refused(path: str, exc: OSError, *, missing: str = "use list_files to see what exists",
            large: str = "", doing: str = "read") -> ToolError:
    """What a refused or failed file access says to the model (``path`` as the model gave it)."""
    if "\x00" in path:
        return ToolError("a path cannot contain a NUL character")
    if isinstance(exc, Outside):
        return OutsideWorkspace(path)
    if isinstance(exc, ThroughLink):
        return OutsideWorkspace(path, "is or goes through a symbolic link, which the file tools do not follow "
                                      "(it could lead outside the workspace); name the file itself")
    if isinstance(exc, TooLarge):
        return ToolError(f"{path!r} is {exc.size:,} bytes, more than the {exc.limit:,} read at once{large}")
    if isinstance(exc, WorkspaceError):  # a FIFO, a socket, a device, a NUL in the name
        return ToolError(str(exc))
    if isinstance(exc, FileNotFoundError):
        return ToolError(f"no file {path!r} in the workspace; {missing}")
    if isinstance(exc, IsADirectoryError):
        return ToolError(f"{path!r} is a directory; use list_files")
    return ToolError(f"cannot {doing} {path!r}: {exc.strerror or exc}")


def inside(workspace: Path, path: str | os.PathLike[str]) -> Path:
    """Where ``path`` leads from ``workspace``, links followed; ``OutsideWorkspace`` when it escapes.

    For reading a command before it runs, never for opening a file (use ``workspace_files``).
    """
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
