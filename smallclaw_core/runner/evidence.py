"""What the workspace shows: which files a step changed, how they begin, and whether they still parse.

Verification trusts these facts over anything a model says. A file's structure is
checked by its extension (JSON, TOML, Python, and YAML when PyYAML is installed),
so a step that breaks a config file it was only meant to edit fails on that alone.
Every scan is bounded (file count and size), so a huge workspace costs little, and every
file is opened through ``smallclaw_core.Workspace`` (no symlink followed, regular files only).
"""

from __future__ import annotations

import ast
import json
import logging
import re
import stat
import tomllib
from pathlib import Path
from typing import Any, Callable, TypeVar

import attrs

from smallclaw_core.tools import in_worker_thread
from smallclaw_core.workspace import TooLarge, Workspace

T = TypeVar("T")
log = logging.getLogger("smallclaw.runner")

#: files looked at in one scan
SCAN_LIMIT = 2000
#: files larger than this are not parsed
PARSE_BYTES = 1_000_000
#: directories never scanned
SKIP_DIRS = frozenset({".git", "node_modules", "__pycache__", ".venv", "venv", ".mypy_cache", ".pytest_cache"})

#: seconds a look at the workspace (a scan, a put-back) may take before the runner goes on without it
SCAN_DEADLINE = 30.0

STRUCTURED = {".json": "JSON", ".toml": "TOML", ".py": "Python", ".yaml": "YAML", ".yml": "YAML"}


async def off_the_loop(look: Callable[[], T], default: T) -> T:
    """``look()`` (it reads the workspace) in a worker thread, so the server goes on answering;
    ``default`` when it takes longer than ``SCAN_DEADLINE`` (a file system that hangs)."""
    try:
        return await in_worker_thread(look, deadline=SCAN_DEADLINE)
    except TimeoutError:
        log.warning("the workspace did not answer within %g s; going on without that look", SCAN_DEADLINE)
        return default


def _files(workspace: Path | Workspace) -> Workspace:
    return workspace if isinstance(workspace, Workspace) else Workspace(workspace)


def _walk(files: Workspace):
    """Regular files (never through a link), sorted by folder, hidden and tool folders left out."""
    try:
        yield from files.walk(limit=SCAN_LIMIT, skip=SKIP_DIRS, hidden=False)
    except OSError:
        return  # no workspace (yet)


def changed_since(workspace: Path | Workspace, since: float | None) -> list[str]:
    """Files (relative paths) modified at or after ``since``, newest first."""
    if since is None:
        return []
    found = [(st.st_mtime, name) for name, st in _walk(_files(workspace)) if st.st_mtime >= since - 0.001]
    return [name for _, name in sorted(found, reverse=True)]


def head(workspace: Path | Workspace, name: str, lines: int = 6, chars: int = 400) -> str:
    """The first lines of a workspace file, as a verifier should see it."""
    files = _files(workspace)
    try:
        data = files.read_bytes(name, limit=chars + 1, partial=True)
        st = files.stat(name)
    except OSError as exc:
        return f"{name}: cannot be read ({exc.strerror})"
    size = st.st_size if st is not None else len(data)
    if b"\x00" in data:
        return f"{name} ({size} bytes): a binary file"
    text = data[:chars].decode("utf-8", "replace")
    kept = text.splitlines()[:lines]
    more = " ..." if size > chars or len(text.splitlines()) > lines else ""
    body = "\n".join(f"  | {line}" for line in kept) or "  | (empty)"
    return f"{name} ({size} bytes):\n{body}{more}"


def parse_error(workspace: Path | Workspace, name: str) -> str | None:
    """Why a structured file does not parse, or None (also for files of no known structure)."""
    if STRUCTURED.get(Path(name).suffix.lower()) is None:
        return None
    try:
        data = _files(workspace).read_bytes(name, limit=PARSE_BYTES)
    except TooLarge:
        return None
    except OSError as exc:
        return f"cannot be read as text: {exc}"
    return _parse_problem(name, data)


