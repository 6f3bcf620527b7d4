"""The tools: run_shell and the file tools, every path confined to the task's workspace.

Docstrings are short on purpose: they are what a small model reads, in a small window.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from smallclaw_core import ToolContext, ToolError, ToolFailure, tool

from .config import shell_config
from .confinement import confinement_for, shell_mode
from .policy import enforce
from .shell import run_command
from .workspace import RULE, inside, shown

#: lines read_file returns at once
READ_LINES = 200
#: entries list_files returns at once
LIST_LIMIT = 200
#: matches search_files returns at once
SEARCH_LIMIT = 50
#: files larger than this are not searched
SEARCH_FILE_BYTES = 2_000_000


def _workspace(ctx: ToolContext) -> Path:
    workspace = Path(ctx.workspace)
    workspace.mkdir(parents=True, exist_ok=True)
    return workspace


def _read_text(path: Path, shown_as: str, creating_hint: bool = False) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        hint = "to create it, use write_file" if creating_hint else "use list_files to see what exists"
        raise ToolError(f"no file {shown_as!r} in the workspace; {hint}") from None
    except IsADirectoryError:
        raise ToolError(f"{shown_as!r} is a directory; use list_files") from None
    except OSError as exc:
        raise ToolError(f"cannot read {shown_as!r}: {exc.strerror}") from None
    if b"\x00" in data[:8192]:
        raise ToolError(f"{shown_as!r} is a binary file; only text files can be read")
    return data.decode("utf-8", errors="replace")


def _write_text(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_NOFOLLOW: the checked path must be the one written, even if a symlink appears meanwhile
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(content)


@tool(side_effects=True)
async def run_shell(command: str, ctx: ToolContext) -> str:
    """Run a shell command in the workspace; returns exit code and output.

    Args:
        command: the command line, e.g. "ls -la"
    """
    workspace = _workspace(ctx)
    config = shell_config(ctx.app)
    mode = shell_mode(config)
    confinement = confinement_for(config, workspace, ctx.app, mode)
    enforce(command, config, workspace, ctx.approvals, mode=mode, confinement=confinement)
    result = await run_command(command, workspace, timeout=config.timeout, output_limit=config.output_limit,
                               env_names=config.env, confinement=confinement)
    if result.timed_out:
        raise ToolError(result.render() + f"\n(the limit is {config.timeout:g} s; try a quicker command)")
    # a command that exits non-zero failed: the model reads its output, verification knows
    return ToolFailure(result.render()) if result.failed else result.render()


@tool
def read_file(path: str, ctx: ToolContext, start_line: int = 1) -> str:
    """Read a text file in the workspace.

    Args:
        path: relative to the workspace
        start_line: first line to show
    """
    target = inside(_workspace(ctx), path)
    lines = _read_text(target, path).splitlines()
    if not lines:
        return f"{path} is empty"
    first = max(start_line, 1) - 1
    if first >= len(lines):
        raise ToolError(f"{path} has only {len(lines)} lines; start_line must be at most {len(lines)}")
    chunk = lines[first: first + READ_LINES]
    text = "\n".join(chunk)
    last = first + len(chunk)
    if first > 0 or last < len(lines):
        more = f"; read on with start_line={last + 1}" if last < len(lines) else ""
        text += f"\n[lines {first + 1}-{last} of {len(lines)}{more}]"
    return text


@tool(side_effects=True)
def write_file(path: str, content: str, ctx: ToolContext) -> str:
    """Write a text file in the workspace (replacing it).

    Args:
        path: relative to the workspace
        content: the whole text
    """
    target = inside(_workspace(ctx), path)
    if target.is_dir():
        raise ToolError(f"{path!r} is a directory; give a file name")
    content, note = _repaired(target, content)
    try:
        _write_text(target, content)
    except OSError as exc:
        raise ToolError(f"cannot write {path!r}: {exc.strerror}") from None
    return f"wrote {len(content.encode('utf-8'))} bytes to {shown(ctx.workspace, target)}{note}"


def _repaired(target: Path, content: str) -> tuple[str, str]:
    """Content for a structured file that does not parse, mended where the intent is plain."""
    suffix = target.suffix.lower()
    if suffix == ".json":
        return _json_repaired(content)
    if suffix == ".toml":
        return _toml_repaired(content)
    return content, ""


# a bare TOML key and its "=", where a new line should have come before it
_TOML_KEY = re.compile(r"\s+(?=[A-Za-z_][\w.-]*\s*=)")


def _toml_repaired(content: str) -> tuple[str, str]:
    """For a .toml file written on one line (``a = 1 b = 2``): one key per line, if that parses.

    Small models copy a multi-line file into a JSON string with spaces for the line
    breaks; TOML needs the breaks, and nothing else about the text is changed.
    """
    import tomllib

    text = content.strip()
    if "\n" in text:
        return content, ""
    try:
        tomllib.loads(text)
        return content, ""
    except tomllib.TOMLDecodeError:
        pass
    mended = _TOML_KEY.sub("\n", text)
    try:
        tomllib.loads(mended)
    except tomllib.TOMLDecodeError:
        return content, ""  # written as given, the checks will say so
    return mended + "\n", " (one key per line: TOML needs a line break between keys)"


def _json_repaired(content: str) -> tuple[str, str]:
    """For a .json file: a valid JSON value followed by stray text keeps the value alone (and says so).

    Small models write on after the closing brace (a next call, a remark); the value
    they meant is whole and valid, and a file that parses beats one that does not.
    """
    import json

    text = content.strip()
    try:
        json.loads(text)
        return content, ""
    except ValueError:
        pass
    try:
        _, end = json.JSONDecoder().raw_decode(text)
    except ValueError:
        return content, ""  # not JSON at all: written as given, the checks will say so
    dropped = len(text) - end
    return text[:end] + "\n", f" (the {dropped} characters after the JSON value were not JSON and were left out)"


# Small models call edit_file to create files and to replace a key's name with its value;
# write_file of the whole (small) file works for them. So it is offered to bigger ones only.
@tool(side_effects=True, advanced=True)
def edit_file(path: str, old: str, new: str, ctx: ToolContext) -> str:
    """Replace one exact snippet of a file with new text.

    Args:
        path: relative to the workspace
        old: exact text to replace (must occur once)
        new: the replacement text
    """
    target = inside(_workspace(ctx), path)
    text = _read_text(target, path, creating_hint=True)
    if not old:
        raise ToolError("old is empty: give the exact text to replace")
    count = text.count(old)
    if count == 0:
        near = _closest_line(text, old)
        hint = f"; the closest line is {near!r}: copy it exactly as old" if near else \
            "; read_file it and copy the snippet exactly"
        raise ToolError(f"the text to replace was not found in {path}{hint}")
    if count > 1:
        raise ToolError(f"the text to replace occurs {count} times in {path}; include more lines around it "
                        "so it occurs once")
    _write_text(target, text.replace(old, new, 1))
    line = text[: text.index(old)].count("\n") + 1
    return f"edited {shown(ctx.workspace, target)} at line {line}"


def _closest_line(text: str, snippet: str) -> str | None:
    """The line of ``text`` most like a one-line ``snippet`` (``port=8000`` finds ``port = 8000``)."""
    import difflib

    if "\n" in snippet.strip():
        return None
    lines = [line.strip() for line in text.splitlines()[:2000] if line.strip()]
    found = difflib.get_close_matches(snippet.strip(), lines, n=1, cutoff=0.6)
    return found[0] if found else None


@tool
def list_files(ctx: ToolContext, path: str = ".", recursive: bool = False) -> str:
    """List files in a workspace directory (directories end with /).

    Args:
        path: directory relative to the workspace
        recursive: also list subdirectories
    """
    workspace = _workspace(ctx)
    target = inside(workspace, path)
    if not target.exists():
        raise ToolError(f"no directory {path!r} in the workspace")
    if not target.is_dir():
        return shown(workspace, target)
    entries: list[str] = []
    if recursive:
        for root, dirs, files in os.walk(target):  # does not follow symlinked directories
            dirs.sort()
            base = Path(root)
            for name in dirs:
                entries.append(shown(workspace, base / name) + "/")
            entries.extend(shown(workspace, base / name) for name in sorted(files))
            if len(entries) > LIST_LIMIT:
                break
        entries.sort()
    else:
        for entry in sorted(target.iterdir()):
            entries.append(shown(workspace, entry) + ("/" if entry.is_dir() and not entry.is_symlink() else ""))
    if not entries:
        return f"{path} is empty"
    extra = len(entries) - LIST_LIMIT
    listing = "\n".join(entries[:LIST_LIMIT])
    return listing + (f"\n[{extra} more not shown; list a subdirectory]" if extra > 0 else "")


@tool(advanced=True)
def search_files(text: str, ctx: ToolContext, path: str = ".") -> str:
    """Find lines containing a text in workspace files (case-insensitive).

    Args:
        text: the text to look for
        path: file or directory relative to the workspace
    """
    workspace = _workspace(ctx)
    target = inside(workspace, path)
    if not text:
        raise ToolError("text is empty: say what to look for")
    if not target.exists():
        raise ToolError(f"no file or directory {path!r} in the workspace")
    needle = text.lower()
    files = [target] if target.is_file() else sorted(
        Path(root) / name for root, dirs, names in os.walk(target) for name in names)
    matches: list[str] = []
    for file in files:
        if file.is_symlink() and not _stays_inside(workspace, file):
            continue  # a symlink leading out is not followed
        try:
            if file.stat().st_size > SEARCH_FILE_BYTES:
                continue
            data = file.read_bytes()
        except OSError:
            continue
        if b"\x00" in data[:8192]:
            continue
        for number, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), 1):
            if needle in line.lower():
                matches.append(f"{shown(workspace, file)}:{number}: {line.strip()[:200]}")
                if len(matches) > SEARCH_LIMIT:
                    break
        if len(matches) > SEARCH_LIMIT:
            break
    if not matches:
        return f"no line contains {text!r}"
    if len(matches) > SEARCH_LIMIT:
        return "\n".join(matches[:SEARCH_LIMIT]) + "\n[more matches not shown; search a narrower path]"
    return "\n".join(matches)


def _stays_inside(workspace: Path, file: Path) -> bool:
    try:
        inside(workspace, file)
    except ToolError:
        return False
    return True


TOOLS = (run_shell, read_file, write_file, edit_file, list_files, search_files)

__all__ = ["TOOLS", "RULE", *[t.name for t in TOOLS]]
