"""How a command's process restricts itself for good: Landlock, seccomp, no capabilities, its own namespaces.

Imported by the launcher (``launcher.py``, run by path: this module imports nothing but
the standard library) and by SmallClaw, to ask what the kernel offers
(``landlock_abi()``, ``socket_filter_supported()``).

- ``enter_namespaces``: the launcher's future children get a PID namespace of their own
  (and, without network, the launcher and they an empty network namespace), inside a
  new user namespace when the process has no privilege to make them otherwise;
- ``start_command``: in the forked command, before exec: rlimits, no capabilities,
  ``no_new_privs``, the Landlock ruleset, the seccomp filter; if any of it fails, the
  command does not run (exit 126).
"""

from __future__ import annotations

import ctypes
import functools
import os
import resource
import signal
import stat
import sys

# --- Landlock (linux/landlock.h) -------------------------------------------------------

_SYS_CREATE_RULESET, _SYS_ADD_RULE, _SYS_RESTRICT_SELF = 444, 445, 446  # the same on every architecture
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1

FS_EXECUTE = 1 << 0
FS_WRITE_FILE = 1 << 1
FS_READ_FILE = 1 << 2
FS_READ_DIR = 1 << 3
FS_MAKE_CHAR = 1 << 6
FS_MAKE_BLOCK = 1 << 11
FS_REFER = 1 << 13  # ABI 2
FS_TRUNCATE = 1 << 14  # ABI 3
FS_IOCTL_DEV = 1 << 15  # ABI 5
NET_BIND_TCP = 1 << 0  # ABI 4
NET_CONNECT_TCP = 1 << 1  # ABI 4
SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0  # ABI 6
SCOPE_SIGNAL = 1 << 1  # ABI 6

READ_ONLY = FS_EXECUTE | FS_READ_FILE | FS_READ_DIR
#: everything but making device files: a device node made in the workspace would open the disk
READ_WRITE_EXCEPT = FS_MAKE_CHAR | FS_MAKE_BLOCK
#: the only rights a rule on a file (not a directory) may carry
FILE_RIGHTS = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV

_PR_CAPBSET_DROP = 24
_PR_SET_SECCOMP = 22
_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL = 47, 4
_PR_SET_NO_NEW_PRIVS = 38


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


@functools.lru_cache(maxsize=1)
def _libc():
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    libc.prctl.restype = ctypes.c_int
    return libc


def _check(result: int, what: str) -> int:
    if result < 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")
    return result


def landlock_abi() -> tuple[int, str]:
    """The Landlock ABI version the running kernel offers, and why it is 0 when it offers none."""
    if sys.platform != "linux":
        return 0, f"Landlock is a Linux feature; this is {sys.platform}"
    try:
        libc = _libc()
    except OSError as exc:  # pragma: no cover - a Linux without a C library
        return 0, f"cannot load the C library ({exc})"
    version = libc.syscall(_SYS_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(_CREATE_RULESET_VERSION))
    if version > 0:
        return int(version), ""
    err = ctypes.get_errno()
    if err == 38:  # ENOSYS
        return 0, f"the kernel ({os.uname().release}) has no Landlock (it needs Linux 5.13 or later, built with it)"
    if err == 95:  # EOPNOTSUPP
        return 0, "Landlock is built into the kernel but not enabled (add landlock to the lsm= boot parameter)"
    return 0, f"the Landlock probe failed: {os.strerror(err)}"


def handled_fs(abi: int) -> int:
    """Every filesystem right the kernel's ABI knows: all of them are denied unless a rule allows them."""
    rights = (1 << 13) - 1  # ABI 1: execute ... make_sym
    if abi >= 2:
        rights |= FS_REFER
    if abi >= 3:
        rights |= FS_TRUNCATE
    if abi >= 5:
        rights |= FS_IOCTL_DEV
    return rights


def restrict(abi: int, read_write: list[str], read_only: list[str], network: bool) -> None:
    """Restrict this process and its future children for good (Landlock, ``abi`` >= 1)."""
    libc = _libc()
    handled = handled_fs(abi)
    attr = _RulesetAttr(handled_access_fs=handled)
    size = 8
    if abi >= 4:
        size = 16
        if not network:
            attr.handled_access_net = NET_BIND_TCP | NET_CONNECT_TCP  # handled and never allowed
    if abi >= 6:
        size = 24
        attr.scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL
    ruleset = _check(libc.syscall(_SYS_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size),
                                  ctypes.c_uint32(0)), "landlock_create_ruleset")
    try:
        for paths, rights in ((read_write, handled & ~READ_WRITE_EXCEPT), (read_only, READ_ONLY)):
            for path in paths:
                _allow(libc, ruleset, path, rights & handled)
        _check(libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS)")
        _check(libc.syscall(_SYS_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)), "landlock_restrict_self")
    finally:
        os.close(ruleset)


