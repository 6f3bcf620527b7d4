"""The tools: run_shell and the file tools, every path confined to the task's workspace.

Docstrings are short on purpose: they are what a small model reads, in a small window.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from smallclaw_core import ToolContext, ToolError, ToolFailure, tool
from smallclaw_core import ThroughLink, Workspace

from .config import shell_config
from .confinement import confinement_for, shell_mode
from .policy import enforce
from .shell import run_command
from .workspace import RULE, refused, workspace_files

#: lines read_file returns at once
READ_LINES = 200
#: entries list_files returns at once
LIST_LIMIT = 200
#: matches search_files returns at once
SEARCH_LIMIT = 50
#: files larger than this are not searched
SEARCH_FILE_BYTES = 2_000_000
#: files search_files looks at, at most
SEARCH_FILES = 10_000
#: what a file too big for read_file (or edit_file) says to do instead
_READ_PART = "; read part of it with run_shell: head -n 200 FILE, or sed -n '200,400p' FILE"
_EDIT_PART = "; change it with run_shell instead (sed -i 's/OLD/NEW/' FILE)"


def _files(ctx: ToolContext) -> Workspace:
    files = workspace_files(Path(ctx.workspace), ctx.app)
    files.make_dirs()
    return files


def what_is_there(files: Workspace, limit: int = 12) -> str:
    """What the workspace's top folder holds, for a path that is not there: the model that guessed a
    name (``data.txt``) sees the real ones at once instead of guessing again."""
    try:
        top = sorted(name + ("/" if kind == "dir" else "") for name, kind in files.entries("."))
    except OSError:
        return "use list_files to see what exists"
    if not top:
        return "the workspace is empty"
    more = f" and {len(top) - limit} more (list_files shows them)" if len(top) > limit else ""
    return f"the workspace holds: {', '.join(top[:limit])}{more}"


def _read_text(files: Workspace, path: str, editing: bool = False) -> str:
    try:
        data = files.read_bytes(path)
    except OSError as exc:
        hint = "to create it, use write_file" if editing else what_is_there(files)
        raise refused(path, exc, missing=hint, large=_EDIT_PART if editing else _READ_PART) from None
    if b"\x00" in data[:8192]:
        raise ToolError(f"{path!r} is a binary file; only text files can be read")
    return data.decode("utf-8", errors="replace")


def _write_text(files: Workspace, path: str, content: str) -> None:
    # a new file renamed over the old one, in a folder reached without following a link
    try:
        if (st := files.stat(path)) is not None and stat.S_ISLNK(st.st_mode):
            raise ThroughLink(path, "a symbolic link")  # the model meant its target: say it is not followed
        files.write_text(path, content)
    except IsADirectoryError:
        raise ToolError(f"{path!r} is a directory; give a file name") from None
    except OSError as exc:
        raise refused(path, exc, doing="write") from None


@tool(side_effects=True, confined=True)
async def run_shell(command: str, ctx: ToolContext) -> str:
    """Run a shell command in the workspace; returns exit code and output.

    Args:
        command: the command line, e.g. "ls -la"
    """
    workspace = _files(ctx).root
    config = shell_config(ctx.app)
    mode = shell_mode(config)
    confinement = confinement_for(config, workspace, ctx.app, mode)
    enforce(command, config, workspace, ctx.approvals, mode=mode, confinement=confinement)
    read_back = _redirected_onto_input(command, _files(ctx))
    result = await run_command(command, workspace, timeout=config.timeout, output_limit=config.output_limit,
                               env_names=config.env, confinement=confinement)
    if result.timed_out:
        raise ToolError(result.render() + f"\n(the limit is {config.timeout:g} s; try a quicker command)")
    emptied = _emptied(read_back, _files(ctx))
    if emptied:
        return ToolFailure(result.render() + emptied)
    # a command that exits non-zero failed: the model reads its output, verification knows
    return ToolFailure(result.render() + _no_folder(result.output, _files(ctx))) if result.failed else result.render()


#: a redirection that replaces a file (``> f``; not ``>>``, ``2>``, ``>&2``)
_REPLACES = re.compile(r"(?<![>&\d])>[ \t]*([\w./-]+)")
#: the largest file kept before a command that redirects onto it, to put back when the command empties it
_KEEP = 4 * 2**20


def _redirected_onto_input(command: str, files: Workspace) -> dict[str, bytes]:
    """Files a command redirects its output onto (``> f``) and also names elsewhere, with what they hold
    now (when they hold something): ``sort crew.txt > crew.txt``. The shell empties such a file before
    the command reads it."""
    found: dict[str, bytes] = {}
    for m in _REPLACES.finditer(command):
        name = m.group(1).removeprefix("./")
        rest = command[:m.start()] + " " + command[m.end():]
        if name in found or not re.search(rf"(?<![\w./-])(?:\./)?{re.escape(name)}(?![\w./-])", rest):
            continue
        try:
            st = files.stat(name)
            if st is not None and stat.S_ISREG(st.st_mode) and 0 < st.st_size <= _KEEP:
                found[name] = files.read_bytes(name, limit=_KEEP)
        except (OSError, ToolError, ValueError):
            continue
    return found


def _emptied(kept: dict[str, bytes], files: Workspace) -> str:
    """A file a command read while redirecting onto it (``_redirected_onto_input``) and left empty is put
    back as it was, and the command failed: the note says so and how to do it instead."""
    back = []
    for name, data in kept.items():
        try:
            st = files.stat(name)
            if st is not None and stat.S_ISREG(st.st_mode) and st.st_size == 0:
                files.write_bytes(name, data)
                back.append(name)
        except (OSError, ToolError, ValueError):
            continue
    if not back:
        return ""
    name = back[0]
    return (f"\n(failed: the shell emptied {', '.join(back)} before the command read it, as it does with a file "
            f"redirected onto with >; it is back as it was. Write to a new file, then move it over: "
            f"... {name} > {name}.new && mv {name}.new {name})")


#: how the shell and coreutils say that a file could not be made because its folder is not there
_Q = "'\u2018\u2019\""  # coreutils quotes names '...' or, in some locales, \u2018...\u2019
_CANNOT_MAKE = re.compile(
    rf"cannot (?:create (?:regular file |directory )?|touch |move [{_Q}][^{_Q}\n]+[{_Q}] to )[{_Q}]?([^{_Q}:\n]+)[{_Q}]?: "
    r"(?:Directory nonexistent|No such file)")


def _no_folder(output: str, files: Workspace) -> str:
    """For a command that failed to make a file in a folder that is not there, the line that says so
    and how to make it: a small model otherwise runs the same redirection again until a loop is
    found (``wc -w < text.txt > out/words.txt``), or types the file at the top instead."""
    folders: list[str] = []
    for m in _CANNOT_MAKE.finditer(output):
        parent = os.path.dirname(m.group(1).strip().removeprefix("./"))
        try:
            missing = parent and parent not in folders and files.parts(parent) and not files.exists(parent)
        except (OSError, ToolError):
            continue  # outside the workspace: the sandbox's business, not a folder to make
        if missing:
            folders.append(parent)
    if not folders:
        return ""
    names = " ".join(folders)
    return (f"\n(the folder{'s' if len(folders) > 1 else ''} {', '.join(folders)} "
            f"{'do' if len(folders) > 1 else 'does'} not exist yet: make {'them' if len(folders) > 1 else 'it'} "
            f"first, with mkdir -p {names} && your command)")


@tool
def read_file(path: str, ctx: ToolContext, start_line: int = 1) -> str:
    """Read a text file in the workspace.

    Args:
        path: relative to the workspace
        start_line: first line to show
    """
    lines = _read_text(_files(ctx), path).splitlines()
    if not lines:
        return f"{path} is empty"
    first = max(start_line, 1) - 1
    # a start past the end shows the file from its start: a small model puts any number it read in the
    # request there ("lines with 404": start_line=404), and an error taught it nothing of the file
    past = first >= len(lines)
    first = 0 if past else first
    chunk = lines[first: first + READ_LINES]
    text = "\n".join(chunk)
    last = first + len(chunk)
    if first > 0 or last < len(lines) or past:
        more = f"; read on with start_line={last + 1}" if last < len(lines) else ""
        note = f"start_line {start_line} is past the end; " if past else ""
        text += f"\n[{note}lines {first + 1}-{last} of {len(lines)}{more}]"
    return text


@tool(side_effects=True, writes="path", confined=True)
def write_file(path: str, content: str, ctx: ToolContext) -> str:
    """Write a text file in the workspace (replacing it).

    Args:
        path: relative to the workspace
        content: the whole text
    """
    files = _files(ctx)
    try:
        shown = files.relative(path)
    except OSError as exc:
        raise refused(path, exc) from None
    content, note = _repaired(shown, content)
    _write_text(files, shown, content)
    return f"wrote {len(content.encode('utf-8'))} bytes to {shown}{note}"


def _repaired(name: str, content: str) -> tuple[str, str]:
    """Content for a structured file that does not parse, mended where the intent is plain."""
    suffix = Path(name).suffix.lower()
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
@tool(side_effects=True, advanced=True, writes="path", confined=True)
def edit_file(path: str, old: str, new: str, ctx: ToolContext) -> str:
    """Replace one exact snippet of a file with new text.

    Args:
        path: relative to the workspace
        old: exact text to replace (must occur once)
        new: the replacement text
    """
    files = _files(ctx)
    text = _read_text(files, path, editing=True)
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
    _write_text(files, path, text.replace(old, new, 1))
    line = text[: text.index(old)].count("\n") + 1
    return f"edited {files.relative(path)} at line {line}"


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
    files = _files(ctx)
    try:
        shown = files.relative(path)
        top = files.entries(shown)
    except NotADirectoryError:
        if files.is_file(path):
            return shown
        raise ToolError(f"no directory {path!r} in the workspace; {what_is_there(files)}") from None
    except FileNotFoundError:
        raise ToolError(f"no directory {path!r} in the workspace; {what_is_there(files)}") from None
    except OSError as exc:
        raise refused(path, exc) from None
    prefix = "" if shown == "." else shown + "/"
    entries: list[str] = []
    if recursive:
        folders = [(prefix, top)]
        while folders and len(entries) <= LIST_LIMIT:
            base, items = folders.pop(0)
            for name, kind in items:
                entries.append(base + name + ("/" if kind == "dir" else ""))
                if kind == "dir":
                    try:
                        folders.append((base + name + "/", files.entries(base + name)))
                    except OSError:
                        continue  # swapped for a link or gone meanwhile: not followed
        entries.sort()
    else:
        entries = [prefix + name + ("/" if kind == "dir" else "") for name, kind in top]
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
    files = _files(ctx)
    if not text:
        raise ToolError("text is empty: say what to look for")
    try:
        shown = files.relative(path)
        names = sorted((name for name, _ in files.walk(shown, limit=SEARCH_FILES)), key=lambda n: n.split("/"))
    except NotADirectoryError:
        if not files.exists(shown):
            raise ToolError(f"no file or directory {path!r} in the workspace") from None
        names = [shown]  # a file (read below, if it is a regular one)
    except FileNotFoundError:
        raise ToolError(f"no file or directory {path!r} in the workspace") from None
    except OSError as exc:
        raise refused(path, exc) from None
    needle = text.lower()
    matches: list[str] = []
    for name in names:
        try:  # a regular file only, never through a link, never a big one
            data = files.read_bytes(name, limit=min(SEARCH_FILE_BYTES, files.max_read))
        except OSError:  # too big, not a regular file, gone meanwhile
            continue
        if b"\x00" in data[:8192]:
            continue
        for number, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), 1):
            if needle in line.lower():
                matches.append(f"{name}:{number}: {line.strip()[:200]}")
                if len(matches) > SEARCH_LIMIT:
                    break
        if len(matches) > SEARCH_LIMIT:
            break
    if not matches:
        return f"no line contains {text!r}"
    if len(matches) > SEARCH_LIMIT:
        return "\n".join(matches[:SEARCH_LIMIT]) + "\n[more matches not shown; search a narrower path]"
    return "\n".join(matches)


TOOLS = (run_shell, read_file, write_file, edit_file, list_files, search_files)

__all__ = ["TOOLS", "RULE", *[t.name for t in TOOLS]]
