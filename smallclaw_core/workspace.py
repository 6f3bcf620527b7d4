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
  through.

Errors are ``OSError`` subclasses, so code that treats an unreadable file as absent
keeps doing so; ``str()`` of each says what was refused in words a model can act on.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import os
import platform
import secrets
import stat
from pathlib import Path
from typing import Iterator

#: what a read returns at most unless asked otherwise (a sparse 1 TB file is not read)
MAX_READ = 16 * 2**20

_RESOLVE_NO_MAGICLINKS = 0x02
_RESOLVE_NO_SYMLINKS = 0x04
_RESOLVE_BENEATH = 0x08
#: openat2 has the same number on every architecture (it is newer than the split tables)
_SYS_OPENAT2 = 437
_TMP_PREFIX = ".smallclaw-tmp-"


class WorkspaceError(OSError):
    """A path SmallClaw will not open in a workspace; ``str()`` says why."""

    def __init__(self, path: str, why: str, err: int = errno.EPERM):
        super().__init__(err, why)
        self.path = path
        self.why = why

    def __str__(self) -> str:
        return self.why


class OutsideWorkspace(WorkspaceError):
    """The path leaves the workspace (``..``, ``~``, an absolute path elsewhere, a symlink)."""


class NotRegular(WorkspaceError):
    """The path is a FIFO, a socket, a device or a symlink: SmallClaw opens files and folders only."""


class TooLarge(WorkspaceError):
    """The file is larger than the read was allowed to be."""

    def __init__(self, path: str, size: int, limit: int):
        super().__init__(path, f"{path!r} is {size:,} bytes, more than the {limit:,} that are read at once",
                         errno.EFBIG)
        self.size = size
        self.limit = limit


class _OpenHow(ctypes.Structure):
    _fields_ = [("flags", ctypes.c_uint64), ("mode", ctypes.c_uint64), ("resolve", ctypes.c_uint64)]


