"""What changed in a workspace: files created, changed and removed, their diffs, and putting them back.

A ``Change`` lists each path whose state differs between a ``Snapshot``
(``snapshots.py``) and the workspace later: its ``Version`` before and after (kind,
size, permission bits, sha256, whether its bytes are kept), a unified diff for text.
The bytes live in a ``Kept`` store, content-addressed: in memory, or in a folder
(a task's ``changes/kept``). A change can be applied to another tree (``apply``),
reverted (``revert``: refused, naming the files, where a file is no longer what the
change left), and compared with another for the same effect (``same_effect``).

Symlinks, FIFOs, sockets and devices are named with their kind and never opened:
one that a change created is removed by a revert; one it removed is not made again.
Every file is read and written through ``Workspace``.
"""

from __future__ import annotations

import difflib
import enum
import errno
from typing import Any, Iterable, Iterator, Sequence

import attrs

from .errors import SmallClawError
from .kept import Kept, KeptInMemory, Kind, Version, kind_of, same, version_on_disk
from .workspace import Workspace, WorkspaceError

#: characters of unified diff a change carries by default (``[workspace] diff_bytes``)
DIFF_BYTES = 64 * 1024
#: a text longer than this on either side is named, not diffed (difflib is quadratic at worst)
DIFF_SOURCE_BYTES = 512 * 1024


class Action(str, enum.Enum):
    CREATED = "created"
    CHANGED = "changed"
    REMOVED = "removed"


# --- a change -------------------------------------------------------------------------


@attrs.frozen
class FileChange:
    """One path a change touched: its version before (None: created) and after (None: removed)."""

    path: str
    before: Version | None
    after: Version | None
    binary: bool = False
    #: the unified diff of a text file (None for binary, too large or not kept), maybe cut
    diff: str | None = None
    diff_cut: bool = False

    @property
    def action(self) -> Action:
        return Action.CREATED if self.before is None else Action.REMOVED if self.after is None else Action.CHANGED

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"path": self.path, "action": self.action.value,
                                "kind": (self.after or self.before).kind.value,  # type: ignore[union-attr]
                                "before": self.before.to_data() if self.before else None,
                                "after": self.after.to_data() if self.after else None, "binary": self.binary}
        if self.diff is not None:
            data["diff"] = self.diff
        if self.diff_cut:
            data["diff_cut"] = True
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> "FileChange":
        return cls(data["path"], Version.from_data(data.get("before")), Version.from_data(data.get("after")),
                   bool(data.get("binary")), data.get("diff"), bool(data.get("diff_cut")))


class ChangeConflict(SmallClawError):
    """A revert that would lose work: files are no longer what the change left, or cannot be put back."""

    def __init__(self, conflicts: dict[str, str], cannot: dict[str, str], what: str = "the change"):
        self.conflicts = conflicts
        self.cannot = cannot
        parts = []
        if conflicts:
            parts.append("changed since: " + "; ".join(f"{p} ({why})" for p, why in conflicts.items()))
        if cannot:
            parts.append("cannot be put back: " + "; ".join(f"{p} ({why})" for p, why in cannot.items()))
        super().__init__(f"{what} was not undone, {' and '.join(parts)}. Nothing was changed; "
                         "force it to put back the rest anyway")

    @property
    def files(self) -> list[str]:
        return sorted({*self.conflicts, *self.cannot})


