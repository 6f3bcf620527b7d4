"""What the workspace shows: which files a step changed, how they begin, and whether they still parse.

Verification trusts these facts over anything a model says. A file's structure is
checked by its extension (JSON, TOML, Python, and YAML when PyYAML is installed),
so a step that breaks a config file it was only meant to edit fails on that alone.
Every scan is bounded (file count and size), so a huge workspace costs little.
"""

from __future__ import annotations

import ast
import json
import os
import tomllib
from pathlib import Path

import attrs

#: files looked at in one scan
SCAN_LIMIT = 2000
#: files larger than this are not parsed
PARSE_BYTES = 1_000_000
#: directories never scanned
SKIP_DIRS = frozenset({".git", "node_modules", "__pycache__", ".venv", "venv", ".mypy_cache", ".pytest_cache"})

STRUCTURED = {".json": "JSON", ".toml": "TOML", ".py": "Python", ".yaml": "YAML", ".yml": "YAML"}


def _walk(workspace: Path):
    count = 0
    for root, dirs, files in os.walk(workspace):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            count += 1
            if count > SCAN_LIMIT:
                return
            yield Path(root) / name


def changed_since(workspace: Path, since: float | None) -> list[str]:
    """Files (relative paths) modified at or after ``since``, newest first."""
    if since is None or not workspace.is_dir():
        return []
    found = []
    for path in _walk(workspace):
        try:
            st = path.lstat()
        except OSError:
            continue
        if st.st_mtime >= since - 0.001 and not path.is_symlink():
            found.append((st.st_mtime, str(path.relative_to(workspace))))
    return [name for _, name in sorted(found, reverse=True)]


def head(workspace: Path, name: str, lines: int = 6, chars: int = 400) -> str:
    """The first lines of a workspace file, as a verifier should see it."""
    path = workspace / name
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            data = fh.read(chars + 1)
    except OSError as exc:
        return f"{name}: cannot be read ({exc.strerror})"
    if b"\x00" in data:
        return f"{name} ({size} bytes): a binary file"
    text = data[:chars].decode("utf-8", "replace")
    kept = text.splitlines()[:lines]
    more = " ..." if size > chars or len(text.splitlines()) > lines else ""
    body = "\n".join(f"  | {line}" for line in kept) or "  | (empty)"
    return f"{name} ({size} bytes):\n{body}{more}"


def parse_error(path: Path) -> str | None:
    """Why a structured file does not parse, or None (also for files of no known structure)."""
    kind = STRUCTURED.get(path.suffix.lower())
    if kind is None:
        return None
    try:
        if path.stat().st_size > PARSE_BYTES:
            return None
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return f"cannot be read as text: {exc}"
    try:
        if kind == "JSON":
            json.loads(text)
        elif kind == "TOML":
            tomllib.loads(text)
        elif kind == "Python":
            ast.parse(text, filename=path.name)
        else:
            try:
                import yaml  # PyYAML, when the user has it
            except ImportError:
                return None
            yaml.safe_load(text)
    except Exception as exc:  # each parser has its own error type
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"is not valid {kind} any more: {first}"
    return None


#: files up to this size are kept when a round starts, so a step that breaks one can be undone
KEEP_BYTES = 256 * 1024


@attrs.define
class StructureState:
    """The workspace when a round started: which structured files parsed (size and time, to skip
    re-parsing), and a copy of the small ones and of the step's inputs, to put back what a step broke."""

    valid: dict[str, tuple[int, int]] = attrs.field(factory=dict)
    saved: dict[str, bytes] = attrs.field(factory=dict)

    @classmethod
    def of(cls, workspace: Path, keep: list[str] = ()) -> "StructureState":
        state = cls()
        if not workspace.is_dir():
            return state
        for path in _walk(workspace):
            if path.suffix.lower() not in STRUCTURED or path.is_symlink():
                continue
            try:
                st = path.stat()
            except OSError:
                continue
            if parse_error(path) is None:
                name = str(path.relative_to(workspace))
                state.valid[name] = (st.st_size, st.st_mtime_ns)
                state._keep(workspace, name)
        for name in keep:
            state._keep(workspace, name)
        return state

    def _keep(self, workspace: Path, name: str) -> None:
        path = workspace / name
        try:
            if not path.is_symlink() and path.is_file() and path.stat().st_size <= KEEP_BYTES:
                self.saved[name] = path.read_bytes()
        except OSError:
            pass

    def changed(self, workspace: Path, names: list[str]) -> list[str]:
        """Of ``names`` (kept when the round started), those whose bytes are not what they were."""
        out = []
        for name in names:
            try:
                if name in self.saved and (workspace / name).read_bytes() != self.saved[name]:
                    out.append(name)
            except OSError:
                out.append(name)
        return out

    def restore(self, workspace: Path, names: list[str]) -> list[str]:
        """Put ``names`` back as they were when the round started; returns those put back."""
        import os
        import tempfile

        done = []
        for name in names:
            if name not in self.saved:
                continue
            path = workspace / name
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".restore-")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(self.saved[name])
                os.replace(tmp, path)
                done.append(name)
            except OSError:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
        return done

    def broken_since(self, workspace: Path) -> list[tuple[str, str]]:
        """Files that parsed then and do not now: (name, why)."""
        broken = []
        for name, (size, mtime) in self.valid.items():
            path = workspace / name
            try:
                st = path.stat()
            except OSError:
                continue  # deleted: not a structure problem
            if (st.st_size, st.st_mtime_ns) == (size, mtime):
                continue
            why = parse_error(path)
            if why:
                broken.append((name, why))
        return broken
