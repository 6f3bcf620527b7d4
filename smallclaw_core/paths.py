"""Where SmallClaw keeps things: the data directory, the user's data and cache directories.

The data directory is found the way git finds a repository:

1. ``--home`` on the command line, else ``$SMALLCLAW_HOME``;
2. else the nearest ``.localclaw`` directory in the current folder or one of its parents
   (a project-local data directory, made by ``smallclaw init --here``);
3. else the user's data directory, by the platform's convention:
   ``$XDG_DATA_HOME/smallclaw`` or ``~/.local/share/smallclaw`` on Linux,
   ``~/Library/Application Support/smallclaw`` on macOS, ``%LOCALAPPDATA%\\smallclaw`` on Windows.

Finding it creates nothing: a command that only reads leaves the disk as it was.
"""

from __future__ import annotations

import os
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
