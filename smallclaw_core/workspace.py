"""One way into a task's workspace: paths resolved beneath it, no symlink followed, regular files only.

A model drives commands in the workspace, and a command can leave symlinks, FIFOs,
device-like files and huge sparse files behind, or (before the sandbox stopped it)
swap a folder for a symlink while SmallClaw looks. So every file SmallClaw itself
opens inside a workspace (the tools, the checks, the guards, the put-back of a
step's inputs, snapshots) goes through ``Workspace``:

- a path is resolved under the workspace's directory fd with ``openat2(2)`` and
  ``RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS`` where the kernel
  has it (Linux 5.6+), else one component at a time with ``O_NOFOLLOW`` and directory
  fds; a symlink anywhere on the way, ``..``, ``~`` or an absolute path elsewhere is
  refused, atomically: there is no check-then-open race;
- files are opened ``O_NONBLOCK`` and must be regular files (``fstat``): a FIFO or a
  device is refused instead of blocking or streaming forever;
- reads are capped (``TooLarge`` beyond the cap, or the first bytes with ``partial``);
- writes go to a temporary file in the same directory fd and are renamed over the
  target, so a reader sees the old or the new bytes and a hard link is never written
  through;
- whoever watches the workspace (``watch``: a step's snapshot, to keep what a step
  changes) hears of every write, removal and rename before it happens.

Errors are ``OSError`` subclasses, so code that treats an unreadable file as absent
keeps doing so; ``str()`` of each says what was refused in words a model can act on.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
import threading
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from .beneath import (
    MAX_READ, TMP_PREFIX, NotRegular, OutsideWorkspace, ThroughLink, TooLarge, WorkspaceError, entry_kind, enter,
    kind, kernel_resolves_beneath, open_beneath, refusal, shown as _shown,
)

__all__ = ["MAX_READ", "NotRegular", "OutsideWorkspace", "ThroughLink", "TooLarge", "Workspace", "WorkspaceError",
           "before_change", "kernel_resolves_beneath", "watch", "watched"]


_watchers: dict[str, list[Callable[[str | None], Any]]] = {}
_watchers_lock = threading.Lock()


def _key(folder: str | os.PathLike[str]) -> str:
    return os.path.normpath(os.path.abspath(os.fspath(folder)))


def watch(folder: str | os.PathLike[str], before: Callable[[str | None], Any]) -> Callable[[], None]:
    """Call ``before(path)`` whenever ``path`` in the workspace ``folder`` is about to change
    (``before(None)``: anything in it may); returns the function that stops it."""
    key = _key(folder)
    with _watchers_lock:
        _watchers.setdefault(key, []).append(before)

    def stop() -> None:
        with _watchers_lock:
            callbacks = _watchers.get(key, [])
            if before in callbacks:
                callbacks.remove(before)
            if not callbacks:
                _watchers.pop(key, None)

    return stop


def watched(folder: str | os.PathLike[str]) -> bool:
    """Whether anyone watches the workspace ``folder`` (cheap: no system call)."""
    return bool(_watchers) and _key(folder) in _watchers


def before_change(folder: str | os.PathLike[str], path: str | None = None) -> None:
    """``path`` (None: anything) in the workspace ``folder`` is about to change: its watchers hear it.
    ``Workspace`` says so before each write; ``Tool.call`` before every side-effecting call."""
    if not _watchers:
        return
    with _watchers_lock:
        callbacks = list(_watchers.get(_key(folder), ()))
    for callback in callbacks:
        callback(path)


class Workspace:
    """A task's workspace folder; every path given is relative to it (or absolute inside it)."""

    def __init__(self, root: str | os.PathLike[str], *, max_read: int = MAX_READ):
        self.root = Path(root)
        self.max_read = max_read

    def __repr__(self) -> str:
        return f"Workspace({str(self.root)!r})"

    # --- paths ------------------------------------------------------------------------

    def parts(self, path: str | os.PathLike[str]) -> list[str]:
        """``path`` as its components below the root ([] for the root); refuses any way out."""
        text = os.fspath(path)
        if "\x00" in text:
            raise OutsideWorkspace(text, "a path cannot contain a NUL character", errno.EINVAL)
        text = text.strip()
        if text.startswith("~"):
            raise OutsideWorkspace(text, f"{text!r} is outside the workspace: '~' is not allowed; "
                                         "paths are relative to the workspace")
        if os.path.isabs(text):
            for root in (str(self.root), os.path.realpath(self.root)):
                if text == root or text.startswith(root.rstrip("/") + "/"):
                    text = text[len(root.rstrip("/")):].lstrip("/")
                    break
            else:
                raise OutsideWorkspace(text, f"{text!r} is outside the workspace: an absolute path must be "
                                             "inside it; give paths relative to the workspace")
        parts = [p for p in text.split("/") if p not in ("", ".")]
        if ".." in parts:
            raise OutsideWorkspace(text, f"{text!r} is outside the workspace: '..' is not allowed; "
                                         "paths are relative to the workspace")
        return parts

    def relative(self, path: str | os.PathLike[str]) -> str:
        """The workspace-relative form of ``path`` ('.' for the root); refuses any way out."""
        return _shown(self.parts(path))

    # --- opening ----------------------------------------------------------------------

    def _root_fd(self) -> int:
        # the workspace folder itself is SmallClaw's (the model cannot replace it: its
        # parent is outside what commands may write), so it may be reached through links
        return os.open(self.root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)

    def _open(self, parts: list[str], flags: int, mode: int = 0o644) -> int:
        """An fd for ``parts`` under the root, resolved without following any symlink."""
        flags |= os.O_CLOEXEC | os.O_NOFOLLOW
        shown = _shown(parts)
        root = self._root_fd()
        try:
            if not parts:
                return os.dup(root) if flags & os.O_DIRECTORY else os.open(".", flags, mode, dir_fd=root)
            return open_beneath(root, parts, flags, mode)
        except OSError as exc:
            raise refusal(shown, exc) from None
        finally:
            os.close(root)

    def _open_dir(self, parts: list[str], *, create: bool = False) -> int:
        """An fd for the folder ``parts``, made (with its parents) when ``create``."""
        try:
            return self._open(parts, os.O_RDONLY | os.O_DIRECTORY)
        except (FileNotFoundError, NotADirectoryError):
            if not create:
                raise
        fd = self._open([], os.O_RDONLY | os.O_DIRECTORY)
        try:
            for i, name in enumerate(parts):
                try:
                    os.mkdir(name, 0o755, dir_fd=fd)
                except FileExistsError:
                    pass
                try:
                    nxt = enter(fd, name)
                except OSError as exc:
                    raise refusal(_shown(parts[: i + 1]), exc) from None
                os.close(fd)
                fd = nxt
            return fd
        except BaseException:
            os.close(fd)
            raise

    def _open_file(self, parts: list[str]) -> tuple[int, os.stat_result]:
        """A read fd for a regular file, and its stat; anything else is refused without blocking."""
        shown = _shown(parts)
        fd = self._open(parts, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
        st = os.fstat(fd)
        if stat.S_ISREG(st.st_mode):
            return fd, st
        os.close(fd)
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(errno.EISDIR, f"{shown!r} is a folder")
        raise NotRegular(shown, f"{shown!r} is not a regular file ({kind(st.st_mode)}); SmallClaw reads and "
                                "writes regular files only")

    # --- reading ----------------------------------------------------------------------

    def read_bytes(self, path: str | os.PathLike[str], *, limit: int | None = None, partial: bool = False) -> bytes:
        """The file's bytes; ``TooLarge`` past ``limit`` (default ``max_read``), or its first
        ``limit`` bytes when ``partial``."""
        parts = self.parts(path)
        limit = self.max_read if limit is None else limit
        fd, st = self._open_file(parts)
        try:
            if st.st_size > limit and not partial:
                raise TooLarge(_shown(parts), st.st_size, limit)
            chunks, left = [], limit
            while left > 0:
                chunk = os.read(fd, min(left, 1 << 20))
                if not chunk:
                    break
                chunks.append(chunk)
                left -= len(chunk)
            data = b"".join(chunks)
            if not partial and len(data) >= limit and os.read(fd, 1):
                raise TooLarge(_shown(parts), max(st.st_size, limit + 1), limit)  # it grew while read
            return data
        finally:
            os.close(fd)

    def stream(self, path: str | os.PathLike[str], *, chunk: int = 1 << 20) -> Iterator[bytes]:
        """The file's bytes in chunks, however large it is (for hashing and copying big files)."""
        fd, _ = self._open_file(self.parts(path))
        try:
            while data := os.read(fd, chunk):
                yield data
        finally:
            os.close(fd)

    def read_text(self, path: str | os.PathLike[str], *, limit: int | None = None, partial: bool = False,
                  errors: str = "strict") -> str:
        """The file as UTF-8 text (``UnicodeDecodeError`` unless ``errors`` says otherwise)."""
        return self.read_bytes(path, limit=limit, partial=partial).decode("utf-8", errors)

    def stat(self, path: str | os.PathLike[str]) -> os.stat_result | None:
        """The entry's own stat (a symlink is not followed), or None when there is none."""
        parts = self.parts(path)
        if not parts:
            return os.stat(self.root)
        try:
            fd = self._open_dir(parts[:-1])
        except (FileNotFoundError, NotADirectoryError, WorkspaceError):
            return None
        try:
            return os.stat(parts[-1], dir_fd=fd, follow_symlinks=False)
        except (FileNotFoundError, NotADirectoryError):
            return None
        finally:
            os.close(fd)

    def is_file(self, path: str | os.PathLike[str]) -> bool:
        """A regular file (not a link to one)."""
        try:
            st = self.stat(path)
        except WorkspaceError:
            return False
        return st is not None and stat.S_ISREG(st.st_mode)

    def is_dir(self, path: str | os.PathLike[str]) -> bool:
        """A folder (not a link to one)."""
        try:
            st = self.stat(path)
        except WorkspaceError:
            return False
        return st is not None and stat.S_ISDIR(st.st_mode)

    def exists(self, path: str | os.PathLike[str]) -> bool:
        try:
            return self.stat(path) is not None
        except WorkspaceError:
            return False

    def entries(self, path: str | os.PathLike[str] = ".") -> list[tuple[str, str]]:
        """A folder's entries, sorted: (name, kind) with kind ``file``, ``dir``, ``link`` or ``other``."""
        fd = self._open_dir(self.parts(path))
        try:
            with os.scandir(fd) as it:
                out = [(e.name, entry_kind(e)) for e in it]
        finally:
            os.close(fd)
        return sorted(out)

    def walk(self, path: str | os.PathLike[str] = ".", *, limit: int = 10_000,
             skip: frozenset[str] = frozenset(), hidden: bool = True,
             others: bool = False) -> Iterator[tuple[str, os.stat_result]]:
        """Every regular file below ``path`` (relative to the workspace) with its stat, sorted by
        folder; symlinks are never followed, folders named in ``skip`` (and, unless
        ``hidden``, those starting with a dot) are not entered; at most ``limit`` files.
        With ``others``, the folders entered, symlinks, FIFOs, sockets and devices come too
        (their own stat: tell them apart by ``st_mode``), and count towards ``limit``."""
        start = self.parts(path)
        fd = self._open_dir(start)
        stack: list[tuple[int, list[str]]] = [(fd, start)]
        count = 0
        try:
            while stack:
                dfd, where = stack.pop()
                try:
                    with os.scandir(dfd) as it:
                        items = sorted(it, key=lambda e: e.name)
                    subdirs = []
                    for e in items:
                        st = e.stat(follow_symlinks=False)
                        if stat.S_ISREG(st.st_mode):
                            if e.name.startswith(TMP_PREFIX):
                                continue
                            count += 1
                            if count > limit:
                                return
                            yield _shown(where + [e.name]), st
                        elif stat.S_ISDIR(st.st_mode):
                            if e.name not in skip and (hidden or not e.name.startswith(".")):
                                subdirs.append(e.name)
                                if others:
                                    count += 1
                                    if count > limit:
                                        return
                                    yield _shown(where + [e.name]), st
                        elif others:
                            count += 1
                            if count > limit:
                                return
                            yield _shown(where + [e.name]), st
                    for name in reversed(subdirs):
                        try:
                            sub = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC,
                                          dir_fd=dfd)
                        except OSError:
                            continue  # swapped or gone meanwhile: not followed
                        stack.append((sub, where + [name]))
                finally:
                    os.close(dfd)
        finally:
            for dfd, _ in stack:
                os.close(dfd)

    # --- writing ----------------------------------------------------------------------

    def write_bytes(self, path: str | os.PathLike[str], data: bytes | Iterable[bytes], *, make_parents: bool = True,
                    mode: int | None = None, durable: bool = False) -> None:
        """Replace (or create) the file with ``data`` (bytes, or chunks of them): a temporary file in
        the same folder, renamed over it. A symlink in its place is replaced, never followed; a folder
        there is an ``IsADirectoryError``. The file keeps its permission bits (new ones: 0644)."""
        parts = self.parts(path)
        if not parts:
            raise IsADirectoryError(errno.EISDIR, "the workspace itself is a folder; give a file name")
        before_change(self.root, _shown(parts))
        fd = self._open_dir(parts[:-1], create=make_parents)
        name, shown = parts[-1], _shown(parts)
        try:
            try:
                old = os.stat(name, dir_fd=fd, follow_symlinks=False)
            except FileNotFoundError:
                old = None
            if old is not None and stat.S_ISDIR(old.st_mode):
                raise IsADirectoryError(errno.EISDIR, f"{shown!r} is a folder; give a file name")
            if mode is None:
                mode = stat.S_IMODE(old.st_mode) if old is not None and stat.S_ISREG(old.st_mode) else 0o644
            tmp = f"{TMP_PREFIX}{secrets.token_hex(6)}"
            out = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, mode, dir_fd=fd)
            try:
                try:
                    for part in (data,) if isinstance(data, (bytes, bytearray, memoryview)) else data:
                        view = memoryview(part)
                        while view:
                            view = view[os.write(out, view):]
                    os.fchmod(out, mode)  # the umask does not narrow what the file had
                    if durable:
                        os.fsync(out)
                finally:
                    os.close(out)
                os.rename(tmp, name, src_dir_fd=fd, dst_dir_fd=fd)
            except BaseException:
                try:
                    os.unlink(tmp, dir_fd=fd)
                except OSError:
                    pass
                raise
            if durable:
                os.fsync(fd)
        except OSError as exc:
            raise refusal(shown, exc) from None
        finally:
            os.close(fd)

    def write_text(self, path: str | os.PathLike[str], text: str, **kwargs) -> None:
        self.write_bytes(path, text.encode("utf-8"), **kwargs)

    def make_dirs(self, path: str | os.PathLike[str] = ".") -> None:
        """Make the folder and its parents (each made without following a link); the
        workspace itself is made first when it is missing."""
        os.makedirs(self.root, exist_ok=True)
        os.close(self._open_dir(self.parts(path), create=True))

    def remove(self, path: str | os.PathLike[str]) -> None:
        """Remove a file, a symlink (not what it points to) or an empty folder."""
        parts = self.parts(path)
        if not parts:
            raise IsADirectoryError(errno.EISDIR, "the workspace itself cannot be removed")
        before_change(self.root, _shown(parts))
        fd = self._open_dir(parts[:-1])
        try:
            st = os.stat(parts[-1], dir_fd=fd, follow_symlinks=False)
            if stat.S_ISDIR(st.st_mode):
                os.rmdir(parts[-1], dir_fd=fd)
            else:
                os.unlink(parts[-1], dir_fd=fd)
        except OSError as exc:
            raise refusal(_shown(parts), exc) from None
        finally:
            os.close(fd)

    def rename(self, source: str | os.PathLike[str], target: str | os.PathLike[str], *,
               make_parents: bool = True) -> None:
        """Move an entry to another path in the workspace (replacing a file there)."""
        a, b = self.parts(source), self.parts(target)
        if not a or not b:
            raise IsADirectoryError(errno.EISDIR, "the workspace itself cannot be moved")
        before_change(self.root, _shown(a))
        before_change(self.root, _shown(b))
        src = self._open_dir(a[:-1])
        try:
            dst = self._open_dir(b[:-1], create=make_parents)
            try:
                os.rename(a[-1], b[-1], src_dir_fd=src, dst_dir_fd=dst)
            except OSError as exc:
                raise refusal(_shown(a), exc) from None
            finally:
                os.close(dst)
        finally:
            os.close(src)