@attrs.define(eq=False)
class Change:
    """The paths that differ between a snapshot and the workspace later, sorted by path."""

    files: list[FileChange]
    kept: Kept
    #: the tree the change was read from: big files not kept are copied from it by ``apply``
    source: Workspace | None = None
    #: the walk stopped at its limit: paths past it were not compared
    truncated: bool = False
    #: the workspace as it was after the change (a ``Snapshot``), to start the next one from
    after: Any = None

    def __bool__(self) -> bool:
        return bool(self.files)

    def of(self, action: Action) -> list[FileChange]:
        return [f for f in self.files if f.action == action]

    @property
    def created(self) -> list[FileChange]:
        return self.of(Action.CREATED)

    @property
    def changed(self) -> list[FileChange]:
        return self.of(Action.CHANGED)

    @property
    def removed(self) -> list[FileChange]:
        return self.of(Action.REMOVED)

    @property
    def effect(self) -> frozenset[tuple[str, str, str | None, str | None]]:
        """What the change does, for comparing changes: each path, its action and its after-state."""
        return frozenset((f.path, f.action.value, f.after.kind.value if f.after else None,
                          f"{f.after.sha256}:{f.after.mode:o}" if f.after and f.after.kind == Kind.FILE else None)
                         for f in self.files)

    def same_effect(self, other: "Change") -> bool:
        """The same paths created, changed and removed, with the same bytes after."""
        return self.effect == other.effect

    def diff(self) -> str:
        """The unified diffs of the text files, one after the other."""
        return "".join(f.diff for f in self.files if f.diff)

    def to_data(self) -> dict[str, Any]:
        return {"created": len(self.created), "changed": len(self.changed), "removed": len(self.removed),
                "truncated": self.truncated, "files": [f.to_data() for f in self.files]}

    @classmethod
    def from_data(cls, data: dict[str, Any], kept: Kept) -> "Change":
        return cls([FileChange.from_data(f) for f in data.get("files", [])], kept,
                   truncated=bool(data.get("truncated")))

    def apply(self, ws: Workspace) -> list[str]:
        """Make ``ws`` what this change left: write the after-bytes, remove what it removed.
        Returns the paths it could not make (links and other non-files, bytes not kept)."""
        plan = Plan([PutBack(f.path, f.after, f.before) for f in self.files], self.kept, self.source)
        left = plan.cannot()
        plan.carry_out(ws)
        return sorted({*left, *plan.left})

    def revert(self, ws: Workspace, *, force: bool = False, durable: bool = False) -> list[str]:
        """Put back exactly the before-state. Refused (``ChangeConflict``, nothing written) where a
        file is not what the change left, or its earlier bytes were not kept, unless ``force``.
        Returns the paths put back."""
        plan = undo_plan([self], ws)
        if (plan.conflicts or plan.cannot()) and not force:
            raise ChangeConflict(plan.conflicts, plan.cannot())
        return plan.carry_out(ws, durable=durable)


# --- putting back ---------------------------------------------------------------------


@attrs.frozen
class PutBack:
    """One path to make ``want`` (None: nothing there); ``now`` is what it should be before."""

    path: str
    want: Version | None
    now: Version | None

    def to_data(self) -> dict[str, Any]:
        return {"path": self.path, "want": self.want.to_data() if self.want else None,
                "now": self.now.to_data() if self.now else None}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> "PutBack":
        return cls(data["path"], Version.from_data(data.get("want")), Version.from_data(data.get("now")))


@attrs.define
class Plan:
    """What a revert (or apply) writes and removes, and the conflicts found on the way."""

    ops: list[PutBack]
    kept: Kept
    source: Workspace | None = None
    #: path -> why it is not what the change left
    conflicts: dict[str, str] = attrs.field(factory=dict)
    #: path -> why ``carry_out`` left it as it was
    left: dict[str, str] = attrs.field(factory=dict)

    def cannot(self) -> dict[str, str]:
        """Paths whose wanted state cannot be made: non-files, and files whose bytes were not kept."""
        out = {}
        for op in self.ops:
            w = op.want
            if w is None or w.kind == Kind.DIR or same(w, op.now):
                continue
            if w.kind != Kind.FILE:
                out[op.path] = f"a {w.kind.value} is not made again"
            elif not w.kept and (self.source is None or w.sha256 is None):
                out[op.path] = w.note or "its earlier bytes were not kept"
            elif w.kept and self.source is None and not (w.sha256 and self.kept.has(w.sha256)):
                out[op.path] = "its kept bytes are not here (another host kept them, or they were lost)"
        return out

    def carry_out(self, ws: Workspace, *, durable: bool = False, skip: Iterable[str] = ()) -> list[str]:
        """Make each path what it should be: removals deepest first, then folders, then files, each
        whole or not at all (a temporary file, renamed). A path already so is left alone, so
        carrying a plan out twice is safe. Returns the paths made; ``left`` gets those that could not be."""
        skipped = set(self.cannot()) | set(skip)
        ops = [op for op in self.ops if op.path not in skipped]
        done: set[str] = set()
        for op in sorted(ops, key=lambda o: o.path.count("/"), reverse=True):
            try:
                st = ws.stat(op.path)
                if st is not None and (op.want is None or kind_of(st.st_mode) != op.want.kind):
                    ws.remove(op.path)
                    done.add(op.path)
            except OSError as exc:
                self.left[op.path] = "the folder holds other files now" if exc.errno == errno.ENOTEMPTY else str(exc)
        made = [op for op in ops if op.want is not None and op.path not in self.left]
        for op in sorted(made, key=lambda o: (o.want.kind != Kind.DIR, o.path.count("/"))):  # type: ignore[union-attr]
            want = op.want
            assert want is not None
            try:
                if same(version_on_disk(ws, op.path), want):
                    continue
                if want.kind == Kind.DIR:
                    ws.make_dirs(op.path)
                else:
                    ws.write_bytes(op.path, self._bytes(op.path, want), mode=want.mode, durable=durable)
                done.add(op.path)
            except (WorkspaceError, FileNotFoundError) as exc:  # a link on the way is never written through
                self.left[op.path] = str(exc)
        return sorted(done)

    def _bytes(self, path: str, want: Version) -> bytes | Iterator[bytes]:
        data = self.kept.get(want.sha256) if want.kept and want.sha256 else None
        if data is not None:
            return data
        if self.source is not None and same(version_on_disk(self.source, path), want):
            return self.source.stream(path)  # a big file: copied from the tree the change was read from
        raise FileNotFoundError(errno.ENOENT, f"the kept bytes of {path} are missing")


