"""What a command may reach, and which shell mode is in force.

Where the kernel offers Landlock, every command ``run_shell`` or a check starts is
confined by the launcher (``sandbox.py``) to:

- read and write: the task's workspace and a private temporary directory (``TMPDIR``);
- read and run programs: the system's program and library directories, the Python
  installation SmallClaw runs on, the files of ``/etc`` that programs need to start
  (not ``/etc/shadow`` nor ``/etc/ssl/private``), and ``[shell] read_only``;
- read and write the harmless devices (``/dev/null``, ``/dev/zero``, ``/dev/urandom``...);
- no TCP (connect or bind) and no other socket than TCP, unless ``[shell] network``.

Nothing else: not the home directory, not the data directory (the gateway token, every
task's state), not other tasks' workspaces. A directory that would contain one of those
is never made readable, whoever lists it; ``doctor`` says which were left out and why.
"""

from __future__ import annotations

import functools
import glob
import json
import logging
import math
import os
import subprocess
import sys
from pathlib import Path

import attrs

from smallclaw_core import ToolError

from . import sandbox
from .config import ShellConfig

log = logging.getLogger("smallclaw.shell")

SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/nix/store")

#: what of /etc programs read to start and to find names, time zones, certificates
ETC_ENTRIES = (
    "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "ld.so.preload", "passwd", "group", "nsswitch.conf",
    "hosts", "host.conf", "resolv.conf", "gai.conf", "services", "protocols", "networks", "localtime",
    "timezone", "locale.alias", "locale.conf", "default/locale", "mime.types", "magic", "magic.mime",
    "mailcap", "ssl/certs", "ssl/openssl.cnf", "ca-certificates", "ca-certificates.conf", "pki/tls/certs",
    "pki/ca-trust/extracted", "crypto-policies/back-ends", "gitconfig", "inputrc", "terminfo", "fonts",
    "perl", "python3*", "os-release", "lsb-release", "debian_version", "redhat-release", "system-release",
)

#: devices every program may use
DEVICES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom")


def kernel_landlock() -> tuple[int, str]:
    """The Landlock ABI of the running kernel (0 when none) and why it is missing."""
    return sandbox.landlock_abi()


@functools.lru_cache(maxsize=1)
def _namespaces_probe() -> tuple[bool, bool, str]:
    from .shell import LAUNCHER  # the launcher is the program that makes them

    try:
        proc = subprocess.run([sys.executable, "-I", "-S", LAUNCHER, "--probe"], capture_output=True, timeout=30)
        answer = json.loads(proc.stdout)
        return bool(answer["available"]), bool(answer["user"]), str(answer["why"])
    except (OSError, ValueError, KeyError, subprocess.SubprocessError) as exc:
        return False, False, f"the probe failed: {exc}"


def kernel_namespaces() -> tuple[bool, bool, str]:
    """Whether commands get PID and network namespaces here, whether a user namespace is needed, and why not.

    Tried once per process, in a throwaway child of the launcher.
    """
    if sys.platform != "linux":
        return False, False, f"namespaces are a Linux feature; this is {sys.platform}"
    return _namespaces_probe()


@attrs.frozen
class ShellMode:
    """The policy in force, and what the kernel offers: what ``doctor`` and the board show."""

    #: ``[shell] policy`` as configured
    configured: str
    #: the policy in force: ``sandbox``, ``allow``, ``ask`` or ``open``
    policy: str
    #: the Landlock ABI found, 0 when there is none: commands then run unconfined
    landlock: int
    network: bool
    #: why Landlock is missing ("" when it is there)
    missing: str = ""

    @property
    def confined(self) -> bool:
        return self.landlock > 0

    @property
    def fallback(self) -> bool:
        """True when ``sandbox`` was asked for and the command-reading policy stands in."""
        return self.configured == "sandbox" and self.policy != "sandbox"

    def describe(self) -> str:
        """One line for people: the mode, what it means, and what confines commands."""
        if self.fallback:
            return (f"ask: the sandbox is not available ({self.missing}); commands the policy cannot check "
                    "wait for your approval")
        what = {
            "sandbox": "every command runs without asking",
            "allow": "only allow-listed commands run",
            "ask": "commands the policy cannot check wait for your approval",
            "open": "every command runs without being read",
        }[self.policy]
        if not self.confined:
            return f"{self.policy}: {what}; commands are not confined by the kernel ({self.missing})"
        network = "network allowed" if self.network else "no network"
        return f"{self.policy}: {what}, confined by Landlock (ABI {self.landlock}) to the workspace; {network}"

    def as_dict(self) -> dict[str, object]:
        return {"configured": self.configured, "policy": self.policy, "landlock": self.landlock,
                "network": self.network, "fallback": self.fallback, "missing": self.missing,
                "description": self.describe()}


_warned: set[str] = set()


def shell_mode(config: ShellConfig) -> ShellMode:
    """The mode in force for ``config`` on this kernel: ``sandbox`` falls back to ``ask`` without Landlock."""
    abi, missing = kernel_landlock()
    policy = config.policy
    if policy == "sandbox" and not abi:
        policy = "ask"
        if missing not in _warned:
            _warned.add(missing)
            log.warning("[shell] policy is sandbox but Landlock is not available (%s): commands are read "
                        "by the ask policy instead, and those it cannot check wait for approval", missing)
    return ShellMode(config.policy, policy, abi, config.network, missing)