def _parse_problem(name: str, data: bytes) -> str | None:
    """Why ``data``, the bytes of the file ``name``, does not parse as its extension says."""
    kind = STRUCTURED.get(Path(name).suffix.lower())
    if kind is None:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"cannot be read as text: {exc}"
    try:
        if kind == "JSON":
            json.loads(text)
        elif kind == "TOML":
            tomllib.loads(text)
        elif kind == "Python":
            ast.parse(text, filename=Path(name).name)
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
    re-parsing), and a copy of the small ones and of the step's inputs, to put back what a step broke.

    Every file is read and put back through ``Workspace``: a file or folder the round swapped
    for a symlink is never read or written through (it is replaced, or left alone)."""

    valid: dict[str, tuple[int, int]] = attrs.field(factory=dict)
    saved: dict[str, bytes] = attrs.field(factory=dict)

    @classmethod
    def of(cls, workspace: Path | Workspace, keep: list[str] = ()) -> "StructureState":
        state, files = cls(), _files(workspace)
        for name, st in _walk(files):
            if Path(name).suffix.lower() not in STRUCTURED:
                continue
            try:
                data = files.read_bytes(name, limit=PARSE_BYTES)
            except OSError:  # too big to parse, or swapped meanwhile
                continue
            if _parse_problem(name, data) is None:
                state.valid[name] = (st.st_size, st.st_mtime_ns)
                if len(data) <= KEEP_BYTES:
                    state.saved[name] = data
        for name in keep:
            state._keep(files, name)
        return state

    def _keep(self, files: Workspace, name: str) -> None:
        try:
            self.saved[name] = files.read_bytes(name, limit=KEEP_BYTES)
        except OSError:  # missing, too big, not a regular file: nothing to put back
            pass

    def changed(self, workspace: Path | Workspace, names: list[str]) -> list[str]:
        """Of ``names`` (kept when the round started), those whose bytes are not what they were."""
        files = _files(workspace)
        out = []
        for name in names:
            try:
                if name in self.saved and files.read_bytes(name, limit=KEEP_BYTES) != self.saved[name]:
                    out.append(name)
            except OSError:  # gone, grown past what was kept, or swapped for a link or a FIFO
                out.append(name)
        return out

    def restore(self, workspace: Path | Workspace, names: list[str]) -> list[str]:
        """Put ``names`` back as they were when the round started; returns those put back.

        Written through the folder's fd: a symlink where the file was is replaced, and a
        folder on the way that became a symlink refuses the write (nothing leaves the workspace).
        """
        files = _files(workspace)
        done = []
        for name in names:
            if name not in self.saved:
                continue
            try:
                files.write_bytes(name, self.saved[name], make_parents=False)
                done.append(name)
            except OSError:
                pass
        return done

    def restore_broken(self, workspace: Path | Workspace) -> list[str]:
        """Put back every file that parsed then and does not now; returns those put back."""
        return self.restore(workspace, [name for name, _ in self.broken_since(workspace)])

    def broken_since(self, workspace: Path | Workspace) -> list[tuple[str, str]]:
        """Files that parsed then and do not now: (name, why)."""
        files = _files(workspace)
        broken = []
        for name, (size, mtime) in self.valid.items():
            st = files.stat(name)
            if st is None or not stat.S_ISREG(st.st_mode):
                continue  # deleted (or no longer a file): not a structure problem
            if (st.st_size, st.st_mtime_ns) == (size, mtime):
                continue
            why = parse_error(files, name)
            if why:
                broken.append((name, why))
        return broken


#: the last line of a Python error: the exception and its message
_RAISED = re.compile(r"[A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt)\b:?")


def error_line(output: Any) -> str:
    """The line of a failed call's output that says what went wrong: a Python traceback's last line
    (the exception; for a SyntaxError, the line that names it), else the first line that is not the
    exit status."""
    lines = [ln.strip() for ln in str(output).splitlines() if ln.strip()]
    if any(ln.startswith("Traceback (most recent call last)") for ln in lines):
        return lines[-1][:160]
    if any(ln.startswith('File "') for ln in lines):  # a SyntaxError has no "Traceback" line above it
        raised = [ln for ln in lines if _RAISED.match(ln)]
        if raised:
            return raised[-1][:160]
    if any(ln.startswith("%") or re.fullmatch(r"[\d\s.:%kMG-]+", ln) for ln in lines):
        return lines[-1][:160]  # a progress meter (curl's) comes first: why it failed is at the end
    return next((ln for ln in lines if not ln.startswith("exit code")), lines[0] if lines else "failed")[:160]


def command_of(entries: list[Any], result: Any, limit: int = 100) -> str:
    """The first line of the command whose result is ``result`` (a journal entry), or ""."""
    command = next((str((e.data.get("arguments") or {}).get("command") or "").strip() for e in entries
                    if e.kind == "tool_call" and e.data.get("id") == result.data.get("id")), "")
    first = command.splitlines()[0][:limit] if command else ""
    return first + ("..." if len(command) > len(first) else "")


def last_failure(entries: list[Any]) -> str | None:
    """What the last failed tool call of ``entries`` (journal entries) ran into, or None."""
    failed = [e for e in entries if e.kind == "tool_result" and e.data.get("error") and not e.data.get("not_run")]
    return error_line(failed[-1].data.get("result", "")) if failed else None


def hint_for(tried: list[Any], alternating: bool) -> str | None:
    """What the next attempt at a step is told went wrong (``Attempt.failed``): where programs take turns
    with other attempts, the last attempt of its own kind comes first (a program's traceback is of use to
    the next program, not to a reply that types a file), then the attempt just before it; None when
    neither failed."""
    own = tried[-2] if alternating and len(tried) >= 2 else None
    return next((a.failed for a in (own, tried[-1] if tried else None) if a is not None and a.failed), None)


def with_failure(reason: str, entries: list[Any]) -> str:
    """A pause's ``reason``, with what the last failed call of ``entries`` ran into when the reason does
    not say it: a guard's NO on content typed after ``curl`` could not resolve the host hides what the
    user must hear (there is no network)."""
    failure = last_failure(entries)
    if not failure or failure in reason:
        return reason
    return f"{reason} A call of the step failed: {failure}"


def common_failure(trials: list[list[Any]]) -> tuple[int, str] | None:
    """The tool failure most of several independent trials ran into (each trial a list of journal
    entries), as (how many trials, "`command`: first line of its error"); None when none recurs.
    What blocked them all (a network refused, a program missing) is what the user needs to hear."""
    counts: dict[str, int] = {}
    example: dict[str, str] = {}
    for entries in trials:
        seen: set[str] = set()
        for e in entries:
            if e.kind != "tool_result" or not e.data.get("error") or e.data.get("not_run"):
                continue
            error = error_line(e.data.get("result", ""))
            example.setdefault(error, command_of(entries, e, 80).removesuffix("...") or e.data.get("name") or "a tool")
            seen.add(error)
        for error in seen:
            counts[error] = counts.get(error, 0) + 1
    if not counts:
        return None
    error, n = max(counts.items(), key=lambda kv: kv[1])
    return (n, f"`{example[error]}`: {error}") if n >= 2 else None


def attempt_prefix(task_id: str, step: int) -> str:
    """How the throwaway copy of an attempt at a step is named (its folder's name starts so)."""
    return f"smallclaw-attempt-{task_id}-{step}-"


def at_step_start(ctx: Any, name: str) -> bytes | None:
    """The bytes ``name`` had when the step started, from the open step's snapshot (``stepchanges``,
    which keeps a file's bytes just before a tool writes it); None when it did not keep them (the
    file was new or too large). An attempt's copy of the workspace was made from that same
    snapshot, so it is read for the copy too."""
    from smallclaw_core.snapshots import Seen
    from smallclaw_core.stepchanges import OPEN, StepChanges

    if ctx.app is None:
        return None
    where = Path(ctx.workspace)
    if where != Path(ctx.app.workspace_for(ctx.task.id)) and not where.name.startswith(
            attempt_prefix(ctx.task.id, ctx.step_index)):
        return None
    changes = StepChanges(ctx.app, ctx.task.id)
    data = changes.read(OPEN)
    if not data or data.get("step") != ctx.step_index:
        return None
    row = ((data.get("snapshot") or {}).get("seen") or {}).get(name.lstrip("./"))
    if row is None:
        return None
    start = Seen.from_row(row)
    if start.sha256 is not None and start.kept:
        kept = changes.kept.get(start.sha256)
        return kept if kept is not None and len(kept) == start.size else None
    # bytes not kept (the snapshot keeps them just before a write, and an attempt writes only its
    # copy): the workspace's file, if it is still the one the step found (the same stat throughout)
    try:
        real = Workspace(ctx.app.workspace_for(ctx.task.id))
        st = real.stat(name)
        if st is None or Seen.of(st).stamp() != start.stamp() or start.size > KEEP_BYTES:
            return None
        data = real.read_bytes(name, limit=start.size + 1)
    except OSError:
        return None
    return data if len(data) == start.size else None