def undo_plan(changes: Sequence[Change], ws: Workspace) -> Plan:
    """The plan that reverts ``changes`` (oldest first), newest first, from what ``ws`` holds now.

    Each change's after-state must be what the workspace holds (or what the later
    change put back): a path that is not is a conflict, changed since by someone else.
    """
    current: dict[str, Version | None] = {}
    first: dict[str, Version | None] = {}
    conflicts: dict[str, str] = {}
    kept = changes[-1].kept if changes else KeptInMemory()
    for change in reversed(changes):
        for f in change.files:
            if f.path not in current:
                try:
                    current[f.path] = first[f.path] = version_on_disk(ws, f.path)
                except WorkspaceError as exc:  # a link on the way, a FIFO: never what a change left
                    current[f.path] = first[f.path] = None
                    conflicts[f.path] = str(exc)
            if not same(current[f.path], f.after) and f.path not in conflicts:
                conflicts[f.path] = _how_changed(current[f.path], f.after)
            current[f.path] = f.before
    # a path already as it is to be put back loses nothing, whoever changed it
    conflicts = {p: why for p, why in conflicts.items() if not same(first.get(p), current[p])}
    ops = [PutBack(path, current[path], first[path]) for path in sorted(current)]
    return Plan(ops, kept, conflicts=conflicts)


def _how_changed(now: Version | None, left: Version | None) -> str:
    if now is None:
        return "it is gone"
    if left is None:
        return f"a {now.kind.value} is there now"
    if now.kind != left.kind:
        return f"it is a {now.kind.value} now"
    if now.size != left.size:
        return f"{now.size:,} bytes now, {left.size:,} after the change"
    return "its content differs" if now.sha256 != left.sha256 else "its permissions differ"


# --- diffs ----------------------------------------------------------------------------


def is_binary(data: bytes) -> bool:
    if b"\x00" in data[:8192]:
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def text_diff(path: str, before: bytes | None, after: bytes | None) -> str:
    """A unified diff of two texts (None: the file did not exist on that side)."""
    a = before.decode("utf-8").splitlines(keepends=True) if before is not None else []
    b = after.decode("utf-8").splitlines(keepends=True) if after is not None else []
    lines = difflib.unified_diff(a, b, "/dev/null" if before is None else f"a/{path}",
                                 "/dev/null" if after is None else f"b/{path}")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def with_diffs(files: list[FileChange], kept: Kept, budget: int) -> list[FileChange]:
    """``files`` with the unified diff of each text file whose bytes are kept, within ``budget`` characters."""
    out = []
    for f in files:
        sides = [v for v in (f.before, f.after) if v is not None]
        if any(v.kind != Kind.FILE for v in sides) or not all(v.kept for v in sides) or \
                any(v.size > DIFF_SOURCE_BYTES for v in sides):
            out.append(f)
            continue
        data = [kept.get(v.sha256) if v is not None and v.sha256 else None for v in (f.before, f.after)]
        if any(d is None and v is not None for d, v in zip(data, (f.before, f.after))):
            out.append(f)
            continue
        if any(d is not None and is_binary(d) for d in data):
            out.append(attrs.evolve(f, binary=True))
            continue
        if budget <= 0:  # the step's diff is full: the rest are named, not diffed
            out.append(attrs.evolve(f, diff_cut=True))
            continue
        text: str | None = text_diff(f.path, data[0], data[1])
        cut = len(text) > budget
        if cut:  # whole lines up to the cap, and the rest of the step's files named only
            text = text[:budget].rpartition("\n")[0] + "\n" if "\n" in text[:budget] else None
            budget = 0
        else:
            budget -= len(text)
        out.append(attrs.evolve(f, diff=text, diff_cut=cut))
    return out
