"""Where SmallClaw keeps things: the data directory, the user's data and cache directories.

The data directory is found the way git finds a repository:

1. ``--home`` on the command line, else ``$SMALLCLAW_HOME``;
2. else the nearest ``.localclaw`` directory in the current folder or one of its parents
   (a project-local data directory, made by ``smallclaw init --here``);
3. else the user's data directory, by the platform's convention:
   ``$XDG_DATA_HOME/smallclaw`` or ``~/.local/share/smallclaw`` on Linux,
   ``~/Library/Application Support/smallclaw`` on macOS, ``%LOCALAPPDATA%\\smallclaw`` on Windows.

Finding it creates nothing: a command that only reads leaves the disk as it was. What is
created there is this user's only: folders 0700, files 0600 (``private_dir``), and a data
directory found open to other users is made private at start (``tighten``). A file is
replaced whole (``atomic_write``): readers and a crash see the old bytes or the new, never a mix.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sys
from pathlib import Path
from typing import Mapping

APP_NAME = "smallclaw"
#: the name of a project-local data directory
PROJECT_DIR = ".localclaw"
HOME_VARIABLE = "SMALLCLAW_HOME"


def data_dir(explicit: str | os.PathLike[str] | None = None, *, cwd: Path | None = None,
             environ: Mapping[str, str] | None = None) -> Path:
    """The data directory: explicit, else ``$SMALLCLAW_HOME``, else the nearest ``.localclaw``,
    else the user's data directory."""
    env = os.environ if environ is None else environ
    chosen = explicit or env.get(HOME_VARIABLE)
    if chosen:
        return Path(chosen).expanduser().resolve()
    found = find_project_dir(cwd or Path.cwd())
    return found if found is not None else user_data_dir(env)


def find_project_dir(start: Path) -> Path | None:
    """The nearest ``.localclaw`` directory in ``start`` or one of its parents."""
    here = Path(start).resolve()
    for folder in (here, *here.parents):
        candidate = folder / PROJECT_DIR
        if candidate.is_dir():
            return candidate
    return None


def is_project_dir(home: Path) -> bool:
    """A project-local data directory: its workspace lives beside it, in the project folder."""
    return Path(home).name == PROJECT_DIR


def user_data_dir(environ: Mapping[str, str] | None = None, platform: str | None = None) -> Path:
    """The platform's place for this user's application data, for SmallClaw."""
    return _user_dir("data", os.environ if environ is None else environ, platform or sys.platform)


def user_cache_dir(environ: Mapping[str, str] | None = None, platform: str | None = None) -> Path:
    """The platform's place for this user's caches (downloaded models), for SmallClaw."""
    return _user_dir("cache", os.environ if environ is None else environ, platform or sys.platform)


def _user_dir(kind: str, env: Mapping[str, str], platform: str) -> Path:
    home = Path(env.get("HOME") or Path.home())
    if platform.startswith("win"):
        base = Path(env.get("LOCALAPPDATA") or home / "AppData" / "Local") / APP_NAME
        return base / "Cache" if kind == "cache" else base
    if platform == "darwin":
        folder = "Caches" if kind == "cache" else "Application Support"
        return home / "Library" / folder / APP_NAME
    variable, fallback = ("XDG_CACHE_HOME", ".cache") if kind == "cache" else ("XDG_DATA_HOME", ".local/share")
    # the XDG specification says a relative path in these variables is to be ignored
    value = env.get(variable, "")
    base = Path(value) if value and os.path.isabs(value) else home / fallback
    return base / APP_NAME


# --- keeping it private -----------------------------------------------------------------

#: the data directory holds every goal, journal, chat and the gateway's token: this user's only
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """Make ``path`` and any missing parent readable by this user only (0700), as the XDG base
    directory specification asks; folders that already exist are left as they are."""
    path = Path(path)
    missing = []
    for folder in (path, *path.parents):
        if folder.is_dir():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            os.mkdir(folder, PRIVATE_DIR_MODE)
        except FileExistsError:
            if not folder.is_dir():
                raise
    return path


def tighten(home: Path) -> str | None:
    """Make an existing data directory that other users can read private again.

    Returns the one-line notice to show, or ``None`` when there was nothing to do.
    """
    try:
        mode = os.stat(home).st_mode & 0o777
    except OSError:
        return None  # not made yet: it will be made private
    if not mode & 0o077 or sys.platform.startswith("win"):
        return None
    try:
        os.chmod(home, PRIVATE_DIR_MODE)
    except OSError as exc:
        return (f"the data directory {home} is open to other users (mode {mode:o}) and could not be made "
                f"private ({exc.strerror or exc}); run: chmod 700 {home}")
    return f"the data directory {home} was open to other users (mode {mode:o}); it is now private (700)"


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Replace ``path`` with ``data`` so that readers see the old or the new bytes, never a mix."""
    tmp = path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    if durable:
        fsync_dir(path.parent)
