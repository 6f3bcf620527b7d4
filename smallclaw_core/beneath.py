"""Resolving a path beneath a directory without following a symlink, and the errors that refuse one.

``open_beneath`` uses ``openat2(2)`` with ``RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
RESOLVE_NO_MAGICLINKS`` where the kernel has it (Linux 5.6+), else walks one component
at a time with ``O_NOFOLLOW`` and directory fds. Either way there is no check-then-open
race: what is opened is what was resolved. ``workspace.py`` builds on it.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import os
import platform
import stat

#: what a read returns at most unless asked otherwise (a sparse 1 TB file is not read)
MAX_READ = 16 * 2**20

_RESOLVE_NO_MAGICLINKS = 0x02
_RESOLVE_NO_SYMLINKS = 0x04
_RESOLVE_BENEATH = 0x08
#: openat2 has the same number on every architecture (it is newer than the split tables)
_SYS_OPENAT2 = 437
#: the name SmallClaw's own temporary files start with (walks skip them)
TMP_PREFIX = ".smallclaw-tmp-"


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


class ThroughLink(NotRegular):
    """The path is, or goes through, a symbolic link (none is followed, even one that stays inside)."""


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


def shown(parts: list[str]) -> str:
    return "/".join(parts) or "."


def open_beneath(root: int, parts: list[str], flags: int, mode: int = 0o644) -> int:
    """An fd for ``parts`` under the directory fd ``root``; no symlink is followed on the way."""
    libc = _openat2()
    if libc is not None:
        return _by_openat2(libc, root, parts, flags, mode)
    return _by_walk(root, parts, flags, mode)


def _by_openat2(libc, root: int, parts: list[str], flags: int, mode: int) -> int:
    resolve = _RESOLVE_BENEATH | _RESOLVE_NO_SYMLINKS | _RESOLVE_NO_MAGICLINKS
    how = _OpenHow(flags, mode if flags & os.O_CREAT else 0, resolve)
    path = "/".join(parts).encode()
    for _ in range(20):  # EAGAIN: a rename raced the lookup; the kernel asks to try again
        fd = libc.syscall(_SYS_OPENAT2, ctypes.c_int(root), path, ctypes.byref(how), ctypes.c_size_t(24))
        if fd >= 0:
            return int(fd)
        err = ctypes.get_errno()
        if err == errno.ENOTDIR and flags & os.O_DIRECTORY:
            # O_DIRECTORY on a trailing symlink says ENOTDIR: say ELOOP, as for any other link
            link = _OpenHow(os.O_PATH | os.O_NOFOLLOW | os.O_CLOEXEC, 0, resolve)
            fd = libc.syscall(_SYS_OPENAT2, ctypes.c_int(root), path, ctypes.byref(link), ctypes.c_size_t(24))
            if fd >= 0:
                try:
                    err = errno.ELOOP if stat.S_ISLNK(os.fstat(fd).st_mode) else err
                finally:
                    os.close(fd)
        if err != errno.EAGAIN:
            raise OSError(err, os.strerror(err))
    raise OSError(errno.EAGAIN, os.strerror(errno.EAGAIN))


def _by_walk(root: int, parts: list[str], flags: int, mode: int) -> int:
    fd = os.dup(root)
    try:
        for name in parts[:-1]:
            nxt = enter(fd, name)
            os.close(fd)
            fd = nxt
        try:
            return os.open(parts[-1], flags, mode, dir_fd=fd)
        except NotADirectoryError:
            _raise_if_link(fd, parts[-1])
            raise
    finally:
        os.close(fd)


def refusal(shown: str, exc: OSError) -> OSError:
    """The OS error as the user and the model should read it."""
    if isinstance(exc, WorkspaceError):
        return exc
    if exc.errno in (errno.ELOOP, errno.EXDEV):
        return ThroughLink(shown, f"{shown!r} is or goes through a symbolic link, which SmallClaw does not follow",
                           exc.errno)
    if exc.errno == errno.ENOTDIR:
        return NotADirectoryError(exc.errno, f"a part of {shown!r} is not a folder")
    if exc.errno == errno.ENOENT:
        return FileNotFoundError(exc.errno, f"no file or folder {shown!r} in the workspace")
    if exc.errno == errno.EISDIR:
        return IsADirectoryError(exc.errno, f"{shown!r} is a folder")
    return type(exc)(exc.errno, f"{shown!r}: {exc.strerror}")


def enter(fd: int, name: str) -> int:
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


def kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "not a file"


def entry_kind(entry: os.DirEntry) -> str:
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