def _allow(libc, ruleset: int, path: str, rights: int) -> None:
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except FileNotFoundError:
        return  # gone since the list was made: nothing to allow
    try:
        if not stat.S_ISDIR(os.fstat(fd).st_mode):
            rights &= FILE_RIGHTS
        rule = _PathBeneathAttr(allowed_access=rights, parent_fd=fd)
        _check(libc.syscall(_SYS_ADD_RULE, ctypes.c_int(ruleset), ctypes.c_int(_RULE_PATH_BENEATH),
                            ctypes.byref(rule), ctypes.c_uint32(0)), f"landlock_add_rule({path})")
    finally:
        os.close(fd)


# --- capabilities: none -----------------------------------------------------------------


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def drop_capabilities() -> None:
    """Give up every capability, for good: root keeps its uid but loses what Landlock does not cover.

    Root's capabilities would let a command load a kernel module, chown any file, use
    raw devices or BPF. The bounding set is emptied first (so exec cannot grant them
    back to uid 0), then the ambient, effective, permitted and inheritable sets. Without
    privileges (an ordinary user) there is nothing to drop and this changes nothing.
    """
    libc = _libc()
    if libc.prctl(_PR_CAPBSET_DROP, 0, 0, 0, 0) == 0:  # allowed: we hold CAP_SETPCAP
        for cap in range(1, 64):
            if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
                break  # past the last capability this kernel knows
    libc.prctl(_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    header = _CapHeader(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3
    data = (_CapData * 2)()
    _check(libc.capset(ctypes.byref(header), data), "capset")


# --- seccomp: without network, no socket but TCP, and no listening (linux/seccomp.h, filter.h) ----------

#: architecture -> AUDIT_ARCH value and the syscall numbers the filter looks at
_SECCOMP_ARCHES = {
    "x86_64": (0xC000003E, {"socket": 41, "listen": 50, "accept": 43, "accept4": 288, "io_uring_setup": 425}),
    "aarch64": (0xC00000B7, {"socket": 198, "listen": 201, "accept": 202, "accept4": 242, "io_uring_setup": 425}),
}
_AF_INET, _AF_INET6, _SOCK_STREAM, _IPPROTO_TCP = 2, 10, 1, 6
_EACCES, _ENOSYS = 13, 38
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8), ("k", ctypes.c_uint32)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def socket_filter_supported() -> bool:
    """True where the seccomp filter that keeps commands off the network can be installed."""
    return sys.platform == "linux" and os.uname().machine in _SECCOMP_ARCHES


def _socket_filter_program(tcp: bool) -> list[tuple[int, int, int, int]]:
    """The BPF program, assembled from labelled instructions (jumps are relative in BPF).

    Refused with "Permission denied": ``listen``, ``accept`` and ``accept4`` (``listen``
    without ``bind`` picks a port on every interface, which Landlock does not see), and
    every socket but TCP; with ``tcp`` false, TCP sockets too (nothing else would keep
    them in). ``io_uring`` makes sockets where seccomp cannot see: it does not exist here.
    """
    arch, nr = _SECCOMP_ARCHES[os.uname().machine]
    # offsets in struct seccomp_data: nr 0, arch 4, args[i] 16 + 8 i (low half first: little-endian)
    source = [
        ("ld", 4),                                        # the calling convention
        ("jeq", arch, None, "nosys"),                     # another one (i386 socketcall on x86_64)
        ("ld", 0),                                        # the syscall number
        ("jge", 0x40000000, "nosys", None),               # x32 numbers
        ("jeq", nr["io_uring_setup"], "nosys", None),
        ("jeq", nr["listen"], "deny", None),
        ("jeq", nr["accept"], "deny", None),
        ("jeq", nr["accept4"], "deny", None),
        ("jeq", nr["socket"], "socket" if tcp else "deny", None),
        ("ret", _RET_ALLOW),                              # any other call
        "socket",
        ("ld", 16),                                       # socket(domain, type, protocol)
        ("jeq", _AF_INET, "stream", None),
        ("jeq", _AF_INET6, "stream", "deny"),
        "stream",
        ("ld", 24),
        ("and", 0xF),                                     # the type without SOCK_NONBLOCK / SOCK_CLOEXEC
        ("jeq", _SOCK_STREAM, None, "deny"),
        ("ld", 32),
        ("jeq", 0, "tcp", None),
        ("jeq", _IPPROTO_TCP, "tcp", "deny"),
        "deny",
        ("ret", _RET_ERRNO | _EACCES),
        "tcp",
        ("ret", _RET_ALLOW),                              # Landlock or the empty namespace decide the rest
        "nosys",
        ("ret", _RET_ERRNO | _ENOSYS),
    ]
    codes = {"ld": 0x20, "jeq": 0x15, "jge": 0x35, "and": 0x54, "ret": 0x06}  # BPF_LD|W|ABS, BPF_JMP|K ...
    labels: dict[str, int] = {}
    for item in source:
        if isinstance(item, str):
            labels[item] = sum(1 for x in source[: source.index(item)] if not isinstance(x, str))
    program = []
    for item in source:
        if isinstance(item, str):
            continue
        op, k, *targets = item
        here = len(program)
        offsets = [0 if t is None else labels[t] - here - 1 for t in targets] or [0, 0]
        program.append((codes[op], offsets[0], offsets[1], k))
    return program


def filter_sockets(tcp: bool) -> None:
    """Refuse listening, accepting and every socket but TCP (none at all unless ``tcp``), for good."""
    program = _socket_filter_program(tcp)
    libc = _libc()
    array = (_SockFilter * len(program))(*[_SockFilter(*ins) for ins in program])
    fprog = _SockFprog(len(program), array)
    _check(libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS)")
    _check(libc.prctl(_PR_SET_SECCOMP, 2, ctypes.byref(fprog), 0, 0), "prctl(PR_SET_SECCOMP)")


# --- namespaces: a PID namespace per command, an empty network namespace without network -------

CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000


def enter_namespaces(network: bool) -> bool:
    """Give this process's future children a PID namespace of their own; without ``network``, an empty network one.

    Unshared directly where the process may (root); otherwise inside a new user namespace
    that maps only the process's own uid and gid, so files keep their owners. Returns
    True when a user namespace was needed; raises ``OSError`` when neither works. The
    network namespace takes this process in too: the launcher uses no network.
    """
    libc = _libc()
    flags = CLONE_NEWPID | (0 if network else CLONE_NEWNET)
    if libc.unshare(ctypes.c_int(flags)) == 0:
        return False
    uid, gid = os.geteuid(), os.getegid()
    _check(libc.unshare(ctypes.c_int(flags | CLONE_NEWUSER)), "unshare")
    for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
        fd = os.open(f"/proc/self/{name}", os.O_WRONLY)
        try:
            os.write(fd, text.encode())
        finally:
            os.close(fd)
    return True


# --- the command: restricted, then run ----------------------------------------------------------


def start_command(spec: dict, argv: list[str], own_network: bool) -> None:
    """In the forked command: limits, no capabilities, Landlock, seccomp, exec. Never returns.

    ``own_network``: the command is in an empty network namespace of its own, so TCP
    sockets may stay (nothing answers them); otherwise, without Landlock's network rules
    either, the filter refuses them too.
    """
    try:
        signal.pthread_sigmask(signal.SIG_SETMASK, [])  # the launcher waits with signals blocked
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGPIPE, signal.SIGXFSZ):
            signal.signal(sig, signal.SIG_DFL)  # Python ignores SIGPIPE; commands expect the default
        if spec.get("memory"):
            resource.setrlimit(resource.RLIMIT_AS, (spec["memory"], spec["memory"]))
        if spec.get("cpu"):
            resource.setrlimit(resource.RLIMIT_CPU, (spec["cpu"], spec["cpu"] + 1))
        drop_capabilities()
        abi = spec.get("landlock") or 0
        if abi:
            restrict(abi, spec["read_write"], spec["read_only"], spec["network"])
        if not spec["network"] and socket_filter_supported():
            filter_sockets(tcp=own_network or abi >= 4)
        os.execve(argv[0], argv, os.environ)
    except BaseException as exc:  # noqa: BLE001 - whatever failed, the command must not run unconfined
        os.write(2, f"smallclaw sandbox: the command was not run: {exc}\n".encode(errors="replace"))
    os._exit(126)