@functools.lru_cache(maxsize=1)
def _openat2():
    """The raw openat2 syscall, or None where the kernel (or the platform) has none."""
    if os.uname().sysname != "Linux" or platform.machine() not in ("x86_64", "aarch64", "riscv64", "ppc64le",
                                                                     "s390x", "armv7l", "i686"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    libc.syscall.restype = ctypes.c_long
    how = _OpenHow(os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC, 0, _RESOLVE_BENEATH)
    fd = libc.syscall(_SYS_OPENAT2, ctypes.c_int(-100), b".", ctypes.byref(how), ctypes.c_size_t(24))
    if fd < 0:
        return None  # ENOSYS (older than 5.6), or blocked by a seccomp policy
    os.close(fd)
    return libc


def kernel_resolves_beneath() -> bool:
    """True where ``openat2`` does the resolving (else the component walk does)."""
    return _openat2() is not None


def _shown(parts: list[str]) -> str:
    return "/".join(parts) or "."


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
            libc = _openat2()
            if libc is not None:
                return self._openat2(libc, root, parts, flags, mode)
            return self._walk_open(root, parts, flags, mode)
        except OSError as exc:
            raise self._refusal(shown, exc) from None
        finally:
            os.close(root)

    @staticmethod
    def _openat2(libc, root: int, parts: list[str], flags: int, mode: int) -> int:
        how = _OpenHow(flags, mode if flags & os.O_CREAT else 0,
                       _RESOLVE_BENEATH | _RESOLVE_NO_SYMLINKS | _RESOLVE_NO_MAGICLINKS)
        path = "/".join(parts).encode()
        for _ in range(20):  # EAGAIN: a rename raced the lookup; the kernel asks to try again
            fd = libc.syscall(_SYS_OPENAT2, ctypes.c_int(root), path, ctypes.byref(how), ctypes.c_size_t(24))
            if fd >= 0:
                return int(fd)
            err = ctypes.get_errno()
            if err != errno.EAGAIN:
                raise OSError(err, os.strerror(err))
        raise OSError(errno.EAGAIN, os.strerror(errno.EAGAIN))

    @staticmethod
    def _walk_open(root: int, parts: list[str], flags: int, mode: int) -> int:
        fd = os.dup(root)
        try:
            for name in parts[:-1]:
                nxt = _enter(fd, name)
                os.close(fd)
                fd = nxt
            try:
                return os.open(parts[-1], flags, mode, dir_fd=fd)
            except NotADirectoryError:
                _raise_if_link(fd, parts[-1])
                raise
        finally:
            os.close(fd)

    def _refusal(self, shown: str, exc: OSError) -> OSError:
        """The OS error as the user and the model should read it."""
        if isinstance(exc, WorkspaceError):
            return exc
        if exc.errno in (errno.ELOOP, errno.EXDEV):
            return NotRegular(shown, f"{shown!r} is or goes through a symbolic link, which SmallClaw does not follow",
                              exc.errno)
        if exc.errno == errno.ENOTDIR:
            return NotADirectoryError(exc.errno, f"a part of {shown!r} is not a folder")
        if exc.errno == errno.ENOENT:
            return FileNotFoundError(exc.errno, f"no file or folder {shown!r} in the workspace")
        if exc.errno == errno.EISDIR:
            return IsADirectoryError(exc.errno, f"{shown!r} is a folder")
        return type(exc)(exc.errno, f"{shown!r}: {exc.strerror}")

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
                    nxt = _enter(fd, name)
                except OSError as exc:
                    raise self._refusal(_shown(parts[: i + 1]), exc) from None
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
        raise NotRegular(shown, f"{shown!r} is not a regular file ({_kind(st.st_mode)}); SmallClaw reads and "
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
                out = [(e.name, _entry_kind(e)) for e in it]
        finally:
            os.close(fd)
        return sorted(out)

    def walk(self, path: str | os.PathLike[str] = ".", *, limit: int = 10_000,
             skip: frozenset[str] = frozenset(), hidden: bool = True) -> Iterator[tuple[str, os.stat_result]]:
        """Every regular file below ``path`` (relative to the workspace) with its stat, sorted by
        folder; symlinks are never followed, folders named in ``skip`` (and, unless
        ``hidden``, those starting with a dot) are not entered; at most ``limit`` files."""
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
                            if e.name.startswith(_TMP_PREFIX):
                                continue
                            count += 1
                            if count > limit:
                                return
                            yield _shown(where + [e.name]), st
                        elif stat.S_ISDIR(st.st_mode) and e.name not in skip and (hidden or not e.name.startswith(".")):
                            subdirs.append(e.name)
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

    def write_bytes(self, path: str | os.PathLike[str], data: bytes, *, make_parents: bool = True,
                    mode: int | None = None, durable: bool = False) -> None:
        """Replace (or create) the file with ``data``: a temporary file in the same folder,
        renamed over it. A symlink in its place is replaced, never followed; a folder there
        is an ``IsADirectoryError``. The file keeps its permission bits (new ones: 0644)."""
        parts = self.parts(path)
        if not parts:
            raise IsADirectoryError(errno.EISDIR, "the workspace itself is a folder; give a file name")
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
            tmp = f"{_TMP_PREFIX}{secrets.token_hex(6)}"
            out = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, mode, dir_fd=fd)
            try:
                try:
                    view = memoryview(data)
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
            raise self._refusal(shown, exc) from None
        finally:
            os.close(fd)

    def write_text(self, path: str | os.PathLike[str], text: str, **kwargs) -> None:
        self.write_bytes(path, text.encode("utf-8"), **kwargs)

    def make_dirs(self, path: str | os.PathLike[str]) -> None:
        """Make the folder and its parents (each made without following a link)."""
        os.close(self._open_dir(self.parts(path), create=True))

    def remove(self, path: str | os.PathLike[str]) -> None:
        """Remove a file, a symlink (not what it points to) or an empty folder."""
        parts = self.parts(path)
        if not parts:
            raise IsADirectoryError(errno.EISDIR, "the workspace itself cannot be removed")
        fd = self._open_dir(parts[:-1])
        try:
            st = os.stat(parts[-1], dir_fd=fd, follow_symlinks=False)
            if stat.S_ISDIR(st.st_mode):
                os.rmdir(parts[-1], dir_fd=fd)
            else:
                os.unlink(parts[-1], dir_fd=fd)
        except OSError as exc:
            raise self._refusal(_shown(parts), exc) from None
        finally:
            os.close(fd)

    def rename(self, source: str | os.PathLike[str], target: str | os.PathLike[str], *,
               make_parents: bool = True) -> None:
        """Move an entry to another path in the workspace (replacing a file there)."""
        a, b = self.parts(source), self.parts(target)
        if not a or not b:
            raise IsADirectoryError(errno.EISDIR, "the workspace itself cannot be moved")
        src = self._open_dir(a[:-1])
        try:
            dst = self._open_dir(b[:-1], create=make_parents)
            try:
                os.rename(a[-1], b[-1], src_dir_fd=src, dst_dir_fd=dst)
            except OSError as exc:
                raise self._refusal(_shown(a), exc) from None
            finally:
                os.close(dst)
        finally:
            os.close(src)


def _enter(fd: int, name: str) -> int:
    """An fd for the folder ``name`` in the folder ``fd``, never reached through a link."""
    try:
        return os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=fd)
    except NotADirectoryError:
        _raise_if_link(fd, name)
        raise


def _raise_if_link(fd: int, name: str) -> None:
    """O_NOFOLLOW | O_DIRECTORY on a symlink says ENOTDIR; say ELOOP, as openat2 does."""
    try:
        if stat.S_ISLNK(os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode):
            raise OSError(errno.ELOOP, os.strerror(errno.ELOOP))
    except FileNotFoundError:
        pass


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "not a file"


def _entry_kind(entry: os.DirEntry) -> str:
    try:
        if entry.is_symlink():
            return "link"
        if entry.is_dir(follow_symlinks=False):
            return "dir"
        if entry.is_file(follow_symlinks=False):
            return "file"
    except OSError:
        pass
    return "other"
