"""What a path in a workspace holds (``Version``) and where kept file bytes live (``Kept``).

A version is a path's kind (file, folder, symlink, FIFO, socket, device) and, for a
file, its size, permission bits and sha256. Its bytes, when kept, are in a ``Kept``
store by their sha256: in memory, or in a folder of SmallClaw's own (a task's
``changes/kept``). Files are read through ``Workspace``; nothing else is ever opened.
"""

from __future__ import annotations

import enum
import hashlib
import os
import secrets
import stat
from pathlib import Path
from typing import Any, Protocol

import attrs

from .workspace import TooLarge, Workspace

#: file bytes kept by default, per version (``[workspace] keep_bytes``)
KEEP_BYTES = 4 * 2**20


class Kind(str, enum.Enum):
    FILE = "file"
    DIR = "dir"
    LINK = "link"
    FIFO = "fifo"
    SOCKET = "socket"
    DEVICE = "device"


def kind_of(mode: int) -> Kind:
    if stat.S_ISREG(mode):
        return Kind.FILE
    if stat.S_ISDIR(mode):
        return Kind.DIR
    if stat.S_ISLNK(mode):
        return Kind.LINK
    if stat.S_ISFIFO(mode):
        return Kind.FIFO
    return Kind.SOCKET if stat.S_ISSOCK(mode) else Kind.DEVICE


@attrs.frozen
class Version:
    """A path's state: its kind; for a file its size, permission bits, sha256 and whether its bytes are kept."""

    kind: Kind
    size: int = 0
    mode: int = 0o644
    sha256: str | None = None
    kept: bool = False
    #: why the bytes are not kept (a file only), e.g. "too large to keep"
    note: str | None = None

    def same(self, other: "Version | None") -> bool:
        """The same state for a user: kind, and for a file its content and permission bits."""
        if other is None or other.kind != self.kind:
            return False
        if self.kind != Kind.FILE:
            return self.kind == Kind.DIR or self.size == other.size
        if self.sha256 is None or other.sha256 is None:  # a big file seen but never hashed
            return self.size == other.size and self.mode == other.mode
        return self.sha256 == other.sha256 and self.mode == other.mode

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind.value, "size": self.size}
        if self.kind == Kind.FILE:
            data.update(mode=self.mode, sha256=self.sha256, kept=self.kept)
            if self.note:
                data["note"] = self.note
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any] | None) -> "Version | None":
        if data is None:
            return None
        return cls(Kind(data["kind"]), int(data.get("size", 0)), int(data.get("mode", 0o644)), data.get("sha256"),
                   bool(data.get("kept", False)), data.get("note"))


def same(a: Version | None, b: Version | None) -> bool:
    return a is None and b is None or a is not None and a.same(b)


# --- the kept bytes -------------------------------------------------------------------


class Kept(Protocol):
    """Where kept file bytes live, by their sha256."""

    def put(self, data: bytes) -> str: ...
    def get(self, sha256: str) -> bytes | None: ...
    def has(self, sha256: str) -> bool: ...


class KeptInMemory:
    """Kept bytes in a dict (throwaway attempts, tests)."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}

    def put(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        self.blobs.setdefault(digest, bytes(data))
        return digest

    def get(self, sha256: str) -> bytes | None:
        return self.blobs.get(sha256)

    def has(self, sha256: str) -> bool:
        return sha256 in self.blobs


class KeptInFolder:
    """Kept bytes as files named by their sha256 in a folder of SmallClaw's own (a task's ``changes/kept``).

    Each is written to a temporary file and renamed, so it is whole or absent; not
    fsynced (a crash of SmallClaw keeps them, a power cut may not: a revert then
    names the file it cannot put back).
    """

    #: bytes of the latest kept files held in memory too (the diff and the next step read them back)
    RECENT = 16 * 2**20

    def __init__(self, folder: Path, *, make_parents: bool = True):
        self.folder = Path(folder)
        #: False: the folder's parent must exist (a task deleted meanwhile is not made again)
        self.make_parents = make_parents
        self._recent: dict[str, bytes] = {}
        self._recent_bytes = 0
        self._ready = False

    def _remember(self, digest: str, data: bytes) -> None:
        if len(data) > self.RECENT or digest in self._recent:
            return
        self._recent[digest] = data
        self._recent_bytes += len(data)
        while self._recent_bytes > self.RECENT:  # the oldest go first (dicts keep their order)
            self._recent_bytes -= len(self._recent.pop(next(iter(self._recent))))

    def _path(self, sha256: str) -> Path:
        if len(sha256) != 64 or sha256.strip("0123456789abcdef"):
            raise ValueError(f"not a sha256: {sha256!r}")
        return self.folder / sha256

    def put(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        path = self._path(digest)
        if digest not in self._recent and not path.exists():
            if not self._ready:
                self.folder.mkdir(parents=self.make_parents, exist_ok=True)
                self._ready = True
            tmp = self.folder / f".{digest}.{secrets.token_hex(4)}.tmp"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
            finally:
                os.close(fd)
            os.replace(tmp, path)
        self._remember(digest, bytes(data))
        return digest

    def get(self, sha256: str) -> bytes | None:
        if sha256 in self._recent:
            return self._recent[sha256]
        try:
            data = self._path(sha256).read_bytes()
        except (FileNotFoundError, ValueError):
            return None
        self._remember(sha256, data)
        return data

    def has(self, sha256: str) -> bool:
        try:
            return sha256 in self._recent or self._path(sha256).exists()
        except ValueError:
            return False


def file_version(ws: Workspace, path: str, mode: int, size: int, kept: Kept | None = None,
                 keep_bytes: int = 0) -> Version:
    """A file's version, read through ``ws``: its bytes put in ``kept`` when it has at most
    ``keep_bytes`` of them, else only hashed (streamed)."""
    if kept is not None and size <= keep_bytes:
        try:
            data = ws.read_bytes(path, limit=keep_bytes)
            return Version(Kind.FILE, len(data), mode, kept.put(data), True)
        except TooLarge:
            pass  # it grew meanwhile: hashed below
    digest, size = hashlib.sha256(), 0
    for chunk in ws.stream(path):
        digest.update(chunk)
        size += len(chunk)
    note = too_large(size, keep_bytes) if kept is not None else None
    return Version(Kind.FILE, size, mode, digest.hexdigest(), False, note)


def too_large(size: int, keep_bytes: int) -> str:
    return f"too large to keep: {size:,} bytes, more than [workspace] keep_bytes ({keep_bytes:,})"


def version_on_disk(ws: Workspace, path: str) -> Version | None:
    """What ``path`` is now (hashing a file, never following a link), or None when there is nothing."""
    st = ws.stat(path)
    if st is None:
        return None
    kind = kind_of(st.st_mode)
    if kind != Kind.FILE:
        return Version(kind, st.st_size if kind == Kind.LINK else 0)
    return file_version(ws, path, stat.S_IMODE(st.st_mode), st.st_size)


