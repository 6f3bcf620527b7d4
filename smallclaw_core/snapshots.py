"""A workspace as it was at a moment: every path's kind and stat, and the bytes of its files kept.

``Snapshot.take(ws)`` walks the workspace once through ``Workspace`` (stat only, no
link followed, folders such as ``.git`` not entered). The bytes of its files are
kept at once, or lazily (``lazy=True``): ``keep(path)`` just before that path is written through ``Workspace``
(a file tool, an attempt's result applied) and ``keep()`` before a tool that may write
anything (``Tool.call`` tells the workspace's watchers before every side-effecting call). A file whose size, times, inode
and mode are those a ``base`` snapshot saw is not read again: its sha256 (and kept
bytes) carry over, so a snapshot of a workspace that barely changed costs a walk.
A stat that changed within a second of the base's walk is not trusted (two writes
in one timestamp tick can look alike: git's "racily clean" rule).

``snapshot.change(ws)`` walks again and reads only the files whose stat changed:
the ``Change`` (``changes.py``) lists what was created, changed and removed.
``copy_workspace`` makes a throwaway copy and its snapshot without reading twice.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import time
from pathlib import Path
from typing import Any, Iterator

import attrs

from .changes import DIFF_BYTES, Change, FileChange, with_diffs
from .kept import KEEP_BYTES, Kept, KeptInMemory, Kind, Version, file_version, kind_of, too_large
from .workspace import Workspace, WorkspaceError, watch

#: folders whose contents are never compared (tools' own caches, version control, installed packages)
NOT_TRACKED = frozenset({".git", "node_modules", "__pycache__", ".venv", "venv", ".mypy_cache", ".pytest_cache"})
#: paths a snapshot looks at, at most
WALK_LIMIT = 50_000
#: a stat changed this close to a walk may hide a second write in the same timestamp tick
RACY_NS = 1_000_000_000
LOST = "changed before its bytes could be kept"


@attrs.define
class Seen:
    """A path as a snapshot saw it: its stat, and what is known of its bytes."""

    kind: Kind
    size: int
    mode: int
    ino: int
    mtime_ns: int
    ctime_ns: int
    sha256: str | None = None
    kept: bool = False
    #: why its bytes are not kept (too large; changed before they could be)
    note: str | None = None

    @classmethod
    def of(cls, st: os.stat_result) -> "Seen":
        return cls(kind_of(st.st_mode), st.st_size, st.st_mode & 0o7777, st.st_ino, st.st_mtime_ns, st.st_ctime_ns)

    def stamp(self) -> tuple[Any, ...]:
        return self.kind, self.size, self.mode, self.ino, self.mtime_ns, self.ctime_ns

    def take_from(self, other: "Seen | Version") -> None:
        """What ``other`` knows of the bytes (the same file, seen before, or just read)."""
        self.sha256, self.kept, self.note = other.sha256, other.kept, other.note

    def version(self) -> Version:
        if self.kind != Kind.FILE:
            return Version(self.kind, self.size if self.kind == Kind.LINK else 0)
        return Version(Kind.FILE, self.size, self.mode, self.sha256, self.kept, self.note)

    def to_row(self) -> list[Any]:
        return [self.kind.value, self.size, self.mode, self.ino, self.mtime_ns, self.ctime_ns, self.sha256,
                self.kept, self.note]

    @classmethod
    def from_row(cls, row: list[Any]) -> "Seen":
        return cls(Kind(row[0]), *row[1:])


def _scan(ws: Workspace, skip: frozenset[str], limit: int) -> tuple[dict[str, Seen], bool]:
    """Every path below the workspace (files, folders, links, others) and whether the walk stopped at ``limit``."""
    seen: dict[str, Seen] = {}
    try:
        for path, st in ws.walk(limit=limit + 1, skip=skip, others=True):
            if len(seen) >= limit:
                return seen, True
            seen[path] = Seen.of(st)
    except FileNotFoundError:
        pass  # no workspace yet: nothing in it
    return seen, False


class Snapshot:
    """The workspace ``ws`` as it was when taken; see the module's docstring."""

    def __init__(self, workspace: Workspace, seen: dict[str, Seen], *, kept: Kept, keep_bytes: int = KEEP_BYTES,
                 taken_ns: int = 0, truncated: bool = False, skip: frozenset[str] = NOT_TRACKED,
                 limit: int = WALK_LIMIT):
        self.workspace = workspace
        self.seen = seen
        self.kept = kept
        self.keep_bytes = keep_bytes
        self.taken_ns = taken_ns
        self.truncated = truncated
        self.skip = skip
        self.limit = limit
        self._lock = threading.Lock()

    @classmethod
    def take(cls, ws: Workspace, *, kept: Kept | None = None, keep_bytes: int = KEEP_BYTES,
             base: "Snapshot | None" = None, lazy: bool = False, skip: frozenset[str] = NOT_TRACKED,
             limit: int = WALK_LIMIT) -> "Snapshot":
        """Walk ``ws`` now; keep its files' bytes at once unless ``lazy`` (see ``keep``)."""
        taken_ns = time.time_ns()
        seen, truncated = _scan(ws, skip, limit)
        if base is not None:
            for path, s in seen.items():
                b = base.seen.get(path)
                if b is not None and s.kind == Kind.FILE and b.stamp() == s.stamp() and not base.racy(b):
                    s.take_from(b)
        snapshot = cls(ws, seen, kept=kept if kept is not None else KeptInMemory(), keep_bytes=keep_bytes,
                       taken_ns=taken_ns, truncated=truncated, skip=skip, limit=limit)
        if not lazy:
            snapshot.keep()
        return snapshot

    def racy(self, s: Seen) -> bool:
        return max(s.mtime_ns, s.ctime_ns) >= self.taken_ns - RACY_NS

    def keep(self, path: str | os.PathLike[str] | None = None) -> int:
        """Keep the bytes of ``path`` (None: of every file) as the snapshot saw them, if not kept yet;
        a file over ``keep_bytes`` is marked too large instead. Returns how many files were read."""
        with self._lock:
            if path is None:
                names = [p for p, s in self.seen.items() if s.kind == Kind.FILE and s.sha256 is None and not s.note]
            else:
                try:
                    name = self.workspace.relative(path)
                except WorkspaceError:
                    return 0  # a path out of the workspace: the tool refuses it anyway
                s = self.seen.get(name)
                names = [name] if s is not None and s.kind == Kind.FILE and s.sha256 is None and not s.note else []
            read = 0
            for name in names:
                s = self.seen[name]
                if s.size > self.keep_bytes:
                    s.note = too_large(s.size, self.keep_bytes)
                    continue
                try:
                    st = self.workspace.stat(name)
                    if st is None or Seen.of(st).stamp() != s.stamp():
                        s.note = LOST  # something wrote it without saying so first
                        continue
                    s.take_from(file_version(self.workspace, name, s.mode, s.size, self.kept, self.keep_bytes))
                    read += 1
                except OSError:
                    s.note = LOST
            return read

    def change(self, ws: Workspace | None = None, *, diff_bytes: int = DIFF_BYTES) -> Change:
        """What differs in ``ws`` (by default the workspace taken) from this snapshot."""
        ws = ws if ws is not None else self.workspace
        same_tree = Path(ws.root) == Path(self.workspace.root)
        taken_ns = time.time_ns()
        now, truncated = _scan(ws, self.skip, self.limit)
        files: list[FileChange] = []
        with self._lock:
            for path in sorted(set(self.seen) | set(now)):
                b, a = self.seen.get(path), now.get(path)
                if a is not None and a.kind == Kind.FILE:
                    if b is not None and same_tree and b.stamp() == a.stamp() and not self.racy(b):
                        a.take_from(b)
                        continue
                    try:
                        a.take_from(file_version(ws, path, a.mode, a.size, self.kept, self.keep_bytes))
                    except OSError:
                        del now[path]  # gone (or swapped for something else) as it was read: not there
                        a = None
                if b is not None and a is not None and _unchanged(b, a, same_tree):
                    if a.kind == Kind.FILE and a.sha256 is None:
                        a.take_from(b)
                    continue
                if a is None and b is None:
                    continue
                if b is not None and b.kind == Kind.FILE and b.sha256 is None and not b.note:
                    b.note = LOST  # lazy, and nothing said it would write this file
                files.append(FileChange(path, b.version() if b else None, a.version() if a else None))
        after = Snapshot(ws, now, kept=self.kept, keep_bytes=self.keep_bytes, taken_ns=taken_ns,
                         truncated=truncated, skip=self.skip, limit=self.limit)
        return Change(with_diffs(files, self.kept, diff_bytes), self.kept, source=ws,
                      truncated=truncated or self.truncated, after=after)

    @contextlib.contextmanager
    def watching(self) -> Iterator["Snapshot"]:
        """While inside, a tool about to change this workspace keeps what it changes first."""
        stop = watch(self.workspace.root, self.keep)
        try:
            yield self
        finally:
            stop()

    def to_data(self) -> dict[str, Any]:
        return {"taken_ns": self.taken_ns, "truncated": self.truncated,
                "seen": {path: s.to_row() for path, s in self.seen.items()}}

    @classmethod
    def from_data(cls, ws: Workspace, data: dict[str, Any], *, kept: Kept, keep_bytes: int = KEEP_BYTES,
                  skip: frozenset[str] = NOT_TRACKED, limit: int = WALK_LIMIT) -> "Snapshot":
        seen = {path: Seen.from_row(row) for path, row in data.get("seen", {}).items()}
        return cls(ws, seen, kept=kept, keep_bytes=keep_bytes, taken_ns=int(data.get("taken_ns", 0)),
                   truncated=bool(data.get("truncated")), skip=skip, limit=limit)