# --- the paths ------------------------------------------------------------------------------


def within(path: str, root: str) -> bool:
    """True when ``path`` is ``root`` or below it (both resolved already)."""
    return path == root or path.startswith(root.rstrip("/") + "/")


@attrs.frozen
class Protected:
    """A place no readable directory may contain: ``inside_ok`` allows directories below it."""

    what: str
    path: str
    inside_ok: bool = False


def protected_places(app, workspace: Path | None = None) -> list[Protected]:
    """The data directory, the workspace root and the home directory of the user running SmallClaw."""
    places = [Protected("your home directory", os.path.realpath(os.path.expanduser("~")), inside_ok=True)]
    home = getattr(app, "home", None)
    if home is not None:
        places.append(Protected("the data directory", os.path.realpath(home)))
    try:
        root = app.workspace_root if app is not None else None
    except AttributeError:
        root = None
    if root is None and workspace is not None:
        root = Path(workspace).parent
    if root is not None:
        places.append(Protected("other tasks' workspaces", os.path.realpath(root)))
    return places


def why_left_out(path: str, places: list[Protected]) -> str | None:
    """Why ``path`` may not be made readable, or None when it may."""
    for place in places:
        if within(place.path, path):
            return f"it contains {place.what} ({place.path})"
        if not place.inside_ok and within(path, place.path):
            return f"it is inside {place.what} ({place.path})"
    return None


def _candidates(config: ShellConfig) -> list[tuple[str, bool]]:
    """Paths to make readable, each with whether the user listed it (``[shell] read_only``)."""
    paths = list(SYSTEM_DIRS)
    for entry in ETC_ENTRIES:
        paths.extend(sorted(glob.glob(os.path.join("/etc", entry))))
    paths.extend(sorted({sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}))
    return [(p, False) for p in paths] + [(os.path.expanduser(p), True) for p in config.read_only]


def readable_paths(config: ShellConfig, places: list[Protected]) -> tuple[list[str], list[str]]:
    """The read-only paths (resolved, existing, none inside another) and the ones left out, with why."""
    chosen: list[str] = []
    left_out: list[str] = []
    for path, listed in _candidates(config):
        if not os.path.isabs(path):
            left_out.append(f"{path}: not an absolute path")
            continue
        real = os.path.realpath(path)
        if not os.path.exists(real):
            if listed:
                left_out.append(f"{path}: does not exist")
            continue
        why = why_left_out(real, places)
        if why:
            left_out.append(f"{path}: {why}")
            continue
        chosen.append(real)
    chosen = sorted(set(chosen))
    outermost = [p for p in chosen if not any(q != p and within(p, q) for q in chosen)]
    return outermost, left_out


@attrs.frozen
class Confinement:
    """What the launcher is told for one command: the Landlock rules and the limits."""

    #: Landlock ABI to use; 0: no Landlock (the kernel has none)
    landlock: int = 0
    read_write: tuple[str, ...] = ()
    read_only: tuple[str, ...] = ()
    network: bool = True
    #: RLIMIT_AS in bytes, RLIMIT_CPU in seconds; 0: none
    memory: int = 0
    cpu: int = 0
    #: a PID namespace per command (and an empty network namespace without network); where the
    #: kernel refuses, the launcher falls back to walking the process tree
    namespaces: bool = True

    def reachable(self) -> tuple[str, ...]:
        return self.read_write + self.read_only

    def can_reach(self, path: str) -> bool:
        """True when ``path`` is in or below a reachable place, or leads to one (``cd /`` is fine)."""
        real = os.path.realpath(path)
        return any(within(real, root) or within(root, real) for root in self.reachable())

    def spec(self, tmpdir: str, grace: float) -> dict[str, object]:
        """The launcher's instructions (JSON), the private temporary directory included."""
        return {"landlock": self.landlock, "read_write": [*self.read_write, tmpdir],
                "read_only": list(self.read_only), "network": self.network, "memory": self.memory,
                "cpu": self.cpu, "grace": grace, "parent": os.getpid(), "namespaces": self.namespaces}


def confinement_for(config: ShellConfig, workspace: Path, app=None, mode: ShellMode | None = None) -> Confinement:
    """The confinement of a command run in ``workspace`` under ``config``."""
    mode = mode or shell_mode(config)
    memory = max(config.memory_limit, 0) * 1024 * 1024
    cpu = math.ceil(config.cpu_limit if config.cpu_limit > 0 else config.timeout)
    namespaces = kernel_namespaces()[0]
    if not mode.confined:
        return Confinement(network=config.network, memory=memory, cpu=cpu, namespaces=namespaces)
    places = protected_places(app, workspace)
    real_workspace = os.path.realpath(workspace)
    for place in places:
        if place.what != "other tasks' workspaces" and within(place.path, real_workspace):
            raise ToolError(f"the workspace {real_workspace} contains {place.what}, which commands must not "
                            "reach; set [workspace] root to a directory of its own")
    read_only, _ = readable_paths(config, places)
    devices = tuple(d for d in DEVICES if os.path.exists(d))
    return Confinement(landlock=mode.landlock, read_write=(real_workspace, *devices), read_only=tuple(read_only),
                       network=config.network, memory=memory, cpu=cpu, namespaces=namespaces)