def _unchanged(b: Seen, a: Seen, same_tree: bool) -> bool:
    if a.kind != b.kind:
        return False
    if a.kind == Kind.DIR:
        return True
    if a.kind != Kind.FILE:
        return b.stamp() == a.stamp() if same_tree else b.size == a.size
    if b.sha256 is not None and a.sha256 is not None:
        return b.sha256 == a.sha256 and b.mode == a.mode
    return same_tree and b.stamp() == a.stamp()  # earlier bytes unknown: only an untouched file is the same


def copy_workspace(source: Snapshot, dest: str | os.PathLike[str]) -> Snapshot:
    """Copy the workspace ``source`` looked at into the folder ``dest`` (new or empty), and return the
    copy's snapshot, its bytes known without reading them again.

    Folders and regular files are copied (files as they are now, hashed as they are
    copied); symlinks, FIFOs and the like are left out (they are never opened), and
    so are the folders a snapshot does not enter (``.git``, ``node_modules``...).
    """
    workspace = source.workspace
    out = Workspace(dest)
    Path(dest).mkdir(parents=True, exist_ok=True)
    known: dict[str, Version] = {}
    for path, s in sorted(source.seen.items()):
        if s.kind == Kind.DIR:
            out.make_dirs(path)
        elif s.kind == Kind.FILE:
            try:
                if s.size <= source.keep_bytes:
                    data = workspace.read_bytes(path, limit=source.keep_bytes)
                    out.write_bytes(path, data, mode=s.mode)
                    known[path] = Version(Kind.FILE, len(data), s.mode, source.kept.put(data), True)
                else:
                    digest = hashlib.sha256()
                    size = [0]

                    def hashed(chunks: Iterator[bytes]) -> Iterator[bytes]:
                        for chunk in chunks:
                            digest.update(chunk)
                            size[0] += len(chunk)
                            yield chunk

                    out.write_bytes(path, hashed(workspace.stream(path)), mode=s.mode)
                    known[path] = Version(Kind.FILE, size[0], s.mode, digest.hexdigest(), False,
                                          too_large(size[0], source.keep_bytes))
            except OSError:
                continue  # gone or swapped meanwhile: not copied
    copy = Snapshot.take(out, kept=source.kept, keep_bytes=source.keep_bytes, lazy=True, skip=source.skip,
                         limit=source.limit)
    for path, s in copy.seen.items():
        if path in known and s.kind == Kind.FILE and s.size == known[path].size:
            s.take_from(known[path])
    # written just now, the copy's stats are all within the racy second; they are trusted as if
    # walked a second later, since nothing else writes to a throwaway copy before its attempt runs
    copy.taken_ns = max((max(s.mtime_ns, s.ctime_ns) for s in copy.seen.values()), default=0) + RACY_NS + 1
    return copy
